#!/usr/bin/env bats
# A real client, LibreOffice Calc (libreoffice-calc-nogui, in
# deps/debian.txt): a CSV it wrote (tests/fixtures, see the README there)
# imports as the spreadsheet says, and is made again from the spreadsheet
# the same; the workbooks preg writes read back as written (text as text,
# dates as dates); the CSV export opens without a live formula. The
# tests skip where soffice is missing (a developer's machine without it).

load helper
load report

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

# A register for the two tests below: a name that is a formula, an INN
# with a leading zero, a phone that starts with '+', a negative field.
lo_register() {
	new_register
	at() { PREG_NOW=$1 "$PREG" -C "$R" "${@:2}" >/dev/null; }
	at 2026-10-01T09:00:00+05:00 client add "ООО «Ромашка»" --id romashka \
		--field inn=0274062111 --field phone='+7 351 000-00-00' --next 2026-10-30
	at 2026-10-05T10:00:00+05:00 phase set romashka 3
	at 2026-10-01T09:00:00+05:00 client add '=HYPERLINK("http://x","y")' --id link --field inn=-5
	export PREG_NOW=2026-11-02T10:00:00+05:00
	cd "$BATS_TEST_TMPDIR"
}

# lo_convert FILTER FILE...: LibreOffice converts the files into out/.
lo_convert() {
	local to=$1
	shift
	HOME=$BATS_TEST_TMPDIR/lo soffice --headless --convert-to "$to" --outdir out "$@" >/dev/null 2>&1
}

@test "LibreOffice reads the workbooks as written: text stays text (a leading zero, a formula), dates are dates" {
	command -v soffice >/dev/null || skip "soffice is not installed (libreoffice-calc-nogui)"
	lo_register
	preg -C "$R" report --format xlsx >report.xlsx
	preg -C "$R" export --format xlsx >clients.xlsx
	# LibreOffice's CSV: text cells quoted, numbers and dates not.
	lo_convert 'csv:Text - txt - csv (StarCalc):44,34,76,1' report.xlsx clients.xlsx
	grep -q '^"ООО «Ромашка»","romashka",2026-10-01,,2026-10-05,' out/report.csv
	grep -q '^"=HYPERLINK(""http://x"",""y"")","link",2026-10-01,' out/report.csv
	grep -q ',"overdue"$' out/report.csv
	grep -q '^"ООО «Ромашка»",2026-10-01,,2026-10-05,.*,"0274062111","+7 351 000-00-00"$' out/clients.csv
	grep -q '^"=HYPERLINK(""http://x"",""y"")",.*,"-5",$' out/clients.csv
}

@test "LibreOffice opens the CSV export without a live formula" {
	command -v soffice >/dev/null || skip "soffice is not installed (libreoffice-calc-nogui)"
	openpyxl_python
	lo_register
	preg -C "$R" export --format csv >clients.csv
	# Opened as a spreadsheet would open it (comma, UTF-8), saved as xlsx,
	# and read back: no cell is a formula.
	HOME=$BATS_TEST_TMPDIR/lo soffice --headless --infilter='CSV:44,34,76,1' --convert-to xlsx \
		--outdir out clients.csv >/dev/null 2>&1
	run "$PY" -c '
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1]).active
for row in ws.iter_rows():
    for c in row:
        if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("=")):
            print("formula:", c.coordinate, c.value)
print(ws["A2"].value)' out/clients.xlsx
	[ "$status" -eq 0 ]
	same "$output" "'=HYPERLINK(\"http://x\",\"y\")"
}
