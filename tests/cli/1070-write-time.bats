#!/usr/bin/env bats
# The time of a write is taken once the register lock is won: writers that
# queue for the lock write their events and notes in time order, and the
# record stays valid (preg check) and provable (preg verify).

load helper

@test "sixteen writers queued on the lock: notes land in time order; check and verify pass" {
	new_register
	preg -C "$R" client add "ООО «Ромашка»" >/dev/null
	unset PREG_NOW
	command -v flock >/dev/null || skip "flock(1) is not installed"
	# Hold the lock while the writers start, a fifth of a second apart:
	# each would read the clock at a different second, and they win the
	# lock in no particular order once it is free.
	flock "$R/.git/preg.lock" sleep 4 &
	holder=$!
	sleep 0.3
	pids=()
	for i in $(seq 1 16); do
		PREG_LOCK_TIMEOUT=60 "$PREG" -C "$R" note romashka "звонок $i" >/dev/null &
		pids+=($!)
		sleep 0.2
	done
	for p in "${pids[@]}"; do
		wait "$p"
	done
	wait "$holder"
	[ "$(commits)" -eq 18 ]
	sed -n '/^notes:/,$p' "$R/$(record_path romashka)" | sed -n 's/.*{at: \([^,]*\),.*/\1/p' >"$BATS_TEST_TMPDIR/times"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/times")" -eq 16 ]
	sort -c "$BATS_TEST_TMPDIR/times"
	run preg -C "$R" check
	[ "$status" -eq 0 ]
	run preg -C "$R" verify
	[ "$status" -eq 0 ]
	assert_clean
}
