#!/usr/bin/env bats
# preg report for a head of department: what happened in a period
# (--since/--until), what the managers did (report activity), and the
# funnel, managers and register grouped (--by) and summed (--sum).
#
# The register, built through preg commands (freight template: 11 ended
# and 12 analysis end the collaboration). PREG_NOW of the reports is
# 2026-12-01; the period is November (2026-11-01 .. 2026-11-30). Events at
# 10:00+03:00, notes at 15:00+03:00; "by" is who ran the command.
#
#   romashka  ООО «Ромашка»   ivanov   tag china, direction China - Chelyabinsk, amount "1 250 000,50"
#     10-01 added (ivanov); 10-10 -> 3; 10-25 note call, next 11-03;
#     11-03 -> 4; 11-03 note email, next 11-09; 11-10 -> 6;
#     11-10 note meeting, next 12-05
#   vektor    ООО «Вектор...»  ivanov  tag china, direction China - Chelyabinsk, amount "300 000"
#     10-15 added (ivanov); 11-01 note call, next 11-04; 11-04 note call;
#     11-05 -> 11 ended, reason "price"
#   sever     ООО «Север»     petrov   direction Europe - Moscow, amount "по запросу"
#     10-05 added in 4 (petrov); 10-20 -> 7; 11-15 -> 5 (back);
#     11-16 note letter, next 11-25; 11-24 note chat by smirnov
#   tayga     ООО «Тайга»     petrov   tag europe, direction Europe - Moscow, amount "2 000 000,00"
#     11-02 added (petrov); 11-02 note call, next 11-06; 11-12 -> 2;
#     11-12 note meeting, next 11-20
#   luch      АО «Луч»        sidorov  internal, amount "750 000,25", no direction
#     11-20 added by smirnov for sidorov, next contact 11-27
#
# Stints up to 11-30 (days): romashka 1:9 3:24 4:7 6:20; vektor 1:21
# 11:25; sever 4:15 7:26 5:15; tayga 1:10 2:18; luch 1:10.
# Furthest phase that does not end: romashka 6, vektor 1, sever 7, tayga 2,
# luch 1.

load helper
load report

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	# at DAY USER ARGS...: preg ARGS as USER at 10:00 that day (15:00 for
	# a note).
	at() {
		local t=10:00
		[ "$3" = note ] && t=15:00
		PREG_USER=$2 PREG_NOW=${1}T$t:00+03:00 "$PREG" -C "$P" "${@:3}" >/dev/null
	}
	at 2026-10-01 ivanov client add "ООО «Ромашка»" --id romashka --manager ivanov --tag china \
		--field "direction=China - Chelyabinsk" --field "amount=1 250 000,50"
	at 2026-10-05 petrov client add "ООО «Север»" --id sever --manager petrov --phase 4 \
		--field "direction=Europe - Moscow" --field "amount=по запросу"
	at 2026-10-10 ivanov phase set romashka 3
	at 2026-10-15 ivanov client add "ООО «Вектор-Транс Логистик Сибирь Дальний Восток»" --id vektor \
		--manager ivanov --tag china --field "direction=China - Chelyabinsk" --field "amount=300 000"
	at 2026-10-20 petrov phase set sever 7
	at 2026-10-25 ivanov note romashka "обсудили маршрут" --channel call --next 2026-11-03
	at 2026-11-01 ivanov note vektor "цена высока" --channel call --next 2026-11-04
	at 2026-11-02 petrov client add "ООО «Тайга»" --id tayga --manager petrov --tag europe \
		--field "direction=Europe - Moscow" --field "amount=2 000 000,00"
	at 2026-11-02 petrov note tayga "первый звонок" --channel call --next 2026-11-06
	at 2026-11-03 ivanov phase set romashka 4
	at 2026-11-03 ivanov note romashka "запрос ставки" --channel email --next 2026-11-09
	at 2026-11-04 ivanov note vektor "отказ: дорого" --channel call
	at 2026-11-05 ivanov phase set vektor ended --reason price
	at 2026-11-10 ivanov phase set romashka 6
	at 2026-11-10 ivanov note romashka "презентация у директора" --channel meeting --next 2026-12-05
	at 2026-11-12 petrov phase set tayga 2
	at 2026-11-12 petrov note tayga "встреча" --channel meeting --next 2026-11-20
	at 2026-11-15 petrov phase set sever 5
	at 2026-11-16 petrov note sever "письмо с условиями" --channel letter --next 2026-11-25
	at 2026-11-20 smirnov client add "АО «Луч»" --id luch --manager sidorov --kind internal \
		--field "amount=750 000,25" --next 2026-11-27
	at 2026-11-24 smirnov note sever "ответили в чате" --channel chat
}

setup() {
	common_setup
	export PREG_NOW=2026-12-01T12:00:00+03:00
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
}

NOV=(--since 2026-11-01 --until 2026-11-30)

# The register's usage line.
REG="usage: preg report register [--manager M] [--phase P] [--tag T]... [--kind external|internal] [--field K=V]... [--stale] [--ended | --open] [--by KEY] [--sum fields.X] [--wide] [--all] [--since DATE] [--until DATE] [--as-of DATE] [--format table|tsv|csv|json|html|xlsx]"

@test "funnel over November: entered, moved in and out, ended, next to the snapshot of 11-30" {
	report funnel "${NOV[@]}"
	# now on 11-30: luch 1, tayga 2, sever 5, romashka 6, vektor 11.
	# reached: p1 all 5; p2 romashka, sever, tayga; p3-p6 romashka, sever;
	# p7 sever; p11 vektor. Conversion p2 3/5, p3 2/3, p7 1/2, p8 0/1,
	# p12 0/1; p9 and p10 have no base, p11 ends after one that does not.
	# Days: p1 9,10,10,21 (median the 2nd, p90 the 4th); p4 7,15.
	# November: p1 entered by tayga and luch (added), left by vektor
	# (ended from it) and tayga; romashka 3->4->6; tayga 1->2; sever 7->5;
	# vektor 1->11.
	same "$output" "phase	phase_key	now	reached	conversion	median_days	p90_days	entered	moved_in	moved_out	ended	reopened
1	research	1	5		10	21	2	0	2	1	0
2	decision-maker	1	3	60.0	18	18	1	1	0	0	0
3	presentation	0	2	66.7	24	24	0	0	1	0	0
4	request	0	2	100.0	7	15	1	1	1	0	0
5	processing	1	2	100.0	15	15	1	1	0	0	0
6	quotation	1	2	100.0	20	20	1	1	0	0	0
7	contract	0	1	50.0	26	26	0	0	1	0	0
8	first-order	0	0	0.0			0	0	0	0	0
9	first-carriage	0	0				0	0	0	0	0
10	next-request	0	0				0	0	0	0	0
11	ended	1	1		25	25	1	1	0	0	0
12	analysis	0	0	0.0			0	0	0	0	0"
	# The same period typed as people type days, and relative to today.
	local want=$output
	report funnel --since 01.11.2026 --until 30.11.2026
	same "$output" "$want"
	report funnel --since -30d --until -1d
	same "$output" "$want"
	# Without a period the columns are the snapshot's alone, as before.
	report funnel
	same "$(echo "$output" | head -1)" "phase	phase_key	now	reached	conversion	median_days	p90_days"
}

@test "funnel: --until alone is the 30 days up to it, and the snapshot of that day" {
	# October 2..31 (romashka was added on 10-01, before it): vektor added
	# in 1, sever in 4 (10-05); romashka 1->3, sever 4->7. On 10-31:
	# romashka 3, vektor 1, sever 7.
	report funnel --until 2026-10-31
	same "$(echo "$output" | cols "phase now entered moved_in moved_out ended" | head -7)" "1 1 1 0 1 0
2 0 0 0 0 0
3 1 1 1 0 0
4 0 1 0 1 0
5 0 0 0 0 0
6 0 0 0 0 0
7 1 1 1 0 0"
}

@test "durations over November: the stints that ended by a move, and their median" {
	report durations "${NOV[@]}"
	# Left in November: p1 vektor after 21 days, tayga after 10 (median:
	# the 1st of 10,21); p3 romashka 24; p4 romashka 7; p7 sever 26.
	same "$(echo "$output" | cols "phase clients median_days entered moved_out moved_out_median_days")" \
		"1 4 10 2 2 10
2 1 18 1 0 
3 1 24 0 1 24
4 2 7 1 1 7
5 1 15 1 0 
6 1 20 1 0 
7 1 26 0 1 26
8 0  0 0 
9 0  0 0 
10 0  0 0 
11 1 25 1 0 
12 0  0 0 "
}

@test "managers over November and over October: moves, clients added and ended, for the manager then" {
	report managers "${NOV[@]}"
	# ivanov: romashka 3->4, 4->6, vektor 1->11 (ended); petrov: tayga 1->2,
	# sever 7->5 (back), tayga added; sidorov: luch added (by smirnov).
	same "$(echo "$output" | cols "manager clients open ended moves forward back entered ended_in_period")" \
		"ivanov 2 1 1 3 3 0 0 1
petrov 2 2 0 2 1 1 1 0
sidorov 1 1 0 0 0 0 1 0"
	report managers --since 2026-10-01 --until 2026-10-31
	# On 10-31: ivanov romashka (3) and vektor (1), petrov sever (7).
	same "$(echo "$output" | cols "manager clients in_research in_presentation in_contract moves forward entered ended_in_period")" \
		"ivanov 2 1 1 0 1 1 2 0
petrov 1 0 0 1 1 1 1 0"
}

@test "reasons over November: the ends of the period next to the ended clients" {
	report reasons "${NOV[@]}"
	same "$output" "reason	clients	percent	reopened	ended
price	1	100.0	0	1"
	report reasons --since 2026-10-01 --until 2026-10-31 --format json
	same "$output" "[]"
}

# Next contacts that fell due in November (the note's next, else the
# record's next_contact), for the client's manager on that day; kept when a
# note or move came after it was set and on or before its day:
#   romashka 11-03 (set 10-25): the move on 11-03          kept    ivanov
#   romashka 11-09 (set 11-03 15:00): first after, 11-10   late    ivanov
#   vektor   11-04 (set 11-01): the note of 11-04          kept    ivanov
#   tayga    11-06 (set 11-02): first after, 11-12 move    late    petrov
#   tayga    11-20 (set 11-12 15:00): nothing after        missed  petrov
#   sever    11-25 (set 11-16): smirnov's note of 11-24    kept    petrov
#   luch     11-27 (client add --next): nothing             missed  sidorov
#   romashka 12-05: after the period                       not counted
# Notes in November by who wrote them: ivanov call (vektor 11-01, 11-04),
# email (romashka 11-03), meeting (romashka 11-10); petrov call (tayga
# 11-02), meeting (tayga 11-12), letter (sever 11-16); smirnov chat (sever
# 11-24). Moves: ivanov romashka 3->4, 4->6, vektor 1->11; petrov tayga
# 1->2, sever 7->5. Added: petrov tayga, smirnov luch (for sidorov).
@test "activity over November: notes by channel, moves, clients added, next contacts kept, late, missed" {
	report activity "${NOV[@]}"
	same "$output" "manager	name	notes	call	email	meeting	letter	chat	other	moves	added	contacts_due	kept	late	missed
ivanov		4	2	1	1	0	0	0	3	0	3	2	1	0
petrov		3	1	0	1	1	0	0	2	1	3	1	1	1
sidorov		0	0	0	0	0	0	0	0	0	1	0	0	1
smirnov		1	0	0	0	0	1	0	0	1	0	0	0	0"
	# The same per client, with the client's manager on 11-30.
	report activity "${NOV[@]}" --by client
	same "$output" "id	name	manager	notes	call	email	meeting	letter	chat	other	moves	added	contacts_due	kept	late	missed
luch	АО «Луч»	sidorov	0	0	0	0	0	0	0	0	1	1	0	0	1
romashka	ООО «Ромашка»	ivanov	2	0	1	1	0	0	0	2	0	2	1	1	0
sever	ООО «Север»	petrov	2	0	0	0	1	1	0	1	0	1	1	0	0
tayga	ООО «Тайга»	petrov	2	1	0	1	0	0	0	1	1	2	0	1	1
vektor	ООО «Вектор-Транс Логистик Сибирь Дальний Восток»	ivanov	2	2	0	0	0	0	0	1	0	1	1	0	0"
	# The formats carry the same figures.
	report activity "${NOV[@]}" --format csv
	same "$(sed -n 3p <<<"$output" | tr -d "\r")" "petrov,,3,1,0,1,1,0,0,2,1,3,1,1,1"
	report activity "${NOV[@]}" --format json
	same "$(sed -n 3p <<<"$output")" '{"manager":"petrov","name":null,"notes":3,"call":1,"email":0,"meeting":1,"letter":1,"chat":0,"other":0,"moves":2,"added":1,"contacts_due":3,"kept":1,"late":1,"missed":1},'
	report activity "${NOV[@]}" --format table
	same "$(sed -n 1p <<<"$output" | tr -s ' ')" "manager name notes call email meeting letter chat other moves added contacts_due kept late missed"
}

@test "activity: a shorter period, and a contact judged on the day of the report" {
	# 11-01 .. 11-10: romashka 11-09 has a move on 11-10 (late); tayga
	# 11-06 has none by 11-10 (missed); the 11-20..11-27 ones are later.
	report activity --since 2026-11-01 --until 2026-11-10 --by client
	same "$(echo "$output" | cols "id notes moves added contacts_due kept late missed")" "romashka 2 2 0 2 1 1 0
tayga 1 0 1 1 0 0 1
vektor 2 1 0 1 1 0 0"
	# A note's next date is kept in the note itself.
	grep -q 'next: "2026-11-09"' "$R/$(record_path romashka)"
	# Only the clients of the filter: the notes on them, by whoever wrote them.
	report activity "${NOV[@]}" --manager petrov
	same "$(echo "$output" | cols "manager notes moves contacts_due")" "petrov 3 2 3
smirnov 1 0 0"
}

# Amounts (fields.amount), most written "1 250 000,50" (groups of spaces, a
# decimal comma; 2 decimals at most): romashka 1 250 000,50, vektor
# 300 000, tayga 2 000 000,00, luch 750 000,25; sever's "по запросу" is
# not a number. On 11-30: luch 1, tayga 2, sever 5, romashka 6, vektor 11.

# tsv rows (group and the columns given, by number) where a client is now
# or reached the phase, "|"-separated.
rows() {
	awk -F'\t' -v c="$1" 'NR > 1 && ($4 > 0 || $5 > 0) {
		n = split(c, k, " "); line = ""
		for (i = 1; i <= n; i++) line = line (i > 1 ? "|" : "") $(k[i]); print line }'
}

@test "funnel --by fields.direction --sum fields.amount: a funnel per direction, with totals and medians" {
	run --separate-stderr preg -C "$R" report funnel --until 2026-11-30 --by fields.direction --sum fields.amount
	[ "$status" -eq 0 ]
	same "$stderr" "preg: warning: fields.amount is not a number for 1 client, not summed: sever ('по запросу')"
	same "$(head -1 <<<"$output")" "fields.direction	phase	phase_key	now	reached	conversion	median_days	p90_days	entered	moved_in	moved_out	ended	reopened	amount_total	amount_median"
	# Reached: China romashka (6) and vektor (1, ended in 11); Europe sever
	# (7) and tayga (2); no direction: luch (1).
	same "$(rows "1 2 4 5 14 15" <<<"$output")" "(none)|1|1|1|750 000,25|750 000,25
China - Chelyabinsk|1|0|2||
China - Chelyabinsk|2|0|1||
China - Chelyabinsk|3|0|1||
China - Chelyabinsk|4|0|1||
China - Chelyabinsk|5|0|1||
China - Chelyabinsk|6|1|1|1 250 000,50|1 250 000,50
China - Chelyabinsk|11|1|1|300 000,00|300 000,00
Europe - Moscow|1|0|2||
Europe - Moscow|2|1|2|2 000 000,00|2 000 000,00
Europe - Moscow|3|0|1||
Europe - Moscow|4|0|1||
Europe - Moscow|5|1|1||
Europe - Moscow|6|0|1||
Europe - Moscow|7|0|1||"
	# The period's figures per group: Europe's p1 entered by tayga, left
	# by tayga (to 2); China's p1 left by vektor (ended from it).
	run preg -C "$R" report funnel "${NOV[@]}" --by fields.direction 2>/dev/null
	same "$(awk -F'\t' '$2 == 1 { print $1 "|" $9 "|" $11 "|" $12 }' <<<"$output")" "(none)|1|0|0
China - Chelyabinsk|0|1|1
Europe - Moscow|1|1|0"
}

@test "register --sum fields.amount: per manager and phase; --by tag: a client under each of its tags" {
	run --separate-stderr preg -C "$R" report register --as-of 2026-11-30 --sum fields.amount
	[ "$status" -eq 0 ]
	same "$stderr" "preg: warning: fields.amount is not a number for 1 client, not summed: sever ('по запросу')"
	same "$output" "manager	phase	phase_key	clients	amount_total	amount_median
ivanov	6	quotation	1	1 250 000,50	1 250 000,50
ivanov	11	ended	1	300 000,00	300 000,00
petrov	2	decision-maker	1	2 000 000,00	2 000 000,00
petrov	5	processing	1		
sidorov	1	research	1	750 000,25	750 000,25"
	# JSON gets numbers JSON reads.
	run --separate-stderr preg -C "$R" report register --as-of 2026-11-30 --sum fields.amount --format json
	same "$(sed -n 2p <<<"$output")" '{"manager":"ivanov","phase":6,"phase_key":"quotation","clients":1,"amount_total":1250000.50,"amount_median":1250000.50},'
	report register --as-of 2026-11-30 --by tag
	same "$(echo "$output" | cols "tag id manager phase")" "(none) luch sidorov 1
(none) sever petrov 5
china romashka ivanov 6
china vektor ivanov 11
europe tayga petrov 2"
}

@test "managers --by tag --sum fields.amount: totals and medians per tag and manager" {
	run --separate-stderr preg -C "$R" report managers "${NOV[@]}" --by tag --sum fields.amount
	[ "$status" -eq 0 ]
	[[ $stderr == *"sever ('по запросу')" ]]
	# china: ivanov's romashka and vektor, 1 250 000,50 + 300 000 =
	# 1 550 000,50, median (the 1st of 2) 300 000,00.
	same "$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; next }
		{ print $1 "|" $2 "|" $(at["clients"]) "|" $(at["moves"]) "|" $(at["amount_total"]) "|" $(at["amount_median"]) }' <<<"$output")" \
		"(none)|petrov|1|1||
(none)|sidorov|1|0|750 000,25|750 000,25
china|ivanov|2|3|1 550 000,50|300 000,00
europe|petrov|1|1|2 000 000,00|2 000 000,00"
	# Grouped by kind, nothing is dropped: 5 clients in all.
	report managers --by kind
	same "$(echo "$output" | cols "kind manager clients")" "external ivanov 2
external petrov 2
internal sidorov 1"
}

# The chart titles and the values written after their bars, one a line.
svg_text() {
	grep -o 'aria-label="[^"]*"\|class="v" x="[0-9.]*" y="[0-9]*">[^<]*' | sed 's/^aria-label=//; s/.*">//'
}

@test "html: the period's subtitle and chart beside the funnel, each group's under its key" {
	report funnel "${NOV[@]}" --format html
	[[ $output == *'<p class="sub">The funnel from 2026-11-01 to 2026-11-30, 5 clients</p>'* ]]
	# The period's columns are in the table, as in tsv.
	[[ $output == *'<th class="n">entered</th><th class="n">moved_in</th><th class="n">moved_out</th><th class="n">ended</th>'* ]]
	# Entered in November (the bars), moved out and ended (the notes):
	# p1 tayga and luch, left by tayga and vektor (ended); p2 tayga;
	# p3 romashka out; p4 romashka in and out; p5 sever; p6 romashka;
	# p7 sever out; p11 vektor.
	same "$(svg_text <<<"$output" | sed -n '/entered each phase/,$p')" '"Clients that entered each phase from 2026-11-01 to 2026-11-30; moved out and ended from it"
2  2 moved out, 1 ended
1
0  1 moved out, 0 ended
1  1 moved out, 0 ended
1
1
0  1 moved out, 0 ended
0
0
0
1
0'
	# Grouped: the charts of each direction under its key, in key order.
	report funnel "${NOV[@]}" --by fields.direction --format html
	same "$(grep -o '<figcaption>[^<]*' <<<"$output" | sed 's/<figcaption>//')" "fields.direction: (none)
fields.direction: China - Chelyabinsk
fields.direction: Europe - Moscow"
	same "$(grep -c '<text class="t" x="0" y="14">Clients that entered each phase' <<<"$output")" 3
}

@test "html: activity with its two charts, what was done and the next contacts kept, late, missed" {
	report activity "${NOV[@]}" --format html
	[[ $output == *'<p class="sub">What the managers did from 2026-11-01 to 2026-11-30, 5 clients</p>'* ]]
	# Per manager the total of the first chart is notes + moves + added,
	# of the second contacts_due (the figures of the tsv above).
	same "$(svg_text <<<"$output")" '"What was done from 2026-11-01 to 2026-11-30: notes by channel, phase moves, clients added"
7
6
0
2
"Next contacts that fell due from 2026-11-01 to 2026-11-30: kept on time, late, missed"
3
3
1
0'
	# The segments name their series: petrov's contacts, one of each.
	[[ $output == *'<title>kept: 1</title></rect><rect x="270.0" y="49" width="120.0" height="16" fill="#f9a825"><title>late: 1</title></rect><rect x="390.0" y="49" width="120.0" height="16" fill="#d32f2f"><title>missed: 1</title>'* ]]
	# The table carries the figures; by client, the clients' ids head the bars.
	[[ $output == *'<tr><td>petrov</td><td></td><td class="n">3</td><td class="n">1</td><td class="n">0</td><td class="n">1</td><td class="n">1</td>'* ]]
	report activity "${NOV[@]}" --by client --format html
	same "$(grep -o 'text-anchor="end">[^<]*' <<<"$output" | sed 's/.*>//' | sort -u | tr '\n' ' ')" "luch romashka sever tayga vektor "
}

@test "register --sum and --by: a page in html; not in a workbook, nor on the page of --all" {
	run --separate-stderr preg -C "$R" report register --as-of 2026-11-30 --sum fields.amount --format html
	[ "$status" -eq 0 ]
	[[ $output == *'<td>ivanov</td><td class="n">6</td><td>quotation</td><td class="n">1</td><td class="n">1 250 000,50</td>'* ]]
	local u=$REG
	refused 2 "preg: --by and --sum are not in the workbook: use --format html, csv or json
$u" register --sum fields.amount --format xlsx
	refused 2 "preg: --by and --sum are not in the workbook: use --format html, csv or json
$u" register --by tag --format xlsx
	refused 2 "preg: --by and --sum are not in the page of --all: use --format html, csv or json
$u" register --by tag --format html --all
}

@test "--all in html: the activity and the period next to the register" {
	report --all --format html "${NOV[@]}"
	same "$(grep -o '<p class="sub">The register[^<]*' <<<"$output")" \
		'<p class="sub">The register and every report as of 2026-11-30, 5 clients; what happened from 2026-11-01 to 2026-11-30'
	same "$(grep -o '<h2>[^<]*' <<<"$output" | sed 's/<h2>//' | tr '\n' '|')" \
		"ivanov|petrov|sidorov|The funnel|The managers|Where clients stall|Why collaborations ended|What the managers did|"
	# The reports carry the period's columns, the activity its figures.
	[[ $output == *'<th class="n">moved_out_median_days</th>'* ]]
	[[ $output == *'<tr><td>petrov</td><td></td><td class="n">3</td><td class="n">1</td><td class="n">0</td><td class="n">1</td><td class="n">1</td><td class="n">0</td><td class="n">0</td><td class="n">2</td><td class="n">1</td><td class="n">3</td><td class="n">1</td><td class="n">1</td><td class="n">1</td></tr>'* ]]
	same "$(grep -c '<text class="t" x="0" y="14">Next contacts that fell due from 2026-11-01 to 2026-11-30' <<<"$output")" 1
	# Without a period: the reports of the day, the activity of its last 30
	# days (11-02 .. 12-01: ivanov's call on vektor of 11-01 is out).
	report --all --format html
	[[ $output == *'; what happened from 2026-11-02 to 2026-12-01</p>'* ]]
	[[ $output != *'moved_out_median_days'* ]]
	[[ $output == *'<tr><td>ivanov</td><td></td><td class="n">3</td><td class="n">1</td>'* ]]
	# The register alone is of one day; --all is a page or a workbook.
	refused 2 "preg: --since and --until go with --all; the register alone is of one day: --as-of
$REG" --since 2026-11-01
	refused 2 "preg: --all makes one page or one workbook: --format html or xlsx
$REG" --all --format csv "${NOV[@]}"
}

@test "--all in xlsx: a sheet per report in one workbook, counts as numbers, the phase in its colour" {
	openpyxl_python
	preg -C "$R" report --all --format xlsx "${NOV[@]}" >"$BATS_TEST_TMPDIR/all.xlsx" 2>"$BATS_TEST_TMPDIR/err"
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	run "$PY" - "$BATS_TEST_TMPDIR/all.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print(wb.sheetnames)
for name in wb.sheetnames[2:]:
    ws = wb[name]
    print(name, ws.freeze_panes, ws.auto_filter.ref)
    for row in ws.iter_rows(min_row=1, max_row=3):
        out = []
        for c in row:
            if c.value is None:
                continue
            fill = ":" + c.fill.fgColor.rgb[2:] if c.fill.fill_type == "solid" and c.row > 1 else ""
            out.append("%s=%s:%s%s" % (c.coordinate, c.value, c.data_type, fill))
        print(" ".join(out))
PY
	[ "$status" -eq 0 ]
	# The figures of the tsv tests above: the funnel's p1 and p2 with the
	# period's columns, the managers' ivanov, the durations' p1 (its
	# slowest as text), the reason, the activity's ivanov and petrov.
	same "$output" "['Register', 'Legend', 'Funnel', 'Managers', 'Durations', 'Reasons', 'Activity']
Funnel A2 A1:L13
A1=phase:s B1=phase_key:s C1=now:s D1=reached:s E1=conversion:s F1=median_days:s G1=p90_days:s H1=entered:s I1=moved_in:s J1=moved_out:s K1=ended:s L1=reopened:s
A2=1:n B2=research:s:9E9E9E C2=1:n D2=5:n F2=10:n G2=21:n H2=2:n I2=0:n J2=2:n K2=1:n L2=0:n
A3=2:n B3=decision-maker:s:78909C C3=1:n D3=3:n E3=60:n F3=18:n G3=18:n H3=1:n I3=1:n J3=0:n K3=0:n L3=0:n
Managers A2 A1:AB4
A1=manager:s B1=name:s C1=clients:s D1=open:s E1=ended:s F1=stale:s G1=overdue:s H1=due:s I1=moves:s J1=forward:s K1=back:s L1=won:s M1=conversion:s N1=in_research:s O1=in_decision-maker:s P1=in_presentation:s Q1=in_request:s R1=in_processing:s S1=in_quotation:s T1=in_contract:s U1=in_first-order:s V1=in_first-carriage:s W1=in_next-request:s X1=in_ended:s Y1=in_analysis:s Z1=on_hold:s AA1=entered:s AB1=ended_in_period:s
A2=ivanov:s C2=2:n D2=1:n E2=1:n F2=2:n G2=0:n H2=0:n I2=3:n J2=3:n K2=0:n L2=0:n M2=0:n N2=0:n O2=0:n P2=0:n Q2=0:n R2=0:n S2=1:n T2=0:n U2=0:n V2=0:n W2=0:n X2=1:n Y2=0:n Z2=0:n AA2=0:n AB2=1:n
A3=petrov:s C3=2:n D3=2:n E3=0:n F3=2:n G3=2:n H3=0:n I3=2:n J3=1:n K3=1:n L3=0:n M3=0:n N3=0:n O3=1:n P3=0:n Q3=0:n R3=1:n S3=0:n T3=0:n U3=0:n V3=0:n W3=0:n X3=0:n Y3=0:n Z3=0:n AA3=1:n AB3=0:n
Durations A2 A1:K13
A1=phase:s B1=phase_key:s C1=clients:s D1=median_days:s E1=p90_days:s F1=max_days:s G1=over_limit:s H1=slowest:s I1=entered:s J1=moved_out:s K1=moved_out_median_days:s
A2=1:n B2=research:s:9E9E9E C2=4:n D2=10:n E2=21:n F2=21:n G2=1:n H2=vektor:21,luch:10*,tayga:10:s I2=2:n J2=2:n K2=10:n
A3=2:n B3=decision-maker:s:78909C C3=1:n D3=18:n E3=18:n F3=18:n G3=1:n H3=tayga:18*:s I3=1:n J3=0:n
Reasons A2 A1:E2
A1=reason:s B1=clients:s C1=percent:s D1=reopened:s E1=ended:s
A2=price:s B2=1:n C2=100:n D2=0:n E2=1:n

Activity A2 A1:O5
A1=manager:s B1=name:s C1=notes:s D1=call:s E1=email:s F1=meeting:s G1=letter:s H1=chat:s I1=other:s J1=moves:s K1=added:s L1=contacts_due:s M1=kept:s N1=late:s O1=missed:s
A2=ivanov:s C2=4:n D2=2:n E2=1:n F2=1:n G2=0:n H2=0:n I2=0:n J2=3:n K2=0:n L2=3:n M2=2:n N2=1:n O2=0:n
A3=petrov:s C3=3:n D3=1:n E3=0:n F3=1:n G3=1:n H3=0:n I3=0:n J3=2:n K3=1:n L3=3:n M3=1:n N3=1:n O3=1:n"
}

@test "usage errors: the period, --by, --sum" {
	local f="usage: preg report funnel [--manager M] [--phase P] [--tag T]... [--kind external|internal] [--field K=V]... [--stale] [--ended | --open] [--since DATE] [--until DATE] [--by KEY] [--sum fields.X] [--as-of DATE] [--format table|tsv|csv|json|html]"
	refused 2 "preg: --as-of and --until both name the day of the report: give one
$f" funnel --until 2026-11-30 --as-of 2026-11-30
	refused 2 "preg: --until: invalid date '31.11.2026' (November 2026 has 30 days)
$f" funnel --until 31.11.2026
	refused 2 "preg: --since 2026-11-02 is after the day of the report
$f" funnel --since 2026-11-02 --until 2026-11-01
	refused 2 "preg: invalid --by 'direction' (kind, tag, manager or fields.NAME)
$f" funnel --by direction
	refused 2 "preg: invalid --sum 'amount' (fields.NAME)
$f" funnel --sum amount
	refused 2 "preg: invalid --by 'tag' (manager or client)
usage: preg report activity [--manager M] [--phase P] [--tag T]... [--kind external|internal] [--field K=V]... [--stale] [--ended | --open] [--since DATE] [--until DATE] [--by manager|client] [--as-of DATE] [--format table|tsv|csv|json|html]" activity --by tag
}

@test "the completions learn --by's keys from the register" {
	run --separate-stderr preg -C "$R" --list-values group
	[ "$status" -eq 0 ]
	same "$output" "fields.amount
fields.direction
kind
manager
tag"
	run --separate-stderr preg report funnel --list-opts
	[[ $output == *"--by	-	group	-"* ]]
}
