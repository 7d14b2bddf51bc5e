#!/usr/bin/env bats
# README's "A manager's day" and "Finding a client", line for line (issue
# 11, "Done when"): the reminder, the call logged, the reminder gone, the
# phase moved with the next step; then a colleague takes the client's call,
# finds the client by the phone number and by a part of the Cyrillic name,
# logs it, adds the caller's colleague to the contacts, and a second
# "ООО «Ромашка»" is refused. The commands are read from README.md itself
# and run in order, each on a terminal as a user runs it, on a register in
# the state the first section starts from; each one's output (stdout and
# stderr, as the terminal shows them) must be the lines the README shows
# under it.

load helper

README=$BATS_TEST_DIRNAME/../../README.md

setup() {
	common_setup
	new_register
	at() { PREG_NOW=$1 "$PREG" -C "$R" "${@:2}" >/dev/null; }
	at 2026-11-16T10:10:00+05:00 client add "ООО «Ромашка»" --field cargo="steel pipes" \
		--contact "Ivan Petrov <ivan@romashka.ru>; director; +7 351 000-00-00"
	at 2026-11-16T10:15:00+05:00 phase set romashka quotation -m "rates to Shanghai sent"
	at 2026-11-20T10:20:00+05:00 note romashka "director asked for a discount" --channel call \
		--next 2026-11-27 --action "call about the discount"
	# Monday 30 November, as the section says.
	export PREG_NOW=2026-11-30T09:30:00+05:00
}

# The display lines of the README's section $1, without their indent.
section() {
	awk -v s="## $1" '$0 == s { on = 1; next } /^## / { on = 0 } on && /^    / { print substr($0, 5) }' "$README"
}

@test "README: A manager's day, then Finding a client, run as shown" {
	local cmd="" expected="" n=0 nerr=0
	{ section "A manager's day"; section "Finding a client"; } >"$BATS_TEST_TMPDIR/lines"
	[ "$(section "A manager's day" | grep -c '^\$ preg ')" -ge 5 ]
	[ "$(section "Finding a client" | grep -c '^\$ preg ')" -ge 5 ]
	export PREG R SHELL=/bin/bash COLUMNS=120
	# Each "$ preg ..." line is run on a terminal (preg in the register);
	# the lines up to the next one are what it shows. A command whose
	# lines are an error must fail with exit 1, the others succeed.
	run_one() {
		local st=0
		[ -n "$cmd" ] || return 0
		n=$((n + 1))
		script -qec 'preg() { "$PREG" -C "$R" "$@"; }; '"$cmd" /dev/null </dev/null >"$BATS_TEST_TMPDIR/out" || st=$?
		tr -d '\r' <"$BATS_TEST_TMPDIR/out" >"$BATS_TEST_TMPDIR/shown"
		if [[ $expected == "preg: error: "* ]]; then
			nerr=$((nerr + 1))
			[ "$st" -eq 1 ] || { echo "exit $st, not 1: $cmd"; return 1; }
		else
			[ "$st" -eq 0 ] || { echo "failed ($st): $cmd"; cat "$BATS_TEST_TMPDIR/shown"; return 1; }
		fi
		same "$(cat "$BATS_TEST_TMPDIR/shown")" "$expected" || {
			echo "in: $cmd"
			return 1
		}
	}
	while IFS= read -r line; do
		if [[ "$line" == '$ '* ]]; then
			run_one
			cmd=${line#\$ }
			expected=""
		else
			expected+="${expected:+$'\n'}$line"
		fi
	done <"$BATS_TEST_TMPDIR/lines"
	run_one
	[ "$n" -ge 10 ]
	[ "$nerr" -eq 1 ]
	# What it left: the call in the notes at its time, the next step set,
	# the colleague's note, the new contact with its new phone; the
	# refused duplicate wrote nothing.
	F="$R/$(record_path romashka)"
	grep -qx '  - {at: 2026-11-29T17:40:00+05:00, by: ivanov, channel: call, text: "discount agreed: 3%"}' "$F"
	grep -q 'text: called back about the discount' "$F"
	grep -qx 'next_contact: 2026-12-04' "$F"
	grep -qx 'next_action: call about the signed contract' "$F"
	run --separate-stderr preg -C "$R" contact list romashka
	same "$output" "n	name	email	role	phone
1	Ivan Petrov	ivan@romashka.ru	director	+7 351 000-00-00
2	Anna Orlova	a.orlova@example.com	chief accountant	+7 351 222-22-22"
	same "$(cd "$R" && git ls-files 'clients/*' | wc -l)" 1
	"$PREG" -C "$R" verify >/dev/null
	"$PREG" -C "$R" check
}
