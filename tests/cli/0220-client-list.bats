#!/usr/bin/env bats
# preg client list: the formats (tsv when piped, json, table, id), every
# filter and their combinations, and records that do not parse.
#
# The fixture, with "now" 2026-11-02 (helper.bash) and the freight phases:
#   alpha    ivanov  1 research    since 10-01: 32 days > 14d: stale; tag china, cargo=steel
#   bravo    petrov  4 request     since 10-31:  2 days = 2d: not stale; internal, tag steel
#   charlie  ivanov  7 contract    since 10-01: 32 days > 30d: stale
#   delta    petrov 11 ended       since 11-01:  1 day < 14d: not stale; ended
#   echo     ivanov  5 processing  since 11-02:  0 days; next 11-02: due; tags china steel, cargo=wood
#   foxtrot  ivanov  4 request     since 10-30:  3 days > 2d: stale; next 11-20: not due

load helper

HEADER="id	name	kind	manager	phase	phase_key	phase_since	days_in_phase	next_contact	next_action	stale	due	overdue	on_hold	ended"
ALPHA="alpha	Alpha Steel	external	ivanov	1	research	2026-10-01T09:12:00+05:00	32			true	false	false	false	false"
BRAVO="bravo	Bravo	internal	petrov	4	request	2026-10-31T09:00:00+05:00	2			false	false	false	false	false"
CHARLIE="charlie	Charlie	external	ivanov	7	contract	2026-10-01T09:12:00+05:00	32			true	false	false	false	false"
DELTA="delta	Delta	external	petrov	11	ended	2026-11-01T10:00:00+05:00	1			false	false	false	false	true"
ECHO="echo	Echo	external	ivanov	5	processing	2026-11-02T09:00:00+05:00	0	2026-11-02	call	false	true	false	false	false"
FOXTROT="foxtrot	Foxtrot	external	ivanov	4	request	2026-10-30T09:00:00+05:00	3	2026-11-20		true	false	false	false	false"

setup_file() {
	local F="$BATS_FILE_TMPDIR/fixture" E="$BATS_FILE_TMPDIR/empty"

	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	"$PREG" init "$E" >/dev/null
	"$PREG" init "$F" >/dev/null
	add() { PREG_NOW=$1 "$PREG" -C "$F" client add "${@:2}" >/dev/null; }
	add 2026-10-01T09:12:00+05:00 "Alpha Steel" --id alpha --tag china --field cargo=steel
	add 2026-10-31T09:00:00+05:00 Bravo --manager petrov --phase request --kind internal --tag steel
	add 2026-10-01T09:12:00+05:00 Charlie --phase contract
	add 2026-10-25T10:00:00+05:00 Delta --manager petrov --phase next-request
	PREG_NOW=2026-11-01T10:00:00+05:00 "$PREG" -C "$F" phase set delta ended --reason "moved to a competitor" >/dev/null
	add 2026-11-02T09:00:00+05:00 Echo --phase 5 --tag china --tag steel --field cargo=wood --next 2026-11-02 --action call
	add 2026-10-30T09:00:00+05:00 Foxtrot --phase 4 --next 2026-11-20
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/fixture" "$R"
}

# list ARGS...: client list in tsv, stdout checked to be exactly the header
# and the given rows, and nothing on stderr.
list_is() {
	local args=() rows=()
	while [ "$1" != "--" ]; do
		args+=("$1")
		shift
	done
	shift
	rows=("$HEADER" "$@")
	run --separate-stderr preg -C "$R" client list --format tsv "${args[@]}"
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "$(printf '%s\n' "${rows[@]}")"
}

# Commit a file into the register with plain git.
commit_file() {
	mkdir -p "$(dirname "$R/$1")"
	cat >"$R/$1"
	git -C "$R" add "$1"
	git -C "$R" commit -qm "by hand: $1"
}

@test "tsv: the header and one row per client, in id order" {
	list_is -- "$ALPHA" "$BRAVO" "$CHARLIE" "$DELTA" "$ECHO" "$FOXTROT"
}

@test "tsv is the default when stdout is not a terminal" {
	run --separate-stderr preg -C "$R" client list
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' "$HEADER" "$ALPHA" "$BRAVO" "$CHARLIE" "$DELTA" "$ECHO" "$FOXTROT")"
}

@test "days and stale follow PREG_NOW" {
	# Two days later bravo (request, 2d) is 4 days in: stale; echo's next
	# contact is overdue now, not due.
	PREG_NOW=2026-11-04T08:00:00+05:00 run --separate-stderr preg -C "$R" client list --stale --format tsv
	[ "$status" -eq 0 ]
	same "$(printf '%s\n' "${lines[@]}" | cut -f1,8,11,12)" "id	days_in_phase	stale	due
alpha	34	true	false
bravo	4	true	false
charlie	34	true	false
foxtrot	5	true	false"
	PREG_NOW=2026-11-04T08:00:00+05:00 run --separate-stderr preg -C "$R" client list --format tsv
	same "$(printf '%s\n' "${lines[@]}" | grep '^echo' | cut -f11-15)" "false	false	true	false	false"
}

@test "json: one array of objects with the stable column names" {
	run --separate-stderr preg -C "$R" client list --format json
	[ "$status" -eq 0 ]
	same "$stderr" ""
	printf '%s' "$output" | python3 -m json.tool >/dev/null
	got=$(printf '%s' "$output" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(" ".join(r["id"] for r in rows))
print(" ".join(sorted(rows[0])))
a = rows[0]
print(a["phase"], a["phase_key"], a["days_in_phase"], a["stale"], a["due"], a["next_contact"], a["manager"])
e = rows[4]
print(e["phase"], e["next_contact"], e["next_action"], e["stale"], e["due"], e["kind"])
')
	same "$got" "alpha bravo charlie delta echo foxtrot
days_in_phase due ended id kind manager name next_action next_contact on_hold overdue phase phase_key phase_since stale
1 research 32 True False None ivanov
5 2026-11-02 call False True external"
}

@test "table: aligned columns, no tabs, days and phase keys shown" {
	run --separate-stderr preg -C "$R" client list --format table
	[ "$status" -eq 0 ]
	same "$stderr" ""
	[ "${#lines[@]}" -eq 7 ]
	[[ "${lines[0]}" == id* ]]
	for w in id name manager phase next_contact; do
		[[ " ${lines[0]} " == *" $w "* ]]
	done
	run grep -c $'\t' <<<"$output"
	same "$output" "0"
	run --separate-stderr preg -C "$R" client list --format table
	[[ "${lines[1]}" == "alpha "*"Alpha Steel "*"ivanov "*"1 research "*" 32"* ]]
	[[ "${lines[4]}" == "delta "*"Delta "*"petrov "*"11 ended "*" 1"* ]]
	# Every line puts the name column at the same place.
	col=$(awk '{print index($0, "name")}' <<<"${lines[0]}")
	[ "$(awk -v c="$col" 'NR>1 && substr($0, c, 1) == " " {bad++} END {print bad+0}' <<<"$output")" -eq 0 ]
}

@test "table: --color=always paints the phase in its colour, NO_COLOR leaves it plain" {
	run --separate-stderr preg -C "$R" --color=always client list --format table
	[ "$status" -eq 0 ]
	# alpha is in research, "#9e9e9e" = 158 158 158.
	[[ "${lines[1]}" == *$'\e[38;2;158;158;158m1 research'* ]]
	run --separate-stderr preg -C "$R" client list --format table
	[[ "$output" != *$'\e'* ]]
}

@test "--format id prints the ids alone" {
	run --separate-stderr preg -C "$R" client list --format id
	[ "$status" -eq 0 ]
	same "$output" "alpha
bravo
charlie
delta
echo
foxtrot"
}

@test "--format id honours the filters" {
	run --separate-stderr preg -C "$R" client list --manager petrov --format id
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "bravo
delta"
}

@test "--manager" {
	list_is --manager petrov -- "$BRAVO" "$DELTA"
	list_is --manager nobody --
}

@test "--phase by number, by key and as a range" {
	list_is --phase 4 -- "$BRAVO" "$FOXTROT"
	list_is --phase request -- "$BRAVO" "$FOXTROT"
	list_is --phase 4-7 -- "$BRAVO" "$CHARLIE" "$ECHO" "$FOXTROT"
	list_is --phase request-contract -- "$BRAVO" "$CHARLIE" "$ECHO" "$FOXTROT"
	list_is --phase 8-12 -- "$DELTA"
	# Keys hold dashes: first-order-ended is 8 to 11.
	list_is --phase first-order-ended -- "$DELTA"
	list_is --phase 2 --
}

@test "--tag" {
	list_is --tag china -- "$ALPHA" "$ECHO"
	list_is --tag steel -- "$BRAVO" "$ECHO"
	list_is --tag chin --
}

@test "--kind" {
	list_is --kind internal -- "$BRAVO"
	list_is --kind external -- "$ALPHA" "$CHARLIE" "$DELTA" "$ECHO" "$FOXTROT"
}

@test "--field K=V" {
	list_is --field cargo=steel -- "$ALPHA"
	list_is --field cargo=wood -- "$ECHO"
	list_is --field cargo=iron --
	list_is --field direction=x --
}

@test "--stale: longer in the phase than its stale_after" {
	list_is --stale -- "$ALPHA" "$CHARLIE" "$FOXTROT"
}

@test "--ended and --open" {
	list_is --ended -- "$DELTA"
	list_is --open -- "$ALPHA" "$BRAVO" "$CHARLIE" "$ECHO" "$FOXTROT"
}

@test "filters combine" {
	list_is --manager ivanov --stale -- "$ALPHA" "$CHARLIE" "$FOXTROT"
	list_is --tag china --phase 5 -- "$ECHO"
	list_is --open --manager petrov -- "$BRAVO"
	list_is --stale --phase 4-7 -- "$CHARLIE" "$FOXTROT"
	list_is --kind internal --stale --
	list_is --tag steel --field cargo=wood --manager ivanov -- "$ECHO"
}

@test "an empty register prints just the header" {
	run --separate-stderr preg -C "$BATS_FILE_TMPDIR/empty" client list
	[ "$status" -eq 0 ]
	same "$output" "$HEADER"
	same "$stderr" ""
	run --separate-stderr preg -C "$BATS_FILE_TMPDIR/empty" client list --format json
	[ "$status" -eq 0 ]
	same "$(printf '%s' "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin))')" "[]"
	run --separate-stderr preg -C "$BATS_FILE_TMPDIR/empty" client list --format id
	[ "$status" -eq 0 ]
	same "$output" ""
}

@test "a record that does not parse is named on stderr; the others are listed; exit 1" {
	commit_file "$(record_path bz)" <<'EOF'
id: bz
name: First
name: Second
manager: ivanov
phase: 1
phase_since: 2026-10-01T09:12:00+05:00
created: 2026-10-01T09:12:00+05:00
EOF
	run --separate-stderr preg -C "$R" client list
	[ "$status" -eq 1 ]
	same "$output" "$(printf '%s\n' "$HEADER" "$ALPHA" "$BRAVO" "$CHARLIE" "$DELTA" "$ECHO" "$FOXTROT")"
	same "$stderr" "preg: error: $(record_path bz):3:1: duplicate key 'name'"
	# Filters do not hide it.
	run --separate-stderr preg -C "$R" client list --manager petrov
	[ "$status" -eq 1 ]
	same "$output" "$(printf '%s\n' "$HEADER" "$BRAVO" "$DELTA")"
	same "$stderr" "preg: error: $(record_path bz):3:1: duplicate key 'name'"
}

@test "a file in the wrong shard is named as no client record" {
	commit_file clients/zz/alpha2.yaml <"$R/$(record_path alpha)"
	run --separate-stderr preg -C "$R" client list
	[ "$status" -eq 1 ]
	same "$output" "$(printf '%s\n' "$HEADER" "$ALPHA" "$BRAVO" "$CHARLIE" "$DELTA" "$ECHO" "$FOXTROT")"
	same "$stderr" "preg: error: clients/zz/alpha2.yaml: not a client record (expected clients/<first two hex digits of the id's XXH64>/<id>.yaml)"
}

@test "tsv escapes tabs, line breaks and backslashes in values" {
	commit_file "$(record_path tab)" <<'EOF'
id: tab
name: "Tab\there"
manager: ivanov
phase: 1
phase_since: 2026-11-01T10:00:00+05:00
created: 2026-11-01T10:00:00+05:00
next_action: "line one\nline two \\ back"
EOF
	run --separate-stderr preg -C "$R" client list --phase 1
	[ "$status" -eq 0 ]
	same "${lines[2]}" 'tab	Tab\there	external	ivanov	1	research	2026-11-01T10:00:00+05:00	1		line one\nline two \\ back	false	false	false	false	false'
	[ "${#lines[@]}" -eq 3 ]
}

@test "list reads the last commit: uncommitted edits do not show" {
	sed -i 's/^name: Alpha Steel$/name: Edited/' "$R/$(record_path alpha)"
	rm "$R/$(record_path bravo)"
	list_is -- "$ALPHA" "$BRAVO" "$CHARLIE" "$DELTA" "$ECHO" "$FOXTROT"
}

@test "bad filters and formats are usage errors" {
	usage="usage: preg client list [--manager M] [--phase P] [--tag T]... [--kind external|internal] [--field K=V]... [--stale] [--ended | --open] [--wide] [--sort name|id|phase|manager|next_contact|since] [--format table|tsv|csv|json|id]"
	check() {
		run --separate-stderr preg -C "$R" client list "${@:2}"
		[ "$status" -eq 2 ]
		same "$output" ""
		same "$stderr" "$1
$usage"
	}
	check "preg: unknown phase or range '13' (see 'preg phase list')" --phase 13
	check "preg: unknown phase or range '4-99' (see 'preg phase list')" --phase 4-99
	check "preg: empty phase range '7-4'" --phase 7-4
	check "preg: invalid kind 'partner' (external or internal)" --kind partner
	check "preg: --field takes KEY=VALUE" --field cargo
	check "preg: --ended and --open exclude each other" --ended --open
	check "preg: unknown format 'xml' (table, tsv, csv, json or id)" --format xml
	check "preg: unexpected argument 'alpha'" alpha
	check "preg: unknown option '--order'" --order
	check "preg: option '--sort' needs a value" --sort
	check "preg: unknown sort key 'size' (name, id, phase, manager, next_contact or since)" --sort size
}

@test "a manager preg.yaml does not list is a usage error, for list and export alike" {
	printf 'managers:\n  ivanov: {name: Ivan Ivanov}\n  petrov: {name: Petr Petrov}\n' >>"$R/preg.yaml"
	git -C "$R" commit -qam managers
	head0=$(git -C "$R" rev-parse HEAD)
	for verb in "client list" export; do
		run --separate-stderr preg -C "$R" $verb --manager petrow
		[ "$status" -eq 2 ]
		same "$output" ""
		same "$(echo "$stderr" | head -1)" "preg: unknown manager 'petrow' (preg.yaml lists ivanov (Ivan Ivanov), petrov (Petr Petrov))"
	done
	run --separate-stderr preg -C "$R" client list --manager petrov --format id
	[ "$status" -eq 0 ]
	same "$output" "bravo
delta"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}
