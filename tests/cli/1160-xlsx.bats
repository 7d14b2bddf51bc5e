#!/usr/bin/env bats
# report --format xlsx (the paper's Table 1 in Excel) and export --format
# xlsx (every client, the export's columns), read back with a real client:
# python3-openpyxl. What is checked is what a head of department sees:
# values, their types (text, number, date), the current phase's fill, the
# frozen header, the autofilter, the legend.
#
# The register (PREG_NOW 2026-11-02):
#   romashka  ООО «Ромашка», ivanov, INN 0274062111, phone +7 351 ...;
#             1 on 10-01, 3 on 10-05: 28 days in 3 (not stale, limit 30),
#             next contact 10-30: overdue.
#   link      =HYPERLINK(...), petrov; 1 on 10-01: 32 days, stale (14).
#   acme      Acme, petrov; 1 on 10-01, ended (11) on 10-25 with a reason.

load helper
load report

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	printf 'managers:\n  ivanov: {name: Иван Иванов}\n  petrov: {name: Petr Petrov}\n' >>"$P/preg.yaml"
	git -C "$P" commit -qam managers
	at() { PREG_NOW=$1 "$PREG" -C "$P" "${@:2}" >/dev/null; }
	at 2026-10-01T09:00:00+05:00 client add "ООО «Ромашка»" --id romashka \
		--field inn=0274062111 --field phone='+7 351 000-00-00' \
		--next 2026-10-30 --remarks $'Директор решает;\nзвонить после 10:00'
	at 2026-10-05T10:00:00+05:00 phase set romashka 3
	at 2026-10-01T09:00:00+05:00 client add '=HYPERLINK("http://x","y")' --id link --manager petrov \
		--field inn=-5
	at 2026-10-01T09:00:00+05:00 client add Acme --id acme --manager petrov
	at 2026-10-25T11:00:00+05:00 phase set acme ended --reason "moved to a competitor" --force
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	cd "$BATS_TEST_TMPDIR"
	openpyxl_python
}

# Each cell of a sheet that holds something: "A1=value:type[:fill]", a row
# a line; type s text, n number, d date (shown as its day).
cells() {
	"$PY" - "$@" <<'EOF'
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb[sys.argv[2]]
for row in ws.iter_rows():
    out = []
    for c in row:
        if c.value is None:
            continue
        v = c.value.date().isoformat() if isinstance(c.value, datetime.datetime) else c.value
        t = "d" if c.is_date else c.data_type
        fill = ":" + c.fill.fgColor.rgb[2:] if c.fill.fill_type == "solid" and c.row > 1 else ""
        out.append("%s=%s:%s%s" % (c.coordinate, v, t, fill))
    print(" ".join(out))
EOF
}

@test "report --format xlsx: Table 1, dates as dates, the current phase in its colour, marks" {
	preg -C "$R" report --format xlsx >r.xlsx 2>err
	[ ! -s err ]
	run "$PY" -c '
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print(wb.sheetnames)
ws = wb["Register"]
print(ws.freeze_panes, ws.auto_filter.ref, ws.max_row, ws.max_column)
print([c.value for c in ws[1]])' r.xlsx
	same "$output" "['Register', 'Legend']
B2 A1:S4 4 19
['Client', 'id', '1 research', '2 decision-maker', '3 presentation', '4 request', '5 processing', '6 quotation', '7 contract', '8 first-order', '9 first-carriage', '10 next-request', '11 ended', '12 analysis', 'Manager', 'Manager name', 'Days in phase', 'Next contact', 'Marks']"
	# Rows in id order; 5c6bc0 is presentation's colour, 9e9e9e research's,
	# ef5350 ended's (freight template).
	same "$(cells r.xlsx Register | tail -n +2)" \
		"A2=Acme:s B2=acme:s C2=2026-10-01:d M2=2026-10-25:d:EF5350 O2=petrov:s P2=Petr Petrov:s Q2=8:n S2=ended:s
A3==HYPERLINK(\"http://x\",\"y\"):s B3=link:s C3=2026-10-01:d:9E9E9E O3=petrov:s P3=Petr Petrov:s Q3=32:n S3=stale:s
A4=ООО «Ромашка»:s B4=romashka:s C4=2026-10-01:d E4=2026-10-05:d:5C6BC0 O4=ivanov:s P4=Иван Иванов:s Q4=28:n R4=2026-10-30:d S4=overdue:s"
}

@test "report --format xlsx: the legend sheet, a phase a row in its colour" {
	preg -C "$R" report register --format xlsx >r.xlsx
	same "$(cells r.xlsx Legend | sed -n '1p;2p;12p;13p')" \
		"A1=Phase:s B1=Key:s C1=Name:s D1=Colour:s E1=Stale after (days):s F1=Ends:s
A2=1:n B2=research:s C2=search for general information about the client:s D2=#9e9e9e:s:9E9E9E E2=14:n
A12=11:n B12=ended:s C12=collaboration end:s D12=#ef5350:s:EF5350 E12=14:n F12=yes:s
A13=12:n B13=analysis:s C13=analysis of the causes of shutdown:s D13=#8d6e63:s:8D6E63 F13=yes:s"
}

@test "report --format xlsx: filters and --as-of as for every format" {
	preg -C "$R" report --format xlsx --manager ivanov --as-of 2026-10-03 >r.xlsx
	same "$(cells r.xlsx Register | tail -n +2)" \
		"A2=ООО «Ромашка»:s B2=romashka:s C2=2026-10-01:d:9E9E9E O2=ivanov:s P2=Иван Иванов:s Q2=2:n R2=2026-10-30:d"
}

@test "export --format xlsx: every client, the CSV's columns; texts stay texts, dates are dates" {
	preg -C "$R" export --format xlsx >e.xlsx 2>err
	[ ! -s err ]
	# The same header as the CSV.
	same "$("$PY" -c '
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Clients"]
print(ws.freeze_panes, ws.auto_filter.ref)
print(",".join(c.value for c in ws[1]))' e.xlsx)" "B2 A1:Z4
$(preg -C "$R" export | head -n 1 | tr -d '\r' | sed 's/^\xef\xbb\xbf//')"
	# INN with its leading zero, the phone and "-5" as text; the formula a
	# text; remarks with their line break.
	same "$(cells e.xlsx Clients | tail -n +2)" \
		"A2=Acme:s B2=2026-10-01:d L2=2026-10-25:d N2=petrov:s O2=acme:s P2=external:s S2=moved to a competitor:s
A3==HYPERLINK(\"http://x\",\"y\"):s B3=2026-10-01:d N3=petrov:s O3=link:s P3=external:s Y3=-5:s
A4=ООО «Ромашка»:s B4=2026-10-01:d D4=2026-10-05:d N4=ivanov:s O4=romashka:s P4=external:s Q4=2026-10-30:d X4=Директор решает;
звонить после 10:00:s Y4=0274062111:s Z4=+7 351 000-00-00:s"
}

# zlib's fastest level (lib/xlsx.c puts it in place of libxlsxwriter's
# default): a quarter of the time of a large workbook. Its mark is in each
# part's zip header, where zipinfo reads it.
@test "a workbook's parts are deflated at zlib's fastest level" {
	command -v zipinfo >/dev/null || skip "zipinfo is not installed (unzip)"
	preg -C "$R" report --format xlsx >r.xlsx
	preg -C "$R" export --format xlsx >e.xlsx
	for f in r.xlsx e.xlsx; do
		run zipinfo -v "$f"
		[ "$status" -eq 0 ]
		same "$(grep -c 'compression method: *deflated' <<<"$output")" "$(zipinfo -1 "$f" | wc -l)"
		same "$(grep 'compression sub-type' <<<"$output" | tr -s ' ' | sort | uniq -c | tr -s ' ')" \
			" $(zipinfo -1 "$f" | wc -l) compression sub-type (deflation): superfast"
	done
}

@test "a workbook is refused on a terminal, and for the other reports" {
	command -v script >/dev/null || skip "script(1) is not installed (util-linux)"
	for cmd in "report --format xlsx" "export --format xlsx"; do
		run script -qec "$PREG -C $R $cmd" /dev/null </dev/null
		[ "$status" -eq 2 ]
		[[ $output == "preg: error: a workbook is not for a terminal: redirect it to a file (preg "*"> "*".xlsx)"* ]]
		[[ $output != *PK* ]]
	done
	run --separate-stderr preg -C "$R" report funnel --format xlsx
	[ "$status" -eq 2 ]
	same "$(head -n 1 <<<"$stderr")" "preg: unknown format 'xlsx' (table, tsv, csv, json or html)"
	[ -z "$output" ]
	run --separate-stderr preg -C "$R" export --format xls
	[ "$status" -eq 2 ]
	same "$(head -n 1 <<<"$stderr")" "preg: unknown format 'xls' (csv, json or xlsx)"
}

@test "nowhere to make the workbook: one message, exit 1, nothing on stdout" {
	TMPDIR=$BATS_TEST_TMPDIR/none run --separate-stderr preg -C "$R" export --format xlsx
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: cannot make a temporary file in '$BATS_TEST_TMPDIR/none': No such file or directory"
	[ -z "$output" ]
}

@test "a workbook killed while it is written leaves nothing in TMPDIR" {
	local i pid tmp=$BATS_TEST_TMPDIR/tmp
	{
		echo Client
		for ((i = 1; i <= 3000; i++)); do echo "ООО «Клиент $i»"; done
	} >many.csv
	preg -C "$R" import many.csv >/dev/null
	mkdir "$tmp"
	TMPDIR=$tmp "$PREG" -C "$R" export --format xlsx >out.xlsx &
	pid=$!
	# Until the workbook is being written (a file of it open in TMPDIR),
	# then kill -9.
	for ((i = 0; i < 1000; i++)); do
		ls -l "/proc/$pid/fd" 2>/dev/null | grep -qF " $tmp/" && break
		sleep 0.01
	done
	kill -9 "$pid"
	wait "$pid" || true
	[ "$i" -lt 1000 ]
	same "$(ls -A "$tmp")" ""
}
