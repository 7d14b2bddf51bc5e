#!/usr/bin/env bats
# preg undo: revert the acting user's last preg commit with a new commit,
# unless a later commit changed the same record (then name that commit).

load helper

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	PREG_NOW=2026-10-01T09:00:00+05:00 "$PREG" init "$P" >/dev/null
	PREG_NOW=2026-10-01T10:00:00+05:00 "$PREG" -C "$P" client add "Acme Ltd" --id acme >/dev/null
	PREG_NOW=2026-10-01T11:00:00+05:00 PREG_USER=petrov "$PREG" -C "$P" client add Romashka --id romashka \
		--manager petrov >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
}

@test "undo reverts my last change with a new commit" {
	cp "$R/$(record_path acme)" "$BATS_TEST_TMPDIR/before"
	preg -C "$R" phase set acme quotation >/dev/null
	moved=$(git -C "$R" rev-parse HEAD)
	# petrov works on another client meanwhile.
	PREG_USER=petrov preg -C "$R" note romashka "called" >/dev/null
	run --separate-stderr preg -C "$R" undo
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "undid ${moved:0:7} (phase: acme 1 -> 6 (quotation))"
	same "$(last_message)" "undo: phase: acme 1 -> 6 (quotation)

Preg-Client: acme
Preg-Action: undo
Preg-Undo: $moved
Preg-User: ivanov"
	cmp "$R/$(record_path acme)" "$BATS_TEST_TMPDIR/before"
	same "$(git -C "$R" show --name-status --format= HEAD)" "M	$(record_path acme)"
	# petrov's note stays.
	grep -q "text: called" "$R/$(record_path romashka)"
	assert_clean
	assert_fsck
}

@test "undo of an add removes the client; undo again brings it back" {
	preg -C "$R" client add Vasilek --id vasilek >/dev/null
	run preg -C "$R" undo
	[ "$status" -eq 0 ]
	[ ! -e "$R/$(record_path vasilek)" ]
	same "$(git -C "$R" show --name-status --format= HEAD)" "D	$(record_path vasilek)"
	run preg -C "$R" undo
	[ "$status" -eq 0 ]
	[[ $output == "undid "*" (undo: add: vasilek (Vasilek))" ]]
	[ -f "$R/$(record_path vasilek)" ]
	assert_clean
}

@test "undo of a change without events finds it by the acting user" {
	preg -C "$R" client set acme fields.cargo=steel >/dev/null
	run preg -C "$R" undo
	[ "$status" -eq 0 ]
	same "$output" "undid $(git -C "$R" rev-parse --short=7 HEAD~1) (set: acme fields.cargo)"
	! grep -q cargo "$R/$(record_path acme)"
}

@test "undo refuses when a later commit changed the same record, naming it" {
	preg -C "$R" phase set acme quotation >/dev/null
	moved=$(git -C "$R" rev-parse HEAD)
	PREG_USER=petrov preg -C "$R" note acme "petrov called" >/dev/null
	noted=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" undo
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: cannot undo ${moved:0:7} (phase: acme 1 -> 6 (quotation)): commit ${noted:0:7} (note: acme) changed client 'acme' after it"
	same "$(git -C "$R" rev-parse HEAD)" "$noted"
	assert_clean
}

@test "undo reverts a whole reassignment" {
	preg -C "$R" client add Vasilek --id vasilek >/dev/null
	preg -C "$R" client reassign --from ivanov --to smirnov >/dev/null
	run preg -C "$R" undo
	[ "$status" -eq 0 ]
	grep -qx "manager: ivanov" "$R/$(record_path acme)"
	grep -qx "manager: ivanov" "$R/$(record_path vasilek)"
	same "$(last_message | sed '/^$/d' | tail -n 5)" "Preg-Client: acme
Preg-Client: vasilek
Preg-Action: undo
Preg-Undo: $(git -C "$R" rev-parse HEAD~1)
Preg-User: ivanov"
}

@test "nothing of mine to undo" {
	head0=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr env PREG_USER=sidorov GIT_AUTHOR_NAME=Sidorov GIT_AUTHOR_EMAIL=s@example.com \
		"$PREG" -C "$R" undo
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: nothing to undo: no preg commit of sidorov"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	run --separate-stderr preg -C "$R" undo extra
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: unexpected argument 'extra'"
}

@test "undo refuses to clobber an uncommitted edit of the record" {
	preg -C "$R" phase set acme quotation >/dev/null
	head0=$(git -C "$R" rev-parse HEAD)
	echo "remarks: mine" >>"$R/$(record_path acme)"
	run --separate-stderr preg -C "$R" undo
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: $(record_path acme) has uncommitted changes; commit or discard them first (git diff -- $(record_path acme))"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}
