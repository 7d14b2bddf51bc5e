#!/usr/bin/env bats
# A read-only register, a register owned by another user, a full disk, a
# missing register (SPEC §7): one clear error each, exit 1, and no change.
# Needs root (setpriv to nobody, mount); skips what the system cannot do.

load helper

setup() {
	common_setup
	# A place every user can reach (BATS_TEST_TMPDIR's parents are private),
	# with a copy of the binary that nobody can run.
	D=$(mktemp -d /tmp/preg-0740-XXXXXX)
	chmod 755 "$D"
	R="$D/reg"
	install -m 755 "$PREG" "$D/preg"
	mkdir "$D/home"
	MOUNTED=
}

teardown() {
	if [ -n "$MOUNTED" ]; then
		umount "$MOUNTED" || umount -l "$MOUNTED" || true
	fi
	if [ -n "${D:-}" ] && [ -d "$D" ]; then
		chmod -R u+w "$D" 2>/dev/null || true
		rm -rf "$D"
	fi
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (to run as nobody)"
	id nobody >/dev/null 2>&1 || skip "no user 'nobody'"
	command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
}

# Run "$@" as nobody, with a clean environment and a home of its own.
as_nobody() {
	setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups \
		env -i PATH="$PATH" HOME="$D/home" PREG_USER=ivanov PREG_NOW="$PREG_NOW" PREG_NO_GC=1 \
		NO_COLOR=1 TZ=UTC LC_ALL=C.UTF-8 "$@"
}

# A fingerprint of every file of the register (names, modes, contents).
fingerprint() {
	(cd "$1" && find . -printf '%p %m %s\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha1sum)
}

@test "a read-only register: a write as its owner fails with one clear error, nothing changes" {
	need_root
	new_register
	preg -C "$R" client add Acme >/dev/null
	chown -R nobody "$R" "$D/home"
	chmod -R a-w "$R"
	# (root's own git checks below must accept nobody's repository)
	git config --global --add safe.directory "$R"
	local head before
	head=$(git -C "$R" rev-parse HEAD)
	before=$(fingerprint "$R")

	run --separate-stderr as_nobody "$D/preg" -C "$R" note acme "cannot be written"
	echo "$stderr"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "preg: error: register '$R' is read-only ($R/.git/preg.lock: Permission denied)" ]

	run --separate-stderr as_nobody "$D/preg" -C "$R" client add Other
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "preg: error: register '$R' is read-only ($R/.git/preg.lock: Permission denied)" ]

	run --separate-stderr as_nobody "$D/preg" -C "$R" phase set acme 2
	[ "$status" -eq 1 ]
	[ "$stderr" = "preg: error: register '$R' is read-only ($R/.git/preg.lock: Permission denied)" ]

	[ "$(git -C "$R" rev-parse HEAD)" = "$head" ]
	[ "$(fingerprint "$R")" = "$before" ]
	assert_fsck

	# Reading still works.
	run --separate-stderr as_nobody "$D/preg" -C "$R" client show acme
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${lines[0]}" = "acme  Acme" ]
	run --separate-stderr as_nobody "$D/preg" -C "$R" client list --format id
	[ "$status" -eq 0 ]
	[ "$output" = acme ]
}

@test "a read-only register whose lock file was never made: the same error" {
	need_root
	new_register
	preg -C "$R" client add Acme >/dev/null
	rm "$R/.git/preg.lock"
	chown -R nobody "$R" "$D/home"
	chmod -R a-w "$R"
	local before
	before=$(fingerprint "$R")

	run --separate-stderr as_nobody "$D/preg" -C "$R" note acme hello
	[ "$status" -eq 1 ]
	[ "$stderr" = "preg: error: register '$R' is read-only ($R/.git/preg.lock: Permission denied)" ]
	[ "$(fingerprint "$R")" = "$before" ]
}

@test "a register on a read-only mount: a write fails naming read-only, nothing changes" {
	need_root
	new_register
	preg -C "$R" client add Acme >/dev/null
	local head before
	head=$(git -C "$R" rev-parse HEAD)
	mount --bind "$R" "$R" 2>/dev/null || skip "cannot bind-mount here"
	MOUNTED=$R
	mount -o remount,bind,ro "$R" 2>/dev/null || skip "cannot remount read-only here"
	before=$(fingerprint "$R")

	run --separate-stderr "$PREG" -C "$R" note acme hello
	echo "$stderr"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "preg: error: register '$R' is read-only ($R/.git/preg.lock: Read-only file system)" ]
	[ "$(git -C "$R" rev-parse HEAD)" = "$head" ]
	[ "$(fingerprint "$R")" = "$before" ]
	run --separate-stderr "$PREG" -C "$R" client show acme
	[ "$status" -eq 0 ]
}

@test "a register owned by another user: exit 1 with the safe.directory advice, nothing changes" {
	need_root
	new_register
	preg -C "$R" client add Acme >/dev/null
	chown nobody "$D/home"
	local head before
	head=$(git -C "$R" rev-parse HEAD)
	before=$(fingerprint "$R")
	local want="preg: error: register '$R' is owned by another user; if you trust it: git config --global --add safe.directory $R"

	run --separate-stderr as_nobody "$D/preg" -C "$R" note acme hello
	echo "$stderr"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "$want" ]

	# Readers say the same: git's rule is about opening the repository.
	run --separate-stderr as_nobody "$D/preg" -C "$R" client show acme
	[ "$status" -eq 1 ]
	[ "$stderr" = "$want" ]

	# Found through the current directory rather than -C: the same advice.
	run --separate-stderr as_nobody sh -c 'cd "$1" && "$2" client list --format id' sh "$R" "$D/preg"
	[ "$status" -eq 1 ]

	[ "$(git -C "$R" rev-parse HEAD)" = "$head" ]
	[ "$(fingerprint "$R")" = "$before" ]
}

@test "a register owned by another user and trusted with safe.directory: reads work, writes are read-only" {
	need_root
	new_register
	preg -C "$R" client add Acme >/dev/null
	chown nobody "$D/home"
	as_nobody git config --global --add safe.directory "$R"
	local before
	before=$(fingerprint "$R")

	run --separate-stderr as_nobody "$D/preg" -C "$R" client show acme
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	run --separate-stderr as_nobody "$D/preg" -C "$R" note acme hello
	[ "$status" -eq 1 ]
	[ "$stderr" = "preg: error: register '$R' is read-only ($R/.git/preg.lock: Permission denied)" ]
	[ "$(fingerprint "$R")" = "$before" ]
}

@test "a register owned by another user at a path with a space: the advice quotes it, and works as pasted" {
	need_root
	R="$D/отдел продаж"
	new_register
	preg -C "$R" client add Acme >/dev/null
	chown nobody "$D/home"
	run --separate-stderr as_nobody "$D/preg" -C "$R" client show acme
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: register '$R' is owned by another user; if you trust it: git config --global --add safe.directory '$R'"
	# The command after the colon, pasted into nobody's shell.
	as_nobody sh -c "${stderr##*: }"
	run --separate-stderr as_nobody "$D/preg" -C "$R" client show acme
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
}

@test "a missing register and a directory that is not one: one clear error each" {
	run --separate-stderr "$PREG" -C "$D/nowhere" note acme hello
	[ "$status" -eq 1 ]
	[ "$stderr" = "preg: error: no register at '$D/nowhere' (run 'preg init')" ]
	[ ! -e "$D/nowhere" ]

	mkdir "$D/plain"
	run --separate-stderr "$PREG" -C "$D/plain" note acme hello
	[ "$status" -eq 1 ]
	[ "$stderr" = "preg: error: no register at '$D/plain' (run 'preg init')" ]
	[ -z "$(ls -A "$D/plain")" ]

	git init -q "$D/repo"
	git -C "$D/repo" commit -q --allow-empty -m empty
	run --separate-stderr "$PREG" -C "$D/repo" note acme hello
	[ "$status" -eq 1 ]
	[ "$stderr" = "preg: error: '$D/repo' is a git repository but not a register (no preg.yaml; run 'preg init')" ]
	[ "$(git -C "$D/repo" rev-list --count HEAD)" -eq 1 ]
	[ -z "$(git -C "$D/repo" status --porcelain)" ]
}

# Mount a small tmpfs at $D/disk, or skip.
small_disk() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to mount a tmpfs"
	mkdir "$D/disk"
	local err
	if ! err=$(mount -t tmpfs -o size=300k tmpfs "$D/disk" 2>&1); then
		skip "cannot mount a tmpfs here: $err (the ulimit -f tests cover a full disk)"
	fi
	MOUNTED="$D/disk"
	R="$D/disk/reg"
}

# Fill the disk: a file grows until the disk is full.
fill_disk() {
	dd if=/dev/zero of="$D/disk/fill" bs=4k 2>/dev/null || true
	[ "$(df --output=avail -k "$D/disk" | tail -1 | tr -d ' ')" -eq 0 ]
}

@test "a full disk: a write fails naming the full disk, nothing changes; after room is made it works" {
	small_disk
	new_register
	preg -C "$R" client add Acme >/dev/null
	preg -C "$R" note acme first
	fill_disk
	local head
	head=$(git -C "$R" rev-parse HEAD)

	run --separate-stderr "$PREG" -C "$R" note acme "on a full disk"
	echo "$stderr"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "preg: error: no space left for the register (cannot write objects: failed to write out file: No space left on device)" ]
	[ "$(git -C "$R" rev-parse HEAD)" = "$head" ]
	assert_fsck
	[ ! -e "$R/.git/preg-pending" ]

	run --separate-stderr "$PREG" -C "$R" client add Other
	[ "$status" -eq 1 ]
	[[ "$stderr" == "preg: error: no space left for the register ("*"No space left on device)" ]]
	[ "$(git -C "$R" rev-parse HEAD)" = "$head" ]

	rm "$D/disk/fill"
	assert_clean
	run --separate-stderr "$PREG" -C "$R" note acme "after room was made"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(git -C "$R" rev-list --count "$head..HEAD")" -eq 1 ]
	git -C "$R" show HEAD:"$(record_path acme)" | grep -qF 'text: after room was made}'
	! git -C "$R" show HEAD:"$(record_path acme)" | grep -qF 'on a full disk'
	assert_clean
	assert_fsck
}

@test "a disk that fills at every step of a write: each attempt is all or nothing, the next write heals" {
	small_disk
	new_register
	preg -C "$R" client add Acme >/dev/null
	fill_disk
	# Make room 4 KiB at a time and try a write each time, until three
	# writes have gone through. A failed attempt may leave the objects it
	# could write (dangling, as git leaves them); retrying the same note
	# writes the same objects again, so each retry gets 4 KiB further.
	local i k=1 rc head before ok=0 problems=0
	for i in $(seq 1 80); do
		truncate -s -4096 "$D/disk/fill" 2>/dev/null || break
		before=$(git -C "$R" rev-parse HEAD)
		rc=0
		"$PREG" -C "$R" note acme "step $k" >/dev/null 2>"$D/err" || rc=$?
		head=$(git -C "$R" rev-parse HEAD)
		if [ "$rc" -eq 0 ]; then
			ok=$((ok + 1))
			k=$((k + 1))
			if [ "$(git -C "$R" rev-list --count "$before..$head")" -ne 1 ]; then
				echo "attempt $i: exit 0 but not one commit"
				problems=$((problems + 1))
			fi
			# A commit whose work tree could not follow says so.
			if [ -s "$D/err" ] && ! grep -q '^preg: warning: committed [0-9a-f]*, but the work tree was not updated: no space left for the register' "$D/err"; then
				echo "attempt $i: exit 0 with stderr: $(cat "$D/err")"
				problems=$((problems + 1))
			fi
			if [ -s "$D/err" ]; then echo "attempt $i: $(cat "$D/err")"; fi
		else
			cat "$D/err" >>"$D/errors"
			if [ "$rc" -ne 1 ] || [ "$head" != "$before" ] ||
				! grep -q '^preg: error: no space left for the register (' "$D/err"; then
				echo "attempt $i: exit $rc, HEAD moved: $([ "$head" != "$before" ] && echo yes || echo no), stderr: $(cat "$D/err")"
				problems=$((problems + 1))
			fi
		fi
		if ! git -C "$R" fsck --no-progress --no-dangling >/dev/null 2>&1; then
			echo "attempt $i: git fsck fails"
			problems=$((problems + 1))
		fi
		if [ "$ok" -ge 3 ]; then break; fi
	done
	echo "writes that went through: $ok of $i; the errors of the others:"
	sort "$D/errors" | uniq -c
	[ "$ok" -ge 1 ]

	# Room again: the next write heals whatever a failed step left.
	rm "$D/disk/fill"
	run --separate-stderr "$PREG" -C "$R" note acme "with room"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	# Every note that went through, once.
	local n
	for n in $(seq 1 "$ok"); do
		if [ "$(git -C "$R" show HEAD:$(record_path acme) | grep -cF "text: step $n}")" -ne 1 ]; then
			echo "note 'step $n' not there exactly once"
			problems=$((problems + 1))
		fi
	done
	[ "$(git -C "$R" show HEAD:$(record_path acme) | grep -c "text: step ")" -eq "$ok" ]
	git -C "$R" status --porcelain --ignored
	[ -z "$(git -C "$R" status --porcelain --ignored)" ]
	[ ! -e "$R/.git/preg-pending" ]
	assert_fsck
	[ "$problems" -eq 0 ]
}

# Run "$@" with files limited to $LIMIT KiB (SIGXFSZ ignored, so a write
# past the limit fails with EFBIG): a full disk without mounting anything.
# Its stdout and stderr pass through pipes: bats collects them in files,
# which the limit would stop.
limited() {
	bash -c 'set -o pipefail; trap "" XFSZ; lim=$1; shift
		{ (ulimit -f "$lim" && exec "$@") 2>&1 1>&3 3>&- | cat >&2; } 3>&1 | cat' limited "$LIMIT" "$@"
}

@test "no room for a single byte (ulimit -f 0): a write fails naming the lack of space, nothing changes" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	local head before
	head=$(git -C "$R" rev-parse HEAD)
	before=$(fingerprint "$R/clients")

	LIMIT=0 run --separate-stderr limited "$PREG" -C "$R" note acme hello
	echo "$stderr"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "preg: error: no space left for the register (cannot write objects: failed to write out file: File too large)" ]
	[ "$(git -C "$R" rev-parse HEAD)" = "$head" ]
	[ "$(fingerprint "$R/clients")" = "$before" ]
	assert_clean
	assert_fsck

	run --separate-stderr "$PREG" -C "$R" note acme hello
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	assert_clean
}

@test "room for the commit but not the work-tree file: committed, said so, healed by the next write" {
	new_register
	preg -C "$R" client add Acme >/dev/null
	local head text
	head=$(git -C "$R" rev-parse HEAD)
	# 1500 bytes of one letter: a tiny object, a record file over 1 KiB.
	text=$(printf 'a%.0s' $(seq 1500))

	LIMIT=1 run --separate-stderr limited "$PREG" -C "$R" note acme "$text"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$stderr" =~ ^"preg: warning: committed "[0-9a-f]{12}", but the work tree was not updated: no space left for the register (write $(record_path acme): File too large); the next preg command or 'preg doctor' finishes it"$ ]]
	[ "$(git -C "$R" rev-list --count "$head..HEAD")" -eq 1 ]
	git -C "$R" show HEAD:"$(record_path acme)" | grep -qF "text: $text}"
	assert_fsck

	run --separate-stderr "$PREG" -C "$R" note acme "with room"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	assert_clean
	[ -z "$(git -C "$R" status --porcelain --ignored)" ]
	grep -qF "text: $text}" "$R/$(record_path acme)"
	grep -qF "text: with room}" "$R/$(record_path acme)"
}
