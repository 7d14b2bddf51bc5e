#!/usr/bin/env bats
# The time rule across clones (issue 10): the merge keeps history and notes
# in time order and takes phase, phase_since and manager from the merged
# history, exactly as each writer does locally. So a move backdated on one
# clone does not change the phase after a sync, a clock behind the record
# is refused before it can write an entry the merge would reorder, and both
# clones end with the one record.

load helper
load sync

T0=2026-10-01T09:12:00+05:00
T3=2026-10-20T16:40:00+05:00
TA=2026-10-26T11:00:00+05:00

setup() {
	sync_setup
}

# A bare remote, A made with init --remote and B cloned from it; romashka
# added on T0 and moved to phase 3 on T3, both on A.
shared() {
	git init -q --bare "$REMOTE"
	preg init --remote "$REMOTE" "$A" >/dev/null
	PREG_NOW=$T0 preg -C "$A" client add "ООО «Ромашка»" --id romashka >/dev/null
	PREG_NOW=$T3 preg -C "$A" phase set romashka 3 >/dev/null
	preg -C "$A" sync >/dev/null
	preg clone "$REMOTE" "$B" >/dev/null
}

rec() {
	cat "$1/$(record_path romashka)"
}

@test "a move backdated on one clone lands in order on both; the phase stays the latest move's" {
	shared
	PREG_NOW=$TA preg -C "$A" note romashka "A's call: wants a quotation"
	preg -C "$A" sync >/dev/null
	run --separate-stderr preg -C "$B" phase set romashka 2 --at 2026-10-10 -m "found the director"
	[ "$status" -eq 0 ]
	same "$output" "romashka: 1 -> 2 (decision-maker) at 2026-10-10T00:00:00+05:00; since a later move it is in 3 (presentation)"
	local mine
	mine=$(rec "$B")
	preg -C "$B" sync >/dev/null
	preg -C "$A" sync >/dev/null
	# Both clones hold one record: B's own result plus A's note.
	same "$(rec "$A")" "$(rec "$B")"
	same "$(rec "$B" | grep -v '^notes:\|text:')" "$mine"
	grep -qx 'phase: 3' "$A/$(record_path romashka)"
	grep -qx "phase_since: $T3" "$A/$(record_path romashka)"
	same "$(rec "$A" | sed -n '/^history:/,$p')" "history:
  - {at: $T0, by: ivanov, phase: 1, manager: ivanov}
  - {at: 2026-10-10T00:00:00+05:00, by: ivanov, phase: 2, note: found the director}
  - {at: $T3, by: ivanov, phase: 3}
notes:
  - {at: $TA, by: ivanov, text: \"A's call: wants a quotation\"}"
	run --separate-stderr preg -C "$A" check
	[ "$status" -eq 0 ]
	same "$output$stderr" ""
	run --separate-stderr preg -C "$B" check
	[ "$status" -eq 0 ]
	same "$output$stderr" ""
	run --separate-stderr preg -C "$A" verify
	[ "$status" -eq 0 ]
	run --separate-stderr preg -C "$B" verify
	[ "$status" -eq 0 ]
}

@test "a clock behind on one clone is refused; after the syncs the phase has not gone back" {
	shared
	run --separate-stderr env PREG_NOW=2026-10-19T10:00:00+05:00 "$PREG" -C "$B" phase set romashka 4
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: the clock is behind: it says 2026-10-19T10:00:00+05:00, but the last entry of client 'romashka' is at $T3"
	PREG_NOW=$TA preg -C "$A" note romashka "A's call"
	preg -C "$A" sync >/dev/null
	preg -C "$B" sync >/dev/null
	grep -qx 'phase: 3' "$B/$(record_path romashka)"
	grep -qx "phase_since: $T3" "$B/$(record_path romashka)"
	! grep -q 'phase: 4' "$B/$(record_path romashka)"
	# With the clock right, the move is made and survives the syncs.
	PREG_NOW=2026-11-02T10:15:00+05:00 preg -C "$B" phase set romashka 4 >/dev/null
	preg -C "$B" sync >/dev/null
	preg -C "$A" sync >/dev/null
	same "$(rec "$A")" "$(rec "$B")"
	grep -qx 'phase: 4' "$A/$(record_path romashka)"
	run preg -C "$A" check
	[ "$status" -eq 0 ]
}

@test "the merge driver of a plain git pull orders a backdated move the same way" {
	shared
	PREG_NOW=$TA preg -C "$A" note romashka "A's call"
	preg -C "$A" sync >/dev/null
	preg -C "$B" phase set romashka 2 --at 2026-10-10 >/dev/null
	local mine
	mine=$(rec "$B")
	git -C "$B" pull -q --no-rebase --no-edit origin main
	grep -qx 'phase: 3' "$B/$(record_path romashka)"
	same "$(rec "$B" | grep -v '^notes:\|text:')" "$mine"
	run preg -C "$B" check
	[ "$status" -eq 0 ]
}
