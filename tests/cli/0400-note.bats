#!/usr/bin/env bats
# preg note ID TEXT: the interaction log, its channel, --next/--action,
# one commit per note, and the refusals.

load helper

T0=2026-10-01T09:12:00+05:00
NOW=2026-11-02T10:15:00+05:00
F="$(record_path acme)"

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	PREG_NOW=$T0 "$PREG" -C "$P" client add "Acme Ltd" --id acme --next 2026-10-15 --action "call them" >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
	cp "$R/$F" "$BATS_TEST_TMPDIR/acme.before"
}

ORIGINAL="id: acme
name: Acme Ltd
kind: external
manager: ivanov
phase: 1
phase_since: $T0
next_contact: 2026-10-15
next_action: call them
created: $T0
history:
  - {at: $T0, by: ivanov, phase: 1, manager: ivanov}"

# noted SUMMARY: one commit on top with that summary and the note trailers.
noted() {
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
	same "$(last_message)" "$1

Preg-Client: acme
Preg-Action: note
Preg-User: $PREG_USER"
	same "$(git -C "$R" show --name-status --format= HEAD)" "M	$F"
	assert_clean
}

# refused MESSAGE ARGS...: note ARGS fails with exit 1 and that message,
# and changes nothing.
refused() {
	local msg=$1
	shift
	run --separate-stderr preg -C "$R" note "$@"
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "$msg"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	cmp "$R/$F" "$BATS_TEST_TMPDIR/acme.before"
	assert_clean
}

@test "a note is appended to the record's notes in one commit" {
	run --separate-stderr preg -C "$R" note acme "called the director" --keep-next
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$stderr" ""
	diff -u - "$R/$F" <<EOF
$ORIGINAL
notes:
  - {at: $NOW, by: ivanov, text: called the director}
EOF
	noted "note: acme"
	same "$(git -C "$R" log -1 --format='%an <%ae>|%aI')" "Test User <test@example.com>|$NOW"
	assert_fsck
}

@test "--channel call: kept in the note and named in the commit" {
	run --separate-stderr preg -C "$R" note acme "called the director" --channel call
	[ "$status" -eq 0 ]
	same "$(tail -1 "$R/$F")" "  - {at: $NOW, by: ivanov, channel: call, text: called the director}"
	noted "note: acme (call)"
}

@test "every channel is accepted" {
	for ch in call email meeting letter chat other; do
		head0=$(git -C "$R" rev-parse HEAD)
		run --separate-stderr preg -C "$R" note acme "by $ch" --channel "$ch"
		[ "$status" -eq 0 ]
		same "$(tail -1 "$R/$F")" "  - {at: $NOW, by: ivanov, channel: $ch, text: by $ch}"
		noted "note: acme ($ch)"
	done
	same "$(grep -c '^  - {at: .*text: by ' "$R/$F")" "6"
}

@test "an unknown channel is refused" {
	refused "preg: error: unknown channel 'fax' (call, email, meeting, letter, chat or other)" acme "faxed" --channel fax
	refused "preg: error: unknown channel 'Call' (call, email, meeting, letter, chat or other)" acme "called" --channel Call
}

@test "--next and --action update next_contact and next_action" {
	run --separate-stderr preg -C "$R" note acme "sent the quotation" --channel email --next 2026-11-10 --action "ask about the quotation"
	[ "$status" -eq 0 ]
	diff -u - "$R/$F" <<EOF
$(sed 's/^next_contact: .*/next_contact: 2026-11-10/; s/^next_action: .*/next_action: ask about the quotation/' <<<"$ORIGINAL")
notes:
  - {at: $NOW, by: ivanov, channel: email, text: sent the quotation, next: "2026-11-10"}
EOF
	noted "note: acme (email)"
	# The client is no longer due.
	run preg -C "$R" client show acme --format json
	same "$(printf '%s' "$output" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["due"], r["next_contact"])')" "False 2026-11-10"
}

@test "--next alone keeps next_action" {
	run --separate-stderr preg -C "$R" note acme "no answer" --next 2026-11-03
	[ "$status" -eq 0 ]
	grep -qx 'next_contact: 2026-11-03' "$R/$F"
	grep -qx 'next_action: call them' "$R/$F"
}

@test "an invalid --next or --action is refused" {
	refused "preg: error: --next: invalid date '2026-02-30' (February 2026 has 28 days)" acme "x" --next 2026-02-30
	refused "preg: error: --next: invalid date 'someday' (use today, tomorrow, yesterday, +3d, -1w, a weekday such as fri, 25.11.2026 or 2026-11-25)" acme "x" --next someday
	refused "preg: error: --action must be one line of text (at most 4096 bytes, no control characters)" acme "x" --action $'a\nb'
}

@test "an empty or blank note is refused" {
	refused "preg: error: empty note" acme ""
	refused "preg: error: empty note" acme "   "
}

@test "notes are kept in order, oldest first" {
	PREG_NOW=2026-10-05T14:00:00+05:00 preg -C "$R" note acme "first" --channel meeting
	PREG_NOW=2026-10-06T09:00:00+05:00 PREG_USER=petrov preg -C "$R" note acme "second"
	same "$(sed -n '/^notes:/,$p' "$R/$F")" "notes:
  - {at: 2026-10-05T14:00:00+05:00, by: ivanov, channel: meeting, text: first}
  - {at: 2026-10-06T09:00:00+05:00, by: petrov, text: second}"
	[ "$(git -C "$R" rev-list --count "$head0"..HEAD)" -eq 2 ]
}

@test "multi-line text and YAML-special characters read back unchanged" {
	text=$'Director: "yes"\n# not a comment\n  indented, [brackets]'
	run --separate-stderr preg -C "$R" note acme "$text"
	[ "$status" -eq 0 ]
	noted "note: acme"
	run preg -C "$R" client show acme --format json
	[ "$status" -eq 0 ]
	same "$(printf '%s' "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)["notes"][0]["text"])')" "$text"
	# No comment crept into the record: it can still be rewritten.
	run --separate-stderr preg -C "$R" note acme "again"
	[ "$status" -eq 0 ]
}

@test "a note with a control character is refused" {
	refused "preg: error: a note must be text of at most 64 KiB without control characters" acme $'bell\a'
}

@test "an unknown client is refused" {
	run --separate-stderr preg -C "$R" note nope "hello"
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: client 'nope' not found"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	[ ! -e "$R/$(record_dir nope)" ]
}

@test "a note refuses a record with uncommitted edits and leaves them" {
	printf 'remarks: mine\n' >>"$R/$F"
	cp "$R/$F" "$BATS_TEST_TMPDIR/mine"
	run --separate-stderr preg -C "$R" note acme "hello"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: $F has uncommitted changes; commit or discard them first (git diff -- $F)"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	cmp "$R/$F" "$BATS_TEST_TMPDIR/mine"
}

@test "note needs an id and one text" {
	usage="usage: preg note ID TEXT [--channel call|email|meeting|letter|chat|other] [--next DATE] [--action TEXT] [--keep-next] [--at TIME]"
	run --separate-stderr preg -C "$R" note acme
	[ "$status" -eq 2 ]
	same "$output" ""
	same "$stderr" "preg: a note needs a client id and a text
$usage"
	run --separate-stderr preg -C "$R" note acme called them
	[ "$status" -eq 2 ]
	same "$stderr" "preg: too many arguments (quote the text)
$usage"
	run --separate-stderr preg -C "$R" note acme hello --channel
	[ "$status" -eq 2 ]
	same "$stderr" "preg: option '--channel' needs a value
$usage"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}
