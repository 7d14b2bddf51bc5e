#!/usr/bin/env bats
# preg client rm ID: the record leaves the work tree and HEAD in one commit;
# its history stays in git. Refusals change nothing.

load helper

F="$(record_path acme)"

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	"$PREG" -C "$P" client add "Acme Ltd" --id acme >/dev/null
	"$PREG" -C "$P" note acme "first call" >/dev/null
	"$PREG" -C "$P" client add "Beta" --id beta >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
}

@test "rm removes the record from the work tree and HEAD in one commit" {
	run --separate-stderr preg -C "$R" client rm acme
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$stderr" ""
	[ ! -e "$R/$F" ]
	# The empty shard directory goes too, as git would do.
	[ ! -e "$R/$(record_dir acme)" ]
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
	same "$(git -C "$R" ls-tree -r --name-only HEAD clients)" "$(record_path beta)"
	same "$(git -C "$R" show --name-status --format= HEAD)" "D	$F"
	same "$(last_message)" "rm: acme (Acme Ltd)

Preg-Client: acme
Preg-Action: rm
Preg-User: ivanov"
	same "$(git -C "$R" log -1 --format='%an <%ae>')" "Test User <test@example.com>"
	assert_clean
	assert_fsck
}

@test "the history of a removed client stays in git" {
	preg -C "$R" client rm acme
	same "$(git -C "$R" log --format=%s -- "$F")" "rm: acme (Acme Ltd)
note: acme
add: acme (Acme Ltd)"
	git -C "$R" show "HEAD~1:$F" | grep -qx 'name: Acme Ltd'
}

@test "a removed client is gone for show and list, and its id is free again" {
	preg -C "$R" client rm acme
	run --separate-stderr preg -C "$R" client show acme
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'acme' not found"
	run --separate-stderr preg -C "$R" client list --format id
	same "$output" "beta"
	run --separate-stderr preg -C "$R" client add "Acme Ltd" --id acme
	[ "$status" -eq 0 ]
	same "$output" "acme"
	same "$(grep -c '^  - ' "$R/$F")" "1"
}

@test "another client in the same shard keeps the shard" {
	preg -C "$R" client add Acorn >/dev/null
	head0=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" client rm acme
	[ "$status" -eq 0 ]
	[ -f "$R/$(record_path acorn)" ]
	[ ! -e "$R/$F" ]
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
	assert_clean
}

@test "rm of an unknown client is refused" {
	run --separate-stderr preg -C "$R" client rm nope
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: client 'nope' not found"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

@test "rm twice: the second is refused" {
	preg -C "$R" client rm acme
	head0=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" client rm acme
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'acme' not found"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}

@test "rm with an id that is no valid id builds no path" {
	run --separate-stderr preg -C "$R" client rm ../../preg
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client '../../preg' not found"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	[ -f "$R/preg.yaml" ]
}

@test "rm refuses a record with uncommitted edits and leaves them" {
	printf 'remarks: mine\n' >>"$R/$F"
	cp "$R/$F" "$BATS_TEST_TMPDIR/mine"
	run --separate-stderr preg -C "$R" client rm acme
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: $F has uncommitted changes; commit or discard them first (git diff -- $F)"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	cmp "$R/$F" "$BATS_TEST_TMPDIR/mine"
}

@test "a record that does not parse can still be removed" {
	mkdir -p "$R/$(record_dir xx)"
	printf 'id: xx\nname: A\nname: B\n' >"$R/$(record_path xx)"
	git -C "$R" add "$(record_path xx)"
	git -C "$R" commit -qm "broken by hand"
	head0=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" client rm xx
	[ "$status" -eq 0 ]
	same "$stderr" ""
	[ ! -e "$R/$(record_dir xx)" ]
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
	same "$(git -C "$R" log -1 --format=%s)" "rm: xx"
	assert_clean
}

@test "rm needs exactly one id" {
	run --separate-stderr preg -C "$R" client rm
	[ "$status" -eq 2 ]
	same "$stderr" "preg: client rm needs an id
usage: preg client rm ID"
	run --separate-stderr preg -C "$R" client rm acme beta
	[ "$status" -eq 2 ]
	same "$stderr" "preg: too many arguments
usage: preg client rm ID"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	[ -f "$R/$F" ]
}
