#!/usr/bin/env bats
# preg review MANAGER [--since D] [--until D] [--format ...]: the clients a
# manager has and had, where each stands, what changed since the manager
# took it, and the manager's own changes.

load helper

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	PREG_NOW=2026-01-10T10:00:00+05:00 "$PREG" init "$P" >/dev/null
	PREG_NOW=2026-01-11T10:00:00+05:00 "$PREG" -C "$P" client add "Acme Ltd" --id acme >/dev/null
	PREG_NOW=2026-01-12T10:00:00+05:00 "$PREG" -C "$P" client add Romashka --id romashka --next 2026-02-01 >/dev/null
	PREG_NOW=2026-02-01T10:00:00+05:00 PREG_USER=petrov "$PREG" -C "$P" client add Vasilek --id vasilek --manager petrov >/dev/null
	PREG_NOW=2026-03-01T10:00:00+05:00 "$PREG" -C "$P" phase set acme contract >/dev/null
	PREG_NOW=2026-03-02T10:00:00+05:00 "$PREG" -C "$P" note acme signed >/dev/null
	PREG_NOW=2026-04-01T10:00:00+05:00 PREG_USER=smirnov "$PREG" -C "$P" client reassign --from ivanov --to petrov acme >/dev/null
}

setup() {
	common_setup
	R=$BATS_FILE_TMPDIR/pristine
	export PREG_NOW=2026-04-10T10:00:00+05:00
	c() { git -C "$R" rev-parse "HEAD~$1"; }
	CLIENTS_HDR="id	name	holds	manager	phase	phase_key	days_in_phase	next_contact	days_overdue	stale	taken	changed	due	overdue	on_hold	ended"
	LOG_HDR="commit	time	author	client	action	changes"
	# acme: in 7 (contract) since 03-01, 40 days on 04-10 (limit 30d):
	# stale. romashka: in 1 (research) since 01-12, 88 days (limit 14d);
	# its next contact 02-01 is 68 days overdue.
	ACME_IV="acme	Acme Ltd	false	petrov	7	contract	40			true	2026-01-11	phase 1 (research) -> 7 (contract); 1 note; to petrov on 2026-04-01	false	false	false	false"
	ROM_IV="romashka	Romashka	true	ivanov	1	research	88	2026-02-01	68	true	2026-01-12	no change	false	true	false	false"
}

@test "review lists the clients a manager has and had, then their changes" {
	run --separate-stderr preg -C "$R" review ivanov
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "$CLIENTS_HDR
$ACME_IV
$ROM_IV

$LOG_HDR
$(c 1)	2026-03-02T10:00:00+05:00	ivanov	acme	note	note added: signed
$(c 2)	2026-03-01T10:00:00+05:00	ivanov	acme	phase	phase 1 (research) -> 7 (contract)
$(c 4)	2026-01-12T10:00:00+05:00	ivanov	romashka	add	added (Romashka)
$(c 5)	2026-01-11T10:00:00+05:00	ivanov	acme	add	added (Acme Ltd)"
}

@test "the manager who took over sees when" {
	run preg -C "$R" review petrov
	[ "$status" -eq 0 ]
	same "$output" "$CLIENTS_HDR
acme	Acme Ltd	true	petrov	7	contract	40			true	2026-04-01	no change	false	false	false	false
vasilek	Vasilek	true	petrov	1	research	68			true	2026-02-01	no change	false	false	false	false

$LOG_HDR
$(c 3)	2026-02-01T10:00:00+05:00	petrov	vasilek	add	added (Vasilek)"
}

@test "--since and --until limit the manager's changes" {
	run preg -C "$R" review ivanov --since 2026-02-01 --until 2026-03-01
	[ "$status" -eq 0 ]
	same "$output" "$CLIENTS_HDR
$ACME_IV
$ROM_IV

$LOG_HDR
$(c 2)	2026-03-01T10:00:00+05:00	ivanov	acme	phase	phase 1 (research) -> 7 (contract)"
}

@test "--format json is one object; table has titles" {
	run preg -C "$R" review smirnov --format json
	[ "$status" -eq 0 ]
	same "$output" "{\"manager\":\"smirnov\",
\"clients\":[]
,\"commits\":[
{\"commit\":\"$(c 0)\",\"time\":\"2026-04-01T10:00:00+05:00\",\"author\":\"smirnov\",\"client\":\"acme\",\"action\":\"reassign\",\"changes\":\"manager ivanov -> petrov\"}
]
}"
	run preg -C "$R" review petrov --format json --since 2026-03-01
	same "$output" '{"manager":"petrov",
"clients":[
{"id":"acme","name":"Acme Ltd","holds":true,"manager":"petrov","phase":7,"phase_key":"contract","days_in_phase":40,"next_contact":null,"days_overdue":null,"stale":true,"taken":"2026-04-01","changed":"no change","due":false,"overdue":false,"on_hold":false,"ended":false},
{"id":"vasilek","name":"Vasilek","holds":true,"manager":"petrov","phase":1,"phase_key":"research","days_in_phase":68,"next_contact":null,"days_overdue":null,"stale":true,"taken":"2026-02-01","changed":"no change","due":false,"overdue":false,"on_hold":false,"ended":false}
]
,"commits":[]
}'
	run preg -C "$R" review sidorov --format table
	same "$output" "Clients sidorov has or had:
(none)

Changes sidorov made:
(none)"
	run preg -C "$R" review smirnov --format table
	same "$output" "Clients smirnov has or had:
(none)

Changes smirnov made:
commit   time                       author   client  action    changes
$(git -C "$R" rev-parse --short=7 HEAD)  2026-04-01T10:00:00+05:00  smirnov  acme    reassign  manager ivanov -> petrov"
}

@test "review refuses bad input" {
	run --separate-stderr preg -C "$R" review
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: review needs a MANAGER"
	run --separate-stderr preg -C "$R" review 'Not A Handle'
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: invalid manager 'Not A Handle'"
	run --separate-stderr preg -C "$R" review ivanov --until 2026-13-01
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: --until: invalid date '2026-13-01' (there is no month 13)"
	run --separate-stderr preg -C "$R" review ivanov --format csv
	[ "$status" -eq 2 ]
}
