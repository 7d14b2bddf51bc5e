#!/usr/bin/env bats
# preg doctor: what a crash after the commit point leaves (SPEC 7) is
# repaired; the user's own edits are reported and left alone; stale ref
# locks are removed, fresh ones and index.lock are not.
#
# A crash after the commit point leaves the work-tree file (and its index
# entry) behind HEAD. It is simulated here with plain git: the previous
# version of the file is put back into the work tree and the index.

load helper

F="$(record_path acme)"

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	"$PREG" -C "$P" client add "Acme Ltd" --id acme >/dev/null
	"$PREG" -C "$P" note acme "first call" >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
}

# The work-tree file is the committed one, and nothing was committed.
healed() {
	git -C "$R" show "HEAD:$F" | cmp - "$R/$F"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
	assert_fsck
}

# doctor_says STATUS STDOUT: doctor exits with STATUS and prints STDOUT,
# nothing on stderr.
doctor_says() {
	run --separate-stderr preg -C "$R" doctor
	same "$status" "$1"
	same "$output" "$2"
	same "$stderr" ""
}

@test "a healthy register: nothing to repair" {
	doctor_says 0 "ok: nothing to repair"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

@test "work tree and index behind HEAD (a crash after the commit point): repaired" {
	git -C "$R" show "HEAD~1:$F" >"$R/$F"
	git -C "$R" update-index "$F"
	same "$(git -C "$R" status --porcelain)" "M  $F"
	doctor_says 0 "fixed: $F brought up to the last commit"
	healed
	# A second run finds nothing.
	doctor_says 0 "ok: nothing to repair"
}

@test "only the index entry behind HEAD: refreshed" {
	git -C "$R" update-index --cacheinfo "100644,$(git -C "$R" rev-parse "HEAD~1:$F"),$F"
	same "$(git -C "$R" status --porcelain)" "MM $F"
	doctor_says 0 "fixed: index entry of $F refreshed"
	healed
}

@test "a new record committed but never written to the work tree: written" {
	git -C "$R" rm -q --cached "$F"
	rm "$R/$F"
	doctor_says 0 "fixed: $F brought up to the last commit"
	healed
}

@test "a removed record left in the work tree and the index: removed" {
	preg -C "$R" client rm acme
	head0=$(git -C "$R" rev-parse HEAD)
	mkdir -p "$R/$(dirname "$F")"
	git -C "$R" show "HEAD~1:$F" >"$R/$F"
	git -C "$R" update-index --add "$F"
	doctor_says 0 "fixed: $F brought up to the last commit"
	[ ! -e "$R/$F" ]
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

@test "the user's edit (differs from index and HEAD) is reported and kept; exit 1" {
	printf 'remarks: my own words\n' >>"$R/$F"
	cp "$R/$F" "$BATS_TEST_TMPDIR/mine"
	doctor_says 1 "left alone: $F differs from the last commit (uncommitted edit?)"
	cmp "$R/$F" "$BATS_TEST_TMPDIR/mine"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	same "$(git -C "$R" status --porcelain)" " M $F"
}

@test "the user's new record file is reported and kept; other files are not touched" {
	mkdir -p "$R/$(record_dir new)"
	printf 'id: new\n' >"$R/$(record_path new)"
	echo "scratch" >"$R/notes.txt"
	doctor_says 1 "left alone: $(record_path new) differs from the last commit (uncommitted edit?)"
	same "$(cat "$R/"$(record_path new)"")" "id: new"
	same "$(cat "$R/notes.txt")" "scratch"
}

@test "a repair and a user edit together: both reported, exit 1" {
	preg -C "$R" client add Beta --id beta >/dev/null
	head0=$(git -C "$R" rev-parse HEAD)
	git -C "$R" show "HEAD~2:$F" >"$R/$F"
	git -C "$R" update-index "$F"
	printf 'remarks: mine\n' >>"$R/$(record_path beta)"
	run --separate-stderr preg -C "$R" doctor
	[ "$status" -eq 1 ]
	same "$stderr" ""
	same "$(printf '%s\n' "${lines[@]}" | sort)" "fixed: $F brought up to the last commit
left alone: $(record_path beta) differs from the last commit (uncommitted edit?)"
	git -C "$R" show "HEAD:$F" | cmp - "$R/$F"
	same "$(git -C "$R" status --porcelain)" " M $(record_path beta)"
}

@test "a stale refs/heads/main.lock (older than a minute) is removed with a warning" {
	touch -d '2 minutes ago' "$R/.git/refs/heads/main.lock"
	doctor_says 0 "removed stale lock 'refs/heads/main.lock' (left by a crashed process)"
	[ ! -e "$R/.git/refs/heads/main.lock" ]
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}

@test "a fresh refs/heads/main.lock is not removed" {
	touch "$R/.git/refs/heads/main.lock"
	run --separate-stderr preg -C "$R" doctor
	[ -e "$R/.git/refs/heads/main.lock" ]
	[[ "$output$stderr" != *"removed stale lock"* ]]
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}

@test "a write removes a stale ref lock too, with a warning on stderr" {
	touch -d '2 minutes ago' "$R/.git/refs/heads/main.lock"
	run --separate-stderr preg -C "$R" note acme "hello"
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$stderr" "preg: warning: removed stale lock 'refs/heads/main.lock' (left by a crashed process)"
	[ ! -e "$R/.git/refs/heads/main.lock" ]
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
	assert_clean
}

@test "a write with a fresh ref lock fails clearly, and the lock stays" {
	touch "$R/.git/refs/heads/main.lock"
	run --separate-stderr preg -C "$R" note acme "hello"
	[ "$status" -eq 1 ]
	same "$output" ""
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "preg: error: "*"refs/heads/main.lock"* ]]
	# The reason is given, not left empty ("...: " at the end of the line;
	# bats trims trailing blanks from $stderr, so look at the raw bytes).
	preg -C "$R" note acme "hello" 2>"$BATS_TEST_TMPDIR/err" || true
	run tail -c 3 "$BATS_TEST_TMPDIR/err"
	[[ "$output" != ": " ]]
	[ -e "$R/.git/refs/heads/main.lock" ]
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	rm "$R/.git/refs/heads/main.lock"
	assert_clean
	# Once git is done, writes work again.
	run --separate-stderr preg -C "$R" note acme "hello"
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
}

@test "an old index.lock is never removed, only reported" {
	touch -d '2 minutes ago' "$R/.git/index.lock"
	doctor_says 1 "left alone: .git/index.lock exists (git or an editor may be running; remove it if none is)"
	[ -e "$R/.git/index.lock" ]
}

@test "doctor takes no arguments" {
	run --separate-stderr preg -C "$R" doctor now
	[ "$status" -eq 2 ]
	same "$output" ""
	same "$stderr" "preg: too many arguments
usage: preg doctor"
}

@test "doctor without a register" {
	run --separate-stderr preg -C "$BATS_TEST_TMPDIR/none" doctor
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: no register at '$BATS_TEST_TMPDIR/none' (run 'preg init')"
}
