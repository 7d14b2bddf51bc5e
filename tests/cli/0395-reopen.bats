#!/usr/bin/env bats
# Won back: phase set ID PHASE --reopen takes a client out of an ending
# phase as a reopening of its own (not a forced move): the history, the
# log, client show, report reasons and the funnel tell it apart.

load helper

# at TIME ARGS...: preg ARGS on the register at TIME.
at() {
	local t=$1
	shift
	PREG_NOW=$t "$PREG" -C "$R" "$@"
}

setup() {
	common_setup
	new_register
	at 2026-10-01T09:00:00+05:00 client add "ООО «Волга Тимбер»" --id volga-timber >/dev/null
	at 2026-10-01T09:00:00+05:00 client add "ООО «Акме Логистик»" --id akme >/dev/null
	at 2026-10-01T09:00:00+05:00 client add "АО «Бета Транс»" --id beta >/dev/null
	at 2026-10-02T09:00:00+05:00 phase set volga-timber 11 --reason "ушли к конкуренту" >/dev/null
	at 2026-10-03T09:00:00+05:00 phase set akme 11 --reason "ушли к конкуренту" >/dev/null
	at 2026-10-03T09:00:00+05:00 phase set beta 11 --reason "закрылись" >/dev/null
	export PREG_NOW=2026-10-05T09:00:00+05:00
}

@test "--reopen takes an ended client back: a reopening in the history, no --force" {
	head0=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" phase set volga-timber 10 --reopen -m "came back after a year"
	[ "$status" -eq 0 ]
	same "$output" "volga-timber: 11 -> 10 (next-request), reopened"
	# One commit, saying so.
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
	same "$(git -C "$R" log -1 --format=%s)" "phase: volga-timber 11 -> 10 (next-request) reopened"
	# The event is a reopening, not a forced move; the end reason goes.
	run preg -C "$R" client show volga-timber --format yaml
	[[ "$output" == *"{at: 2026-10-05T09:00:00+05:00, by: ivanov, phase: 10, reopen: true, note: came back after a year}"* ]]
	[[ "$output" != *"force: true"* ]]
	[[ "$output" != *"end_reason:"* ]]
	run preg -C "$R" client show volga-timber
	[[ "$output" == *"phase 10 next-request  (reopened)  \"came back after a year\""* ]]
	run preg -C "$R" client show volga-timber --format json
	[[ "$output" == *'"phase":10,"reopen":true,'* ]]
	# The log says reopened.
	run preg -C "$R" log volga-timber --format tsv
	same "$(sed -n 2p <<<"$output" | cut -f 5,6)" "phase	phase 11 (ended) -> 10 (next-request), reopened; end_reason: ушли к конкуренту -> (none)"
	run preg -C "$R" verify
	[ "$status" -eq 0 ]
	run preg -C "$R" check
	[ "$status" -eq 0 ]
}

@test "--reopen is refused out of a phase that does not end, and into one that ends" {
	at 2026-10-04T09:00:00+05:00 phase set beta 6 --reopen >/dev/null
	head0=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" phase set beta 5 --reopen
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'beta' is in phase 6 (quotation), which does not end the collaboration: nothing to reopen"
	run --separate-stderr preg -C "$R" phase set akme 12 --reopen
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: phase 12 (analysis) ends the collaboration too: --reopen goes to one that does not"
	# Without it, the refusal says what to use.
	run --separate-stderr preg -C "$R" phase set akme 6
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'akme' ended in phase 11 (ended): take it to 6 (quotation) with --reopen (won back)"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
	# A forced move stays a forced move.
	run --separate-stderr preg -C "$R" phase set akme 6 --force
	[ "$status" -eq 0 ]
	same "$(git -C "$R" log -1 --format=%s)" "phase: akme 11 -> 6 (quotation) forced"
}

@test "report reasons and the funnel count the reopenings" {
	# volga-timber and akme ended for the competitor, beta closed; beta
	# is won back on the 4th and ends again on the 6th, volga-timber is
	# won back on the 5th and stays.
	at 2026-10-04T09:00:00+05:00 phase set beta 10 --reopen >/dev/null
	at 2026-10-05T09:00:00+05:00 phase set volga-timber 6 --reopen >/dev/null
	at 2026-10-06T09:00:00+05:00 phase set beta 11 --reason "закрылись" >/dev/null
	export PREG_NOW=2026-10-07T09:00:00+05:00
	# Ended now: akme and beta, one each (50 %); each reason had one
	# client won back.
	run --separate-stderr preg -C "$R" report reasons
	[ "$status" -eq 0 ]
	same "$(sort <<<"$output")" "$(sort <<<"reason	clients	percent	reopened
закрылись	1	50.0	1
ушли к конкуренту	1	50.0	1")"
	# As it stood on the 4th: three had ended, beta was back.
	run --separate-stderr preg -C "$R" report reasons --as-of 2026-10-04
	same "$(sort <<<"$output")" "$(sort <<<"reason	clients	percent	reopened
закрылись	0	0.0	1
ушли к конкуренту	2	100.0	0")"
	# The funnel's period: 11 was entered 4 times (beta twice), left
	# twice, both by a reopening; the ends came from 1 (three) and 10.
	run --separate-stderr preg -C "$R" report funnel --since 2026-10-01
	[ "$status" -eq 0 ]
	same "$(head -1 <<<"$output" | cut -f 8-)" "entered	moved_in	moved_out	ended	reopened"
	same "$(awk -F '\t' '$1 == 1 || $1 == 6 || $1 == 10 || $1 == 11 { print $1, $8, $9, $10, $11, $12 }' <<<"$output")" "1 3 0 3 3 0
6 1 1 0 0 0
10 1 1 1 1 0
11 4 4 2 0 2"
	run --separate-stderr preg -C "$R" report funnel --since 2026-10-05
	same "$(awk -F '\t' '$1 == 11 { print $8, $10, $12 }' <<<"$output")" "1 1 1"
}
