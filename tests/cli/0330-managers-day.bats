#!/usr/bin/env bats
# README's "A manager's day", line for line (issue 11): the reminder, the
# call logged, the reminder gone, the phase moved with the next step. The
# commands are read from README.md itself, run in order on a register in
# the state the section starts from, and each one's output must be the
# lines the README shows under it.

load helper

README=$BATS_TEST_DIRNAME/../../README.md

setup() {
	common_setup
	new_register
	at() { PREG_NOW=$1 "$PREG" -C "$R" "${@:2}" >/dev/null; }
	at 2026-11-16T10:10:00+05:00 client add "ООО «Ромашка»" --field cargo="steel pipes"
	at 2026-11-16T10:15:00+05:00 phase set romashka quotation -m "rates to Shanghai sent"
	at 2026-11-20T10:20:00+05:00 note romashka "director asked for a discount" --channel call \
		--next 2026-11-27 --action "call about the discount"
	# Monday 30 November, as the section says.
	export PREG_NOW=2026-11-30T09:30:00+05:00
}

# The section's display lines, without their indent.
section() {
	awk '/^## A manager.s day$/ { on = 1; next } /^## / { on = 0 } on && /^    / { print substr($0, 5) }' "$README"
}

@test "README: A manager's day runs as shown" {
	local cmd="" expected="" n=0
	section >"$BATS_TEST_TMPDIR/lines"
	[ "$(grep -c '^\$ preg ' "$BATS_TEST_TMPDIR/lines")" -ge 5 ]
	# Each "$ preg ..." line is run (preg in the register); the lines up to
	# the next one are its output.
	run_one() {
		[ -n "$cmd" ] || return 0
		n=$((n + 1))
		preg() { "$PREG" -C "$R" "$@"; }
		eval "$cmd" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || {
			echo "failed: $cmd"
			cat "$BATS_TEST_TMPDIR/err"
			return 1
		}
		same "$(cat "$BATS_TEST_TMPDIR/err")" ""
		same "$(cat "$BATS_TEST_TMPDIR/out")" "$expected" || {
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
	[ "$n" -ge 5 ]
	# What it left: the call in the notes at its time, the next step set.
	F="$R/$(cd "$R" && git ls-files '*romashka.yaml')"
	grep -qx '  - {at: 2026-11-29T17:40:00+05:00, by: ivanov, channel: call, text: "discount agreed: 3%"}' "$F"
	grep -qx 'next_contact: 2026-12-04' "$F"
	grep -qx 'next_action: call about the signed contract' "$F"
	"$PREG" -C "$R" verify >/dev/null
	"$PREG" -C "$R" check
}
