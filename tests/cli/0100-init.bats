#!/usr/bin/env bats
# preg init: where the register goes, the templates, the one commit it
# makes, and the refusals that leave everything as it was.

load helper

# same ACTUAL EXPECTED: string equality that shows both sides when they differ.
# The first 8 bytes of the index: the signature "DIRC" and the version.
index_header() {
	od -An -tx1 -N8 "$1/.git/index" | tr -s ' ' | sed 's/^ //; s/ $//'
}

# The phases as "id key stale_after reversible ending", one per line.
phase_table() {
	"$PREG" -C "$1" phase list --format tsv | cut -f1,2,5,6,7
}

@test "init with no DIR creates the register under \$HOME/.local/share/preg" {
	run --separate-stderr preg init
	[ "$status" -eq 0 ]
	same "$output" "created a register in $HOME/.local/share/preg (template freight)"
	same "$stderr" ""
	[ -f "$HOME/.local/share/preg/preg.yaml" ]
	[ -f "$HOME/.local/share/preg/.gitattributes" ]
	[ "$(commits "$HOME/.local/share/preg")" -eq 1 ]
	assert_clean "$HOME/.local/share/preg"
	assert_fsck "$HOME/.local/share/preg"
}

@test "init with no DIR honours an absolute XDG_DATA_HOME" {
	export XDG_DATA_HOME="$BATS_TEST_TMPDIR/xdg"
	run --separate-stderr preg init
	[ "$status" -eq 0 ]
	same "$output" "created a register in $XDG_DATA_HOME/preg (template freight)"
	[ -f "$XDG_DATA_HOME/preg/preg.yaml" ]
	[ ! -e "$HOME/.local/share/preg" ]
	[ "$(commits "$XDG_DATA_HOME/preg")" -eq 1 ]
}

@test "init ignores a relative XDG_DATA_HOME, as the XDG spec says" {
	mkdir "$BATS_TEST_TMPDIR/cwd"
	cd "$BATS_TEST_TMPDIR/cwd"
	export XDG_DATA_HOME=relative/data
	run --separate-stderr preg init
	[ "$status" -eq 0 ]
	same "$output" "created a register in $HOME/.local/share/preg (template freight)"
	[ ! -e "$BATS_TEST_TMPDIR/cwd/relative" ]
}

@test "init DIR creates the register in DIR" {
	run --separate-stderr preg init "$R"
	[ "$status" -eq 0 ]
	same "$output" "created a register in $R (template freight)"
	same "$stderr" ""
	[ -f "$R/preg.yaml" ]
	[ ! -e "$HOME/.local/share/preg" ]
	assert_clean
	assert_fsck
}

@test "init with a relative DIR names the absolute path it created" {
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr preg init reg
	[ "$status" -eq 0 ]
	same "$output" "created a register in $R (template freight)"
	[ -f "$R/preg.yaml" ]
}

@test "init into an existing empty directory" {
	mkdir "$R"
	run --separate-stderr preg init "$R"
	[ "$status" -eq 0 ]
	same "$output" "created a register in $R (template freight)"
	[ "$(commits)" -eq 1 ]
}

@test "init honours -C DIR" {
	run --separate-stderr preg -C "$R" init
	[ "$status" -eq 0 ]
	same "$output" "created a register in $R (template freight)"
	[ -f "$R/preg.yaml" ]
	[ ! -e "$HOME/.local/share/preg" ]
}

@test "init honours PREG_DIR" {
	export PREG_DIR="$R"
	run --separate-stderr preg init
	[ "$status" -eq 0 ]
	same "$output" "created a register in $R (template freight)"
	[ -f "$R/preg.yaml" ]
	[ ! -e "$HOME/.local/share/preg" ]
}

@test "init: -C DIR beats PREG_DIR" {
	export PREG_DIR="$BATS_TEST_TMPDIR/env"
	run --separate-stderr preg -C "$R" init
	[ "$status" -eq 0 ]
	[ -f "$R/preg.yaml" ]
	[ ! -e "$PREG_DIR" ]
}

@test "init from inside another register's work tree does not reuse it" {
	new_register
	mkdir "$R/clients"
	cd "$R/clients"
	run --separate-stderr preg init
	[ "$status" -eq 0 ]
	same "$output" "created a register in $HOME/.local/share/preg (template freight)"
	[ "$(commits)" -eq 1 ]
}

@test "init makes one commit: message, trailer, author, time, files, branch" {
	run --separate-stderr preg init "$R"
	[ "$status" -eq 0 ]
	[ "$(commits)" -eq 1 ]
	same "$(last_message)" "init: new register (template freight)

Preg-Action: init
Preg-User: ivanov"
	same "$(git -C "$R" log -1 --format='%an <%ae>|%cn <%ce>|%aI')" \
		"Test User <test@example.com>|Test User <test@example.com>|$PREG_NOW"
	same "$(git -C "$R" ls-tree -r --name-only HEAD)" ".gitattributes
preg.yaml"
	same "$(git -C "$R" symbolic-ref HEAD)" "refs/heads/main"
	same "$(git -C "$R" ls-files)" ".gitattributes
preg.yaml"
	assert_clean
	assert_fsck
}

@test "init writes .gitattributes that routes client records to the preg merge driver" {
	new_register
	grep -qx 'clients/\*\*/\*\.yaml merge=preg' "$R/.gitattributes"
	# Every other line is a comment or empty.
	[ "$(grep -cv -e '^#' -e '^$' "$R/.gitattributes")" -eq 1 ]
	same "$(git -C "$R" check-attr merge -- $(record_path romashka))" \
		"$(record_path romashka): merge: preg"
	same "$(git -C "$R" check-attr merge -- preg.yaml)" "preg.yaml: merge: unspecified"
}

@test "init writes the index in version 4" {
	new_register
	same "$(index_header "$R")" "44 49 52 43 00 00 00 04"
	# git reads it.
	same "$(git -C "$R" ls-files --stage | wc -l | tr -d ' ')" "2"
}

@test "init --template freight (the default) has the twelve phases of SPEC 3" {
	new_register
	same "$(phase_table "$R")" "id	key	stale_after	reversible	ending
1	research	14d	false	false
2	decision-maker	14d	false	false
3	presentation	30d	false	false
4	request	2d	true	false
5	processing	3d	true	false
6	quotation	14d	true	false
7	contract	30d	true	false
8	first-order	7d	false	false
9	first-carriage	30d	false	false
10	next-request	60d	true	false
11	ended	14d	false	true
12	analysis		false	true"
	# The names SPEC 1 and 3 give.
	run preg -C "$R" phase list --format tsv
	[ "$status" -eq 0 ]
	same "${lines[0]}" "id	key	name	color	stale_after	reversible	ending	requires"
	same "$(printf '%s\n' "${lines[@]}" | cut -f2,3 | sed -n '2p;5p;8p;10p;12p;13p')" \
		"research	search for general information about the client
request	receiving a request from the client
contract	contract conclusion
first-carriage	first carriage
ended	collaboration end
analysis	analysis of the causes of shutdown"
	same "$(printf '%s\n' "${lines[1]}" | cut -f4)" "#9e9e9e"
	grep -qx 'version: 2' "$R/preg.yaml"
}

@test "init --template freight written out gives the same register as the default" {
	run --separate-stderr preg init --template freight "$R"
	[ "$status" -eq 0 ]
	same "$output" "created a register in $R (template freight)"
	preg init "$BATS_TEST_TMPDIR/default" >/dev/null
	cmp "$R/preg.yaml" "$BATS_TEST_TMPDIR/default/preg.yaml"
}

@test "init --template sales: a short pipeline that ends in an ending phase" {
	run --separate-stderr preg init --template sales "$R"
	[ "$status" -eq 0 ]
	same "$output" "created a register in $R (template sales)"
	same "$(last_message)" "init: new register (template sales)

Preg-Action: init
Preg-User: ivanov"
	grep -qx 'version: 2' "$R/preg.yaml"
	run preg -C "$R" phase list --format tsv
	[ "$status" -eq 0 ]
	same "${lines[0]}" "id	key	name	color	stale_after	reversible	ending	requires"
	n=$((${#lines[@]} - 1))
	# Short: fewer phases than freight; ids 1..n in order.
	[ "$n" -ge 3 ]
	[ "$n" -lt 12 ]
	same "$(printf '%s\n' "${lines[@]:1}" | cut -f1 | tr '\n' ' ')" "$(seq -s ' ' 1 "$n") "
	# The last phase ends a collaboration; the first does not.
	same "$(printf '%s\n' "${lines[$n]}" | cut -f7)" "true"
	same "$(printf '%s\n' "${lines[1]}" | cut -f7)" "false"
	# It differs from freight.
	preg init "$BATS_TEST_TMPDIR/f" >/dev/null
	run cmp -s "$R/preg.yaml" "$BATS_TEST_TMPDIR/f/preg.yaml"
	[ "$status" -eq 1 ]
}

@test "init --template blank: a working register with the fewest phases" {
	run --separate-stderr preg init --template blank "$R"
	[ "$status" -eq 0 ]
	same "$output" "created a register in $R (template blank)"
	run preg -C "$R" phase list --format tsv
	[ "$status" -eq 0 ]
	same "${lines[0]}" "id	key	name	color	stale_after	reversible	ending	requires"
	[ "${#lines[@]}" -ge 2 ]
	[ "${#lines[@]}" -le 4 ]
	# A client can be added to it.
	run --separate-stderr preg -C "$R" client add Acme
	[ "$status" -eq 0 ]
	same "$output" "acme"
}

@test "init --template with an unknown name is refused and creates nothing" {
	run --separate-stderr preg init --template nope "$R"
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: unknown template 'nope' (freight, sales or blank)"
	[ ! -e "$R" ]
}

@test "init --template without a value is a usage error" {
	run --separate-stderr preg init --template
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: option '--template' needs a value"
	same "${stderr_lines[1]}" "usage: preg init [--template freight|sales|blank] [--remote URL] [DIR]"
	[ ! -e "$HOME/.local/share/preg" ]
}

@test "init twice is refused and leaves the register unchanged" {
	new_register
	printf '\n' >>"$R/preg.yaml" # an uncommitted change init must not touch
	before=$(git -C "$R" rev-parse HEAD)
	sum=$(sha1sum <"$R/preg.yaml")
	run --separate-stderr preg init "$R"
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: a register already exists at '$R'"
	same "$(git -C "$R" rev-parse HEAD)" "$before"
	same "$(sha1sum <"$R/preg.yaml")" "$sum"
	[ "$(commits)" -eq 1 ]
}

@test "init twice with another template is refused too" {
	new_register
	run --separate-stderr preg init --template sales "$R"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: a register already exists at '$R'"
	[ "$(commits)" -eq 1 ]
	grep -q 'key: first-carriage' "$R/preg.yaml"
}

@test "init in a non-empty directory that is not a git repository is refused" {
	mkdir "$R"
	echo "my notes" >"$R/notes.txt"
	run --separate-stderr preg init "$R"
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: '$R' is not empty and not a git repository; give a new or empty directory"
	[ ! -e "$R/.git" ]
	[ ! -e "$R/preg.yaml" ]
	same "$(cat "$R/notes.txt")" "my notes"
	same "$(ls -A "$R")" "notes.txt"
}

@test "init on a file that is not a directory is refused" {
	echo data >"$R"
	run --separate-stderr preg init "$R"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: '$R' exists and is not a directory"
	same "$(cat "$R")" "data"
}

@test "init inside an existing git repository with commits adds one commit on top" {
	mkdir "$R"
	git -C "$R" init -q
	echo "hello" >"$R/README"
	git -C "$R" add README
	git -C "$R" commit -qm "first"
	first=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg init "$R"
	[ "$status" -eq 0 ]
	same "$output" "created a register in $R (template freight)"
	[ "$(commits)" -eq 2 ]
	same "$(git -C "$R" rev-parse HEAD~1)" "$first"
	same "$(git -C "$R" log -1 --format=%s)" "init: new register (template freight)"
	same "$(git -C "$R" ls-tree -r --name-only HEAD)" ".gitattributes
README
preg.yaml"
	same "$(git -C "$R" show --name-status --format= HEAD)" "A	.gitattributes
A	preg.yaml"
	same "$(cat "$R/README")" "hello"
	assert_clean
	assert_fsck
	# Now it is a register.
	run --separate-stderr preg -C "$R" client add Acme
	[ "$status" -eq 0 ]
	same "$output" "acme"
}

@test "init inside an existing git repository switches its index to version 4" {
	mkdir "$R"
	git -C "$R" init -q
	echo "hello" >"$R/README"
	git -C "$R" add README
	git -C "$R" commit -qm "first"
	preg init "$R" >/dev/null
	same "$(index_header "$R")" "44 49 52 43 00 00 00 04"
	assert_clean
}

@test "init with too many arguments is a usage error" {
	run --separate-stderr preg init "$R" "$BATS_TEST_TMPDIR/other"
	[ "$status" -eq 2 ]
	same "$output" ""
	same "$stderr" "preg: too many arguments
usage: preg init [--template freight|sales|blank] [--remote URL] [DIR]"
	[ ! -e "$R" ]
}

