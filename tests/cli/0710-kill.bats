#!/usr/bin/env bats
# Writers killed with SIGKILL at any instant (SPEC §7): git fsck accepts the
# register, the branch points to a complete commit, every acknowledged write
# is there, and the next write heals what a crash after the commit point left.
# Then the invariants of issue 10 hold: verify and check pass, preg log of
# every client is git log of its file, every acknowledged note is there once.

load helper
load invariants

# Without LeakSanitizer's check at exit (no_leak_check): the writers (a
# killed one has no exit to check), the heals and the checks of the
# invariants are commands that run with the check in the files that test
# them.
setup() {
	common_setup
	no_leak_check
}

# The phase of client $1 in HEAD.
head_phase() {
	git -C "$R" show "HEAD:$(record_path "$1")" | sed -n 's/^phase: //p'
}


# Whether HEAD holds the effect of run $1 of kind $2.
in_head() {
	case $2 in
	add) git -C "$R" cat-file -e "HEAD:$(record_path "kill-$1")" 2>/dev/null ;;
	note) git -C "$R" show HEAD:"$(record_path noted)" | grep -qF "text: kill note $1}" ;;
	phase) git -C "$R" show HEAD:"$(record_path phased)" | grep -qF "note: kill move $1}" ;;
	esac
}

@test "100 writes killed at random instants: fsck clean, acknowledged writes kept, next write heals" {
	new_register
	preg -C "$R" client add Noted >/dev/null
	preg -C "$R" client add Phased --phase 4 >/dev/null

	# Kill within the span of a write: 0 to 3 times the duration of one
	# (a write in the background, next to sleep and kill, takes longer).
	local t0 t1 span
	t0=$(date +%s%N)
	preg -C "$R" note noted calibration-1
	preg -C "$R" note noted calibration-2
	preg -C "$R" note noted calibration-3
	t1=$(date +%s%N)
	span=$(((t1 - t0) / 1000000 + 1))
	if [ "$span" -lt 30 ]; then span=30; fi
	if [ "$span" -gt 250 ]; then span=250; fi

	local i kind pid rc ms to acked=0 killed=0 failed=0 bad=0 reflocks=0 idxlocks=0
	local -a kinds codes
	for i in $(seq 1 100); do
		case $((i % 3)) in
		0)
			kind=add
			"$PREG" -C "$R" client add "Kill $i" >/dev/null 2>"$BATS_TEST_TMPDIR/err-$i" &
			;;
		1)
			kind=note
			"$PREG" -C "$R" note noted "kill note $i" >/dev/null 2>"$BATS_TEST_TMPDIR/err-$i" &
			;;
		2)
			kind=phase
			to=5
			if [ "$(head_phase phased)" = 5 ]; then to=4; fi
			"$PREG" -C "$R" phase set phased "$to" -m "kill move $i" >/dev/null 2>"$BATS_TEST_TMPDIR/err-$i" &
			;;
		esac
		pid=$!
		ms=$((RANDOM % span))
		sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
		kill -KILL "$pid" 2>/dev/null || true
		rc=0
		wait "$pid" 2>/dev/null || rc=$?
		kinds[i]=$kind
		codes[i]=$rc
		case $rc in
		0) acked=$((acked + 1)) ;;
		137) killed=$((killed + 1)) ;;
		1) failed=$((failed + 1)) ;;
		*) bad=$((bad + 1)) ;;
		esac
		# What the kill left for the next run to clear (for the record).
		if [ -e "$R/.git/refs/heads/main.lock" ]; then reflocks=$((reflocks + 1)); fi
		if [ -e "$R/.git/index.lock" ]; then idxlocks=$((idxlocks + 1)); fi
	done
	echo "kill within $span ms: acknowledged $acked, killed $killed, failed $failed, other exit $bad"
	echo "kills that left refs/heads/main.lock: $reflocks; .git/index.lock: $idxlocks"
	# Exit 0 (done), 137 (killed) or 1 (refused): no crash.
	[ "$bad" -eq 0 ]

	local problems=0
	for i in $(seq 1 100); do
		# A write that went through said nothing but that it removed the
		# lock a killed writer left; no write was refused.
		# A writer killed before its shell opened the file left none.
		if [ ! -e "$BATS_TEST_TMPDIR/err-$i" ] && [ "${codes[i]}" = 137 ]; then continue; fi
		sed -i -E "/^preg: warning: removed (refs\/heads\/main|index)\.lock left by an interrupted preg$/d" "$BATS_TEST_TMPDIR/err-$i"
		if [ "${codes[i]}" = 0 ] && [ -s "$BATS_TEST_TMPDIR/err-$i" ]; then
			echo "run $i (${kinds[i]}) exited 0 with stderr: $(cat "$BATS_TEST_TMPDIR/err-$i")"
			problems=$((problems + 1))
		fi
		if [ "${codes[i]}" = 1 ]; then
			echo "run $i (${kinds[i]}) exited 1: $(cat "$BATS_TEST_TMPDIR/err-$i")"
			problems=$((problems + 1))
		fi
		# Every acknowledged write is in HEAD; every refused one is not.
		if [ "${codes[i]}" = 0 ] && ! in_head "$i" "${kinds[i]}"; then
			echo "acknowledged run $i (${kinds[i]}) missing from HEAD"
			problems=$((problems + 1))
		fi
		if [ "${codes[i]}" = 1 ] && in_head "$i" "${kinds[i]}"; then
			echo "failed run $i (${kinds[i]}) is in HEAD"
			problems=$((problems + 1))
		fi
	done

	# The register as the kills left it: fsck clean, the branch on a
	# whole commit, a linear history, every record readable.
	assert_fsck
	[ "$(git -C "$R" cat-file -t HEAD)" = commit ]
	git -C "$R" ls-tree -r HEAD >/dev/null
	[ -z "$(git -C "$R" rev-list --merges HEAD)" ]
	run --separate-stderr "$PREG" -C "$R" client list --format tsv
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	echo "left by the kills:"
	git -C "$R" status --porcelain --ignored
	ls "$R/.git" | grep -E 'pending|tmp' || true

	# One more write, unaided: it heals what the kills left, silently.
	run --separate-stderr "$PREG" -C "$R" note noted "after the storm"
	echo "the next write: exit $status, stderr: $stderr"
	[ "$status" -eq 0 ]
	[ -z "$(grep -Ev "^preg: warning: removed (refs/heads/main|index)\.lock left by an interrupted preg$" <<<"$stderr")" ]
	git -C "$R" show HEAD:"$(record_path noted)" | grep -qF 'text: after the storm}'
	echo "left after it:"
	git -C "$R" status --porcelain --ignored
	ls "$R/.git" | grep -E 'pending|tmp|lock' || true
	assert_fsck
	[ ! -e "$R/.git/preg-pending" ]
	[ -z "$(find "$R/.git" -name '*.lock' ! -name preg.lock)" ]
	# Clean, without even an ignored or untracked temporary file.
	[ -z "$(git -C "$R" status --porcelain --ignored)" ]
	[ "$problems" -eq 0 ]

	# The invariants: each note once (acknowledged), at most once (killed),
	# never (refused); verify, check, and the log of every client.
	local n
	for i in $(seq 1 100); do
		[ "${kinds[i]}" = note ] || continue
		n=$(count_text "$R" "kill note $i")
		case ${codes[i]} in
		0) [ "$n" -eq 1 ] || { echo "acknowledged note $i is there $n times"; problems=$((problems + 1)); } ;;
		1) [ "$n" -eq 0 ] || { echo "refused note $i is there $n times"; problems=$((problems + 1)); } ;;
		*) [ "$n" -le 1 ] || { echo "killed note $i is there $n times"; problems=$((problems + 1)); } ;;
		esac
	done
	[ "$(count_text "$R" "after the storm")" -eq 1 ]
	[ "$problems" -eq 0 ]
	assert_verify_check
	assert_every_log_is_git_log "$R" ivanov
}

# A crash after the commit point, made by hand: HEAD has the new record, the
# work tree and the index still hold the old one, and the journal names it.
crash_after_commit() {
	local path="$(record_path acme)" old
	old=$(git -C "$R" rev-parse "HEAD~1:$path")
	git -C "$R" cat-file blob "$old" >"$R/$path"
	git -C "$R" update-index --cacheinfo "100644,$old,$path"
	printf '%s\n' "$path" >"$R/.git/preg-pending"
}

@test "a crash after the commit point: the next write brings work tree and index up to HEAD silently" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	preg -C "$R" note acme first
	preg -C "$R" note acme second
	crash_after_commit
	# What the crash left: the index and the work tree one commit behind.
	[ "$(git -C "$R" status --porcelain)" = "M  $(record_path acme)" ]

	run --separate-stderr "$PREG" -C "$R" note acme third
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ ! -e "$R/.git/preg-pending" ]
	assert_clean
	[ "$(commits)" -eq 5 ]
	run grep -c 'text: ' "$R/$(record_path acme)"
	[ "$output" = 3 ]
	cmp "$R/$(record_path acme)" <(git -C "$R" show HEAD:"$(record_path acme)")
	assert_fsck
}

@test "a crash after the commit point is healed by a write to another client too" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	preg -C "$R" client add Other >/dev/null
	preg -C "$R" note acme first
	crash_after_commit

	run --separate-stderr "$PREG" -C "$R" note other hello
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	assert_clean
	cmp "$R/$(record_path acme)" <(git -C "$R" show HEAD:"$(record_path acme)")
	grep -qF 'text: first}' "$R/$(record_path acme)"
}

@test "a crash after the commit point of an add: the missing file is checked out" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	# The add committed, but neither the file nor the index entry was made.
	rm "$R/$(record_path acme)"
	rmdir "$R/$(record_dir acme)"
	git -C "$R" update-index --force-remove "$(record_path acme)"
	printf ''"$(record_path acme)"'\n' >"$R/.git/preg-pending"
	[ "$(git -C "$R" status --porcelain)" = "D  $(record_path acme)" ]

	run --separate-stderr "$PREG" -C "$R" client add Beta
	[ "$status" -eq 0 ]
	[ "$output" = beta ]
	[ "$stderr" = "" ]
	assert_clean
	[ -f "$R/$(record_path acme)" ]
}

@test "a crash after the work tree was written but before the index: the index is refreshed" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	preg -C "$R" note acme first
	local path="$(record_path acme)"
	git -C "$R" update-index --cacheinfo "100644,$(git -C "$R" rev-parse "HEAD~1:$path"),$path"
	printf '%s\n' "$path" >"$R/.git/preg-pending"
	[ "$(git -C "$R" status --porcelain)" = "MM $(record_path acme)" ]

	run --separate-stderr "$PREG" -C "$R" note acme second
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	assert_clean
	[ "$(grep -c 'text: ' "$R/$path")" -eq 2 ]
}

@test "healing leaves a user's edit alone, says so, and the write to that client refuses" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	preg -C "$R" note acme first
	crash_after_commit
	# The user edits the stale file: neither HEAD nor the index.
	echo "remarks: my own words" >>"$R/$(record_path acme)"
	cp "$R/$(record_path acme)" "$BATS_TEST_TMPDIR/edited"
	local head
	head=$(git -C "$R" rev-parse HEAD)

	run --separate-stderr "$PREG" -C "$R" note acme second
	[ "$status" -eq 1 ]
	[ "$stderr" = "preg: warning: left alone: $(record_path acme) differs from the last commit (uncommitted edit?)
preg: error: $(record_path acme) has uncommitted changes; commit or discard them first (git diff -- $(record_path acme))" ]
	[ "$(git -C "$R" rev-parse HEAD)" = "$head" ]
	cmp "$R/$(record_path acme)" "$BATS_TEST_TMPDIR/edited"
}

@test "the journal never makes preg touch a path outside the records" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	echo precious >"$BATS_TEST_TMPDIR/outside"
	echo mine >"$R/notes.txt"
	printf '../outside\n.git/config\nnotes.txt\n/etc/hostname\nclients/../../outside\n' >"$R/.git/preg-pending"
	cp "$R/.git/config" "$BATS_TEST_TMPDIR/config.before"

	run --separate-stderr "$PREG" -C "$R" note acme hello
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(cat "$BATS_TEST_TMPDIR/outside")" = precious ]
	[ "$(cat "$R/notes.txt")" = mine ]
	cmp "$R/.git/config" "$BATS_TEST_TMPDIR/config.before"
	[ "$(git -C "$R" status --porcelain)" = "?? notes.txt" ]
}

@test "killed while moving the branch: the ref lock it left does not block the next write" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	local path="$(record_path acme)" old new
	# What a preg killed inside git_reference_create_matching leaves: the
	# new commit written, the journal naming the record, the marker preg
	# sets around libgit2's lock windows, refs/heads/main.lock holding the
	# new commit id, the branch not moved.
	old=$(git -C "$R" rev-parse HEAD)
	new=$(git -C "$R" commit-tree -p "$old" -m "note: acme" "$old^{tree}")
	printf '%s\n' "$path" >"$R/.git/preg-pending"
	: >"$R/.git/preg-locking"
	printf '%s\n' "$new" >"$R/.git/refs/heads/main.lock"

	run --separate-stderr "$PREG" -C "$R" note acme "after the kill"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$stderr" = "preg: warning: removed refs/heads/main.lock left by an interrupted preg" ]
	[ ! -e "$R/.git/preg-locking" ]
	[ ! -e "$R/.git/refs/heads/main.lock" ]
	[ "$(git -C "$R" rev-parse HEAD~1)" = "$old" ]
	grep -qF 'text: after the kill}' "$R/$path"
	assert_clean
	assert_fsck
}

@test "a ref lock older than a minute is removed with a warning" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	git -C "$R" rev-parse HEAD >"$R/.git/refs/heads/main.lock"
	touch -d '2 minutes ago' "$R/.git/refs/heads/main.lock"

	run --separate-stderr "$PREG" -C "$R" note acme hello
	[ "$status" -eq 0 ]
	[ "$stderr" = "preg: warning: removed stale lock 'refs/heads/main.lock' (left by a crashed process)" ]
	[ ! -e "$R/.git/refs/heads/main.lock" ]
	[ "$(commits)" -eq 3 ]
	assert_clean
}

@test "temporary files left by a killed writer are removed by the next write" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	# Killed while writing the journal or a record's temporary file.
	printf 'clients/ac/acme' >"$R/.git/preg-pending.tmp"
	printf 'id: acme\nname: Ac' >"$R/.git/preg-tmp-999999"

	run --separate-stderr "$PREG" -C "$R" note acme hello
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ ! -e "$R/.git/preg-pending.tmp" ]
	[ ! -e "$R/.git/preg-tmp-999999" ]
	[ -z "$(ls "$R/.git" | grep -E '^preg-(tmp|pending|locking)')" ]
	[ -z "$(git -C "$R" status --porcelain --ignored)" ]
}

@test "killed while writing the index: the index.lock it left is removed, the index healed" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	preg -C "$R" note acme first
	crash_after_commit
	: >"$R/.git/preg-locking"
	cp "$R/.git/index" "$R/.git/index.lock"

	run --separate-stderr "$PREG" -C "$R" note acme second
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$stderr" = "preg: warning: removed index.lock left by an interrupted preg" ]
	[ ! -e "$R/.git/index.lock" ]
	assert_clean
	[ "$(grep -c 'text: ' "$R/"$(record_path acme)"")" -eq 2 ]
}

@test "an index.lock that is not preg's (git holds it) is left alone; once gone, the next write heals" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	cp "$R/.git/index" "$R/.git/index.lock"
	local w head
	# Writes while git holds the index: each one either commits (exit 0) or
	# changes nothing (exit 1); the lock stays.
	for w in 1 2; do
		head=$(git -C "$R" rev-parse HEAD)
		run --separate-stderr "$PREG" -C "$R" note acme "while locked $w"
		echo "write $w: exit $status: $stderr"
		[ -e "$R/.git/index.lock" ]
		if [ "$status" -eq 0 ]; then
			[ "$(git -C "$R" rev-list --count "$head..HEAD")" -eq 1 ]
		else
			[ "$status" -eq 1 ]
			[ "$(git -C "$R" rev-parse HEAD)" = "$head" ]
		fi
	done
	# git is done: the next write finishes what the others could not.
	rm "$R/.git/index.lock"
	run --separate-stderr "$PREG" -C "$R" note acme "unlocked"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	assert_clean
	[ ! -e "$R/.git/preg-pending" ]
}

@test "a marker left by an old crash does not make preg remove git's own index.lock" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	# A preg killed long ago left its marker; git now holds the index.
	: >"$R/.git/preg-locking"
	touch -d '10 minutes ago' "$R/.git/preg-locking"
	cp "$R/.git/index" "$R/.git/index.lock"

	run --separate-stderr "$PREG" -C "$R" note acme hello
	echo "exit $status: $stderr"
	[ -e "$R/.git/index.lock" ]
	[[ "$stderr" != *"removed index.lock"* ]]
	rm "$R/.git/index.lock"
}

@test "writes while git holds index.lock: every unfinished path is healed once it is gone" {
	new_register
	preg -C "$R" client add Alpha >/dev/null
	preg -C "$R" client add Beta >/dev/null
	# Git (an editor on a commit message) holds the index: each write
	# commits, but cannot update the index, and says so.
	touch "$R/.git/index.lock"
	run --separate-stderr preg -C "$R" note alpha "while locked 1"
	[ "$status" -eq 0 ]
	[[ "$stderr" == "preg: warning: committed "*", but the work tree was not updated: "*"index.lock"* ]]
	run --separate-stderr preg -C "$R" note beta "while locked 2"
	[ "$status" -eq 0 ]
	# Both paths wait in the journal: the second write did not forget the first.
	grep -qx ''"$(record_path alpha)"'' "$R/.git/preg-pending"
	grep -qx ''"$(record_path beta)"'' "$R/.git/preg-pending"
	rm "$R/.git/index.lock"
	# The next write heals both, and the register ends clean.
	run --separate-stderr preg -C "$R" note alpha "after"
	[ "$status" -eq 0 ]
	same "$stderr" ""
	assert_clean
	[ ! -e "$R/.git/preg-pending" ]
	assert_fsck
}
