#!/usr/bin/env bats
# Safe CSV (OWASP's "CSV Injection"): a cell a spreadsheet would take as a
# formula (=, +, -, @, a tab or a CR first) is written with a "'" before it
# in every CSV preg writes, and import takes exactly that "'" off, so that
# export | import round-trips byte for byte. Python's csv module is the
# independent reader.

load helper

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	at() { PREG_NOW=2026-10-01T09:00:00+05:00 "$PREG" -C "$P" "$@" >/dev/null; }
	at client add '=HYPERLINK("http://x","y")' --id link \
		--field phone='+7 351 000-00-00' --field inn=0274062111 --field delta=-5
	at client add '@SUM(A1)' --id sum --field note="'abc" --tag=-minus
	# What someone typed with a "'" of their own: it stays theirs.
	at client add "'=x" --id quoted --field twice="''+1" --remarks $'-first\n=second'
	# The same INN as link's, on purpose.
	at client add 'ООО «Ромашка»' --id romashka --manager petrov --field inn=0274062111 --allow-duplicate
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	cd "$BATS_TEST_TMPDIR"
}

# The cells of a CSV as Python's csv module reads them, one row a line,
# cells joined by |, named columns only.
cells() {
	python3 - "$@" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
head = rows[0]
for r in rows[1:]:
    print("|".join(r[head.index(c)] for c in sys.argv[2:]))
EOF
}

@test "export: a formula gets a \"'\", a \"'\" before a formula another, anything else as it is" {
	preg -C "$R" export >e.csv
	same "$(cells e.csv id Client phone inn delta note tags twice remarks)" "link|'=HYPERLINK(\"http://x\",\"y\")|'+7 351 000-00-00|0274062111|'-5||||
quoted|''=x||||||'''+1|'-first
=second
romashka|ООО «Ромашка»||0274062111|||||
sum|'@SUM(A1)||||'abc|'-minus||"
	# Inside the quotes of a quoted cell, not before them (RFC 4180).
	grep -q '^"'"'"'=HYPERLINK(""http://x"",""y"")",' e.csv
}

@test "round trip: export, import into an empty register, export: the same bytes and values" {
	preg -C "$R" export >e.csv
	preg init copy >/dev/null
	run --separate-stderr preg -C copy import e.csv
	[ "$status" -eq 0 ]
	same "$output" "imported 4 clients from e.csv"
	preg -C copy export | cmp - e.csv
	# The values are what was typed, not what the CSV held.
	same "$(preg -C copy client list --format json | python3 -c '
import json, sys
for r in json.load(sys.stdin): print(r["id"], r["name"], sep="|")')" "link|=HYPERLINK(\"http://x\",\"y\")
quoted|'=x
romashka|ООО «Ромашка»
sum|@SUM(A1)"
	preg -C copy export --format json >b.json
	same "$(python3 -c '
import json, sys
for r in json.load(open("b.json")):
    print(r["id"], sorted(r.get("fields", {}).items()), r.get("tags"), repr(r.get("remarks")), sep="|")')" \
		"link|[('delta', '-5'), ('inn', '0274062111'), ('phone', '+7 351 000-00-00')]|[]|None
quoted|[('twice', \"''+1\")]|[]|'-first\\n=second'
romashka|[('inn', '0274062111')]|[]|None
sum|[('note', \"'abc\")]|['-minus']|None"
}

@test "import: only the \"'\" before a formula comes off; a spreadsheet's own \"'abc\" stays" {
	printf '%s\r\n' 'Client,Manager,inn,note' \
		"'=1+1,ivanov,'0274062111,'abc" \
		"Acme,ivanov,0274062111,'-1" >in.csv
	preg init copy >/dev/null
	preg -C copy import in.csv >/dev/null
	same "$(preg -C copy export --format json | python3 -c '
import json, sys
for r in json.load(sys.stdin): print(r["name"], sorted(r["fields"].items()), sep="|")')" \
		"=1+1|[('inn', \"'0274062111\"), ('note', \"'abc\")]
Acme|[('inn', '0274062111'), ('note', '-1')]"
}

@test "every --format csv: the register report, the list; numbers untouched" {
	preg -C "$R" report register --format csv >r.csv
	same "$(cells r.csv id name)" "link|'=HYPERLINK(\"http://x\",\"y\")
quoted|''=x
romashka|ООО «Ромашка»
sum|'@SUM(A1)"
	preg -C "$R" client list --format csv >l.csv
	same "$(cells l.csv id name | sed -n 1,2p)" "link|'=HYPERLINK(\"http://x\",\"y\")
quoted|''=x"
	# Numbers and phase keys are not touched.
	same "$(preg -C "$R" report funnel --format csv | head -n 2 | tr -d '\r')" "phase,phase_key,now,reached,conversion,median_days,p90_days
1,research,4,4,,32,32"
}
