#!/usr/bin/env bats
# Concurrent writers (SPEC §7): every write is one commit on a linear
# history, nothing lost or duplicated, and a held lock makes a writer give up
# with "register busy (held by pid N)". After each round the invariants of
# issue 10 hold: verify and check pass, preg log of every client is git log
# of its file, by the acting user.

load helper
load invariants

# Sixteen writers queue for one lock: on a loaded machine, with the
# sanitizer build (make check), the last may wait longer than the default
# 10 s. What is tested is that none is lost, not how fast the queue moves;
# the tests of the timeout itself set their own.
export PREG_LOCK_TIMEOUT=120

# Start "$PREG ARGS..." in the background; its stdout and stderr go to
# $OUT/N.out and $OUT/N.err, its pid is appended to PIDS.
spawn() {
	local n=$1
	shift
	"$PREG" -C "$R" "$@" >"$OUT/$n.out" 2>"$OUT/$n.err" &
	PIDS+=("$!")
	WHAT+=("$*")
}

# How many times the line "$2" occurs in the file of HEAD at path $1.
count_in_head() {
	git -C "$R" show "HEAD:$1" | grep -cxF -- "$2" || true
}

# One round: 16 writers at once on a register that already holds the
# clients "shared" and "shared2" and the client "mover-$round" in phase 1.
round() {
	local round=$1 before after i rc failed=0
	local notes=() adds=()

	OUT="$BATS_TEST_TMPDIR/out-$round"
	mkdir -p "$OUT"
	PIDS=()
	WHAT=()
	before=$(commits)
	# 5 new clients, 6 notes on one client, 3 phase moves of one client,
	# 2 field changes (one on the client that gets the notes).
	for i in 1 2 3 4 5; do
		spawn "add$i" client add "New $round $i"
		adds+=("new-$round-$i")
	done
	for i in 1 2 3 4 5 6; do
		spawn "note$i" note shared "round $round note $i"
		notes+=("round $round note $i")
	done
	for i in 1 2 3; do
		spawn "move$i" phase next "mover-$round" -m "round $round move $i"
	done
	spawn set1 client set shared "fields.r$round=one"
	spawn set2 client set shared2 "fields.r$round=two"

	for i in "${!PIDS[@]}"; do
		rc=0
		wait "${PIDS[$i]}" || rc=$?
		if [ "$rc" -ne 0 ]; then
			echo "round $round: 'preg ${WHAT[$i]}' exited $rc"
			failed=1
		fi
	done
	for f in "$OUT"/*.err; do
		if [ -s "$f" ]; then
			echo "round $round: stderr of $(basename "$f" .err):"
			cat "$f"
			failed=1
		fi
	done
	[ "$failed" -eq 0 ]

	# Exactly one commit per writer, on a linear history.
	after=$(commits)
	[ "$after" -eq $((before + 16)) ]
	[ -z "$(git -C "$R" rev-list --merges HEAD)" ]
	[ "$(git -C "$R" rev-list --first-parent --count HEAD)" -eq "$after" ]
	[ "$(git -C "$R" log -16 --format=%B | grep -c '^Preg-Action: add$')" -eq 5 ]
	[ "$(git -C "$R" log -16 --format=%B | grep -c '^Preg-Action: note$')" -eq 6 ]
	[ "$(git -C "$R" log -16 --format=%B | grep -c '^Preg-Action: phase$')" -eq 3 ]
	[ "$(git -C "$R" log -16 --format=%B | grep -c '^Preg-Action: set$')" -eq 2 ]

	# Every added client is there, printed its own id, at its sharded path.
	for i in 1 2 3 4 5; do
		[ "$(cat "$OUT/add$i.out")" = "new-$round-$i" ]
		git -C "$R" cat-file -e "HEAD:$(record_path "new-$round-$i")"
		[ "$(git -C "$R" show "HEAD:$(record_path "new-$round-$i")" | sed -n 's/^name: //p')" = "New $round $i" ]
	done
	# Every note exactly once.
	for n in "${notes[@]}"; do
		run count_in_head "$(record_path shared)" "  - {at: $PREG_NOW, by: ivanov, text: $n}"
		[ "$output" = 1 ] || { echo "note '$n' found $output times"; return 1; }
	done
	# The three moves, one after the other: phase 1 -> 4, each message once.
	[ "$(git -C "$R" show "HEAD:$(record_path "mover-$round")" | sed -n 's/^phase: //p')" = 4 ]
	for i in 1 2 3; do
		[ "$(git -C "$R" show "HEAD:$(record_path "mover-$round")" | grep -c "note: round $round move $i}")" -eq 1 ]
	done
	# Both field changes, and the notes survived the change of the same record.
	[ "$(count_in_head $(record_path shared) "  r$round: one")" = 1 ]
	[ "$(count_in_head $(record_path shared2) "  r$round: two")" = 1 ]

	assert_clean
	assert_fsck
	# The invariants: verify, check, the log of each client written.
	assert_verify_check
	for i in 1 2 3 4 5; do
		assert_log_is_git_log "$R" "new-$round-$i" ivanov
	done
	assert_log_is_git_log "$R" shared ivanov
	assert_log_is_git_log "$R" shared2 ivanov
	assert_log_is_git_log "$R" "mover-$round" ivanov
}

@test "16 writers at once, three rounds: one commit each, nothing lost, linear history" {
	new_register
	preg -C "$R" client add Shared >/dev/null
	preg -C "$R" client add Shared2 >/dev/null
	for r in 1 2 3; do
		preg -C "$R" client add "Mover $r" >/dev/null
	done
	for r in 1 2 3; do
		round "$r"
	done
	# 1 init + 5 adds + 3 rounds of 16.
	[ "$(commits)" -eq $((1 + 5 + 3 * 16)) ]
	# All 18 notes on the shared client, in one list.
	[ "$(git -C "$R" show HEAD:$(record_path shared) | grep -c 'text: round ')" -eq 18 ]
	[ "$(preg -C "$R" client list --format id | wc -l)" -eq $((5 + 15)) ]
	[ ! -e "$R/.git/preg-pending" ]
	[ ! -e "$R/.git/index.lock" ]
	[ ! -e "$R/.git/refs/heads/main.lock" ]
	assert_every_log_is_git_log "$R" ivanov
}

@test "16 writers at once on the real clock: events in time order, check and verify pass" {
	new_register
	preg -C "$R" client add 'ООО «Ромашка»' --id romashka >/dev/null
	preg -C "$R" client add 'АО «Уралсталь»' --id uralsteel >/dev/null
	# The time of a write is the clock's when it runs (issue 10: taken
	# after the lock is won), not one pinned time for all.
	unset PREG_NOW
	local i pids=() rc failed=0
	for i in $(seq 1 12); do
		PREG_USER=ivanov "$PREG" -C "$R" note romashka "звонок $i" >/dev/null 2>"$BATS_TEST_TMPDIR/err-$i" &
		pids+=("$!")
	done
	for i in 1 2 3 4; do
		PREG_USER=petrov "$PREG" -C "$R" phase next uralsteel -m "шаг $i" >/dev/null 2>"$BATS_TEST_TMPDIR/err-m$i" &
		pids+=("$!")
	done
	for i in "${!pids[@]}"; do
		rc=0
		wait "${pids[$i]}" || rc=$?
		[ "$rc" -eq 0 ] || failed=1
	done
	cat "$BATS_TEST_TMPDIR"/err-* >&2
	[ "$failed" -eq 0 ]
	[ "$(commits)" -eq $((1 + 2 + 16)) ]
	for i in $(seq 1 12); do
		[ "$(count_text "$R" "звонок $i")" -eq 1 ]
	done
	for i in 1 2 3 4; do
		[ "$(count_text "$R" "шаг $i")" -eq 1 ]
	done
	[ "$(git -C "$R" show HEAD:$(record_path uralsteel) | sed -n 's/^phase: //p')" = 5 ]
	assert_verify_check
	assert_log_is_git_log "$R" romashka ivanov
	assert_log_is_git_log "$R" uralsteel
}

@test "a writer gives up on a held lock after PREG_LOCK_TIMEOUT: register busy (held by pid N)" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	local lock="$R/.git/preg.lock" holder pid head i
	head=$(git -C "$R" rev-parse HEAD)
	# The holder writes its own pid into the lock file, as preg does.
	flock -x "$lock" -c "echo \$\$ > '$lock'; exec sleep 5" &
	holder=$!
	for i in $(seq 100); do
		pid=$(cat "$lock")
		[ -n "$pid" ] && [ "$pid" != "$holder" ] && kill -0 "$pid" 2>/dev/null && break
		sleep 0.05
	done
	[ -n "$pid" ]

	local start end
	start=$(date +%s%N)
	PREG_LOCK_TIMEOUT=1 run --separate-stderr "$PREG" -C "$R" note acme "while locked"
	end=$(date +%s%N)
	kill "$pid" "$holder" 2>/dev/null || true
	wait "$holder" || true

	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "preg: error: register busy (held by pid $pid)" ]
	# It waited about a second, not the default ten.
	[ $(((end - start) / 1000000)) -ge 900 ]
	[ $(((end - start) / 1000000)) -lt 5000 ]
	[ "$(git -C "$R" rev-parse HEAD)" = "$head" ]
	assert_clean
	# Once the holder is gone the same write goes through.
	run "$PREG" -C "$R" note acme "after the lock"
	[ "$status" -eq 0 ]
	[ "$(commits)" -eq 3 ]
	assert_clean
}

@test "a writer waits for a lock released within the timeout and then commits" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	local lock="$R/.git/preg.lock" holder
	flock -x "$lock" -c "echo \$\$ > '$lock'; exec sleep 1" &
	holder=$!
	sleep 0.2
	PREG_LOCK_TIMEOUT=5 run --separate-stderr "$PREG" -C "$R" note acme "waited"
	wait "$holder" || true
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(commits)" -eq 3 ]
	git -C "$R" show HEAD:"$(record_path acme)" | grep -qF 'text: waited}'
	assert_clean
}

@test "16 notes at once on one client with the real clock: each written once, in time order; check passes" {
	new_register
	preg -C "$R" client add "ООО «Ромашка»" --id romashka >/dev/null
	unset PREG_NOW
	local i rc failed=0 before
	before=$(commits)
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
	PIDS=()
	WHAT=()
	# Each writer takes its time once it holds the lock, so none finds
	# the record's last note later than its own clock.
	for i in $(seq 16); do
		spawn "note$i" note romashka "call $i"
	done
	for i in "${!PIDS[@]}"; do
		rc=0
		wait "${PIDS[$i]}" || rc=$?
		if [ "$rc" -ne 0 ]; then
			echo "'preg ${WHAT[$i]}' exited $rc: $(cat "$OUT/note$((i + 1)).err")"
			failed=1
		fi
	done
	[ "$failed" -eq 0 ]
	[ "$(commits)" -eq $((before + 16)) ]
	for i in $(seq 16); do
		[ "$(git -C "$R" show HEAD:$(record_path romashka) | grep -c "text: call $i}")" -eq 1 ]
	done
	# In time order: the times as written sort to themselves.
	git -C "$R" show HEAD:"$(record_path romashka)" | sed -n 's/^  - {at: \([^,]*\),.*text: call.*/\1/p' >"$OUT/times"
	[ "$(wc -l <"$OUT/times")" -eq 16 ]
	same "$(cat "$OUT/times")" "$(sort -s "$OUT/times")"
	run --separate-stderr preg -C "$R" check
	[ "$status" -eq 0 ]
	same "$output$stderr" ""
	assert_clean
}
