#!/usr/bin/env bats
# 0760-text-shows: text shows what it is (issue 16, item 2). Bidirectional
# controls (U+202A-U+202E, U+2066-U+2069) are refused anywhere in a value: a
# right-to-left override makes "Acme <RLO>gnp.exe" show as "Acme exe.png".
# Zero-width characters (U+200B-U+200D, U+2060, U+FEFF) are refused anywhere
# in a one-line value (a name, a field, a contact, a tag, a reason), and at
# either end of multi-line text (remarks, a note), where they can only hide
# something; inside a note a zero-width joiner is part of an emoji. Each door
# refuses with one error naming the field and the code point, exit 1, and no
# commit; a record written by hand or merged in is still read, and preg check
# flags it, showing the character as <U+202E>.

load helper

# As UTF-8 bytes: bash reads $'\u202e' in the locale it starts in, and in
# the C locale (a cron job, a bare CI shell) it would not be the character.
RLO=$'\xe2\x80\xae'     # U+202E
ZWSP=$'\xe2\x80\x8b'    # U+200B
BOM=$'\xef\xbb\xbf'     # U+FEFF
LRI=$'\xe2\x81\xa6'     # U+2066
# A woman technologist: woman (U+1F469), zero-width joiner, laptop (U+1F4BB).
EMOJI=$'\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb'

setup() {
	common_setup
	new_register
	preg -C "$R" client add "ООО «Ромашка»" --id romashka >/dev/null
	head0=$(git -C "$R" rev-parse HEAD)
	cd "$BATS_TEST_TMPDIR"
}

# refused MESSAGE CMD...: CMD fails with "preg: error: MESSAGE", exit 1,
# nothing on stdout, and the register unchanged.
refused() {
	local want=$1
	shift
	run --separate-stderr "$@"
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: $want"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

@test "client add: a right-to-left override anywhere in a name is refused" {
	refused "a client name contains U+202E (right-to-left override), which changes the order the text shows in" \
		preg -C "$R" client add "Acme ${RLO}gnp.exe"
	refused "a client name contains U+2066 (left-to-right isolate), which changes the order the text shows in" \
		preg -C "$R" client add "${LRI}ООО «Лютик»"
}

@test "client add: a zero-width character anywhere in a name, a tag or a contact is refused" {
	refused "a client name contains U+200B (zero width space), which shows as nothing" \
		preg -C "$R" client add "ООО «Ромаш${ZWSP}ка»"
	refused "a client name contains U+FEFF (zero width no-break space), which shows as nothing" \
		preg -C "$R" client add "${BOM}ООО «Лютик»"
	refused "a client name contains U+200B (zero width space), which shows as nothing" \
		preg -C "$R" client add "ООО «Лютик»${ZWSP}"
	refused "a tag contains U+200B (zero width space), which shows as nothing" \
		preg -C "$R" client add "ООО «Лютик»" --tag "vip${ZWSP}"
	refused "a contact contains U+200B (zero width space), which shows as nothing" \
		preg -C "$R" client add "ООО «Лютик»" --contact "Анна Петрова <anna@example.com>; директор; +7 351 000${ZWSP}-00-00"
	refused "--remarks ends with U+200B (zero width space), which shows as nothing" \
		preg -C "$R" client add "ООО «Лютик»" --remarks "звонить после обеда${ZWSP}"
}

@test "client set: a field, the name, next_action and remarks are held to the same rule" {
	refused "fields.inn contains U+200B (zero width space), which shows as nothing" \
		preg -C "$R" client set romashka "fields.inn=7701234567${ZWSP}"
	refused "a client name contains U+202E (right-to-left override), which changes the order the text shows in" \
		preg -C "$R" client set romashka "name=ООО «Ромашка» ${RLO}xe.fdp"
	refused "next_action contains U+200B (zero width space), which shows as nothing" \
		preg -C "$R" client set romashka "next_action=позвонить${ZWSP} директору"
	refused "remarks begins with U+FEFF (zero width no-break space), which shows as nothing" \
		preg -C "$R" client set romashka "remarks=${BOM}предпочитает почту"
	refused "remarks contains U+202E (right-to-left override), which changes the order the text shows in" \
		preg -C "$R" client set romashka "remarks=две
строки ${RLO}"
}

@test "note: refused with an override anywhere or a zero-width character at an end; an emoji is a note" {
	refused "a note contains U+202E (right-to-left override), which changes the order the text shows in" \
		preg -C "$R" note romashka "договор ${RLO}fdp.exe"
	refused "a note begins with U+200B (zero width space), which shows as nothing" \
		preg -C "$R" note romashka "${ZWSP}звонок"
	refused "a note ends with U+200B (zero width space), which shows as nothing" \
		preg -C "$R" note romashka "звонок${ZWSP}
"
	refused "--action contains U+200B (zero width space), which shows as nothing" \
		preg -C "$R" note romashka "звонок" --action "перезвонить${ZWSP}"
	# Inside a note, a zero-width joiner is part of the emoji.
	run --separate-stderr preg -C "$R" note romashka "звонок, договорились ${EMOJI}"
	[ "$status" -eq 0 ]
	same "$stderr" ""
	grep -qF "text: \"звонок, договорились ${EMOJI}\"" "$R/$(record_path romashka)" ||
		grep -qF "text: звонок, договорились ${EMOJI}" "$R/$(record_path romashka)"
}

@test "phase set: a reason with an override is refused" {
	refused "--reason contains U+202E (right-to-left override), which changes the order the text shows in" \
		preg -C "$R" phase set romashka 11 --reason "отказ ${RLO}"
}

@test "import: each cell named by its line and column; nothing imported" {
	printf '%s\n' 'Client,ИНН,remarks,tags' \
		"Acme ${RLO}gnp.exe,7701234567," \
		"ООО «Лютик»,7701234568${ZWSP},${ZWSP}пусто,vip" \
		"ООО «Ландыш»,7701234569,,vip${ZWSP}" >hidden.csv
	run --separate-stderr preg -C "$R" import hidden.csv
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: column 'ИНН' imported as field 'inn' (--map 'ИНН=NAME' to choose)
hidden.csv:2: column 'Client' contains U+202E (right-to-left override), which changes the order the text shows in
hidden.csv:3: column 'ИНН' contains U+200B (zero width space), which shows as nothing
hidden.csv:3: column 'remarks' begins with U+200B (zero width space), which shows as nothing
hidden.csv:4: column 'tags' contains U+200B (zero width space), which shows as nothing
preg: error: 4 problems in hidden.csv; nothing imported"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}

@test "client edit: an override typed into the name is refused, and the text kept" {
	local ed=$BATS_TEST_TMPDIR/editor
	printf '#!/bin/sh\nsed -i "s/^name: .*/name: Acme \xe2\x80\xaegnp.exe/" "$1"\n' >"$ed"
	chmod +x "$ed"
	EDITOR=$ed run --separate-stderr setsid -w "$PREG" -C "$R" client edit romashka <<<n
	[ "$status" -eq 1 ]
	same "${stderr_lines[0]}" "preg: error: name contains U+202E (right-to-left override), which changes the order the text shows in"
	same "${stderr_lines[1]}" "Edit again? [Y/n] "
	kept=${stderr_lines[2]#preg: your text is kept in }
	grep -qF "name: Acme ${RLO}gnp.exe" "$kept"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

# The record of Evil written by hand: an override in the name, a
# zero-width space at the end of a field and of a note, and an emoji
# inside another note (which is fine).
hand_record() {
	printf '%s\n' 'id: evil' "name: Acme ${RLO}gnp.exe" 'manager: ivanov' 'phase: 1' \
		'phase_since: 2026-11-02T10:15:00+05:00' 'created: 2026-11-02T10:15:00+05:00' \
		'fields:' "  inn: 7701234567${ZWSP}" \
		'history:' '  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, phase: 1, manager: ivanov}' \
		'notes:' "  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, text: \"договорились ${EMOJI}\"}" \
		"  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, text: \"звонок${ZWSP}\"}"
}

# check_flags: preg check names each such value, with the character shown
# as its code point; the readers still read the record.
check_flags() {
	run --separate-stderr preg -C "$1" check
	[ "$status" -eq 1 ]
	same "$stderr" ""
	same "$output" "$(record_path evil): name contains U+202E (right-to-left override), which changes the order the text shows in
$(record_path evil): fields.inn contains U+200B (zero width space), which shows as nothing
$(record_path evil): note 2 text ends with U+200B (zero width space), which shows as nothing"
	run --separate-stderr preg -C "$1" client show evil --format json
	[ "$status" -eq 0 ]
	[[ $output == *'"id":"evil"'* ]]
	run --separate-stderr preg -C "$1" client list --format tsv
	[ "$status" -eq 0 ]
	[ "$(grep -c '^evil	' <<<"$output")" -eq 1 ]
}

@test "a record written by hand: check flags it, the readers read it, a note can still be added" {
	mkdir -p "$R/$(record_dir evil)"
	hand_record >"$R/$(record_path evil)"
	git -C "$R" add "$(record_path evil)"
	git -C "$R" commit -q -m "evil, by hand"
	check_flags "$R"
	# A write checks what it writes, not what was there before.
	run --separate-stderr preg -C "$R" note evil "звонок"
	[ "$status" -eq 0 ]
	same "$stderr" ""
}

@test "a record from a merge: pulled from a clone that wrote it by hand, merged by sync, flagged by check" {
	load sync
	sync_setup
	git init -q --bare "$REMOTE"
	preg init --remote "$REMOTE" "$A" >/dev/null
	preg -C "$A" client add "Evil" --id evil >/dev/null
	preg -C "$A" sync >/dev/null
	preg clone "$REMOTE" "$B" >/dev/null
	# A rewrites the record by hand and pushes; B adds a note meanwhile.
	hand_record >"$A/$(record_path evil)"
	git -C "$A" commit -q -am "evil, by hand"
	git -C "$A" push -q
	PREG_NOW=2026-11-03T10:00:00+05:00 preg -C "$B" note evil "звонок из B" >/dev/null
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	grep -qF "name: Acme ${RLO}gnp.exe" "$B/$(record_path evil)"
	grep -qF "звонок из B" "$B/$(record_path evil)"
	check_flags "$B"
}
