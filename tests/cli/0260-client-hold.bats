#!/usr/bin/env bats
# preg client hold ID --until DATE --reason TEXT and preg client unhold ID:
# one commit each, the record's hold_until/hold_reason and history events,
# the refusals, and holds honoured by client list --stale and client show.

load helper

T0=2026-10-01T09:12:00+05:00
NOW=2026-11-02T10:15:00+05:00
F="$(record_path acme)"

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	# acme: phase 1 research (stale_after 14d) since 10-01: on 11-02 it is
	# 32 days in the phase, so stale.
	PREG_NOW=$T0 "$PREG" -C "$P" client add "Acme Ltd" --id acme >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
	cp "$R/$F" "$BATS_TEST_TMPDIR/acme.before"
}

ORIGINAL="id: acme
name: Acme Ltd
kind: external
manager: ivanov
phase: 1
phase_since: $T0"
REST="created: $T0
history:
  - {at: $T0, by: ivanov, phase: 1, manager: ivanov}"

# committed SUMMARY ACTION [USER]: one commit on top of $head0 with that summary
# and trailers, touching the record alone; a clean work tree.
committed() {
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
	same "$(last_message)" "$1

Preg-Client: acme
Preg-Action: $2
Preg-User: ${3:-$PREG_USER}"
	same "$(git -C "$R" show --name-status --format= HEAD)" "M	$F"
	assert_clean
}

# refused STATUS MESSAGE ARGS...: client ARGS fails with STATUS and that
# stderr, prints nothing and changes nothing.
refused() {
	local st=$1 msg=$2
	shift 2
	run --separate-stderr preg -C "$R" client "$@"
	[ "$status" -eq "$st" ]
	same "$output" ""
	same "$stderr" "$msg"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	cmp "$R/$F" "$BATS_TEST_TMPDIR/acme.before"
	assert_clean
}

@test "hold sets hold_until and hold_reason, appends an event, one commit" {
	run --separate-stderr preg -C "$R" client hold acme --until 2026-12-01 --reason "the director is on holiday"
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$stderr" ""
	diff -u - "$R/$F" <<EOF
$ORIGINAL
hold_until: 2026-12-01
hold_reason: the director is on holiday
$REST
  - {at: $NOW, by: ivanov, hold_until: 2026-12-01, reason: the director is on holiday}
EOF
	committed "hold: acme until 2026-12-01" hold
	assert_fsck
}

@test "a second hold replaces the first and says so; both stay in history" {
	preg -C "$R" client hold acme --until 2026-12-01 --reason "holiday"
	head0=$(git -C "$R" rev-parse HEAD)
	PREG_NOW=2026-11-03T09:00:00+05:00 PREG_USER=petrov \
		run --separate-stderr preg -C "$R" client hold acme --until 2027-01-15 --reason "tender: closes in January"
	[ "$status" -eq 0 ]
	same "$stderr" ""
	diff -u - "$R/$F" <<EOF
$ORIGINAL
hold_until: 2027-01-15
hold_reason: "tender: closes in January"
$REST
  - {at: $NOW, by: ivanov, hold_until: 2026-12-01, reason: holiday}
  - {at: 2026-11-03T09:00:00+05:00, by: petrov, hold_until: 2027-01-15, reason: "tender: closes in January"}
EOF
	committed "hold: acme until 2027-01-15 (was until 2026-12-01)" hold petrov
}

@test "unhold clears the hold and records it, one commit" {
	preg -C "$R" client hold acme --until 2026-12-01 --reason "holiday"
	head0=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" client unhold acme
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$stderr" ""
	diff -u - "$R/$F" <<EOF
$ORIGINAL
$REST
  - {at: $NOW, by: ivanov, hold_until: 2026-12-01, reason: holiday}
  - {at: $NOW, by: ivanov, hold_until: none}
EOF
	committed "unhold: acme" unhold
	# client show tells the story.
	run preg -C "$R" client show acme
	same "$(echo "$output" | tail -n 2)" "    $NOW  ivanov  hold until 2026-12-01  reason: holiday
    $NOW  ivanov  hold lifted"
}

@test "client list --stale and client show honour a hold until a later day" {
	# 32 days in research, limit 14d: stale.
	run preg -C "$R" client list --stale --format id
	same "$output" "acme"
	preg -C "$R" client hold acme --until 2026-11-10 --reason "holiday"
	run preg -C "$R" client list --stale --format id
	[ "$status" -eq 0 ]
	same "$output" ""
	run preg -C "$R" client show acme
	echo "$output" | grep -qx "  on hold:      until 2026-11-10: holiday"
	echo "$output" | grep -q '\[stale\]' && return 1
	# The day before the hold ends: still held; on the day itself: stale again.
	PREG_NOW=2026-11-09T23:59:00+05:00 run preg -C "$R" client list --stale --format id
	same "$output" ""
	PREG_NOW=2026-11-10T00:00:00+05:00 run preg -C "$R" client list --stale --format id
	same "$output" "acme"
	# Unhold: stale at once.
	preg -C "$R" client unhold acme
	run preg -C "$R" client list --stale --format id
	same "$output" "acme"
}

@test "an invalid --until is refused" {
	refused 1 "preg: error: --until: invalid date '2026-02-30' (February 2026 has 28 days)" hold acme --until 2026-02-30 --reason x
	refused 1 "preg: error: --until: invalid date 'someday' (use today, tomorrow, yesterday, +3d, -1w, a weekday such as fri, 25.11.2026 or 2026-11-25)" hold acme --until someday --reason x
}

@test "a hold until today or earlier is refused" {
	refused 1 "preg: error: --until 2026-11-02 is not after today (2026-11-02)" hold acme --until 2026-11-02 --reason x
	refused 1 "preg: error: --until 2026-10-01 is not after today (2026-11-02)" hold acme --until 2026-10-01 --reason x
}

@test "a missing, blank or multi-line --reason is refused" {
	refused 2 "preg: client hold needs --reason TEXT
usage: preg client hold ID --until DATE --reason TEXT [--at TIME]" hold acme --until 2026-12-01
	refused 2 "preg: client hold needs --until DATE
usage: preg client hold ID --until DATE --reason TEXT [--at TIME]" hold acme --reason x
	refused 1 "preg: error: empty --reason" hold acme --until 2026-12-01 --reason "  "
	refused 1 "preg: error: --reason must be one line of text (at most 4096 bytes, no control characters)" \
		hold acme --until 2026-12-01 --reason $'a\nb'
}

@test "hold and unhold of an unknown client are refused" {
	refused 1 "preg: error: client 'nosuch' not found" hold nosuch --until 2026-12-01 --reason x
	refused 1 "preg: error: client 'nosuch' not found" unhold nosuch
}

@test "unhold of a client not on hold is refused" {
	refused 1 "preg: error: client 'acme' is not on hold" unhold acme
}

@test "the same hold again is refused" {
	preg -C "$R" client hold acme --until 2026-12-01 --reason holiday
	head0=$(git -C "$R" rev-parse HEAD)
	cp "$R/$F" "$BATS_TEST_TMPDIR/acme.before"
	refused 1 "preg: error: client 'acme' is already on hold until 2026-12-01 for that reason" \
		hold acme --until 2026-12-01 --reason holiday
}

@test "usage errors: no id, extra arguments, unknown option" {
	refused 2 "preg: client hold needs an id
usage: preg client hold ID --until DATE --reason TEXT [--at TIME]" hold --until 2026-12-01 --reason x
	refused 2 "preg: too many arguments
usage: preg client unhold ID [--at TIME]" unhold acme other
	refused 2 "preg: unknown option '--until'
usage: preg client unhold ID [--at TIME]" unhold acme --until 2026-12-01
}
