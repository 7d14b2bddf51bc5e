#!/usr/bin/env bats
# Finding the register (SPEC 2): -C DIR, then PREG_DIR, then the git work
# tree around the current directory when preg.yaml is at its top, then
# ${XDG_DATA_HOME:-$HOME/.local/share}/preg. Each candidate register below
# holds one client named after it, so "client list --format id" tells which
# register a command used.

load helper

# make_register DIR ID: a register at DIR holding one client ID.
make_register() {
	"$PREG" init "$1" >/dev/null
	"$PREG" -C "$1" client add "$2" --id "$2" >/dev/null
}

# The registers are made once (a write fsyncs) and copied for each test.
setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	for id in default worktree env opt xdg; do
		make_register "$BATS_FILE_TMPDIR/$id" "$id"
	done
}

setup() {
	common_setup
	DEF="$HOME/.local/share/preg"
	WT="$BATS_TEST_TMPDIR/worktree"
	ENV="$BATS_TEST_TMPDIR/env"
	OPT="$BATS_TEST_TMPDIR/opt"
	NOWHERE="$BATS_TEST_TMPDIR/nowhere"
	mkdir -p "$NOWHERE"
}

# copy_register ID DIR: the register holding client ID, copied to DIR.
copy_register() {
	mkdir -p "$(dirname "$2")"
	cp -a "$BATS_FILE_TMPDIR/$1" "$2"
}

all_registers() {
	copy_register default "$DEF"
	copy_register worktree "$WT"
	copy_register env "$ENV"
	copy_register opt "$OPT"
	mkdir -p "$WT/deep/er"
}

@test "with nothing else, the default register \$HOME/.local/share/preg is used" {
	all_registers
	cd "$NOWHERE"
	run --separate-stderr preg client list --format id
	[ "$status" -eq 0 ]
	same "$output" "default"
	same "$stderr" ""
}

@test "XDG_DATA_HOME moves the default register" {
	all_registers
	export XDG_DATA_HOME="$BATS_TEST_TMPDIR/xdg"
	copy_register xdg "$XDG_DATA_HOME/preg"
	cd "$NOWHERE"
	run --separate-stderr preg client list --format id
	[ "$status" -eq 0 ]
	same "$output" "xdg"
}

@test "the work tree around the current directory beats the default" {
	all_registers
	cd "$WT"
	run --separate-stderr preg client list --format id
	[ "$status" -eq 0 ]
	same "$output" "worktree"
}

@test "the enclosing work tree is found from a subdirectory" {
	all_registers
	cd "$WT/deep/er"
	run --separate-stderr preg client list --format id
	[ "$status" -eq 0 ]
	same "$output" "worktree"
	cd "$WT/$(record_dir worktree "$WT")"
	run --separate-stderr preg client list --format id
	[ "$status" -eq 0 ]
	same "$output" "worktree"
}

@test "a git work tree without preg.yaml at its top is not a register: the default is used" {
	all_registers
	git init -q "$BATS_TEST_TMPDIR/plain"
	mkdir "$BATS_TEST_TMPDIR/plain/sub"
	cd "$BATS_TEST_TMPDIR/plain/sub"
	run --separate-stderr preg client list --format id
	[ "$status" -eq 0 ]
	same "$output" "default"
}

@test "preg.yaml in a subdirectory of a work tree does not make it a register" {
	all_registers
	git init -q "$BATS_TEST_TMPDIR/plain"
	mkdir "$BATS_TEST_TMPDIR/plain/sub"
	cp "$WT/preg.yaml" "$BATS_TEST_TMPDIR/plain/sub/"
	cd "$BATS_TEST_TMPDIR/plain/sub"
	run --separate-stderr preg client list --format id
	[ "$status" -eq 0 ]
	same "$output" "default"
}

@test "PREG_DIR beats the enclosing work tree" {
	all_registers
	export PREG_DIR="$ENV"
	cd "$WT/deep"
	run --separate-stderr preg client list --format id
	[ "$status" -eq 0 ]
	same "$output" "env"
}

@test "an empty PREG_DIR counts as unset" {
	all_registers
	export PREG_DIR=
	cd "$WT"
	run --separate-stderr preg client list --format id
	[ "$status" -eq 0 ]
	same "$output" "worktree"
}

@test "-C DIR beats PREG_DIR and the enclosing work tree" {
	all_registers
	export PREG_DIR="$ENV"
	cd "$WT/deep"
	run --separate-stderr preg -C "$OPT" client list --format id
	[ "$status" -eq 0 ]
	same "$output" "opt"
}

@test "-C DIR may be relative to the current directory" {
	all_registers
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr preg -C opt client list --format id
	[ "$status" -eq 0 ]
	same "$output" "opt"
	run --separate-stderr preg -Copt client list --format id
	[ "$status" -eq 0 ]
	same "$output" "opt"
}

@test "a write from a subdirectory goes to the enclosing register, at its top" {
	all_registers
	cd "$WT/$(record_dir worktree "$WT")"
	before=$(commits "$WT")
	def_before=$(commits "$DEF")
	run --separate-stderr preg client add Acme
	[ "$status" -eq 0 ]
	same "$output" "acme"
	[ "$(commits "$WT")" -eq $((before + 1)) ]
	[ "$(commits "$DEF")" -eq "$def_before" ]
	[ -f "$WT/$(record_path acme)" ]
	[ ! -e "$WT/$(record_dir worktree "$WT")/clients" ]
	assert_clean "$WT"
}

@test "no register: the default location is named, with the fix, exit 1" {
	cd "$NOWHERE"
	run --separate-stderr preg client list
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: no register at '$HOME/.local/share/preg' (run 'preg init')"
	[ ! -e "$HOME/.local/share/preg" ]
}

@test "no register under XDG_DATA_HOME: that location is named" {
	export XDG_DATA_HOME="$BATS_TEST_TMPDIR/xdg"
	cd "$NOWHERE"
	run --separate-stderr preg client show acme
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: no register at '$XDG_DATA_HOME/preg' (run 'preg init')"
}

@test "no register at PREG_DIR: it is named, and the default is not tried" {
	copy_register default "$DEF"
	export PREG_DIR="$BATS_TEST_TMPDIR/missing"
	cd "$NOWHERE"
	run --separate-stderr preg client list --format id
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: no register at '$PREG_DIR' (run 'preg init')"
}

@test "no register at -C DIR: it is named" {
	cd "$NOWHERE"
	run --separate-stderr preg -C "$BATS_TEST_TMPDIR/missing" client add Acme
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: no register at '$BATS_TEST_TMPDIR/missing' (run 'preg init')"
	[ ! -e "$BATS_TEST_TMPDIR/missing" ]
}

@test "-C on an empty directory: no register, nothing created" {
	mkdir "$BATS_TEST_TMPDIR/empty"
	run --separate-stderr preg -C "$BATS_TEST_TMPDIR/empty" client add Acme
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: no register at '$BATS_TEST_TMPDIR/empty' (run 'preg init')"
	same "$(ls -A "$BATS_TEST_TMPDIR/empty")" ""
}

@test "-C on a git repository without preg.yaml says it is not a register" {
	git init -q "$BATS_TEST_TMPDIR/plain"
	git -C "$BATS_TEST_TMPDIR/plain" commit -q --allow-empty -m first
	run --separate-stderr preg -C "$BATS_TEST_TMPDIR/plain" client add Acme
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: '$BATS_TEST_TMPDIR/plain' is a git repository but not a register (no preg.yaml; run 'preg init')"
	[ "$(commits "$BATS_TEST_TMPDIR/plain")" -eq 1 ]
}

@test "a register is read from its last commit, not from the work tree" {
	copy_register opt "$R"
	cd "$R"
	# An uncommitted preg.yaml with no phases must not break reads.
	printf 'version: 1\n' >preg.yaml
	run --separate-stderr preg client list --format id
	[ "$status" -eq 0 ]
	same "$output" "opt"
	run --separate-stderr preg phase list --format tsv
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 13 ]
}
