#!/usr/bin/env bats
# A real client: a CSV that LibreOffice Calc wrote (tests/fixtures, see the
# README there) imports as the spreadsheet says. LibreOffice is too heavy
# for CI, so the file is kept; where soffice is installed, it is made again
# from the spreadsheet and must not differ.

load helper

FIX=$BATS_TEST_DIRNAME/../fixtures

@test "LibreOffice's CSV: ';', quotes, a line break in a cell, DD.MM.YYYY, Cyrillic" {
	new_register
	run --separate-stderr preg -C "$R" import "$FIX/libreoffice-register.csv" \
		--map 'Направление=direction' --map 'Примечание=remarks'
	[ "$status" -eq 0 ]
	same "$output" "imported 3 clients from $FIX/libreoffice-register.csv"
	same "$stderr" "preg: manager 'Иванов' imported as 'ivanov'
preg: manager 'Петров' imported as 'petrov'"
	same "$(cat "$R/"$(record_path romashka)"")" "id: romashka
name: ООО «Ромашка»
kind: external
manager: ivanov
phase: 3
phase_since: 2026-10-05T00:00:00+05:00
created: 2026-10-01T00:00:00+05:00
remarks: |-
  Директор — «Пётр»,
  звонить после 10:00
fields:
  direction: Китай, Челябинск
history:
  - {at: 2026-10-01T00:00:00+05:00, by: ivanov, phase: 1, manager: ivanov}
  - {at: 2026-10-05T00:00:00+05:00, by: ivanov, phase: 2}
  - {at: 2026-10-05T00:00:00+05:00, by: ivanov, phase: 3}"
	same "$(preg -C "$R" client list --format tsv | cut -f1-5)" "id	name	kind	manager	phase
kedr-filial	ЗАО \"Кедр\"; филиал	external	petrov	1
romashka	ООО «Ромашка»	external	ivanov	3
shchuka-i-iula	Щука и Юла	external	ivanov	1"
	grep -qx 'remarks: новый' "$R/$(record_path shchuka-i-iula)"
	grep -qx 'phase_since: 2026-09-15T00:00:00+05:00' "$R/$(record_path kedr-filial)"
	[ "$(commits)" -eq 2 ]
	assert_clean
}

@test "the fixture is what LibreOffice makes of the spreadsheet" {
	command -v soffice >/dev/null || skip "soffice is not installed (libreoffice-calc-nogui)"
	cd "$BATS_TEST_TMPDIR"
	cp "$FIX/libreoffice-register.fods" .
	HOME=$BATS_TEST_TMPDIR/lo soffice --headless \
		--convert-to 'csv:Text - txt - csv (StarCalc):59,34,76,1' --outdir out \
		libreoffice-register.fods >/dev/null 2>&1
	cmp out/libreoffice-register.csv "$FIX/libreoffice-register.csv"
}
