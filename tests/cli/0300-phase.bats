#!/usr/bin/env bats
# preg phase list / set / next: the phases, moves by number and key, the
# rules (same phase, going back, reversible phases, ending phases and their
# reason, requires), -m, --at, and the commit each move makes.
#
# Fixture clients, all added on T0 = 2026-10-01T09:12:00+05:00:
#   acme (1 research), quote (6 quotation), proc (5 processing),
#   nextreq (10 next-request), gone (11 ended since 2026-10-10, with a reason).

load helper

T0=2026-10-01T09:12:00+05:00
NOW=2026-11-02T10:15:00+05:00

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	add() { PREG_NOW=$T0 "$PREG" -C "$P" client add "$@" >/dev/null; }
	add "Acme Ltd" --id acme
	add Quote --phase quotation
	add Proc --phase 5
	add Nextreq --phase 10
	add Gone --phase 10
	PREG_NOW=2026-10-10T10:00:00+05:00 "$PREG" -C "$P" phase set gone 11 --reason "moved to a competitor" >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
}

# The path of a client's record.
rec() {
	printf '%s/%s' "$R" "$(record_path "$1")"
}

# moved ID SUMMARY TRAILER: one commit on top, with that message, touching
# the record alone; the work tree clean.
moved() {
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
	same "$(last_message)" "$2

Preg-Client: $1
Preg-Action: phase
Preg-Phase: $3
Preg-User: $PREG_USER"
	same "$(git -C "$R" show --name-status --format= HEAD)" "M	$(record_path "$1")"
	assert_clean
}

# refused MESSAGE ARGS...: phase ARGS fails with exit 1 and that exact
# message; no commit, no file changed.
refused() {
	local msg=$1
	shift
	run --separate-stderr preg -C "$R" phase "$@"
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "$msg"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

# The last history event of a client.
last_event() {
	grep '^  - {at:' "$(rec "$1")" | tail -1
}

@test "phase list: tsv (the default when piped) with the stable columns" {
	run --separate-stderr preg -C "$R" phase list
	[ "$status" -eq 0 ]
	same "$stderr" ""
	[ "${#lines[@]}" -eq 13 ]
	same "${lines[0]}" "id	key	name	color	stale_after	reversible	ending	requires"
	same "${lines[1]}" "1	research	search for general information about the client	#9e9e9e	14d	false	false	"
	same "$(printf '%s\n' "${lines[@]:1}" | cut -f8 | sort -u)" ""
	run --separate-stderr preg -C "$R" phase list --format tsv
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 13 ]
}

@test "phase list --format json" {
	run --separate-stderr preg -C "$R" phase list --format json
	[ "$status" -eq 0 ]
	printf '%s' "$output" | python3 -m json.tool >/dev/null
	got=$(printf '%s' "$output" | python3 -c '
import json, sys
ph = json.load(sys.stdin)
print(len(ph), " ".join(sorted(ph[0])))
print([p["id"] for p in ph] == list(range(1, 13)))
print(" ".join(p["key"] for p in ph if p["reversible"] is True))
print(" ".join(p["key"] for p in ph if p["ending"] is True))
print(ph[0]["stale_after"], ph[11]["stale_after"], ph[6]["name"])
')
	same "$got" "12 color ending id key name requires reversible stale_after
True
request processing quotation contract next-request
ended analysis
14d None contract conclusion"
}

@test "phase list shows what a phase requires" {
	sed -i 's/^    key: decision-maker$/&\n    requires: [contacts, fields.direction]/' "$R/preg.yaml"
	git -C "$R" commit -qam "requires"
	run --separate-stderr preg -C "$R" phase list --format tsv
	[ "$status" -eq 0 ]
	same "$(printf '%s\n' "${lines[2]}" | cut -f2,8)" "decision-maker	contacts,fields.direction"
	# In JSON a list is an array, empty when nothing is required.
	run --separate-stderr preg -C "$R" phase list --format json
	same "$(python3 -c 'import json,sys; p=json.load(sys.stdin); print(p[1]["requires"], p[0]["requires"])' <<<"$output")" \
		"['contacts', 'fields.direction'] []"
}

@test "phase list: bad format or arguments are usage errors" {
	run --separate-stderr preg -C "$R" phase list --format xml
	[ "$status" -eq 2 ]
	same "$output" ""
	same "$stderr" "preg: unknown format 'xml' (table, tsv, csv or json)
usage: preg phase list [--format table|tsv|csv|json]"
	run --separate-stderr preg -C "$R" phase list extra
	[ "$status" -eq 2 ]
	same "$stderr" "preg: too many arguments
usage: preg phase list [--format table|tsv|csv|json]"
}

@test "set by number: the record, the history event and the commit" {
	run --separate-stderr preg -C "$R" phase set acme 2
	[ "$status" -eq 0 ]
	same "$output" "acme: 1 -> 2 (decision-maker)"
	same "$stderr" ""
	diff -u - "$(rec acme)" <<EOF
id: acme
name: Acme Ltd
kind: external
manager: ivanov
phase: 2
phase_since: $NOW
created: $T0
history:
  - {at: $T0, by: ivanov, phase: 1, manager: ivanov}
  - {at: $NOW, by: ivanov, phase: 2}
EOF
	moved acme "phase: acme 1 -> 2 (decision-maker)" "1 -> 2"
	same "$(git -C "$R" log -1 --format='%an <%ae>|%aI')" "Test User <test@example.com>|$NOW"
	assert_fsck
}

@test "set by key: quotation to contract" {
	run --separate-stderr preg -C "$R" phase set quote contract
	[ "$status" -eq 0 ]
	same "$output" "quote: 6 -> 7 (contract)"
	grep -qx 'phase: 7' "$(rec quote)"
	same "$(last_event quote)" "  - {at: $NOW, by: ivanov, phase: 7}"
	moved quote "phase: quote 6 -> 7 (contract)" "6 -> 7"
}

@test "the days in phase start again after a move" {
	preg -C "$R" phase set acme 2 >/dev/null
	run preg -C "$R" client show acme --format json
	same "$(printf '%s' "$output" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["phase"], r["days_in_phase"], r["phase_since"])')" "2 0 $NOW"
}

@test "the acting user is the 'by' of the event" {
	PREG_USER=smirnov run --separate-stderr preg -C "$R" phase set acme 2
	[ "$status" -eq 0 ]
	same "$(last_event acme)" "  - {at: $NOW, by: smirnov, phase: 2}"
	grep -qx 'manager: ivanov' "$(rec acme)"
}

@test "the same phase is refused" {
	refused "preg: error: client 'acme' is already in phase 1 (research)" set acme 1
	refused "preg: error: client 'quote' is already in phase 6 (quotation)" set quote quotation
}

@test "going back from a phase that is not reversible is refused without --force" {
	preg -C "$R" phase set acme 3 >/dev/null
	head0=$(git -C "$R" rev-parse HEAD)
	refused "preg: error: client 'acme' cannot go back from phase 3 (presentation) to 2 (decision-maker) without --force" set acme 2
}

@test "going back with --force is recorded as forced: force: true" {
	preg -C "$R" phase set acme 3 >/dev/null
	head0=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" phase set acme research --force
	[ "$status" -eq 0 ]
	same "$output" "acme: 3 -> 1 (research)"
	same "$(last_event acme)" "  - {at: $NOW, by: ivanov, phase: 1, force: true}"
	grep -qx 'phase: 1' "$(rec acme)"
	moved acme "phase: acme 3 -> 1 (research) forced" "3 -> 1"
	# The record still parses and shows the forced move.
	run preg -C "$R" client show acme
	[ "$status" -eq 0 ]
	same "${lines[-1]}" "    $NOW  ivanov  phase 1 research  (forced)"
}

@test "going back from a reversible phase needs no --force" {
	run --separate-stderr preg -C "$R" phase set proc request
	[ "$status" -eq 0 ]
	same "$output" "proc: 5 -> 4 (request)"
	same "$(last_event proc)" "  - {at: $NOW, by: ivanov, phase: 4}"
	moved proc "phase: proc 5 -> 4 (request)" "5 -> 4"
}

@test "a reversible phase may go back to any earlier phase; 10 is reversible too" {
	run --separate-stderr preg -C "$R" phase set quote 2
	[ "$status" -eq 0 ]
	same "$(last_event quote)" "  - {at: $NOW, by: ivanov, phase: 2}"
	run --separate-stderr preg -C "$R" phase set nextreq first-carriage
	[ "$status" -eq 0 ]
	same "$output" "nextreq: 10 -> 9 (first-carriage)"
	same "$(last_event nextreq)" "  - {at: $NOW, by: ivanov, phase: 9}"
	[ "$(commits)" -eq $(($(git -C "$R" rev-list --count "$head0") + 2)) ]
}

@test "an ending phase needs --reason" {
	refused "preg: error: phase 11 (ended) ends the collaboration: say why with --reason" set nextreq 11
	refused "preg: error: phase 12 (analysis) ends the collaboration: say why with --reason" set nextreq analysis
}

@test "an ending phase with --reason sets end_reason" {
	run --separate-stderr preg -C "$R" phase set nextreq ended --reason "moved to a competitor" -m "they told us on the phone"
	[ "$status" -eq 0 ]
	same "$output" "nextreq: 10 -> 11 (ended)"
	diff -u - "$(rec nextreq)" <<EOF
id: nextreq
name: Nextreq
kind: external
manager: ivanov
phase: 11
phase_since: $NOW
end_reason: moved to a competitor
created: $T0
history:
  - {at: $T0, by: ivanov, phase: 10, manager: ivanov}
  - {at: $NOW, by: ivanov, phase: 11, reason: moved to a competitor, note: they told us on the phone}
EOF
	moved nextreq "phase: nextreq 10 -> 11 (ended)" "10 -> 11"
}

@test "from one ending phase to the next no reason is needed; end_reason stays" {
	run --separate-stderr preg -C "$R" phase set gone analysis
	[ "$status" -eq 0 ]
	same "$output" "gone: 11 -> 12 (analysis)"
	grep -qx 'end_reason: moved to a competitor' "$(rec gone)"
	same "$(last_event gone)" "  - {at: $NOW, by: ivanov, phase: 12}"
	moved gone "phase: gone 11 -> 12 (analysis)" "11 -> 12"
}

@test "moving out of an ending phase clears end_reason" {
	# 11 ends the collaboration: back needs --reopen (won back) or --force.
	refused "preg: error: client 'gone' ended in phase 11 (ended): take it to 10 (next-request) with --reopen (won back)" set gone 10
	run --separate-stderr preg -C "$R" phase set gone 10 --force -m "they came back"
	[ "$status" -eq 0 ]
	run grep -c '^end_reason:' "$(rec gone)"
	same "$output" "0"
	same "$(last_event gone)" "  - {at: $NOW, by: ivanov, phase: 10, force: true, note: they came back}"
	moved gone "phase: gone 11 -> 10 (next-request) forced" "11 -> 10"
}

@test "-m is kept as the event's note" {
	run --separate-stderr preg -C "$R" phase set acme 2 -m "found the director: Petrov"
	[ "$status" -eq 0 ]
	same "$(last_event acme)" "  - {at: $NOW, by: ivanov, phase: 2, note: \"found the director: Petrov\"}"
	run preg -C "$R" client show acme --format json
	same "$(printf '%s' "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)["history"][-1]["note"])')" "found the director: Petrov"
}

@test "--at a date: the move happened at the start of that day" {
	run --separate-stderr preg -C "$R" phase set acme 2 --at 2026-10-20
	[ "$status" -eq 0 ]
	grep -qx 'phase_since: 2026-10-20T00:00:00+05:00' "$(rec acme)"
	same "$(last_event acme)" "  - {at: 2026-10-20T00:00:00+05:00, by: ivanov, phase: 2}"
	moved acme "phase: acme 1 -> 2 (decision-maker)" "1 -> 2"
	# From 2026-10-20 to 2026-11-02: 11 + 2 = 13 days.
	run preg -C "$R" client show acme --format json
	same "$(printf '%s' "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)["days_in_phase"])')" "13"
	# The commit is made now.
	same "$(git -C "$R" log -1 --format=%aI)" "$NOW"
}

@test "--at a time" {
	run --separate-stderr preg -C "$R" phase set acme 2 --at 2026-10-20T16:40:00+05:00
	[ "$status" -eq 0 ]
	grep -qx 'phase_since: 2026-10-20T16:40:00+05:00' "$(rec acme)"
	same "$(last_event acme)" "  - {at: 2026-10-20T16:40:00+05:00, by: ivanov, phase: 2}"
}

@test "--at in the future is refused" {
	refused "preg: error: --at 2026-11-03 is in the future" set acme 2 --at 2026-11-03
	refused "preg: error: --at 2026-11-02T10:16:00+05:00 is in the future" set acme 2 --at 2026-11-02T10:16:00+05:00
	# The same instant in another offset is still in the future.
	refused "preg: error: --at 2026-11-02T05:16:00Z is in the future" set acme 2 --at 2026-11-02T05:16:00Z
}

@test "--at before the client was created is refused" {
	refused "preg: error: --at 2026-09-30 is before client 'acme' was created ($T0)" set acme 2 --at 2026-09-30
}

@test "--at before the client's last event is judged by the phase it was in then" {
	# On 2026-10-05 gone was in phase 10: going to 12 ends it, which needs
	# a reason (tests/cli/0270-time.bats has the rest of the rule).
	refused "preg: error: phase 12 (analysis) ends the collaboration: say why with --reason" set gone 12 --at 2026-10-05T00:00:00+05:00
}

@test "--at that is neither a date nor a time is refused, naming the forms" {
	refused "preg: error: --at: invalid time 'someday' (use HH:MM, a date with an optional HH:MM such as 'yesterday 16:30' or '25.11.2026 09:00', or 2026-11-25T16:30:00+05:00)" set acme 2 --at someday
	refused "preg: error: --at: invalid time '2026-02-30' (February 2026 has 28 days)" set acme 2 --at 2026-02-30
	refused "preg: error: --at: invalid time 'yesterday 24:00' (hours 0 to 23, minutes 00 to 59)" set acme 2 --at "yesterday 24:00"
}

@test "phase next moves to the following phase" {
	run --separate-stderr preg -C "$R" phase next acme -m "next step"
	[ "$status" -eq 0 ]
	same "$output" "acme: 1 -> 2 (decision-maker)"
	same "$(last_event acme)" "  - {at: $NOW, by: ivanov, phase: 2, note: next step}"
	moved acme "phase: acme 1 -> 2 (decision-maker)" "1 -> 2"
}

@test "phase next into an ending phase needs --reason" {
	refused "preg: error: phase 11 (ended) ends the collaboration: say why with --reason" next nextreq
	run --separate-stderr preg -C "$R" phase next nextreq --reason "no more cargo"
	[ "$status" -eq 0 ]
	same "$output" "nextreq: 10 -> 11 (ended)"
	grep -qx 'end_reason: no more cargo' "$(rec nextreq)"
}

@test "phase next from the last phase is refused" {
	preg -C "$R" phase next gone >/dev/null
	head0=$(git -C "$R" rev-parse HEAD)
	refused "preg: error: client 'gone' is in the last phase, 12 (analysis)" next gone
}

@test "unknown clients and phases are refused" {
	refused "preg: error: client 'nope' not found" set nope 2
	refused "preg: error: client 'nope' not found" next nope
	refused "preg: error: unknown phase '13' (see 'preg phase list')" set acme 13
	refused "preg: error: unknown phase '0' (see 'preg phase list')" set acme 0
	refused "preg: error: unknown phase 'signed' (see 'preg phase list')" set acme signed
}

@test "a phase that requires what the record lacks is refused, naming it" {
	sed -i 's/^    key: decision-maker$/&\n    requires: [contacts]/; s/^    key: presentation$/&\n    requires: [fields.direction]/' "$R/preg.yaml"
	git -C "$R" commit -qam "requires"
	head0=$(git -C "$R" rev-parse HEAD)
	refused "preg: error: client 'acme' cannot enter phase 2 (decision-maker): it lacks contacts" set acme 2
	refused "preg: error: client 'acme' cannot enter phase 3 (presentation): it lacks fields.direction" set acme presentation
	preg -C "$R" client set acme "fields.direction=China - Chelyabinsk" >/dev/null
	head0=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" phase set acme 3
	[ "$status" -eq 0 ]
	moved acme "phase: acme 1 -> 3 (presentation)" "1 -> 3"
}

@test "a move refuses a record with uncommitted edits and leaves them" {
	printf 'remarks: mine\n' >>"$(rec acme)"
	cp "$(rec acme)" "$BATS_TEST_TMPDIR/mine"
	run --separate-stderr preg -C "$R" phase set acme 2
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: $(record_path acme) has uncommitted changes; commit or discard them first (git diff -- $(record_path acme))"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	cmp "$(rec acme)" "$BATS_TEST_TMPDIR/mine"
}

@test "phase set and next: usage errors" {
	run --separate-stderr preg -C "$R" phase set acme
	[ "$status" -eq 2 ]
	same "$stderr" "preg: phase set needs a client id and a phase
usage: preg phase set ID PHASE [-m TEXT] [--at TIME] [--reason TEXT] [--next DATE] [--action TEXT] [--keep-next] [--force] [--reopen]"
	run --separate-stderr preg -C "$R" phase set acme 2 3
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: too many arguments"
	run --separate-stderr preg -C "$R" phase set acme 2 --at
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: option '--at' needs a value"
	run --separate-stderr preg -C "$R" phase next
	[ "$status" -eq 2 ]
	same "$stderr" "preg: phase next needs a client id
usage: preg phase next ID [-m TEXT] [--at TIME] [--reason TEXT] [--next DATE] [--action TEXT] [--keep-next]"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}
