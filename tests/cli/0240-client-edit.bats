#!/usr/bin/env bats
# preg client edit ID: the record in $VISUAL/$EDITOR, validated, one commit
# when it changed and none when not; what may not change in an edit; the
# crontab-like offer to edit again; a failing editor.
#
# The editors are small scripts. The command runs under "setsid -w" so it
# has no controlling terminal: the "Edit again?" answer then comes from
# stdin even where /dev/tty exists. TMPDIR is the test's own, so the text
# preg keeps (or forgets) can be found.

load helper

T0=2026-10-01T09:12:00+05:00
F="$(record_path acme)"

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	PREG_NOW=$T0 "$PREG" -C "$P" client add "Acme Ltd" --id acme --tag china \
		--remarks "old remark" >/dev/null
	PREG_NOW=2026-10-05T14:00:00+05:00 "$PREG" -C "$P" note acme "presentation" --channel meeting >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
	cp "$R/$F" "$BATS_TEST_TMPDIR/acme.before"
	export TMPDIR="$BATS_TEST_TMPDIR/tmp"
	mkdir -p "$TMPDIR"
	ED="$BATS_TEST_TMPDIR/editor"
}

ORIGINAL="id: acme
name: Acme Ltd
kind: external
manager: ivanov
phase: 1
phase_since: $T0
created: $T0
remarks: old remark
tags: [china]
history:
  - {at: $T0, by: ivanov, phase: 1, manager: ivanov}
notes:
  - {at: 2026-10-05T14:00:00+05:00, by: ivanov, channel: meeting, text: presentation}"

# editor SED-SCRIPT...: make $ED an editor that runs sed on its file.
editor() {
	{
		echo '#!/bin/sh'
		printf 'sed -i'
		printf " -e '%s'" "$@"
		echo ' "$1"'
	} >"$ED"
	chmod +x "$ED"
}

# Run client edit with no controlling terminal; stdin answers the prompt.
edit() {
	setsid -w "$PREG" -C "$R" client edit "$@"
}

unchanged() {
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	cmp "$R/$F" "$BATS_TEST_TMPDIR/acme.before"
	assert_clean
}

# The temporary files preg left in TMPDIR.
leftovers() {
	ls -A "$TMPDIR"
}

# The file named by "preg: your text is kept in FILE" on stderr.
kept_file() {
	local last=${stderr_lines[${#stderr_lines[@]} - 1]}
	[[ "$last" == *"preg: your text is kept in "* ]] || return 1
	printf '%s' "${last##*preg: your text is kept in }"
}

# refused_edit MESSAGE: the run failed with MESSAGE, the prompt, and the
# text kept; nothing committed.
refused_edit() {
	[ "$status" -eq 1 ]
	same "$output" ""
	same "${#stderr_lines[@]}" 3
	same "${stderr_lines[0]}" "$1"
	kept=$(kept_file)
	same "${stderr_lines[1]}" "Edit again? [Y/n] "
	same "${stderr_lines[2]}" "preg: your text is kept in $kept"
	[ -f "$kept" ]
	unchanged
}

@test "an edit that changes a field makes one commit" {
	editor 's/^remarks: old remark$/remarks: new remark/'
	EDITOR=$ED run --separate-stderr edit acme </dev/null
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$stderr" ""
	diff -u <(sed 's/^remarks: old remark$/remarks: new remark/' <<<"$ORIGINAL") "$R/$F"
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
	same "$(last_message)" "edit: acme

Preg-Client: acme
Preg-Action: edit
Preg-User: ivanov"
	same "$(git -C "$R" show --name-status --format= HEAD)" "M	$F"
	same "$(leftovers)" ""
	assert_clean
	assert_fsck
}

@test "the editor gets the record in its canonical form" {
	printf '#!/bin/sh\ncp "$1" "%s"\n' "$BATS_TEST_TMPDIR/seen" >"$ED"
	chmod +x "$ED"
	EDITOR=$ED run --separate-stderr edit acme </dev/null
	[ "$status" -eq 0 ]
	diff -u <(printf '%s\n' "$ORIGINAL") "$BATS_TEST_TMPDIR/seen"
}

@test "VISUAL is used before EDITOR" {
	editor 's/^kind: external$/kind: internal/'
	VISUAL=$ED EDITOR=false run --separate-stderr edit acme </dev/null
	[ "$status" -eq 0 ]
	grep -qx 'kind: internal' "$R/$F"
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
}

@test "EDITOR may carry arguments" {
	EDITOR="sed -i -e /^kind:/s/external/internal/" run --separate-stderr edit acme </dev/null
	[ "$status" -eq 0 ]
	grep -qx 'kind: internal' "$R/$F"
}

@test "EDITOR is a shell command line, as in git: quotes work" {
	EDITOR="sed -i 's/^name: Acme Ltd\$/name: Acme Corp/'" run --separate-stderr edit acme </dev/null
	same "$stderr" ""
	[ "$status" -eq 0 ]
	grep -qx 'name: Acme Corp' "$R/$F"
}

@test "unchanged: no commit, 'preg: no changes'" {
	EDITOR=true run --separate-stderr edit acme </dev/null
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$stderr" "preg: no changes"
	unchanged
	same "$(leftovers)" ""
}

@test "the same record in another layout is no change" {
	cat >"$ED" <<'EOF'
#!/bin/sh
sed -i -e 's/^tags: \[china\]$/tags:\n  - "china"/' -e "s/^name: Acme Ltd\$/name: 'Acme Ltd'/" "$1"
printf '\n\n' >>"$1"
EOF
	chmod +x "$ED"
	EDITOR=$ED run --separate-stderr edit acme </dev/null
	[ "$status" -eq 0 ]
	same "$stderr" "preg: no changes"
	unchanged
}

@test "a manager change in an edit is recorded in the history" {
	editor 's/^manager: ivanov$/manager: petrov/'
	PREG_USER=smirnov EDITOR=$ED run --separate-stderr edit acme </dev/null
	[ "$status" -eq 0 ]
	diff -u - "$R/$F" <<EOF
$(sed 's/^manager: ivanov$/manager: petrov/; /^notes:/,$d' <<<"$ORIGINAL")
  - {at: 2026-11-02T10:15:00+05:00, by: smirnov, manager: petrov}
$(sed -n '/^notes:/,$p' <<<"$ORIGINAL")
EOF
}

@test "changing the phase is refused; answering n keeps the text" {
	editor 's/^phase: 1$/phase: 6/'
	EDITOR=$ED run --separate-stderr edit acme <<<n
	refused_edit "preg: error: 'phase' cannot change in an edit (use 'preg phase set')"
	grep -qx 'phase: 6' "$kept"
}

@test "changing phase_since or created is refused" {
	editor "s/^phase_since: .*/phase_since: 2026-10-02T09:12:00+05:00/"
	EDITOR=$ED run --separate-stderr edit acme <<<n
	refused_edit "preg: error: 'phase_since' cannot change in an edit (use 'preg phase set')"
	editor "s/^created: .*/created: 2026-09-01T09:12:00+05:00/"
	EDITOR=$ED run --separate-stderr edit acme <<<n
	refused_edit "preg: error: 'created' cannot change in an edit (it is the record's audit trail)"
}

@test "changing the history is refused" {
	editor 's/by: ivanov, phase: 1/by: petrov, phase: 1/'
	EDITOR=$ED run --separate-stderr edit acme <<<n
	refused_edit "preg: error: 'history' cannot change in an edit (it is the record's audit trail)"
	grep -q 'by: petrov, phase: 1' "$kept"
}

@test "removing the history is refused" {
	editor '/^history:/,/^notes:/{/^notes:/!d}'
	EDITOR=$ED run --separate-stderr edit acme <<<n
	refused_edit "preg: error: 'history' cannot change in an edit (it is the record's audit trail)"
}

@test "changing the notes is refused" {
	editor 's/text: presentation/text: nothing happened/'
	EDITOR=$ED run --separate-stderr edit acme <<<n
	refused_edit "preg: error: 'notes' cannot change in an edit (use 'preg note')"
}

@test "changing the id is refused" {
	editor 's/^id: acme$/id: acme-two/'
	EDITOR=$ED run --separate-stderr edit acme <<<n
	refused_edit "preg: error: 'id' cannot change in an edit (ids are permanent)"
}

@test "invalid YAML is refused, named FILE:LINE:COLUMN in the kept text" {
	editor 's/^kind: external$/name: Duplicate/'
	EDITOR=$ED run --separate-stderr edit acme <<<n
	[ "$status" -eq 1 ]
	kept=$(kept_file)
	[ -f "$kept" ]
	same "${stderr_lines[0]}" "preg: error: $kept:3:1: duplicate key 'name'"
	same "$(sed -n 3p "$kept")" "name: Duplicate"
	unchanged
}

@test "a YAML syntax error is refused with a position" {
	editor 's/^tags: \[china\]$/tags: [china/'
	EDITOR=$ED run --separate-stderr edit acme <<<n
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" =~ ^preg:\ error:\ .+:[0-9]+:[0-9]+:\ . ]]
	kept=$(kept_file)
	grep -qx 'tags: \[china' "$kept"
	unchanged
}

@test "an invalid value is refused with its position" {
	editor 's/^kind: external$/kind: partner/'
	EDITOR=$ED run --separate-stderr edit acme <<<n
	[ "$status" -eq 1 ]
	kept=$(kept_file)
	same "${stderr_lines[0]}" "preg: error: $kept:3:7: invalid kind 'partner' (external or internal)"
	unchanged
}

@test "a comment added in the editor is refused, not silently dropped" {
	editor 's/^kind: external$/&\n# call only on Mondays/'
	EDITOR=$ED run --separate-stderr edit acme <<<n
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == "preg: error: "*"comment"*"remarks"* ]]
	unchanged
}

@test "answering y edits again; the fixed text is committed" {
	# First run: a duplicate key. Second run: the user fixes it.
	cat >"$ED" <<EOF
#!/bin/sh
if [ -e "$BATS_TEST_TMPDIR/ran" ]; then
	sed -i '/^name: Duplicate\$/d; s/^remarks: old remark\$/remarks: fixed/' "\$1"
else
	touch "$BATS_TEST_TMPDIR/ran"
	sed -i 's/^kind: external\$/&\nname: Duplicate/' "\$1"
fi
EOF
	chmod +x "$ED"
	EDITOR=$ED run --separate-stderr edit acme <<<y
	[ "$status" -eq 0 ]
	same "$output" ""
	# (bats drops the prompt's trailing space)
	[[ "${stderr% }" == "preg: error: "*":4:1: duplicate key 'name'"$'\n'"Edit again? [Y/n]" ]]
	diff -u <(sed 's/^remarks: old remark$/remarks: fixed/' <<<"$ORIGINAL") "$R/$F"
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
	same "$(leftovers)" ""
	assert_clean
}

@test "a failing editor changes nothing and leaves no temporary file" {
	EDITOR=false run --separate-stderr edit acme </dev/null
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: the editor 'false' failed; nothing changed"
	unchanged
	same "$(leftovers)" ""
}

@test "an unknown client: no editor is started" {
	printf '#!/bin/sh\ntouch "%s"\n' "$BATS_TEST_TMPDIR/started" >"$ED"
	chmod +x "$ED"
	EDITOR=$ED run --separate-stderr edit nope </dev/null
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'nope' not found"
	[ ! -e "$BATS_TEST_TMPDIR/started" ]
	unchanged
}

@test "an uncommitted edit of the record file is refused and left intact" {
	printf 'extra: mine\n' >>"$R/$F"
	cp "$R/$F" "$BATS_TEST_TMPDIR/mine"
	editor 's/^remarks: old remark$/remarks: new remark/'
	EDITOR=$ED run --separate-stderr edit acme <<<n
	[ "$status" -eq 1 ]
	same "${stderr_lines[0]}" "preg: error: $F has uncommitted changes; commit or discard them first (git diff -- $F)"
	[[ "$stderr" != *"Edit again"* ]]
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	cmp "$R/$F" "$BATS_TEST_TMPDIR/mine"
}

@test "a record holding a comment: refused before the editor starts, without --force" {
	sed -i 's/^kind: external$/&\n# no calls on Mondays/' "$R/$F"
	git -C "$R" commit -qam "a comment by hand"
	head0=$(git -C "$R" rev-parse HEAD)
	cp "$R/$F" "$BATS_TEST_TMPDIR/acme.before"
	printf '#!/bin/sh\ntouch "%s"\n' "$BATS_TEST_TMPDIR/started" >"$ED"
	chmod +x "$ED"
	EDITOR=$ED run --separate-stderr edit acme <<<y
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: $F:4:1: the record holds a comment, which a rewrite would lose; move the text into 'remarks:' or use --force"
	[ ! -e "$BATS_TEST_TMPDIR/started" ]
	unchanged
}

@test "a record holding a comment is edited with --force, the comment dropped" {
	sed -i 's/^kind: external$/&\n# no calls on Mondays/' "$R/$F"
	git -C "$R" commit -qam "a comment by hand"
	head0=$(git -C "$R" rev-parse HEAD)
	editor 's/^remarks: old remark$/remarks: no calls on Mondays/'
	EDITOR=$ED run --separate-stderr edit acme --force </dev/null
	[ "$status" -eq 0 ]
	diff -u <(sed 's/^remarks: old remark$/remarks: no calls on Mondays/' <<<"$ORIGINAL") "$R/$F"
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
	assert_clean
}

@test "edit needs exactly one id" {
	run --separate-stderr preg -C "$R" client edit
	[ "$status" -eq 2 ]
	same "$stderr" "preg: client edit needs an id
usage: preg client edit ID [--force]"
	run --separate-stderr preg -C "$R" client edit acme beta
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: too many arguments"
	unchanged
}
