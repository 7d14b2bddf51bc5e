# sync.bash: what the sharing tests (12xx) load after helper.bash.
#
# git runs the merge driver as "preg": a bin directory on PATH holds the
# binary under test under that name. REMOTE is where the bare remote goes,
# A and B the two clones.

sync_setup() {
	common_setup
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -s "$(cd "$(dirname "$PREG")" && pwd)/$(basename "$PREG")" "$BATS_TEST_TMPDIR/bin/preg"
	ORIG_PATH=$PATH
	export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
	REMOTE=$BATS_TEST_TMPDIR/remote.git
	A=$BATS_TEST_TMPDIR/a
	B=$BATS_TEST_TMPDIR/b
}

# A bare remote; A made with init --remote, B with clone; one client.
shared() {
	git init -q --bare "$REMOTE"
	preg init --remote "$REMOTE" "$A" >/dev/null
	preg -C "$A" client add Romashka >/dev/null
	preg -C "$A" sync >/dev/null
	preg clone "$REMOTE" "$B" >/dev/null
}

# A git on PATH that first runs the shell command $1 whenever preg pushes
# ("git [-c K=V] -C DIR push ..."), then the real git. $1 runs with the PATH of
# before sync_setup: its own pushes do not come back here.
git_before_push() {
	local real
	real=$(command -v git)
	cat >"$BATS_TEST_TMPDIR/bin/git" <<-EOF2
	#!/bin/sh
	case " \$* " in
	*" push "*)
		PATH=$ORIG_PATH
		$1 ;;
	esac
	exec "$real" "\$@"
	EOF2
	chmod +x "$BATS_TEST_TMPDIR/bin/git"
}

# at TIME USER DIR ARGS...: one preg command on a clone, at 2026-11-TIME
# (+05:00) by acting user USER, its output dropped.
at() {
	local t=$1 u=$2 d=$3
	shift 3
	PREG_NOW=2026-11-$t:00+05:00 PREG_USER=$u "$PREG" -C "$d" "$@" >/dev/null
}

# verified DIR...: verify and check pass on each clone, its work tree clean.
verified() {
	local d
	for d in "$@"; do
		run --separate-stderr preg -C "$d" verify
		[ "$status" -eq 0 ] || { echo "verify on $d: $output $stderr"; return 1; }
		run --separate-stderr preg -C "$d" check
		[ "$status" -eq 0 ] || { echo "check on $d: $output $stderr"; return 1; }
		assert_clean "$d"
	done
}
