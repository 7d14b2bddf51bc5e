# helper.bash: what every CLI test loads ("load helper").
#
# Each test runs the built binary ($PREG) against real git repositories in
# $BATS_TEST_TMPDIR, with HOME there, the PREG_* variables unset, and the git
# identity, the acting user and the clock (PREG_NOW) pinned.

bats_require_minimum_version 1.5.0

PREG=${PREG:-$BATS_TEST_DIRNAME/../../preg}

setup() {
	common_setup
}

common_setup() {
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
	unset PREG_DIR XDG_DATA_HOME PREG_LOCK_TIMEOUT VISUAL EDITOR GIT_DIR GIT_WORK_TREE
	unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
	export PREG_USER=ivanov
	export PREG_NOW=2026-11-02T10:15:00+05:00
	export PREG_NO_GC=1
	export NO_COLOR=1 TZ=UTC LC_ALL=C.UTF-8
	git config --global user.name "Test User"
	git config --global user.email test@example.com
	git config --global init.defaultBranch main
	R="$BATS_TEST_TMPDIR/reg"
}

# same ACTUAL EXPECTED: equal, or show both.
same() {
	[ "$1" = "$2" ] && return 0
	printf -- '--- expected:\n%s\n--- actual:\n%s\n' "$2" "$1"
	return 1
}

# Run the binary under test.
preg() {
	"$PREG" "$@"
}

# A fresh register at $R (freight template), and cd into nowhere special.
new_register() {
	"$PREG" init "$R" "$@" >/dev/null
}

# Commits on the register's branch.
commits() {
	git -C "${1:-$R}" rev-list --count HEAD
}

# The work tree and index match HEAD.
assert_clean() {
	local s
	s=$(git -C "${1:-$R}" status --porcelain)
	if [ -n "$s" ]; then
		echo "work tree not clean:"
		echo "$s"
		return 1
	fi
}

# The repository passes git fsck.
assert_fsck() {
	git -C "${1:-$R}" fsck --no-progress --no-dangling 2>&1 || return 1
}

# The last commit's message (whole).
last_message() {
	git -C "${1:-$R}" log -1 --format=%B
}
