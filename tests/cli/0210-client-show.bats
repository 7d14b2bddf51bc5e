#!/usr/bin/env bats
# preg client show: the text view (days in phase from PREG_NOW, the status
# line: overdue, due, stale, on hold, ended, as lib/status decides for every
# output), the record as stored (yaml), json, and the refusals.
#
# The clock: acme enters phase 1 (research, stale after 14d) on 2026-10-01;
# "now" is 2026-11-02 (helper.bash). October has 31 days, so acme has been in
# its phase 31 + 1 = 32 days: more than 14, stale. Its next_contact
# 2026-11-01 is before today: overdue.

load helper

T0=2026-10-01T09:12:00+05:00

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	PREG_NOW=$T0 "$PREG" -C "$P" client add "Acme Ltd" --id acme --next 2026-11-01 --action "call back" >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
}

# json_get EXPR: evaluate a Python expression on the JSON in $output (as r).
json_get() {
	printf '%s' "$output" | python3 -c "import json,sys; r=json.load(sys.stdin); print($1)"
}

@test "text: days in phase from PREG_NOW; status overdue and stale" {
	run --separate-stderr preg -C "$R" client show acme
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "acme  Acme Ltd
  kind:         external
  manager:      ivanov
  phase:        1 research (search for general information about the client), 32 days, since $T0
  status:       overdue, stale
  next:         2026-11-01  call back
  created:      $T0
  history:
    $T0  ivanov  phase 1 research  manager ivanov"
	# A read makes no commit.
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

@test "text: not stale on the last day of stale_after, stale the day after" {
	# request (phase 4) is stale after 2d.
	PREG_NOW=2026-10-31T18:00:00+05:00 preg -C "$R" client add Req --phase request >/dev/null
	run preg -C "$R" client show req
	[ "$status" -eq 0 ]
	same "${lines[3]}" "  phase:        4 request (receiving a request from the client), 2 days, since 2026-10-31T18:00:00+05:00"
	same "${lines[4]}" "  created:      2026-10-31T18:00:00+05:00"
	PREG_NOW=2026-11-03T08:00:00+05:00 run preg -C "$R" client show req
	same "${lines[3]}" "  phase:        4 request (receiving a request from the client), 3 days, since 2026-10-31T18:00:00+05:00"
	same "${lines[4]}" "  status:       stale"
}

@test "text: one day is singular; a later clock counts on" {
	PREG_NOW=2026-10-02T08:00:00+05:00 run preg -C "$R" client show acme
	[ "$status" -eq 0 ]
	same "${lines[3]}" "  phase:        1 research (search for general information about the client), 1 day, since $T0"
	PREG_NOW=2026-10-15T23:00:00+05:00 run preg -C "$R" client show acme
	# 14 days: not yet more than 14.
	same "${lines[3]}" "  phase:        1 research (search for general information about the client), 14 days, since $T0"
	same "${lines[4]}" "  next:         2026-11-01  call back"
	PREG_NOW=2026-10-16T00:30:00+05:00 run preg -C "$R" client show acme
	same "${lines[3]}" "  phase:        1 research (search for general information about the client), 15 days, since $T0"
	same "${lines[4]}" "  status:       stale"
}

@test "text: next_contact today is due, tomorrow is not, yesterday is overdue" {
	PREG_NOW=2026-11-01T08:00:00+05:00 run preg -C "$R" client show acme
	same "${lines[4]}" "  status:       due, stale"
	same "${lines[5]}" "  next:         2026-11-01  call back"
	PREG_NOW=2026-10-10T23:59:00+05:00 run preg -C "$R" client show acme
	same "${lines[4]}" "  next:         2026-11-01  call back"
	PREG_NOW=2026-11-02T00:01:00+05:00 run preg -C "$R" client show acme
	same "${lines[4]}" "  status:       overdue, stale"
}

@test "text: a clock before phase_since counts 0 days, never negative" {
	PREG_NOW=2026-09-30T12:00:00+05:00 run preg -C "$R" client show acme
	[ "$status" -eq 0 ]
	same "${lines[3]}" "  phase:        1 research (search for general information about the client), 0 days, since $T0"
}

@test "text: a client on hold until a later day is not stale" {
	sed -i 's/^created:/hold_until: 2026-11-10\nhold_reason: the director is on holiday\n&/' "$R/$(record_path acme)"
	git -C "$R" commit -qam "hold by hand"
	run --separate-stderr preg -C "$R" client show acme
	[ "$status" -eq 0 ]
	same "${lines[3]}" "  phase:        1 research (search for general information about the client), 32 days, since $T0"
	same "${lines[4]}" "  status:       overdue, on hold"
	same "${lines[6]}" "  on hold:      until 2026-11-10: the director is on holiday"
	PREG_NOW=2026-11-10T09:00:00+05:00 run preg -C "$R" client show acme
	same "${lines[4]}" "  status:       overdue, stale"
}

@test "text: tags, fields, contacts, remarks, history and notes" {
	PREG_NOW=$T0 preg -C "$R" client add "Beta Cargo" --id beta --tag china --tag steel \
		--field cargo="steel pipes" --contact 'Ann Lee <ann@example.com>; buyer; +7 000' \
		--remarks $'Prefers e-mail.\nDecides on Fridays.' >/dev/null
	PREG_NOW=2026-10-20T16:40:00+05:00 preg -C "$R" phase set beta 2 -m "found the director" >/dev/null
	PREG_NOW=2026-10-21T10:00:00+05:00 preg -C "$R" note beta "sent the presentation" --channel email >/dev/null
	run --separate-stderr preg -C "$R" client show beta
	[ "$status" -eq 0 ]
	same "$output" "beta  Beta Cargo
  kind:         external
  manager:      ivanov
  phase:        2 decision-maker (finding the decision maker), 13 days, since 2026-10-20T16:40:00+05:00
  created:      $T0
  tags:         china steel
  fields:
    cargo: steel pipes
  contact:      Ann Lee <ann@example.com>; buyer; +7 000
  remarks:
    Prefers e-mail.
    Decides on Fridays.
  history:
    $T0  ivanov  phase 1 research  manager ivanov
    2026-10-20T16:40:00+05:00  ivanov  phase 2 decision-maker  \"found the director\"
  notes:
    2026-10-21T10:00:00+05:00  ivanov (email)  sent the presentation"
}

@test "--format yaml is byte for byte the committed file" {
	run --separate-stderr preg -C "$R" client show acme --format yaml
	[ "$status" -eq 0 ]
	preg -C "$R" client show acme --format yaml >"$BATS_TEST_TMPDIR/shown"
	cmp "$BATS_TEST_TMPDIR/shown" "$R/$(record_path acme)"
	git -C "$R" show HEAD:"$(record_path acme)" | cmp - "$BATS_TEST_TMPDIR/shown"
	# -f is the short form.
	preg -C "$R" client show -f yaml acme | cmp - "$BATS_TEST_TMPDIR/shown"
}

@test "--format json: valid JSON with the derived values" {
	run --separate-stderr preg -C "$R" client show acme --format json
	[ "$status" -eq 0 ]
	same "$stderr" ""
	printf '%s' "$output" | python3 -m json.tool >/dev/null
	same "$(json_get 'r["id"], r["name"], r["kind"], r["manager"], r["phase"], r["phase_key"]')" \
		"acme Acme Ltd external ivanov 1 research"
	same "$(json_get 'r["phase_since"], r["created"]')" "$T0 $T0"
	same "$(json_get 'r["days_in_phase"], r["stale"], r["due"], r["overdue"], r["on_hold"], r["ended"]')" "32 True False True False False"
	same "$(json_get 'r["next_contact"], r["next_action"]')" "2026-11-01 call back"
	same "$(json_get 'type(r["phase"]).__name__, type(r["days_in_phase"]).__name__')" "int int"
	same "$(json_get 'len(r["history"]), r["history"][0]["by"], r["history"][0]["phase"]')" "1 ivanov 1"
}

@test "--format json: not stale, not due" {
	PREG_NOW=2026-10-05T12:00:00+05:00 run preg -C "$R" client show acme --format json
	[ "$status" -eq 0 ]
	same "$(json_get 'r["days_in_phase"], r["stale"], r["due"], r["overdue"]')" "4 False False False"
}

@test "--format json escapes what JSON needs escaped" {
	PREG_NOW=$T0 preg -C "$R" client add 'Say "hi" \ Co' --id quote --remarks $'line 1\n\tline 2' >/dev/null
	run --separate-stderr preg -C "$R" client show quote --format json
	[ "$status" -eq 0 ]
	printf '%s' "$output" | python3 -m json.tool >/dev/null
	same "$(json_get 'repr(r["name"]), repr(r["remarks"])')" "'Say \"hi\" \\\\ Co' 'line 1\\n\\tline 2'"
}

@test "reads use the last commit, not the work tree" {
	sed -i 's/^name: Acme Ltd$/name: Edited By Hand/' "$R/$(record_path acme)"
	run --separate-stderr preg -C "$R" client show acme
	[ "$status" -eq 0 ]
	same "${lines[0]}" "acme  Acme Ltd"
	preg -C "$R" client show acme --format yaml | cmp - <(git -C "$R" show HEAD:"$(record_path acme)")
	# The edit is left alone.
	grep -qx 'name: Edited By Hand' "$R/$(record_path acme)"
}

@test "an unknown id is an error" {
	run --separate-stderr preg -C "$R" client show nope
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: client 'nope' not found"
}

@test "an id that is no valid id is not found, and no path is built from it" {
	run --separate-stderr preg -C "$R" client show ../../preg
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: client '../../preg' not found"
	# A name in another case is a name: it finds the client.
	run --separate-stderr preg -C "$R" client show Acme
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == acme* ]]
}

@test "a committed record that does not parse is named with its line and column" {
	mkdir -p "$R/$(record_dir xx)"
	printf 'id: xx\nname: A\nname: B\nmanager: ivanov\nphase: 1\nphase_since: %s\ncreated: %s\n' "$T0" "$T0" >"$R/$(record_path xx)"
	git -C "$R" add "$(record_path xx)"
	git -C "$R" commit -qm "broken by hand"
	run --separate-stderr preg -C "$R" client show xx
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: $(record_path xx):3:1: duplicate key 'name'"
}

@test "a committed record whose id does not match its file name is refused" {
	mkdir -p "$R/$(record_dir yy)"
	sed 's/^id: acme$/id: other/' "$R/$(record_path acme)" >"$R/$(record_path yy)"
	git -C "$R" add "$(record_path yy)"
	git -C "$R" commit -qm "copied by hand"
	run --separate-stderr preg -C "$R" client show yy
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: $(record_path yy):1:5: id 'other' does not match the file name"
}

@test "an unknown format is a usage error" {
	run --separate-stderr preg -C "$R" client show acme --format xml
	[ "$status" -eq 2 ]
	same "$output" ""
	same "$stderr" "preg: unknown format 'xml' (text, yaml or json)
usage: preg client show ID [--format text|yaml|json]"
}

@test "show needs exactly one id" {
	run --separate-stderr preg -C "$R" client show
	[ "$status" -eq 2 ]
	same "$stderr" "preg: client show needs an id
usage: preg client show ID [--format text|yaml|json]"
	run --separate-stderr preg -C "$R" client show acme beta
	[ "$status" -eq 2 ]
	same "$stderr" "preg: too many arguments
usage: preg client show ID [--format text|yaml|json]"
}
