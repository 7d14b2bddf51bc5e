#!/usr/bin/env bats
# preg diff [REV [REV]] [--since D] [--until D]: what changed between two
# states of the register, record by record, in words.

load helper

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	PREG_NOW=2026-01-10T10:00:00+05:00 "$PREG" init "$P" >/dev/null
	PREG_NOW=2026-01-11T10:00:00+05:00 "$PREG" -C "$P" client add "Acme Ltd" --id acme --field cargo=steel >/dev/null
	PREG_NOW=2026-02-01T10:00:00+05:00 "$PREG" -C "$P" client add Romashka --id romashka >/dev/null
	PREG_NOW=2026-02-15T10:00:00+05:00 "$PREG" -C "$P" phase set acme quotation -m "rates sent" >/dev/null
	PREG_NOW=2026-03-01T10:00:00+05:00 "$PREG" -C "$P" note acme "asked for a discount" --channel call --next 2026-03-10 >/dev/null
	PREG_NOW=2026-03-02T10:00:00+05:00 "$PREG" -C "$P" client set acme fields.cargo=pipes >/dev/null
	PREG_NOW=2026-03-03T10:00:00+05:00 "$PREG" -C "$P" client reassign --from ivanov --to petrov acme >/dev/null
	PREG_NOW=2026-03-04T10:00:00+05:00 "$PREG" -C "$P" client rm romashka >/dev/null
	PREG_NOW=2026-03-05T10:00:00+05:00 "$PREG" -C "$P" client add Vasilek --id vasilek >/dev/null
}

setup() {
	common_setup
	R=$BATS_FILE_TMPDIR/pristine
}

@test "diff alone explains the last commit" {
	run --separate-stderr preg -C "$R" diff
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "added    vasilek (Vasilek): phase 1 (research), manager ivanov"
}

@test "diff --since explains everything from that day on, record by record" {
	run --separate-stderr preg -C "$R" diff --since 2026-03-01
	[ "$status" -eq 0 ]
	same "$output" "changed  acme (Acme Ltd)
  manager ivanov -> petrov
  next_contact: (none) -> 2026-03-10
  fields.cargo: steel -> pipes
  note added: call: asked for a discount
removed  romashka (Romashka)
added    vasilek (Vasilek): phase 1 (research), manager ivanov"
}

@test "diff --since --until: what the changes made in those days did" {
	run preg -C "$R" diff --since 2026-02-01 --until 2026-02-15
	[ "$status" -eq 0 ]
	same "$output" "changed  acme (Acme Ltd)
  phase 1 (research) -> 6 (quotation)
added    romashka (Romashka): phase 1 (research), manager ivanov"
	# Before the register began: from nothing.
	run preg -C "$R" diff --since 2025-12-01 --until 2026-01-11
	same "$output" "added    acme (Acme Ltd): phase 1 (research), manager ivanov"
}

@test "diff REV and diff REV REV" {
	run preg -C "$R" diff HEAD~2 HEAD~1
	[ "$status" -eq 0 ]
	same "$output" "removed  romashka (Romashka)"
	run preg -C "$R" diff HEAD~1
	same "$output" "added    vasilek (Vasilek): phase 1 (research), manager ivanov"
	run preg -C "$R" diff "$(git -C "$R" rev-parse HEAD~6)" HEAD~5
	same "$output" "changed  acme (Acme Ltd)
  phase 1 (research) -> 6 (quotation)"
	run --separate-stderr preg -C "$R" diff HEAD HEAD
	[ "$status" -eq 0 ]
	same "$output" ""
}

@test "diff --since: a change and its undo in the period show nothing" {
	cp -a "$R" "$BATS_TEST_TMPDIR/reg"
	local D=$BATS_TEST_TMPDIR/reg
	PREG_NOW=2026-03-06T10:00:00+05:00 preg -C "$D" phase set vasilek presentation >/dev/null
	PREG_NOW=2026-03-06T11:00:00+05:00 preg -C "$D" note acme "звонок" >/dev/null
	PREG_NOW=2026-03-07T10:00:00+05:00 preg -C "$D" client set vasilek name="ООО «Василёк»" >/dev/null
	PREG_USER=ivanov PREG_NOW=2026-03-07T11:00:00+05:00 preg -C "$D" undo >/dev/null
	run --separate-stderr preg -C "$D" diff --since 2026-03-06
	[ "$status" -eq 0 ]
	same "$output" "changed  acme (Acme Ltd)
  note added: звонок
changed  vasilek (Vasilek)
  phase 1 (research) -> 3 (presentation)"
	run --separate-stderr preg -C "$D" diff --since 2026-03-07
	same "$output" ""
}

@test "diff of a move placed before the last one (--at) names the record and the event" {
	cp -a "$R" "$BATS_TEST_TMPDIR/reg"
	local D=$BATS_TEST_TMPDIR/reg
	PREG_NOW=2026-03-06T10:00:00+05:00 preg -C "$D" phase set vasilek presentation >/dev/null
	PREG_NOW=2026-03-07T10:00:00+05:00 preg -C "$D" phase set vasilek decision-maker --force \
		--at 2026-03-05T12:00:00+05:00 >/dev/null
	# The phase is 3 still: the only change is the event before the last.
	grep -qx 'phase: 3' "$D/$(record_path vasilek)"
	same "$(git -C "$D" diff --name-only HEAD~1 HEAD)" "$(record_path vasilek)"
	run --separate-stderr preg -C "$D" diff HEAD~1 HEAD
	[ "$status" -eq 0 ]
	same "$output" "changed  vasilek (Vasilek)
  event: phase: 2 (at 2026-03-05T12:00:00+05:00)"
	run --separate-stderr preg -C "$D" log vasilek --format tsv
	same "$(sed -n 2p <<<"$output" | cut -f 5,6)" "phase	event: phase: 2 (at 2026-03-05T12:00:00+05:00)"
}

@test "diff refuses bad revisions, dates and combinations" {
	run --separate-stderr preg -C "$R" diff nosuch
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: unknown revision 'nosuch'"
	run --separate-stderr preg -C "$R" diff HEAD^{tree}
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: revision 'HEAD^{tree}' is not a commit"
	# No change was made then: nothing to say.
	run --separate-stderr preg -C "$R" diff --since 2024-01-01 --until 2025-01-01
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$stderr" ""
	run --separate-stderr preg -C "$R" diff --until 2026-03-01
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: --until needs --since"
	run --separate-stderr preg -C "$R" diff HEAD --since 2026-03-01
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: give revisions or --since/--until, not both"
	run --separate-stderr preg -C "$R" diff --since 2026-03-02 --until 2026-03-01
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: --until 2026-03-01 is before --since 2026-03-02"
	run --separate-stderr preg -C "$R" diff --since "next fri"
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: --since: invalid date 'next fri' (ambiguous: a weekday alone such as fri is the next one)"
	run --separate-stderr preg -C "$R" diff a b c
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: too many arguments (at most two revisions)"
}
