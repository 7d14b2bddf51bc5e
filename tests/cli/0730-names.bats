#!/usr/bin/env bats
# Client names and ids from hostile input (SPEC §4, ids): either a safe id at
# clients/<first two characters>/<id>.yaml, or a refusal; never a path built
# from unchecked input, never a file outside clients/.

load helper

setup() {
	common_setup
	new_register
	SNAP="$BATS_TEST_TMPDIR/snap"
	mkdir -p "$SNAP"
}

# Everything a write could touch by mistake, outside the records: the files
# of the work tree outside clients/ (with their contents), what git tracks
# outside clients/, and everything in and above the register's directory.
snapshot() {
	local out="$SNAP/$1"
	(
		cd "$R"
		find . -path ./.git -prune -o -path ./clients -prune -o -print0 | sort -z | xargs -0 sha1sum 2>/dev/null || true
		find . -path ./.git -prune -o -path ./clients -prune -o -print | sort
		git ls-files -s | grep -v '	clients/' || true
	) >"$out.outside"
	# (less the files bats keeps there for "run --separate-stderr")
	find "$BATS_TEST_TMPDIR" -path "$R" -prune -o -path "$SNAP" -prune -o ! -name 'separate-stderr-*' -print |
		sort >"$out.around"
	# (less the record cache, which any reader may build: a name is
	# looked up through it)
	find "$R/.git" -maxdepth 1 ! -name preg-cache | sort >"$out.gitdir"
	(cd "$R" && find clients -type f 2>/dev/null | sort) >"$out.clients"
	git -C "$R" ls-files clients | sort >"$out.tracked"
}

# Nothing changed outside clients/ between snapshots $1 and $2.
same_outside() {
	diff "$SNAP/$1.outside" "$SNAP/$2.outside"
	diff "$SNAP/$1.around" "$SNAP/$2.around"
	diff "$SNAP/$1.gitdir" "$SNAP/$2.gitdir"
	[ ! -e "$BATS_TEST_TMPDIR/etc" ]
	[ ! -e "$R/etc" ]
	[ ! -e "$BATS_TEST_TMPDIR/x" ]
	[ ! -e "$R/x" ]
}


# adds ID ARGS...: "preg client add ARGS" prints ID, makes one commit that
# adds exactly the file of ID, and nothing else changes.
adds() {
	local id=$1 path before
	shift
	path=$(record_path "$id")
	before=$(commits)
	snapshot before
	run --separate-stderr "$PREG" -C "$R" client add "$@"
	echo "exit $status, stdout: $output, stderr: $stderr"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$id" ]
	[[ "$id" =~ ^[a-z0-9][a-z0-9-]{0,47}$ ]]
	snapshot after
	same_outside before after
	[ -f "$R/$path" ]
	[ "$(git -C "$R" diff-tree --no-commit-id -r --name-status HEAD)" = "A	$path" ]
	diff <({ cat "$SNAP/before.clients"; echo "$path"; } | sort) "$SNAP/after.clients"
	diff <({ cat "$SNAP/before.tracked"; echo "$path"; } | sort) "$SNAP/after.tracked"
	[ "$(commits)" -eq $((before + 1)) ]
	grep -qx "id: $id" "$R/$path"
	assert_clean
}

# refuses STATUS STDERR ARGS...: "preg client add ARGS" exits STATUS with
# exactly STDERR, prints nothing, and changes nothing at all.
refuses() {
	local want_status=$1 want=$2 before
	shift 2
	before=$(git -C "$R" rev-parse HEAD)
	snapshot before
	run --separate-stderr "$PREG" -C "$R" client add "$@"
	echo "exit $status, stdout: $output, stderr: $stderr"
	[ "$status" -eq "$want_status" ]
	[ "$output" = "" ]
	[ "$stderr" = "$want" ]
	snapshot after
	same_outside before after
	diff "$SNAP/before.clients" "$SNAP/after.clients"
	diff "$SNAP/before.tracked" "$SNAP/after.tracked"
	[ "$(git -C "$R" rev-parse HEAD)" = "$before" ]
	assert_clean
}

INVALID_ID="(lowercase letters, digits and '-', at most 48, not a device name)"

@test "../../etc/passwd becomes etc-passwd, inside clients/" {
	adds etc-passwd ../../etc/passwd
	[ "$(sed -n 's/^name: //p' "$R/"$(record_path etc-passwd)"")" = "../../etc/passwd" ]
	[ "$(cat /etc/passwd | head -1 | cut -c1-4)" = "root" ]
}

@test ".. gives no id and is refused" {
	refuses 1 "preg: error: cannot derive an id from name '..'; give one with --id" ..
}

@test ".git becomes git" {
	adds git .git
	[ -f "$R/$(record_path git)" ]
	[ ! -e "$R/clients/.g" ]
}

@test "-rf needs -- and becomes rf; without -- it is an unknown option" {
	before=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr "$PREG" -C "$R" client add -rf
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "${stderr%%$'\n'*}" = "preg: unknown option '-r'" ]
	[ "$(git -C "$R" rev-parse HEAD)" = "$before" ]
	adds rf -- -rf
}

@test "CON and the other device names are refused" {
	refuses 1 "preg: error: id 'con' is a reserved name; give another with --id" CON
	refuses 1 "preg: error: id 'com1' is a reserved name; give another with --id" COM1
	refuses 1 "preg: error: id 'nul' is a reserved name; give another with --id" 'NUL!'
	# Not a device name: a longer word that starts like one.
	adds con-txt con.txt
}

@test "a/b becomes a-b, one file, no directory a/" {
	adds a-b a/b
	[ -f "$R/$(record_path a-b)" ]
	[ ! -e "$R/clients/a" ]
	[ ! -e "$R/a" ]
}

@test "Acme then acme then ACME: acme, acme-2, acme-3" {
	# (the same name made an id: likely duplicates, added on purpose)
	adds acme Acme
	adds acme-2 acme --allow-duplicate
	adds acme-3 ACME --allow-duplicate
	[ "$(sed -n 's/^name: //p' "$R/"$(record_path acme-2)"")" = acme ]
}

@test "a 300-character name gives a 48-character id" {
	local name
	name=$(printf 'x%.0s' $(seq 300))
	[ "${#name}" -eq 300 ]
	adds "$(printf 'x%.0s' $(seq 48))" "$name"
	[ "$(sed -n 's/^name: //p' "$R/$(record_path "$(printf 'x%.0s' $(seq 48))")")" = "$name" ]
}

@test "a 300-character name of words is cut between words" {
	local name="" i
	for i in $(seq 30); do name+="Word$i "; done
	name=${name:0:300}
	adds word1-word2-word3-word4-word5-word6-word7-word8 "$name"
}

@test "a name longer than 1000 bytes is refused" {
	refuses 1 "preg: error: a client name must be one line of text (at most 1000 bytes, no control characters)" \
		"$(printf 'y%.0s' $(seq 1001))"
}

@test "a name with a newline is refused" {
	refuses 1 "preg: error: a client name must be one line of text (at most 1000 bytes, no control characters)" \
		$'Acme\nInc'
}

@test "a name with an escape sequence is refused" {
	refuses 1 "preg: error: a client name must be one line of text (at most 1000 bytes, no control characters)" \
		$'Acme\e[31m'
}

@test "an empty name and a blank name are refused" {
	refuses 1 "preg: error: empty client name" ""
	refuses 1 "preg: error: empty client name" "   "
}

@test "a name of only punctuation gives no id and is refused" {
	refuses 1 "preg: error: cannot derive an id from name '«»!!'; give one with --id" '«»!!'
}

@test "a name that is not UTF-8 is refused" {
	refuses 1 "preg: error: a client name is not valid UTF-8" \
		$'Acme \xff'
}

@test "Cyrillic is transliterated, and the legal form left out of the id" {
	adds romashka 'ООО «Ромашка»'
	[ -f "$R/$(record_path romashka)" ]
	grep -qx 'name: ООО «Ромашка»' "$R/$(record_path romashka)"
}

@test "a legal form around a hostile name: the rest is made safe as without it" {
	adds etc-passwd 'ООО «../../etc/passwd»'
	adds git '.git LLC'
	# What is left is a device name, or gives nothing: the form stays.
	adds ooo-con 'ООО «CON»'
	adds ooo 'ООО «..»'
	adds ooo-2 'ООО «日本»' --allow-duplicate
	# Only a form, and nothing else: its own id.
	adds ltd 'Ltd.'
}

@test "--id ../x is refused" {
	refuses 1 "preg: error: invalid id '../x' $INVALID_ID" X --id ../x
}

@test "--id CON and --id con are refused" {
	refuses 1 "preg: error: invalid id 'CON' $INVALID_ID" X --id CON
	refuses 1 "preg: error: invalid id 'con' $INVALID_ID" X --id con
}

@test "--id A is refused; --id a is padded: $(record_path a)" {
	refuses 1 "preg: error: invalid id 'A' $INVALID_ID" X --id A
	adds a X --id a
	[ -f "$R/$(record_path a)" ]
}

@test "--id that is empty, too long, or starts with - is refused" {
	refuses 1 "preg: error: invalid id '' $INVALID_ID" X --id ''
	refuses 1 "preg: error: invalid id '$(printf 'y%.0s' $(seq 49))' $INVALID_ID" X --id "$(printf 'y%.0s' $(seq 49))"
	refuses 1 "preg: error: invalid id '-ab' $INVALID_ID" X --id=-ab
	adds "$(printf 'y%.0s' $(seq 48))" X --id "$(printf 'y%.0s' $(seq 48))"
}

@test "--id of a taken id is refused" {
	adds acme Acme
	refuses 1 "preg: error: client 'acme' already exists" Other --id acme
}

@test "an invalid --id with an escape sequence is not echoed raw to the terminal" {
	refuses 1 "preg: error: invalid id 'a?[31mb' $INVALID_ID" X --id $'a\e[31mb'
}

@test "an unknown id with an escape sequence is not echoed raw by readers and writers" {
	run --separate-stderr "$PREG" -C "$R" client show $'a\e]0;owned\ab'
	[ "$status" -eq 1 ]
	[ "$stderr" = "preg: error: client 'a?]0;owned?b' not found" ]
	run --separate-stderr "$PREG" -C "$R" note $'a\e[31mb' hello
	[ "$status" -eq 1 ]
	[ "$stderr" = "preg: error: client 'a?[31mb' not found" ]
	assert_clean
}

@test "ids with path characters never reach the file system in readers and writers" {
	local head
	head=$(git -C "$R" rev-parse HEAD)
	snapshot before
	for id in ../../etc/passwd .. ../x /etc/passwd clients/x .git a/b CON; do
		run --separate-stderr "$PREG" -C "$R" client show "$id"
		[ "$status" -eq 1 ]
		[ "$stderr" = "preg: error: client '$id' not found" ]
		run --separate-stderr "$PREG" -C "$R" note "$id" hello
		[ "$status" -eq 1 ]
		[ "$stderr" = "preg: error: client '$id' not found" ]
		run --separate-stderr "$PREG" -C "$R" client set "$id" next_action=x
		[ "$status" -eq 1 ]
		[ "$stderr" = "preg: error: client '$id' not found" ]
		run --separate-stderr "$PREG" -C "$R" phase set "$id" 2
		[ "$status" -eq 1 ]
		[ "$stderr" = "preg: error: client '$id' not found" ]
		run --separate-stderr "$PREG" -C "$R" client rm "$id"
		[ "$status" -eq 1 ]
		[ "$stderr" = "preg: error: client '$id' not found" ]
	done
	snapshot after
	same_outside before after
	diff "$SNAP/before.clients" "$SNAP/after.clients"
	[ "$(git -C "$R" rev-parse HEAD)" = "$head" ]
	assert_clean
}
