#!/usr/bin/env bats
# preg client set ID KEY=VALUE...: each key, clearing with an empty value,
# the manager's history event, one commit per change and none when nothing
# changes, and the refusals (bad keys and values, uncommitted edits,
# comments) that leave the history and the files as they were.

load helper

T0=2026-10-01T09:12:00+05:00
F="$(record_path acme)"

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	PREG_NOW=$T0 "$PREG" -C "$P" client add "Acme Ltd" --id acme --tag china \
		--field cargo="steel pipes" --next 2026-11-25 --action "call them" >/dev/null
	PREG_NOW=$T0 "$PREG" -C "$P" client add "Beta" --id beta >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
	cp "$R/$F" "$BATS_TEST_TMPDIR/acme.before"
}

# The record as the fixture wrote it.
ORIGINAL="id: acme
name: Acme Ltd
kind: external
manager: ivanov
phase: 1
phase_since: $T0
next_contact: 2026-11-25
next_action: call them
created: $T0
tags: [china]
fields:
  cargo: steel pipes
history:
  - {at: $T0, by: ivanov, phase: 1, manager: ivanov}"

one_commit() {
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
	same "$(git -C "$R" show --name-status --format= HEAD)" "M	$F"
	assert_clean
}

unchanged() {
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	cmp "$R/$F" "$BATS_TEST_TMPDIR/acme.before"
}

# set_ok SUMMARY ARGS...: client set ARGS succeeds silently with one commit
# whose message has that summary line.
set_ok() {
	local summary=$1
	shift
	run --separate-stderr preg -C "$R" client set "$@"
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$stderr" ""
	one_commit
	same "$(last_message)" "$summary

Preg-Client: acme
Preg-Action: set
Preg-User: $PREG_USER"
}

# set_refused MESSAGE ARGS...: client set ARGS fails with exit 1 and that
# exact message, and changes nothing.
set_refused() {
	local msg=$1
	shift
	run --separate-stderr preg -C "$R" client set "$@"
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "$msg"
	unchanged
	assert_clean
}

@test "name" {
	set_ok "set: acme name" acme "name=Acme Holding"
	diff -u <(sed 's/^name: Acme Ltd$/name: Acme Holding/' <<<"$ORIGINAL") "$R/$F"
	assert_fsck
}

@test "kind" {
	set_ok "set: acme kind" acme kind=internal
	diff -u <(sed 's/^kind: external$/kind: internal/' <<<"$ORIGINAL") "$R/$F"
}

@test "manager: changes it and adds a history event {at, by, manager}" {
	PREG_NOW=2026-11-02T12:00:00+05:00 PREG_USER=smirnov \
		set_ok "set: acme manager ivanov -> petrov" acme manager=petrov
	diff -u - "$R/$F" <<EOF
$(sed 's/^manager: ivanov$/manager: petrov/' <<<"$ORIGINAL")
  - {at: 2026-11-02T12:00:00+05:00, by: smirnov, manager: petrov}
EOF
}

@test "next_contact and next_action" {
	set_ok "set: acme next_contact, next_action" acme next_contact=2026-12-01 "next_action=send the contract"
	diff -u <(sed 's/^next_contact: .*/next_contact: 2026-12-01/; s/^next_action: .*/next_action: send the contract/' <<<"$ORIGINAL") "$R/$F"
}

@test "tags: a comma-separated list replaces the tags" {
	set_ok "set: acme tags" acme "tags=steel, pipes,asia"
	diff -u <(sed 's/^tags: .*/tags: [steel, pipes, asia]/' <<<"$ORIGINAL") "$R/$F"
}

@test "remarks: multi-line text becomes a literal block" {
	set_ok "set: acme remarks" acme $'remarks=Prefers e-mail.\nCall after 10.\n'
	diff -u - "$R/$F" <<EOF
$(sed '/^created:/q' <<<"$ORIGINAL")
remarks: |
  Prefers e-mail.
  Call after 10.
$(sed '1,/^created:/d' <<<"$ORIGINAL")
EOF
}

@test "fields.X sets a field, and adds a new one at the end" {
	set_ok "set: acme fields.direction, fields.cargo" acme "fields.direction=China - Chelyabinsk" fields.cargo=tubes
	diff -u - "$R/$F" <<EOF
$(sed '/^fields:/q' <<<"$ORIGINAL")
  cargo: tubes
  direction: China - Chelyabinsk
$(sed '1,/^  cargo:/d' <<<"$ORIGINAL")
EOF
}

@test "an empty value clears: next_contact, next_action, tags, fields.X, remarks" {
	preg -C "$R" client set acme remarks=something >/dev/null
	head0=$(git -C "$R" rev-parse HEAD)
	set_ok "set: acme next_contact, next_action, tags, fields.cargo, remarks" acme next_contact= next_action= tags= fields.cargo= remarks=
	diff -u - "$R/$F" <<EOF
id: acme
name: Acme Ltd
kind: external
manager: ivanov
phase: 1
phase_since: $T0
created: $T0
history:
  - {at: $T0, by: ivanov, phase: 1, manager: ivanov}
EOF
}

@test "a value may hold '='; only the first one splits" {
	set_ok "set: acme next_action" acme "next_action=check a=b"
	grep -qx 'next_action: check a=b' "$R/$F"
}

@test "several keys in one call make one commit" {
	set_ok "set: acme name, kind, tags" acme name=Acme kind=internal tags=x
	grep -qx 'name: Acme' "$R/$F"
	grep -qx 'kind: internal' "$R/$F"
	grep -qx 'tags: \[x\]' "$R/$F"
}

@test "nothing changes: no commit" {
	run --separate-stderr preg -C "$R" client set acme "name=Acme Ltd" kind=external tags=china
	[ "$status" -eq 0 ]
	same "$output" ""
	unchanged
	assert_clean
}

@test "setting the manager to the same manager adds no event and no commit" {
	run --separate-stderr preg -C "$R" client set acme manager=ivanov
	[ "$status" -eq 0 ]
	unchanged
}

@test "an unknown key is refused" {
	set_refused "preg: error: cannot set 'colour' (name, kind, manager, next_contact, next_action, remarks, tags, fields.NAME)" acme colour=red
}

@test "phase, id, created and history cannot be set" {
	set_refused "preg: error: 'phase' changes with 'preg phase set'" acme phase=3
	set_refused "preg: error: 'phase_since' changes with 'preg phase set'" acme phase_since=$T0
	set_refused "preg: error: cannot set 'id' (name, kind, manager, next_contact, next_action, remarks, tags, fields.NAME)" acme id=other
	set_refused "preg: error: cannot set 'created' (name, kind, manager, next_contact, next_action, remarks, tags, fields.NAME)" acme created=$T0
	set_refused "preg: error: cannot set 'history' (name, kind, manager, next_contact, next_action, remarks, tags, fields.NAME)" acme history=
}

@test "invalid values are refused" {
	set_refused "preg: error: empty client name" acme name=
	set_refused "preg: error: empty client name" acme "name=   "
	set_refused "preg: error: a client name must be one line of text (at most 1000 bytes, no control characters)" acme $'name=A\nB'
	set_refused "preg: error: invalid kind 'partner' (external or internal)" acme kind=partner
	set_refused "preg: error: invalid kind '' (external or internal)" acme kind=
	set_refused "preg: error: invalid manager '' (a handle is lowercase letters, digits, '.', '_', '-')" acme manager=
	set_refused "preg: error: next_contact: invalid date '2026-02-30' (February 2026 has 28 days)" acme next_contact=2026-02-30
	set_refused "preg: error: invalid manager 'Petr Petrov' (a handle is lowercase letters, digits, '.', '_', '-')" acme "manager=Petr Petrov"
	set_refused "preg: error: invalid tag 'two words' (one word, no spaces or commas)" acme "tags=two words"
	set_refused "preg: error: invalid field name 'the cargo' (letters, digits, '_' and '-')" acme "fields.the cargo=x"
	set_refused "preg: error: assignment 'name' is not KEY=VALUE" acme name
	set_refused "preg: error: assignment '=x' is not KEY=VALUE" acme =x
}

@test "one bad assignment refuses them all" {
	set_refused "preg: error: invalid kind 'partner' (external or internal)" acme name=Changed kind=partner
	grep -qx 'name: Acme Ltd' "$R/$F"
}

@test "an unknown client is refused" {
	run --separate-stderr preg -C "$R" client set nope name=X
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'nope' not found"
	unchanged
	[ ! -e "$R/$(record_dir nope)" ]
}

@test "a manager not in preg.yaml's list is refused" {
	printf 'managers:\n  ivanov: {name: Ivan Ivanov}\n  petrov: {name: Petr Petrov}\n' >>"$R/preg.yaml"
	git -C "$R" commit -qam "managers"
	head0=$(git -C "$R" rev-parse HEAD)
	set_refused "preg: error: unknown manager 'sidorov' (preg.yaml lists ivanov (Ivan Ivanov), petrov (Petr Petrov))" acme manager=sidorov
	set_ok "set: acme manager ivanov -> petrov" acme manager=petrov
}

@test "an uncommitted edit of the record is refused, named, and left intact" {
	printf '# my own line\n' >>"$R/$F"
	cp "$R/$F" "$BATS_TEST_TMPDIR/edited"
	run --separate-stderr preg -C "$R" client set acme name=Other
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: $F has uncommitted changes; commit or discard them first (git diff -- $F)"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	cmp "$R/$F" "$BATS_TEST_TMPDIR/edited"
	same "$(git -C "$R" status --porcelain)" " M $F"
}

@test "a staged but uncommitted edit is refused too" {
	sed -i 's/^name: Acme Ltd$/name: Staged/' "$R/$F"
	git -C "$R" add "$F"
	run --separate-stderr preg -C "$R" client set acme kind=internal
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: $F has uncommitted changes; commit or discard them first (git diff -- $F)"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	grep -qx 'name: Staged' "$R/$F"
	same "$(git -C "$R" status --porcelain)" "M  $F"
}

@test "a deleted record file counts as an uncommitted edit" {
	rm "$R/$F"
	run --separate-stderr preg -C "$R" client set acme kind=internal
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: $F has uncommitted changes; commit or discard them first (git diff -- $F)"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	[ ! -e "$R/$F" ]
}

@test "uncommitted edits of other files are left alone" {
	printf 'local change\n' >>"$R/$(record_path beta)"
	echo "scratch" >"$R/notes.txt"
	set_ok_other() {
		run --separate-stderr preg -C "$R" client set acme kind=internal
		[ "$status" -eq 0 ]
	}
	set_ok_other
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
	same "$(git -C "$R" status --porcelain)" " M $(record_path beta)
?? notes.txt"
	same "$(tail -1 "$R/"$(record_path beta)"")" "local change"
	grep -qx 'kind: internal' "$R/$F"
}

@test "a record holding a comment is refused without --force" {
	sed -i 's/^kind: external$/&\n# they asked us not to call on Mondays/' "$R/$F"
	git -C "$R" commit -qam "a comment by hand"
	head0=$(git -C "$R" rev-parse HEAD)
	cp "$R/$F" "$BATS_TEST_TMPDIR/acme.before"
	set_refused "preg: error: $F:4:1: the record holds a comment, which a rewrite would lose; move the text into 'remarks:' or use --force" acme name=Other
}

@test "a record holding a comment is rewritten with --force, the comment dropped" {
	sed -i 's/^kind: external$/&\n# they asked us not to call on Mondays/' "$R/$F"
	git -C "$R" commit -qam "a comment by hand"
	head0=$(git -C "$R" rev-parse HEAD)
	set_ok "set: acme name" acme name=Other --force
	diff -u <(sed 's/^name: Acme Ltd$/name: Other/' <<<"$ORIGINAL") "$R/$F"
}

@test "set needs an id and an assignment" {
	run --separate-stderr preg -C "$R" client set acme
	[ "$status" -eq 2 ]
	same "$output" ""
	same "$stderr" "preg: client set needs an id and at least one KEY=VALUE
usage: preg client set ID KEY=VALUE... [--force]"
	unchanged
}
