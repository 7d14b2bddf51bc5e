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
	# What "git config --global" would write for the identity and the
	# first branch, written at once: three git processes for every test
	# of the suite added up to a minute of CPU.
	printf '[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n' \
		>>"$HOME/.gitconfig"
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
# Without LeakSanitizer's check (see no_leak_check): the set-up of most
# tests, where init runs hundreds of times; 0100-init runs it with the
# check.
new_register() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$PREG" init "$R" "$@" >/dev/null
}

# A register of layout version 1 at $R, as a preg before version 2 made
# it: init's commit amended with preg.yaml's version set back. For the
# tests that are about version 1 (the upgrade, syncs across versions).
new_register_v1() {
	new_register "$@"
	sed -i 's/^version: 2$/version: 1/' "$R/preg.yaml"
	GIT_COMMITTER_DATE=$(git -C "$R" log -1 --format=%ad --date=raw) \
		git -C "$R" commit -q -a --amend --no-edit
}

# record_path ID [DIR]: the path of client ID's record in the register at
# DIR ($R by default), relative to it. The file the glob clients/*/ID.yaml
# finds in the work tree, which works in every layout (preg-register(5));
# else where the layout puts it: under the first two hex digits of the
# id's XXH64 (version 2, computed by xxhsum as a person would), or under
# its first two characters (version 1).
record_path() {
	local id=$1 dir=${2:-$R} f
	for f in "$dir"/clients/*/"$id".yaml; do
		if [ -e "$f" ]; then
			printf '%s' "${f#"$dir"/}"
			return
		fi
	done
	if grep -qx 'version: 1' "$dir/preg.yaml" 2>/dev/null; then
		printf 'clients/%s/%s.yaml' "$(printf '%-2.2s' "$id" | tr ' ' _)" "$id"
	else
		printf 'clients/%s/%s.yaml' "$(printf %s "$id" | xxhsum -H1 | cut -c1-2)" "$id"
	fi
}

# record_dir ID [DIR]: the shard directory of ID's record (see record_path).
record_dir() {
	dirname "$(record_path "$@")"
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

# For a bats setup_file: the environment common_setup gives a test, with
# $BATS_FILE_TMPDIR in place of the test's directory (HOME, R), for what
# the tests of a file share and only read.
file_setup() {
	local BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR
	common_setup
}

# No LeakSanitizer check at the exit of the preg processes started from
# here on (AddressSanitizer build; nothing on the plain one). It costs
# about 30 ms a process, a third of what the process costs: for the files
# that run the same commands hundreds of times, each of which also runs
# with the check in the file that tests it (see tests/run).
no_leak_check() {
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
}
