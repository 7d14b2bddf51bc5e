#!/usr/bin/env bats
# A write sets its records' index entries in .git/index itself, rather than
# libgit2 reading and writing the whole index (issue 13: the time of a
# write). Real git is the witness: after every kind of write, in each index
# version, with git's cached trees and untracked cache in the file, git
# finds the index equal to the commit and every entry's stat data equal to
# its file's, without looking at any content again.

load helper

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	"$PREG" -C "$P" client add "ООО «Ромашка»" --id romashka >/dev/null
	"$PREG" -C "$P" client add "ИП Иванов И.И." --id ivanov-ii >/dev/null
	"$PREG" -C "$P" client add "Globex LLC" --id globex >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	# The copy's files have new inodes: the index learns them, so that
	# every entry's stat data is its file's before the test.
	git -C "$R" update-index -q --refresh
	same "$(git -C "$R" diff-files --name-only)" ""
}

# What git says of the index against HEAD and the work tree: nothing.
git_agrees() {
	# The index is the commit's tree: the cached trees of the changed
	# paths were dropped (write-tree trusts the valid ones).
	same "$(git -C "$R" write-tree)" "$(git -C "$R" rev-parse 'HEAD^{tree}')"
	same "$(git -C "$R" diff-index --cached --name-only HEAD)" ""
	# Every entry's stat data is its file's: diff-files, which does not
	# refresh the index, would list an entry whose stat data differs.
	same "$(git -C "$R" diff-files --name-only)" ""
	assert_clean
	assert_fsck
}

# writes: one of each kind of write to records already there.
writes() {
	preg -C "$R" note romashka "звонок директору" >/dev/null
	git_agrees
	preg -C "$R" phase next ivanov-ii >/dev/null
	git_agrees
	preg -C "$R" client set globex "next_action=send the offer" >/dev/null
	git_agrees
	# Two records in one commit.
	preg -C "$R" client reassign --from ivanov --to petrov romashka globex >/dev/null
	git_agrees
	same "$(commits)" 8
}

@test "writes to records already there: git agrees, index version 2" {
	git -C "$R" update-index --index-version 2
	git -C "$R" read-tree HEAD # the cached trees, valid
	git -C "$R" update-index -q --refresh
	grep -q TREE "$R/.git/index"
	writes
	same "$(od -An -tx1 -j4 -N4 "$R/.git/index" | tr -d ' ')" "00000002"
}

@test "writes to records already there: git agrees, index version 3 (an entry with extended flags)" {
	echo "later" >"$R/later.txt"
	git -C "$R" add -N later.txt
	git -C "$R" update-index --index-version 3
	same "$(od -An -tx1 -j4 -N4 "$R/.git/index" | tr -d ' ')" "00000003"
	preg -C "$R" note romashka "звонок" >/dev/null
	preg -C "$R" client reassign --from ivanov --to petrov romashka globex >/dev/null
	same "$(git -C "$R" diff-index --cached --name-only HEAD)" "later.txt"
	same "$(git -C "$R" diff-files --name-only)" "later.txt"
	same "$(od -An -tx1 -j4 -N4 "$R/.git/index" | tr -d ' ')" "00000003"
	# The entry added with intent to add is still that.
	same "$(git -C "$R" status --porcelain)" " A later.txt"
	assert_fsck
}

@test "writes to records already there: git agrees, index version 4, with the untracked cache" {
	git -C "$R" read-tree HEAD
	git -C "$R" update-index -q --refresh
	git -C "$R" update-index --index-version 4
	git -C "$R" update-index --untracked-cache
	git -C "$R" status --porcelain >/dev/null # fills the untracked cache
	grep -q TREE "$R/.git/index"
	grep -q UNTR "$R/.git/index"
	writes
	same "$(od -An -tx1 -j4 -N4 "$R/.git/index" | tr -d ' ')" "00000004"
}

@test "a new client, a removal and a rename of a record still leave git agreeing" {
	git -C "$R" read-tree HEAD
	git -C "$R" update-index -q --refresh
	preg -C "$R" client add "АО «Василёк»" --id vasilek >/dev/null
	git_agrees
	preg -C "$R" client rm vasilek >/dev/null
	git_agrees
	preg -C "$R" note romashka "после удаления" >/dev/null
	git_agrees
}

@test "a record the user changed in the instant of the index: git still sees it after a write to another" {
	local f
	f=$(record_path romashka)
	cd "$BATS_TEST_TMPDIR"
	git -C "$R" config core.trustctime false
	# The user's change keeps the file's inode, size and mtime to the
	# nanosecond, so that only its content says it changed; the index
	# says it was written in that same instant (racily clean), so git
	# looks at the content, and sees the change.
	touch -r "$R/$f" stamp
	sed 's/Ромашка/Рюмашка/' "$R/$f" >changed
	cat changed >"$R/$f" # the same inode
	touch -r stamp "$R/$f"
	touch -r stamp "$R/.git/index"
	# (diff-files does not write the index, as status would.)
	same "$(git -C "$R" diff-files --name-only)" "$f"
	# A write to another record writes the index anew, later than the
	# file: unless it marks the entry (size 0, as git and libgit2 do),
	# git would trust its stat data and see no change.
	preg -C "$R" note globex "звонок" >/dev/null
	same "$(git -C "$R" diff-files --name-only)" "$f"
	same "$(git -C "$R" status --porcelain)" " M $f"
	# And the write to the changed record itself refuses, as ever.
	run --separate-stderr preg -C "$R" note romashka "звонок"
	same "$status" 1
	[[ "$stderr" == *"$f"* ]]
}

@test "an index whose checksum does not match: the write refuses before its commit, doctor rebuilds it" {
	local head0
	head0=$(git -C "$R" rev-parse HEAD)
	# One bit of the first entry's ctime: the index keeps its shape.
	printf '\x55' | dd of="$R/.git/index" bs=1 seek=20 conv=notrunc 2>/dev/null
	run --separate-stderr preg -C "$R" note romashka "звонок"
	same "$status" 1
	same "$stderr" "preg: error: cannot read the index (.git/index: invalid data in index - calculated checksum does not match expected); 'preg doctor' rebuilds it from the last commit"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	preg -C "$R" doctor >/dev/null
	preg -C "$R" note romashka "звонок" >/dev/null
	git_agrees
}

@test "a killed write leaves index.lock behind with its marker: the next write takes it away" {
	# What a kill between the lock's creation and its rename leaves.
	: >"$R/.git/preg-locking"
	head -c 100 "$R/.git/index" >"$R/.git/index.lock"
	preg -C "$R" note romashka "после сбоя" >/dev/null
	[ ! -e "$R/.git/index.lock" ]
	git_agrees
}

@test "git holds index.lock: the write commits and says so, the next one brings the index up" {
	local f
	f=$(record_path romashka)
	# A lock without preg's marker is git's (or an editor's): left alone.
	: >"$R/.git/index.lock"
	run --separate-stderr preg -C "$R" note romashka "звонок"
	same "$status" 0
	[[ "$stderr" == "preg: warning: committed "*", but the work tree was not updated: cannot write the index: .git/index.lock exists (git or an editor is using the index); the next preg command or 'preg doctor' finishes it" ]]
	[ -e "$R/.git/index.lock" ]
	same "$(commits)" 5
	rm "$R/.git/index.lock"
	preg -C "$R" note globex "звонок" >/dev/null
	grep -q 'text: звонок' "$R/$f"
	git_agrees
}
