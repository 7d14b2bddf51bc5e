#!/usr/bin/env bats
# A damaged .git/index (issue 16 item 5): truncated, empty or garbage. A
# write refuses before its commit, saying what doctor does; preg doctor
# rebuilds the index from the last commit and the work tree, then finds
# nothing more, and the real git agrees that all is clean.

load helper

F="$(record_path romashka)"

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	"$PREG" -C "$P" client add "ООО «Ромашка»" --id romashka >/dev/null
	"$PREG" -C "$P" client add "ООО «Василёк и партнёры, поставки по Уралу»" --id vasilek >/dev/null
	"$PREG" -C "$P" note romashka "first call" >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
}

# damage KIND: truncated, empty or garbage.
damage() {
	case $1 in
	truncated) truncate -s 100 "$R/.git/index" ;;
	empty) : >"$R/.git/index" ;;
	garbage) head -c 4096 /dev/urandom >"$R/.git/index" ;;
	esac
}

# What libgit2 makes of each kind, as the messages quote it.
why() {
	case $1 in
	truncated) echo "it is cut short" ;;
	empty) echo "it is empty" ;;
	garbage) echo "it is not an index (no DIRC signature)" ;;
	esac
}

write_refused_doctor_heals() {
	damage "$1"
	run --separate-stderr preg -C "$R" note romashka "second call"
	same "$status" 1
	same "$stderr" "preg: error: cannot read the index (.git/index: $(why "$1")); 'preg doctor' rebuilds it from the last commit"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	# The real git cannot read it either.
	run git -C "$R" status --porcelain
	[ "$status" -ne 0 ]

	run --separate-stderr preg -C "$R" doctor
	same "$status" 0
	same "$output" "fixed: the index could not be read (.git/index: $(why "$1")); rebuilt from the last commit and the work tree"
	same "$stderr" ""
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
	assert_fsck
	# Every tracked file is in the new index, with its stat data: git
	# finds nothing to refresh.
	same "$(git -C "$R" ls-files)" "$(git -C "$R" ls-tree -r --name-only HEAD)"
	same "$(git -C "$R" diff-files --name-only)" ""
	run preg -C "$R" doctor
	same "$status" 0
	same "$output" "ok: nothing to repair"

	# And writes work again.
	preg -C "$R" note romashka "second call" >/dev/null
	assert_clean
	same "$(git -C "$R" rev-list --count "$head0..HEAD")" 1
}

@test "a truncated index: the write refuses, doctor rebuilds it, git agrees" {
	write_refused_doctor_heals truncated
}

@test "an empty index (0 bytes): the write refuses, doctor rebuilds it, git agrees" {
	write_refused_doctor_heals empty
}

@test "a garbage index: the write refuses, doctor rebuilds it, git agrees" {
	write_refused_doctor_heals garbage
}

@test "a damaged index and a crash after the commit point: doctor rebuilds, then brings the record up" {
	# The record's file one commit behind, named by the journal, as a write
	# killed after moving the branch leaves it.
	git -C "$R" show "HEAD~1:$F" >"$R/$F"
	echo "$F" >"$R/.git/preg-pending"
	damage empty
	run --separate-stderr preg -C "$R" doctor
	same "$status" 0
	same "$output" "fixed: the index could not be read (.git/index: it is empty); rebuilt from the last commit and the work tree
fixed: $F brought up to the last commit"
	git -C "$R" show "HEAD:$F" | cmp - "$R/$F"
	[ ! -e "$R/.git/preg-pending" ]
	assert_clean
}

@test "a damaged index and an edit of the user's: rebuilt, the edit kept and reported" {
	echo "remarks: asked for a discount" >>"$R/$(record_path vasilek)"
	damage truncated
	run --separate-stderr preg -C "$R" doctor
	same "$status" 1
	same "$output" "fixed: the index could not be read (.git/index: it is cut short); rebuilt from the last commit and the work tree
left alone: $(record_path vasilek) differs from the last commit (uncommitted edit?)"
	tail -1 "$R/$(record_path vasilek)" | grep -qx "remarks: asked for a discount"
	same "$(git -C "$R" status --porcelain)" " M $(record_path vasilek)"
}

@test "an index git reads and libgit2 does not (a split index): the write refuses before its commit" {
	git -C "$R" update-index --split-index
	git -C "$R" status --porcelain >/dev/null
	run --separate-stderr preg -C "$R" note romashka "second call"
	same "$status" 1
	same "$stderr" "preg: error: cannot read the index (.git/index: unsupported mandatory extension: 'link'); 'preg doctor' rebuilds it from the last commit"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	git -C "$R" update-index --no-split-index
	preg -C "$R" note romashka "second call" >/dev/null
	assert_clean
}
