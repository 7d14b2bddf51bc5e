#!/usr/bin/env bats
# 1220-soak: two clones make random changes (notes, phase moves, field
# changes, new clients, some under one id on both sides) with random syncs
# in between; at the end both clones and the remote are identical and every
# note and every phase move made is there. PREG_SOAK_N changes per clone
# (default 60, what CI affords: some 15 syncs a side and several add/add
# collisions; PREG_SOAK_N=1000 for a longer run); PREG_SOAK_SEED picks the
# run, and a failure names both.
#
# Without LeakSanitizer's check at exit (no_leak_check): note, phase set,
# client set, client add and sync, hundreds of times, each of them run
# with the check in its own file.

load helper
load sync

setup() {
	sync_setup
	no_leak_check
}

@test "soak: two clones, random changes and syncs, end identical with nothing lost" {
	local n=${PREG_SOAK_N:-60} i side dir user ids id t r p want=$BATS_TEST_TMPDIR/want
	# Shown when the test fails: the run to replay.
	echo "PREG_SOAK_SEED=${PREG_SOAK_SEED:-7} PREG_SOAK_N=$n"
	RANDOM=${PREG_SOAK_SEED:-7}
	git init -q --bare "$REMOTE"
	preg init --remote "$REMOTE" "$A" >/dev/null
	for id in alfa bravo charlie delta echo; do
		preg -C "$A" client add "$id" >/dev/null
	done
	preg -C "$A" sync >/dev/null
	preg clone "$REMOTE" "$B" >/dev/null
	: >"$want"
	ids=(alfa bravo charlie delta echo)
	for ((i = 1; i <= n; i++)); do
		for side in a b; do
			dir=$A user=ivanov
			[ $side = b ] && dir=$B user=petrov
			# A clock that moves on, the same on both sides.
			export PREG_NOW=$(date -u -d "2026-11-03 00:00 UTC + $i minutes" +%Y-%m-%dT%H:%M:%S+00:00)
			export PREG_USER=$user
			id=${ids[RANDOM % ${#ids[@]}]}
			t="$side-$i"
			r=$((RANDOM % 10))
			if [ $r -lt 4 ]; then
				preg -C "$dir" note "$id" "note $t" >/dev/null && echo "text: note $t" >>"$want"
			elif [ $r -lt 6 ]; then
				p=$((RANDOM % 10 + 1))
				preg -C "$dir" phase set "$id" $p --force -m "move $t" >/dev/null 2>&1 &&
					echo "note: move $t" >>"$want"
			elif [ $r -lt 8 ]; then
				preg -C "$dir" client set "$id" "next_action=act $t" "fields.f$side=$t" >/dev/null
			elif [ $r -lt 9 ]; then
				# One id on both sides now and then: an add/add.
				preg -C "$dir" client add "New $i" --id "new-$((i / 3))" >/dev/null 2>&1 &&
					preg -C "$dir" note "new-$((i / 3))" "note $t" >/dev/null &&
					echo "text: note $t" >>"$want"
			else
				preg -C "$dir" client add "Own $t" --id "own-$t" >/dev/null && echo "id: own-$t" >>"$want"
			fi
			if [ $((RANDOM % 8)) -eq 0 ]; then
				preg -C "$dir" sync >/dev/null || { echo "sync $side at $i failed"; return 1; }
			fi
		done
	done
	preg -C "$A" sync >/dev/null
	preg -C "$B" sync >/dev/null
	preg -C "$A" sync >/dev/null
	same "$(git -C "$A" rev-parse HEAD) $(git -C "$B" rev-parse HEAD)" \
		"$(git -C "$REMOTE" rev-parse main) $(git -C "$REMOTE" rev-parse main)"
	assert_clean "$A"
	assert_clean "$B"
	assert_fsck "$A"
	[ -z "$(git -C "$A" rev-list --merges HEAD)" ]
	# Everything made is there, once per thing made.
	local all missing=0
	all=$(cat "$A"/clients/*/*.yaml)
	while read -r line; do
		if ! grep -qF -- "$line" <<<"$all"; then
			echo "lost: $line"
			missing=$((missing + 1))
		fi
	done <"$want"
	[ "$missing" -eq 0 ]
	[ "$(wc -l <"$want")" -gt $((n / 2)) ]
	# Every record reads, and its phase is its last move's.
	run --separate-stderr preg -C "$A" client list --format tsv
	[ "$status" -eq 0 ]
	same "$stderr" ""
	local f bad=0
	for f in "$A"/clients/*/*.yaml; do
		awk '/^phase: / { p = $2 } /^history:/ { h = 1; next } /^[a-z]/ { h = 0 }
			h && match($0, /, phase: [0-9]+/) { last = substr($0, RSTART + 9, RLENGTH - 9) }
			END { exit !(p == last) }' "$f" || { echo "$f: phase is not its last move's"; bad=1; }
	done
	[ "$bad" -eq 0 ]
}
