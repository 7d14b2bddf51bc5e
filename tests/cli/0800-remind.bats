#!/usr/bin/env bats
# preg remind: what is due on a day, grouped by manager, most overdue first;
# --within, --manager, --as-of, the formats, silence when nothing is due.
#
# The register (freight template; stale_after: 1 research 14d, 3
# presentation 30d, 4 request 2d, 7 contract 30d; 11 ended is an ending
# phase), managers ivanov and petrov with e-mail, smirnov with a name only.
# Built in time order; T0 = 2026-10-01T09:12:00+05:00; today (PREG_NOW) is
# D = 2026-11-02.
#
#   alpha    ivanov   1 research since 10-01; next 10-30 "call the director"
#   bravo    ivanov   "ООО «Ромашка»"; 1 since 10-01, 4 request since 10-31;
#                     next 11-02 "send the quotation"
#   charlie  petrov   7 contract since 10-01 (added there); next 11-04 "ask
#                     about the first shipment"; held on 11-02 until 11-10
#   delta    petrov   1 research since 10-01; next 11-05 (no action)
#   echo     smirnov  1 since 10-01, 11 ended on 10-25; next 10-01
#   foxtrot  smirnov  added 10-28 in 1 research
#   golf     ivanov -> petrov on 10-25; 1 since 10-01, 2 on 10-20, 3
#                     presentation on 11-01
#   hotel    petrov   1 since 10-01; held on 10-20 until 11-20
#
# On D = 11-02:
#   alpha    overdue: next 10-30 < D, 3 days; stale: 32 days > 14, the limit
#            ran out on 10-01 + 14 = 10-15, 18 days ago. Two items.
#   bravo    due: next 11-02 = D, 0 days; 4 request for 2 days, not > 2d.
#   charlie  32 days > 30 in contract, but held until 11-10 > D: not stale;
#            next 11-04 is upcoming only with --within 2d or more (in 2).
#   delta    stale: 32 > 14, date 10-15, 18 days; next 11-05 upcoming with
#            --within 3d (in 3 days), not with 2d.
#   echo     ended: nothing, though its next contact is long past.
#   foxtrot  5 days in research: nothing.
#   golf     1 day in presentation, no next contact: nothing.
#   hotel    32 days in research, held until 11-20: nothing.
# Sorted by manager, then days overdue descending, then id:
#   ivanov: alpha stale 18, alpha overdue 3, bravo due 0; petrov: delta 18.

load helper

T0=2026-10-01T09:12:00+05:00

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	printf 'managers:\n  ivanov: {name: Ivan Ivanov, email: ivanov@example.com}\n  petrov: {name: Petr Petrov, email: petrov@example.com}\n  smirnov: {name: Anna Smirnova}\n' >>"$P/preg.yaml"
	git -C "$P" commit -qam "managers"
	at() { PREG_NOW=$1 "$PREG" -C "$P" "${@:2}" >/dev/null; }
	at $T0 client add "Alpha LLC" --id alpha --next 2026-10-30 --action "call the director"
	at $T0 client add "ООО «Ромашка»" --id bravo --next 2026-11-02 --action "send the quotation"
	at $T0 client add "Charlie Corp" --id charlie --manager petrov --phase 7 --next 2026-11-04 --action "ask about the first shipment"
	at $T0 client add "Delta" --id delta --manager petrov --next 2026-11-05
	at $T0 client add "Echo, Inc; \"quoted\"" --id echo --manager smirnov --next 2026-10-01
	at $T0 client add "Golf" --id golf
	at $T0 client add "Hotel" --id hotel --manager petrov
	at 2026-10-20T10:00:00+05:00 phase set golf 2
	at 2026-10-20T10:00:00+05:00 client hold hotel --until 2026-11-20 --reason "tender closes"
	at 2026-10-25T10:00:00+05:00 client set golf manager=petrov
	at 2026-10-25T11:00:00+05:00 phase set echo ended --reason "moved to a competitor"
	at 2026-10-28T10:00:00+05:00 client add "Foxtrot" --id foxtrot --manager smirnov
	at 2026-10-31T12:00:00+05:00 phase set bravo 4
	at 2026-11-01T10:00:00+05:00 phase set golf 3
	at 2026-11-02T09:00:00+05:00 client hold charlie --until 2026-11-10 --reason "the director is on holiday"
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
}

# ok ARGS...: remind ARGS succeeds with nothing on stderr; changes nothing.
ok() {
	run --separate-stderr preg -C "$R" remind "$@"
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

# refused STATUS MESSAGE ARGS...
refused() {
	local st=$1 msg=$2
	shift 2
	run --separate-stderr preg -C "$R" remind "$@"
	[ "$status" -eq "$st" ]
	same "$output" ""
	same "$stderr" "$msg"
}

IVANOV="ivanov: Ivan Ivanov <ivanov@example.com>
  stale     2026-10-15  18 days ago   alpha  Alpha LLC: 32 days in 1 research (limit 14d)
  overdue   2026-10-30  3 days ago    alpha  Alpha LLC: call the director
  due       2026-11-02  today         bravo  ООО «Ромашка»: send the quotation"

@test "text: grouped by manager, most overdue first, a client due and stale twice" {
	ok
	same "$output" "$IVANOV

petrov: Petr Petrov <petrov@example.com>
  stale     2026-10-15  18 days ago   delta  Delta: 32 days in 1 research (limit 14d)"
}

@test "global options after the command: -C and --color, as before it" {
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr preg remind --manager ivanov -C "$R" --color=never
	[ "$status" -eq 0 ]
	same "$output" "$IVANOV"
	run --separate-stderr preg remind -C "$R" --format json --color=always --manager smirnov
	same "$stderr" ""
	same "$output" "[]"
}

@test "--color WHEN as two words, as getopt takes a value: before and after the command" {
	local esc=$'\e['
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr preg --color never -C "$R" remind --manager ivanov
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "$IVANOV"
	run --separate-stderr preg -C "$R" remind --manager ivanov --color never
	[ "$status" -eq 0 ]
	same "$output" "$IVANOV"
	# The colours follow the word: always colours a pipe, never does not,
	# on a terminal too.
	for where in before after; do
		if [ $where = before ]; then
			run --separate-stderr preg --color always -C "$R" client list --format table
		else
			run --separate-stderr preg -C "$R" client list --format table --color always
		fi
		[ "$status" -eq 0 ]
		[[ $output == *"$esc"* ]] || { echo "--color always $where: no colour"; false; }
	done
	NO_COLOR= run script -qec "'$PREG' -C '$R' client list --color never" /dev/null
	[ "$status" -eq 0 ]
	[[ $output == *alpha* && $output != *"$esc"* ]]
	NO_COLOR= run script -qec "'$PREG' --color never -C '$R' client list" /dev/null
	[[ $output == *alpha* && $output != *"$esc"* ]]
	# A bare --color is always, and a word that is not a choice stays an
	# operand: here an unknown command.
	run --separate-stderr preg --color -C "$R" client list --format table
	[[ $output == *"$esc"* ]]
	run --separate-stderr preg -C "$R" --color sometimes remind
	[ "$status" -eq 2 ]
	same "$stderr" "preg: unknown command 'sometimes' (see 'preg help')"
	run --separate-stderr preg -C "$R" remind --color=sometimes
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: invalid --color value 'sometimes' (auto, always or never)"
}

@test "--within: the next contacts of the next N days" {
	# charlie 11-04 is in 2 days, delta 11-05 in 3: both with 3d; sorted
	# after delta's stale item (18) by days overdue: -2, then -3.
	ok --within 3d
	same "$output" "$IVANOV

petrov: Petr Petrov <petrov@example.com>
  stale     2026-10-15  18 days ago   delta    Delta: 32 days in 1 research (limit 14d)
  upcoming  2026-11-04  in 2 days     charlie  Charlie Corp: ask about the first shipment
  upcoming  2026-11-05  in 3 days     delta    Delta: next contact"
	# 2d: charlie only; 0d: nothing upcoming.
	ok --within 2d --manager petrov
	same "$(echo "$output" | grep -c upcoming)" 1
	echo "$output" | grep -q 'charlie'
	ok --within 0d
	same "$(echo "$output" | grep -c upcoming)" 0
	# 1w is 7 days.
	ok --within 1w --manager petrov
	same "$(echo "$output" | grep -c upcoming)" 2
	# Or up to a day as people type it: thu is 11-05, 3 days from Monday
	# the 2nd; 04.11.2026 is 2.
	local three
	ok --within 3d
	three=$output
	ok --within thu
	same "$output" "$three"
	ok --within 04.11.2026 --manager petrov
	same "$(echo "$output" | grep -c upcoming)" 1
	echo "$output" | grep -q 'charlie'
	# From the day of --as-of: a week before, up to 11-02 is 7 days.
	ok --as-of 2026-10-26 --within 2026-11-02 --format tsv
	same "$output" "$(preg -C "$R" remind --as-of 2026-10-26 --within 7d --format tsv)"
}

@test "text: each manager's ids padded to the widest, so that the names start in one column, fitted or not" {
	local cols
	# petrov's list holds delta and charlie; ivanov's alpha and bravo.
	for cols in "" 60; do
		COLUMNS=$cols ok --within 3d
		run python3 -c '
import re, sys
for block in sys.argv[1].split("\n\n"):
    lines = block.split("\n")
    starts = {re.match(r"  \S+ +\S+  .{12}  \S+ +", l).end() for l in lines[1:]}
    ids = {re.match(r"  \S+ +\S+  .{12}  (\S+)", l).group(1) for l in lines[1:]}
    print(lines[0].split(":")[0], "ids:", " ".join(sorted(ids)), "| name columns:", len(starts))
' "$output"
		same "$output" "ivanov ids: alpha bravo | name columns: 1
petrov ids: charlie delta | name columns: 1"
	done
}

@test "--manager: one manager's list; a manager with nothing due: no output, exit 0" {
	ok --manager ivanov
	same "$output" "$IVANOV"
	# smirnov: echo has ended, foxtrot is 5 days in research.
	ok --manager smirnov
	same "$output" ""
}

# The python3 that has Debian's python3-icalendar (another python3 first on
# PATH, pyenv or a venv, may hide it); fails when none has.
ical_python() {
	local py
	for py in python3 /usr/bin/python3; do
		"$py" -c 'import icalendar' 2>/dev/null && { echo "$py"; return 0; }
	done
	echo "python3-icalendar is not installed (apt-get install python3-icalendar)" >&2
	return 1
}

@test "nothing due: text and tsv print nothing (cron sends no mail), json an empty list, ics an empty calendar" {
	local py
	py=$(ical_python)
	for f in text tsv; do
		PREG_NOW=2026-10-02T10:00:00+05:00 ok --format $f --manager ivanov
		same "$output" ""
	done
	PREG_NOW=2026-10-02T10:00:00+05:00 ok --format json --manager ivanov
	same "$output" "[]"
	same "$(python3 -c 'import json,sys; print(json.load(sys.stdin))' <<<"$output")" "[]"
	PREG_NOW=2026-10-02T10:00:00+05:00 preg -C "$R" remind --format ics --manager ivanov >"$BATS_TEST_TMPDIR/e.ics"
	same "$(tr -d '\r' <"$BATS_TEST_TMPDIR/e.ics")" "BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//preg//preg $("$PREG" --version | cut -d ' ' -f 2)//EN
CALSCALE:GREGORIAN
END:VCALENDAR"
	run "$py" -c '
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
print(cal.name, cal["VERSION"], len(cal.walk("VTODO")))
' "$BATS_TEST_TMPDIR/e.ics"
	[ "$status" -eq 0 ]
	same "$output" "VCALENDAR 2.0 0"
	# An empty register too.
	rm -rf "$R"
	new_register
	head0=$(git -C "$R" rev-parse HEAD)
	ok --within 30d
	same "$output" ""
	ok --within 30d --format json
	same "$output" "[]"
}

@test "tsv and json: the stable columns" {
	ok --format tsv --within 2d
	same "$output" "manager	id	name	reason	date	days_overdue	phase	phase_key	days_in_phase	next_action
ivanov	alpha	Alpha LLC	stale	2026-10-15	18	1	research	32	call the director
ivanov	alpha	Alpha LLC	overdue	2026-10-30	3	1	research	32	call the director
ivanov	bravo	ООО «Ромашка»	due	2026-11-02	0	4	request	2	send the quotation
petrov	delta	Delta	stale	2026-10-15	18	1	research	32	
petrov	charlie	Charlie Corp	upcoming	2026-11-04	-2	7	contract	32	ask about the first shipment"
	ok --format json --manager petrov --within 2d
	same "$output" '[
{"manager":"petrov","id":"delta","name":"Delta","reason":"stale","date":"2026-10-15","days_overdue":18,"phase":1,"phase_key":"research","days_in_phase":32,"next_action":null},
{"manager":"petrov","id":"charlie","name":"Charlie Corp","reason":"upcoming","date":"2026-11-04","days_overdue":-2,"phase":7,"phase_key":"contract","days_in_phase":32,"next_action":"ask about the first shipment"}
]'
	printf '%s' "$output" | python3 -c 'import json,sys; assert len(json.load(sys.stdin)) == 2'
}

@test "a hold ends: stale again from its day" {
	# On 11-10 charlie's hold (until 11-10) is over: 40 days in contract,
	# limit 30d ran out on 10-31, 10 days ago; its next contact 11-04 is 6
	# days overdue. hotel is held until 11-20: nothing. delta: 40 days in
	# research, 10-15, 26 days; next 11-05, 5 days overdue.
	PREG_NOW=2026-11-10T08:00:00+05:00 ok --manager petrov
	same "$output" "petrov: Petr Petrov <petrov@example.com>
  stale     2026-10-15  26 days ago   delta    Delta: 40 days in 1 research (limit 14d)
  stale     2026-10-31  10 days ago   charlie  Charlie Corp: 40 days in 7 contract (limit 30d)
  overdue   2026-11-04  6 days ago    charlie  Charlie Corp: ask about the first shipment
  overdue   2026-11-05  5 days ago    delta    Delta: next contact"
}

@test "--as-of: the register as it stood that day, from the history events" {
	# D = 10-19. Every client but foxtrot (added 10-28) existed.
	#   alpha, bravo, delta: 1 research since 10-01, 18 days > 14: stale,
	#     date 10-15, 4 days. Next contacts (as now) 10-30, 11-02, 11-05:
	#     not yet due.
	#   charlie: 18 days in contract, not > 30.
	#   echo: not ended yet (10-25): 18 days in research, stale 4 days; its
	#     next contact 10-01 is 18 days overdue.
	#   golf: still ivanov's (the move to petrov came on 10-25), still in 1
	#     research (2 on 10-20): stale 4 days.
	#   hotel: the hold came on 10-20: not held yet, stale 4 days.
	ok --as-of 2026-10-19
	same "$output" "ivanov: Ivan Ivanov <ivanov@example.com>
  stale     2026-10-15  4 days ago    alpha  Alpha LLC: 18 days in 1 research (limit 14d)
  stale     2026-10-15  4 days ago    bravo  ООО «Ромашка»: 18 days in 1 research (limit 14d)
  stale     2026-10-15  4 days ago    golf   Golf: 18 days in 1 research (limit 14d)

petrov: Petr Petrov <petrov@example.com>
  stale     2026-10-15  4 days ago    delta  Delta: 18 days in 1 research (limit 14d)
  stale     2026-10-15  4 days ago    hotel  Hotel: 18 days in 1 research (limit 14d)

smirnov: Anna Smirnova
  overdue   2026-10-01  18 days ago   echo  Echo, Inc; \"quoted\": next contact
  stale     2026-10-15  4 days ago    echo  Echo, Inc; \"quoted\": 18 days in 1 research (limit 14d)"
	# D = 10-20: golf entered 2 that day (0 days), hotel is held from that
	# day; --manager follows the manager of that day.
	ok --as-of 2026-10-20 --manager ivanov --format tsv
	same "$(echo "$output" | cut -f 2,3,4,9 | tail -n +2)" "alpha	Alpha LLC	stale	19
bravo	ООО «Ромашка»	stale	19"
	ok --as-of 2026-10-26 --manager petrov --format tsv
	# golf is petrov's from 10-25, in 2 decision-maker since 10-20 (6 days).
	same "$(echo "$output" | cut -f 2,4,7,9 | tail -n +2)" "delta	stale	1	25"
	# Before the first client: nothing.
	ok --as-of 2026-09-30
	same "$output" ""
}

@test "ics: RFC 5545, parsed by python3-icalendar" {
	# Debian's python3-icalendar is for Debian's python3, which another
	# python3 first on PATH (pyenv, a venv) may hide.
	local py
	for py in python3 /usr/bin/python3 ''; do
		[ -n "$py" ] && "$py" -c 'import icalendar' 2>/dev/null && break
	done
	[ -n "$py" ] || {
		echo "python3-icalendar is not installed (apt-get install python3-icalendar)"
		return 1
	}
	ok --format ics --within 3d
	# Lines end in CRLF and are at most 75 octets.
	preg -C "$R" remind --format ics --within 3d >"$BATS_TEST_TMPDIR/r.ics"
	[ "$(grep -c $'\r$' "$BATS_TEST_TMPDIR/r.ics")" -eq "$(wc -l <"$BATS_TEST_TMPDIR/r.ics")" ]
	LC_ALL=C awk '{ sub(/\r$/, ""); if (length($0) > 75) { print "long: " $0; bad = 1 } } END { exit bad }' "$BATS_TEST_TMPDIR/r.ics"
	head -n 3 "$BATS_TEST_TMPDIR/r.ics" | tr -d '\r' | same "$(cat)" "BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//preg//preg $("$PREG" --version | cut -d ' ' -f 2)//EN"
	run "$py" -c '
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
for t in cal.walk("VTODO"):
    print(t["UID"], t.decoded("DUE").isoformat(), t.decoded("DTSTAMP").isoformat(), t["SUMMARY"], sep="|")
' "$BATS_TEST_TMPDIR/r.ics"
	[ "$status" -eq 0 ]
	# DTSTAMP: 2026-11-02T10:15:00+05:00 in UTC.
	same "$output" "alpha-stale-20261015@preg|2026-10-15|2026-11-02T05:15:00+00:00|Alpha LLC: stalled in 1 research
alpha-due-20261030@preg|2026-10-30|2026-11-02T05:15:00+00:00|Alpha LLC: call the director
bravo-due-20261102@preg|2026-11-02|2026-11-02T05:15:00+00:00|ООО «Ромашка»: send the quotation
delta-stale-20261015@preg|2026-10-15|2026-11-02T05:15:00+00:00|Delta: stalled in 1 research
charlie-due-20261104@preg|2026-11-04|2026-11-02T05:15:00+00:00|Charlie Corp: ask about the first shipment
delta-due-20261105@preg|2026-11-05|2026-11-02T05:15:00+00:00|Delta: contact"
	# The escaped name reads back as it is.
	run "$py" -c '
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
for t in cal.walk("VTODO"):
    print(t["UID"], t["SUMMARY"], sep="|")
' <(preg -C "$R" remind --format ics --as-of 2026-10-19 --manager smirnov)
	same "$output" 'echo-due-20261001@preg|Echo, Inc; "quoted": contact
echo-stale-20261015@preg|Echo, Inc; "quoted": stalled in 1 research'
	# Stable: the same UIDs tomorrow, when a due item is overdue.
	uid=$(PREG_NOW=2026-11-03T08:00:00+05:00 preg -C "$R" remind --format ics --manager ivanov | grep '^UID:bravo-due' | tr -d '\r')
	same "$uid" "UID:bravo-due-20261102@preg"
}

@test "usage errors: --within, --as-of, --format, --manager, operands" {
	local u="usage: preg remind [--manager M] [--phase P] [--tag T]... [--kind external|internal] [--field K=V]... [--stale] [--ended | --open] [--as-of DATE] [--within Nd] [--format text|tsv|json|ics] [--mail] [--dry-run] [--wide]"
	refused 2 "preg: invalid --within '366d' (Nd, from 0d to 365d, or a day up to a year ahead: fri, 25.12.2026)
$u" --within 366d
	refused 2 "preg: invalid --within '3' (Nd, from 0d to 365d, or a day up to a year ahead: fri, 25.12.2026)
$u" --within 3
	refused 2 "preg: invalid --within '-1d' (Nd, from 0d to 365d, or a day up to a year ahead: fri, 25.12.2026)
$u" --within -1d
	refused 2 "preg: invalid --within 'yesterday' (Nd, from 0d to 365d, or a day up to a year ahead: fri, 25.12.2026)
$u" --within yesterday
	refused 2 "preg: invalid --within '2027-11-04' (Nd, from 0d to 365d, or a day up to a year ahead: fri, 25.12.2026)
$u" --within 2027-11-04
	refused 2 "preg: --as-of: invalid date '2026-02-30' (February 2026 has 28 days)
$u" --as-of 2026-02-30
	refused 2 "preg: unknown format 'csv' (text, tsv, json or ics)
$u" --format csv
	refused 2 "preg: unknown manager 'sidorov' (preg.yaml lists ivanov (Ivan Ivanov), petrov (Petr Petrov), smirnov (Anna Smirnova))
$u" --manager sidorov
	refused 2 "preg: unexpected argument 'ivanov'
$u" ivanov
	refused 2 "preg: option '--as-of' needs a value
$u" --as-of
}

@test "a record that cannot be read is reported; the others are still reminded of" {
	mkdir -p "$R/$(record_dir zz)"
	printf 'id: zz\nname: [\n' >"$R/$(record_path zz)"
	git -C "$R" add -A && git -C "$R" commit -qm broken
	run --separate-stderr preg -C "$R" remind --manager ivanov
	[ "$status" -eq 1 ]
	same "$output" "$IVANOV"
	[[ $stderr == "preg: error: $(record_path zz):"* ]]
}
