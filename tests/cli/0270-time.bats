#!/usr/bin/env bats
# The time rule (issue 10): a record's history events and notes are in time
# order. A write whose clock is earlier than the record's last event or
# note is refused, naming both times; nothing is written. A move backdated
# on purpose with --at lands in time order, and phase, phase_since and
# manager follow the history, as the merge computes them. preg check
# accepts every record preg wrote.
#
# The fixture: romashka (ООО «Ромашка»), manager ivanov:
#   2026-10-01T09:12  added, phase 1 (research)
#   2026-10-20T16:40  phase 3 (presentation)
#   2026-10-25T12:00  a note: its last entry
# and acme, added on 2026-10-01T09:12 in phase 1 with nothing after.

load helper

T0=2026-10-01T09:12:00+05:00
T3=2026-10-20T16:40:00+05:00
TN=2026-10-25T12:00:00+05:00
NOW=2026-11-02T10:15:00+05:00
BEHIND=2026-10-24T09:00:00+05:00

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	PREG_NOW=$T0 "$PREG" -C "$P" client add "ООО «Ромашка»" --id romashka >/dev/null
	PREG_NOW=$T0 "$PREG" -C "$P" client add Acme >/dev/null
	PREG_NOW=$T3 "$PREG" -C "$P" phase set romashka 3 -m "presentation to the director" >/dev/null
	PREG_NOW=$TN "$PREG" -C "$P" note romashka "called the director: wants a quotation" >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
}

rec() {
	printf '%s/%s' "$R" "$(record_path "$1")"
}

# behind ARGS...: preg ARGS with the clock behind romashka's last entry is
# refused with the one message; no commit, no file changed.
behind() {
	local before
	before=$(cat "$(rec romashka)")
	PREG_NOW=$BEHIND run --separate-stderr preg -C "$R" "$@"
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: the clock is behind: it says $BEHIND, but the last entry of client 'romashka' is at $TN"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	same "$(cat "$(rec romashka)")" "$before"
	assert_clean
}

# The history and notes lines of a record.
entries() {
	sed -n '/^history:/,$p' "$(rec "$1")"
}

@test "a clock behind the last entry: phase set, phase next and note are refused, naming both times" {
	behind phase set romashka 4
	behind phase next romashka
	behind note romashka "called back"
	behind note romashka "called back" --channel call --next 2026-11-10
}

@test "a clock behind the last entry: hold, unhold, a manager change, reassign and edit are refused" {
	behind client hold romashka --until 2026-12-01 --reason "the director is on holiday"
	behind client set romashka manager=petrov
	behind client reassign --from ivanov --to petrov
	behind client reassign --from ivanov --to petrov romashka
	# An edit that changes the manager adds an event: refused too.
	printf '#!/bin/sh\nsed -i "s/^manager: ivanov/manager: petrov/" "$1"\n' >"$BATS_TEST_TMPDIR/ed"
	chmod +x "$BATS_TEST_TMPDIR/ed"
	TMPDIR=$BATS_TEST_TMPDIR EDITOR=$BATS_TEST_TMPDIR/ed PREG_NOW=$BEHIND run --separate-stderr preg -C "$R" client edit romashka
	[ "$status" -eq 1 ]
	# Editing again would not help: the text is kept instead.
	same "${stderr_lines[0]}" "preg: error: the clock is behind: it says $BEHIND, but the last entry of client 'romashka' is at $TN"
	[[ ${stderr_lines[1]} == "preg: your text is kept in "*.yaml ]]
	[ "${#stderr_lines[@]}" -eq 2 ]
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	grep -qx 'manager: ivanov' "$(rec romashka)"
	# Unhold: first a hold at the right time, then the clock goes back.
	PREG_NOW=$NOW preg -C "$R" client hold romashka --until 2026-12-01 --reason "holiday"
	head0=$(git -C "$R" rev-parse HEAD)
	PREG_NOW=2026-11-01T09:00:00+05:00 run --separate-stderr preg -C "$R" client unhold romashka
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: the clock is behind: it says 2026-11-01T09:00:00+05:00, but the last entry of client 'romashka' is at $NOW"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}

@test "reassign with a clock behind one client's last entry moves none of them" {
	PREG_NOW=$BEHIND run --separate-stderr preg -C "$R" client reassign --from ivanov --to petrov
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: the clock is behind: it says $BEHIND, but the last entry of client 'romashka' is at $TN"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	grep -qx 'manager: ivanov' "$(rec acme)"
}

@test "a write that adds no event or note is not held back by the clock" {
	PREG_NOW=$BEHIND run --separate-stderr preg -C "$R" client set romashka fields.cargo=steel
	[ "$status" -eq 0 ]
	same "$stderr" ""
	grep -qx '  cargo: steel' "$(rec romashka)"
	same "$(commits)" "$(($(git -C "$R" rev-list --count "$head0") + 1))"
}

@test "a clock at the very second of the last entry, or an instant later in another offset, writes" {
	PREG_NOW=$TN run --separate-stderr preg -C "$R" note romashka "the same second"
	[ "$status" -eq 0 ]
	# 2026-10-25T07:30:00Z is 12:30 at +05:00: later.
	PREG_NOW=2026-10-25T07:30:00Z run --separate-stderr preg -C "$R" note romashka "from a laptop in UTC"
	[ "$status" -eq 0 ]
	# 06:59:59Z is 11:59:59 at +05:00: a second before the last entry.
	PREG_NOW=2026-10-25T06:59:59Z run --separate-stderr preg -C "$R" note romashka "too early"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: the clock is behind: it says 2026-10-25T06:59:59+00:00, but the last entry of client 'romashka' is at 2026-10-25T07:30:00+00:00"
	run --separate-stderr preg -C "$R" check
	[ "$status" -eq 0 ]
	same "$output" ""
}

@test "--at backdated into the middle of the history: the move lands in time order, the phase follows the history" {
	run --separate-stderr preg -C "$R" phase set romashka 2 --at 2026-10-10 -m "found the director"
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "romashka: 1 -> 2 (decision-maker) at 2026-10-10T00:00:00+05:00; since a later move it is in 3 (presentation)"
	same "$(entries romashka)" "history:
  - {at: $T0, by: ivanov, phase: 1, manager: ivanov}
  - {at: 2026-10-10T00:00:00+05:00, by: ivanov, phase: 2, note: found the director}
  - {at: $T3, by: ivanov, phase: 3, note: presentation to the director}
notes:
  - {at: $TN, by: ivanov, text: \"called the director: wants a quotation\"}"
	grep -qx 'phase: 3' "$(rec romashka)"
	grep -qx "phase_since: $T3" "$(rec romashka)"
	same "$(git -C "$R" rev-list --count "$head0"..HEAD)" 1
	same "$(git -C "$R" log -1 --format=%s)" "phase: romashka 1 -> 2 (decision-maker)"
	assert_clean
	run --separate-stderr preg -C "$R" check
	[ "$status" -eq 0 ]
	same "$output" ""
	# verify: every entry the record had is kept, in its order; the move
	# was added between them.
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 0 ]
	[[ $output == "verified "* ]]
	# The reports see the stint: reached 2 on 10-10, 3 on 10-20.
	run --separate-stderr preg -C "$R" report register --format tsv
	same "$(printf '%s\n' "$output" | awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } $1 == "romashka" { print $c["phase"], $c["reached_research"], $c["reached_decision-maker"], $c["reached_presentation"] }')" \
		"3 2026-10-01 2026-10-10 2026-10-20"
}

@test "--at between the last move and the last note: the move lands before the note and is the phase" {
	run --separate-stderr preg -C "$R" phase set romashka 4 --at 2026-10-22T11:00:00+05:00
	[ "$status" -eq 0 ]
	same "$output" "romashka: 3 -> 4 (request)"
	grep -qx 'phase: 4' "$(rec romashka)"
	grep -qx 'phase_since: 2026-10-22T11:00:00+05:00' "$(rec romashka)"
	same "$(entries romashka | sed -n 4p)" "  - {at: 2026-10-22T11:00:00+05:00, by: ivanov, phase: 4}"
	run preg -C "$R" check
	[ "$status" -eq 0 ]
}

@test "--at: the rules of the move are those of the phase the client was in at that time" {
	# On 2026-10-10 romashka was in phase 1.
	run --separate-stderr preg -C "$R" phase set romashka 1 --at 2026-10-10
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'romashka' was already in phase 1 (research) at 2026-10-10T00:00:00+05:00"
	# Ending the collaboration then still needs a reason.
	run --separate-stderr preg -C "$R" phase set romashka 11 --at 2026-10-10
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: phase 11 (ended) ends the collaboration: say why with --reason"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}

@test "--at before the client was created is refused" {
	run --separate-stderr preg -C "$R" phase set romashka 2 --at 2026-09-30
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: --at 2026-09-30 is before client 'romashka' was created ($T0)"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}

@test "a backdated manager history: the manager follows the last manager event" {
	# petrov took acme on 10-15 (now), ivanov's move backdated to 10-10
	# does not change who manages it.
	PREG_NOW=2026-10-15T10:00:00+05:00 preg -C "$R" client set acme manager=petrov
	run --separate-stderr preg -C "$R" phase set acme 2 --at 2026-10-10
	[ "$status" -eq 0 ]
	grep -qx 'manager: petrov' "$(rec acme)"
	grep -qx 'phase: 2' "$(rec acme)"
	grep -qx 'phase_since: 2026-10-10T00:00:00+05:00' "$(rec acme)"
	run preg -C "$R" check
	[ "$status" -eq 0 ]
}

@test "check accepts every record a sequence of writes made, backdated ones included" {
	PREG_NOW=2026-10-26T09:00:00+05:00 preg -C "$R" phase next romashka -m "request"
	PREG_NOW=2026-10-27T09:00:00+05:00 preg -C "$R" client hold acme --until 2026-11-20 --reason "holiday"
	PREG_NOW=2026-10-28T09:00:00+05:00 preg -C "$R" client reassign --from ivanov --to petrov acme >/dev/null
	PREG_NOW=2026-10-29T09:00:00+05:00 preg -C "$R" phase set romashka 2 --at 2026-10-05 >/dev/null
	PREG_NOW=2026-10-30T09:00:00+05:00 preg -C "$R" note acme "still on holiday"
	PREG_NOW=2026-10-31T09:00:00+05:00 preg -C "$R" client unhold acme
	PREG_NOW=$NOW preg -C "$R" phase set acme 2 --at 2026-10-29T12:00:00+05:00 >/dev/null
	run --separate-stderr preg -C "$R" check
	[ "$status" -eq 0 ]
	same "$output$stderr" ""
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 0 ]
}
