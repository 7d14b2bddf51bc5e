#!/usr/bin/env bats
# preg report: register, funnel, managers, durations, reasons; the shared
# filters, --as-of, the formats, the usage errors.
#
# The register (freight template: 1-10 go on, 11 ended and 12 analysis end
# the collaboration; 4-7 and 10 reversible; stale_after 1 14d, 2 14d, 3 30d,
# 4 2d, 5 3d, 6 14d, 7 30d, 8 7d, 9 30d, 10 60d, 11 14d, 12 none). Every
# event at 10:00+03:00. The day of the report (PREG_NOW) is D = 2026-11-01.
#
#   alpha    ivanov   1 09-01, 2 09-05, 3 09-10, 4 09-20, 7 10-01, 8 10-21
#   bravo    ivanov   1 09-15, 4 09-20, 6 10-10, 5 10-15 (back), 6 10-25
#   charlie  petrov   added in 4 on 10-01, 11 on 10-20 "price"
#   delta    petrov   1 10-10; next contact 10-30
#   echo     sidorov  1 08-01, 3 08-10, 11 09-01 "price", 12 09-15 "no budget"
#   foxtrot  sidorov  1 10-05; manager -> petrov 10-20; 2 10-22; next 11-01
#   golf     sidorov  1 10-01, 11 10-05 "went to a competitor"
#
# Status on D (lib/status): alpha stale (8: 11 > 7d); delta overdue and
# stale; foxtrot due; charlie, echo and golf ended, and golf stale too: 27
# days in 11 ended is past its 14d, the prompt for 12 (the analysis).
#
# Stints (days) up to D:
#   alpha    1:4 2:5 3:10 4:11 7:20 8:11 (now)
#   bravo    1:5 4:20 6:5+7=12 (now) 5:10
#   charlie  4:19 11:12 (now)
#   delta    1:22 (now)
#   echo     1:9 3:22 11:14 12:47 (now)
#   foxtrot  1:17 2:10 (now)
#   golf     1:4 11:27 (now)
# Furthest phase that does not end: alpha 8, bravo 6, charlie 4, delta 1,
# echo 3, foxtrot 2, golf 1.

load helper
load report

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	at() { PREG_NOW=${1}T10:00:00+03:00 "$PREG" -C "$P" "${@:2}" >/dev/null; }
	at 2026-08-01 client add "Echo" --id echo --manager sidorov
	at 2026-08-10 phase set echo 3
	at 2026-09-01 client add "Alpha LLC" --id alpha --manager ivanov
	at 2026-09-01 phase set echo ended --reason price
	at 2026-09-05 phase set alpha 2
	at 2026-09-10 phase set alpha 3
	at 2026-09-15 client add "ООО «Браво»" --id bravo --manager ivanov
	at 2026-09-15 phase set echo analysis --reason "no budget"
	at 2026-09-20 phase set alpha 4
	at 2026-09-20 phase set bravo 4
	at 2026-10-01 phase set alpha 7
	at 2026-10-01 client add "Charlie <Corp> & Sons" --id charlie --manager petrov --phase 4
	at 2026-10-01 client add "Golf" --id golf --manager sidorov
	at 2026-10-05 client add "Foxtrot" --id foxtrot --manager sidorov
	at 2026-10-05 phase set golf ended --reason "went to a competitor"
	at 2026-10-10 phase set bravo 6
	at 2026-10-10 client add "Delta" --id delta --manager petrov --next 2026-10-30
	at 2026-10-15 phase set bravo 5
	at 2026-10-20 phase set charlie ended --reason price
	at 2026-10-20 client set foxtrot manager=petrov next_contact=2026-11-01
	at 2026-10-21 phase set alpha 8
	at 2026-10-22 phase set foxtrot 2
	at 2026-10-25 phase set bravo 6
}

setup() {
	common_setup
	export PREG_NOW=2026-11-01T12:00:00+03:00
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
}

@test "funnel: now, reached, conversion, median and p90 days per phase" {
	report funnel
	# p1 days 4,4,5,9,17,22: median (3rd) 5, p90 (6th) 22.
	# p11 days 12,14,27: median 14, p90 27. Conversion p2 5/7, p12 1/3;
	# p10 has no base (0 reached p9); p11 ends after a phase that does not.
	same "$output" "phase	phase_key	now	reached	conversion	median_days	p90_days
1	research	1	7		5	22
2	decision-maker	1	5	71.4	5	10
3	presentation	0	4	80.0	10	22
4	request	0	3	75.0	19	20
5	processing	0	2	66.7	10	10
6	quotation	1	2	100.0	12	12
7	contract	0	1	50.0	20	20
8	first-order	1	1	100.0	11	11
9	first-carriage	0	0	0.0		
10	next-request	0	0			
11	ended	2	3		14	27
12	analysis	1	1	33.3	47	47"
}

@test "register: one row per client, the date each phase was reached" {
	report register
	same "$(echo "$output" | cols "id manager phase phase_key phase_since days_in_phase next_contact stale due overdue")" \
		"alpha ivanov 8 first-order 2026-10-21 11  true false false
bravo ivanov 6 quotation 2026-10-25 7  false false false
charlie petrov 11 ended 2026-10-20 12  false false false
delta petrov 1 research 2026-10-10 22 2026-10-30 true false true
echo sidorov 12 analysis 2026-09-15 47  false false false
foxtrot petrov 2 decision-maker 2026-10-22 10 2026-11-01 false true false
golf sidorov 11 ended 2026-10-05 27  true false false"
	same "$(echo "$output" | cols "id on_hold ended")" "alpha false false
bravo false false
charlie false true
delta false false
echo false true
foxtrot false false
golf false true"
	# The latest entry into each phase up to the current one; skipped
	# phases are blank (bravo went 6 -> 5 -> 6: 6 is 10-25).
	same "$(echo "$output" | cut -f1,12-23 | sed -n '1,3p')" "id	reached_research	reached_decision-maker	reached_presentation	reached_request	reached_processing	reached_quotation	reached_contract	reached_first-order	reached_first-carriage	reached_next-request	reached_ended	reached_analysis
alpha	2026-09-01	2026-09-05	2026-09-10	2026-09-20			2026-10-01	2026-10-21				
bravo	2026-09-15			2026-09-20	2026-10-15	2026-10-25						"
	same "$(echo "$output" | grep ^echo | cut -f12-23)" "2026-08-01		2026-08-10								2026-09-01	2026-09-15"
	# Without a verb, the register.
	local all=$output
	report
	same "$output" "$all"
}

@test "register: a past day rebuilds phase, manager and days from the history" {
	report register --as-of 2026-10-12
	# foxtrot was still sidorov's; bravo had just entered 6; echo 27 days in 12.
	same "$(echo "$output" | cols "id manager phase days_in_phase")" "alpha ivanov 7 11
bravo ivanov 6 2
charlie petrov 4 11
delta petrov 1 2
echo sidorov 12 27
foxtrot sidorov 1 7
golf sidorov 11 7"
	report register --as-of 2026-09-12
	same "$(echo "$output" | cols "id phase phase_since days_in_phase")" "alpha 3 2026-09-10 2
echo 11 2026-09-01 11"
	report funnel --as-of 2026-07-31
	same "$(echo "$output" | cut -f3,4 | sort -u)" "0	0
now	reached"
}

@test "managers: clients per phase, stale, overdue, due, moves, conversion to the won phase" {
	report managers
	# Period 10-03..11-01. ivanov: alpha 8 (10-21), bravo 6, 5 (back), 6;
	# alpha's 7 on 10-01 is before it. petrov: charlie 11, foxtrot 2 (foxtrot
	# was petrov's since 10-20). sidorov: golf 11 on 10-05. Won: first-order.
	same "$(echo "$output" | cols "manager clients open ended stale overdue due moves forward back won conversion")" \
		"ivanov 2 2 0 1 0 0 4 3 1 1 50.0
petrov 3 2 1 1 1 1 2 2 0 0 0.0
sidorov 2 0 2 1 0 0 1 1 0 0 0.0"
	same "$(echo "$output" | cols "manager on_hold")" "ivanov 0
petrov 0
sidorov 0"
	same "$(echo "$output" | cols "manager in_research in_decision-maker in_quotation in_first-order in_ended in_analysis")" \
		"ivanov 0 0 1 1 0 0
petrov 1 1 0 0 1 0
sidorov 0 0 0 0 1 1"
	# From 09-01: ivanov alpha 2, 3, 4, 7, 8 and bravo 4, 6, 5 (back), 6;
	# sidorov echo 11, 12 and golf 11. Won 4: alpha and bravo; charlie.
	report managers --since 2026-09-01 --won 4
	same "$(echo "$output" | cols "manager moves forward back won conversion")" "ivanov 9 8 1 2 100.0
petrov 2 2 0 1 33.3
sidorov 3 3 0 0 0.0"
	report managers --as-of 2026-10-12 --since 2026-10-01
	same "$(echo "$output" | cols "manager clients moves")" "ivanov 2 2
petrov 2 0
sidorov 3 1"
}

@test "durations: days per phase, over the limit, the slowest clients" {
	report durations
	same "$(echo "$output" | sed -n '1,5p;12,13p')" "phase	phase_key	clients	median_days	p90_days	max_days	over_limit	slowest
1	research	6	5	22	22	2	delta:22*,foxtrot:17,echo:9
2	decision-maker	2	5	10	10	0	foxtrot:10*,alpha:5
3	presentation	2	10	22	22	0	echo:22,alpha:10
4	request	3	19	20	20	3	bravo:20,charlie:19,alpha:11
11	ended	3	14	27	27	1	golf:27*,echo:14,charlie:12*
12	analysis	1	47	47	47		echo:47*"
	report durations --top 1 --phase contract --format json
	same "$(echo "$output" | sed -n 2p)" '{"phase":1,"phase_key":"research","clients":0,"median_days":null,"p90_days":null,"max_days":null,"over_limit":0,"slowest":[]},'
}

@test "reasons: the reason given when the collaboration ended, counted" {
	report reasons
	# echo's analysis reason does not replace the one it ended with.
	same "$output" "reason	clients	percent	reopened
price	2	66.7	0
went to a competitor	1	33.3	0"
	report reasons --as-of 2026-10-10
	same "$output" "reason	clients	percent	reopened
price	1	50.0	0
went to a competitor	1	50.0	0"
	report reasons --manager ivanov
	same "$output" "reason	clients	percent	reopened"
}

@test "the shared filters choose the clients, as they stood on the day" {
	report --manager petrov
	same "$(echo "$output" | cut -f1 | tail -n +2 | tr '\n' ' ')" "charlie delta foxtrot "
	report --open
	same "$(echo "$output" | cut -f1 | tail -n +2 | tr '\n' ' ')" "alpha bravo delta foxtrot "
	report --ended
	same "$(echo "$output" | cut -f1 | tail -n +2 | tr '\n' ' ')" "charlie echo golf "
	report --phase 4-7
	same "$(echo "$output" | cut -f1 | tail -n +2 | tr '\n' ' ')" "bravo "
	report --stale
	same "$(echo "$output" | cut -f1 | tail -n +2 | tr '\n' ' ')" "alpha delta golf "
	report --manager sidorov --as-of 2026-10-12
	same "$(echo "$output" | cut -f1 | tail -n +2 | tr '\n' ' ')" "echo foxtrot golf "
	# alpha's furthest phase is 8, bravo's 6: both reached 1 to 6.
	report funnel --manager ivanov
	same "$(echo "$output" | cols "phase now reached" | sed -n '1p;6,8p')" "1 0 2
6 1 2
7 0 1
8 1 1"
	run preg -C "$R" client set alpha tags=key,north
	run preg -C "$R" client set delta tags=north fields.region=ural
	head0=$(git -C "$R" rev-parse HEAD)
	report --tag north
	same "$(echo "$output" | cut -f1 | tail -n +2 | tr '\n' ' ')" "alpha delta "
	report --tag north --tag key
	same "$(echo "$output" | cut -f1 | tail -n +2 | tr '\n' ' ')" "alpha "
	report --field region=ural --kind external
	same "$(echo "$output" | cut -f1 | tail -n +2 | tr '\n' ' ')" "delta "
}

@test "remind takes the shared filters too" {
	run --separate-stderr preg -C "$R" remind --format tsv --phase research
	[ "$status" -eq 0 ]
	same "$(echo "$output" | cut -f2,4 | tail -n +2)" "delta	stale
delta	overdue"
	run --separate-stderr preg -C "$R" remind --format tsv --open --tag none-such
	[ "$status" -eq 0 ]
	same "$output" ""
}

@test "table: the register fits 80 columns, marks the phases, --wide shows every date" {
	COLUMNS=80 report --format table
	# The name takes what is left of 80 after 12 phases, days, the manager
	# (sidorov) and "  overdue, stale": 12 columns.
	same "$(echo "$output" | head -5)" "client         1  2  3  4  5  6  7  8  9 10 11 12  days  manager
Alpha LLC      ✓  ✓  ✓  ✓  ·  ·  ✓  ●  ·  ·  ·  ·    11  ivanov   stale
ООО «Браво»    ✓  ·  ·  ✓  ✓  ●  ·  ·  ·  ·  ·  ·     7  ivanov
Charlie…       ·  ·  ·  ✓  ·  ·  ·  ·  ·  ·  ●  ·    12  petrov   ended
Delta          ●  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·  ·    22  petrov   overdue, stale"
	local w
	w=$(echo "$output" | while IFS= read -r l; do printf '%s' "$l" | wc -m; done | sort -n | tail -1)
	[ "$w" -le 80 ]
	# A long name is shortened to fit, its distinctive part first
	# (name_short): not "Общество с …".
	run preg -C "$R" client set delta "name=Общество с ограниченной ответственностью «Дельта-Логистик»"
	head0=$(git -C "$R" rev-parse HEAD)
	COLUMNS=80 report --format table
	w=$(echo "$output" | while IFS= read -r l; do printf '%s' "$l" | wc -m; done | sort -n | tail -1)
	[ "$w" -le 80 ]
	echo "$output" | grep -q '^Дельта-Логи…   ●'
	report --format table --wide
	same "$(echo "$output" | sed -n 1p | tr -s ' ')" "client research decision-maker presentation request processing quotation contract first-order first-carriage next-request ended analysis since days manager"
	echo "$output" | tr -s ' ' | grep -qx 'Alpha LLC 2026-09-01 2026-09-05 2026-09-10 2026-09-20 2026-10-01 2026-10-21 2026-10-21 11 ivanov stale'
	echo "$output" | grep -qx ' 7 contract: contract conclusion'
}

@test "table: colours only on a terminal or with --color=always, never with NO_COLOR" {
	report --format table
	! echo "$output" | grep -q $'\033'
	unset NO_COLOR
	run --separate-stderr preg --color=always -C "$R" report --format table
	[ "$status" -eq 0 ]
	# alpha's current phase (8 first-order) in its colour.
	color=$(awk '/key: first-order/ { f = 1 } f && /color:/ { gsub(/[" ]/, "", $2); print $2; exit }' "$R/preg.yaml")
	hex=${color#\#}
	esc=$(printf '\033[38;2;%d;%d;%dm●' 0x${hex:0:2} 0x${hex:2:2} 0x${hex:4:2})
	echo "$output" | grep '^Alpha' | grep -qF "$esc"
}

@test "json and csv carry the same figures as tsv" {
	report funnel --format json
	echo "$output" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
assert len(rows) == 12, len(rows)
assert rows[1] == {"phase": 2, "phase_key": "decision-maker", "now": 1, "reached": 5, "conversion": 71.4, "median_days": 5, "p90_days": 10}, rows[1]
assert rows[9]["conversion"] is None
'
	report --format csv
	echo "$output" | python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
c = [r for r in rows if r["id"] == "charlie"][0]
assert c["name"] == "Charlie <Corp> & Sons", c
assert c["reached_request"] == "2026-10-01" and c["reached_ended"] == "2026-10-20", c
b = [r for r in rows if r["id"] == "bravo"][0]
assert b["name"] == "ООО «Браво»", b
'
	[[ $output == *$'\r\n'* ]]
	report managers --format json
	echo "$output" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
assert [r["manager"] for r in rows] == ["ivanov", "petrov", "sidorov"]
assert rows[0]["conversion"] == 50.0 and rows[0]["in_first-order"] == 1, rows[0]
'
	report durations --format json
	echo "$output" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
assert rows[3]["slowest"] == ["bravo:20", "charlie:19", "alpha:11"], rows[3]
'
}

@test "html: one self-contained page, every value escaped" {
	report --format html
	[[ $output == '<!DOCTYPE html>'* ]]
	[[ $output == *'</html>' ]]
	# Nothing from the network: no script, no link, no url(), no src.
	! echo "$output" | grep -Eiq '<script|<link|url\(|src=|@import|https?:'
	echo "$output" | grep -qF 'Charlie &lt;Corp&gt; &amp; Sons'
	! echo "$output" | grep -qF 'Charlie <Corp>'
	echo "$output" | grep -qF '@media print'
	# Grouped by manager, stale and overdue marked.
	same "$(echo "$output" | grep -o '<h2>[a-z]*' | tr '\n' ' ')" "<h2>ivanov <h2>petrov <h2>sidorov "
	echo "$output" | grep -qF '<tr class="client stale overdue"><td class="client">Delta<span class="tag overdue">overdue</span>'
	for k in funnel managers durations reasons; do
		report $k --format html
		[[ $output == '<!DOCTYPE html>'* ]]
		echo "$output" | grep -q '<table>'
	done
	report reasons --format html
	echo "$output" | grep -qF '<td>went to a competitor</td><td class="n">1</td><td class="n">33.3</td>'
}

@test "a record that cannot be read is named; the report counts the others" {
	printf 'id: zulu\nname: [unclosed\n' >"$R/$(record_path zulu)" 2>/dev/null || {
		mkdir -p "$R/$(record_dir zulu)"
		printf 'id: zulu\nname: [unclosed\n' >"$R/$(record_path zulu)"
	}
	git -C "$R" add -A && git -C "$R" commit -qm "a broken record"
	head0=$(git -C "$R" rev-parse HEAD)
	for i in 1 2; do # the second time through the cache
		run --separate-stderr preg -C "$R" report funnel
		[ "$status" -eq 1 ]
		[[ $stderr == "preg: error: $(record_path zulu):"* ]]
		same "$(echo "$output" | sed -n 2p)" "1	research	1	7		5	22"
	done
}

@test "usage errors name the problem and print nothing" {
	local u="usage: preg report funnel [--manager M] [--phase P] [--tag T]... [--kind external|internal] [--field K=V]... [--stale] [--ended | --open] [--since DATE] [--until DATE] [--by KEY] [--sum fields.X] [--as-of DATE] [--format table|tsv|csv|json|html]"
	refused 2 "preg: --as-of: invalid date '2026-13-01' (there is no month 13)
$u" funnel --as-of 2026-13-01
	refused 2 "preg: unknown format 'xml' (table, tsv, csv, json or html)
$u" funnel --format xml
	refused 2 "preg: unknown phase or range 'nine' (see 'preg phase list')
$u" funnel --phase nine
	refused 2 "preg: --ended and --open exclude each other
$u" funnel --ended --open
	refused 2 "preg: unexpected argument 'extra'
$u" funnel extra
	refused 2 "preg: invalid kind 'vip' (external or internal)
$u" funnel --kind vip
	local m="usage: preg report managers [--manager M] [--phase P] [--tag T]... [--kind external|internal] [--field K=V]... [--stale] [--ended | --open] [--since DATE] [--until DATE] [--by KEY] [--sum fields.X] [--won PHASE] [--wide] [--as-of DATE] [--format table|tsv|csv|json|html]"
	refused 2 "preg: --since 2026-11-05 is after the day of the report
$m" managers --since 2026-11-05
	refused 2 "preg: --won: unknown phase 'gold' (see 'preg phase list')
$m" managers --won gold
	refused 2 "preg: invalid --top '0' (1 to 100)
usage: preg report durations [--manager M] [--phase P] [--tag T]... [--kind external|internal] [--field K=V]... [--stale] [--ended | --open] [--since DATE] [--until DATE] [--top N] [--as-of DATE] [--format table|tsv|csv|json|html]" durations --top 0
	refused 2 "preg: the report comes before the options: preg report funnel ...
usage: preg report register [--manager M] [--phase P] [--tag T]... [--kind external|internal] [--field K=V]... [--stale] [--ended | --open] [--by KEY] [--sum fields.X] [--wide] [--all] [--since DATE] [--until DATE] [--as-of DATE] [--format table|tsv|csv|json|html|xlsx]" --as-of 2026-10-01 funnel
	run --separate-stderr preg -C "$R" report nonsense
	[ "$status" -eq 2 ]
	same "$stderr" "preg: unknown command 'report nonsense' (see 'preg help report')"
	run --separate-stderr preg -C "$BATS_TEST_TMPDIR/none" report
	[ "$status" -eq 1 ]
	[[ $stderr == "preg: error: "* ]]
}

@test "an empty register, or a day before any client: headers only, and a page that says so" {
	new=$BATS_TEST_TMPDIR/empty
	preg init "$new" >/dev/null
	for k in register funnel managers durations reasons; do
		run --separate-stderr preg -C "$new" report $k
		[ "$status" -eq 0 ]
		same "$stderr" ""
	done
	same "$(preg -C "$new" report | wc -l | tr -d ' ')" 1
	same "$(preg -C "$new" report funnel | cut -f3,4 | sort -u | tr '\n' ' ')" "0	0 now	reached "
	preg -C "$new" report --format html | grep -qF '<p>No clients.</p>'
	report --as-of 2026-07-31
	same "$(echo "$output" | wc -l | tr -d ' ')" 1
}
