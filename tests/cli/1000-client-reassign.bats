#!/usr/bin/env bats
# preg client reassign --from M --to N [ID...] [--dry-run]: one commit
# that hands over a manager's open clients (or the ids given), a manager
# event in each history, the summary printed, and every refusal changing
# nothing.

load helper

T0=2026-10-01T09:00:00+05:00
NOW=2026-11-02T10:15:00+05:00

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	export PREG_NOW=$T0
	# ivanov: acme (1 research), romashka (7 contract), gone (11 ended);
	# petrov: vasilek (2 decision-maker).
	"$PREG" -C "$P" client add "Acme Ltd" --id acme >/dev/null
	"$PREG" -C "$P" client add "Romashka" --id romashka --phase contract >/dev/null
	"$PREG" -C "$P" client add "Gone Ltd" --id gone >/dev/null
	"$PREG" -C "$P" phase set gone ended --reason "went bankrupt" >/dev/null
	"$PREG" -C "$P" client add "Vasilek" --id vasilek --manager petrov --phase 2 >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
	export PREG_USER=smirnov
}

# refused STATUS MESSAGE ARGS...: reassign fails with STATUS and that
# stderr, prints nothing and commits nothing.
refused() {
	local st=$1 msg=$2
	shift 2
	run --separate-stderr preg -C "$R" client reassign "$@"
	[ "$status" -eq "$st" ]
	same "$output" ""
	same "${stderr_lines[0]}" "$msg"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

@test "reassign hands over the open clients in one commit, with an event each" {
	run --separate-stderr preg -C "$R" client reassign --from ivanov --to petrov
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "acme  Acme Ltd  (phase 1 research)
romashka  Romashka  (phase 7 contract)
moved 2 clients from ivanov to petrov"
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
	same "$(last_message)" "reassign: 2 clients ivanov -> petrov

Preg-Client: acme
Preg-Client: romashka
Preg-Action: reassign
Preg-Manager: ivanov -> petrov
Preg-User: smirnov"
	same "$(git -C "$R" show --name-status --format= HEAD | sort -t/ -k3)" "M	$(record_path acme)
M	$(record_path romashka)"
	grep -qx "manager: petrov" "$R/$(record_path acme)"
	same "$(tail -n 1 "$R/"$(record_path acme)"")" "  - {at: $NOW, by: smirnov, manager: petrov}"
	same "$(tail -n 1 "$R/"$(record_path romashka)"")" "  - {at: $NOW, by: smirnov, manager: petrov}"
	# The ended client stays with ivanov; petrov's own is untouched.
	grep -qx "manager: ivanov" "$R/$(record_path gone)"
	assert_clean
	assert_fsck
}

@test "reassign of one client names it in the usual trailer place" {
	run --separate-stderr preg -C "$R" client reassign --from ivanov --to petrov acme
	[ "$status" -eq 0 ]
	same "$output" "acme  Acme Ltd  (phase 1 research)
moved 1 client from ivanov to petrov"
	same "$(last_message)" "reassign: 1 client ivanov -> petrov

Preg-Client: acme
Preg-Action: reassign
Preg-Manager: ivanov -> petrov
Preg-User: smirnov"
	grep -qx "manager: ivanov" "$R/$(record_path romashka)"
}

@test "an ended client moves when named" {
	run preg -C "$R" client reassign --from ivanov --to petrov gone acme gone
	[ "$status" -eq 0 ]
	same "$output" "gone  Gone Ltd  (phase 11 ended)
acme  Acme Ltd  (phase 1 research)
moved 2 clients from ivanov to petrov"
	grep -qx "manager: petrov" "$R/$(record_path gone)"
}

@test "--dry-run says what would move and writes nothing" {
	run --separate-stderr preg -C "$R" client reassign --from ivanov --to petrov --dry-run
	[ "$status" -eq 0 ]
	same "$output" "acme  Acme Ltd  (phase 1 research)
romashka  Romashka  (phase 7 contract)
would move 2 clients from ivanov to petrov"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	grep -qx "manager: ivanov" "$R/$(record_path acme)"
	assert_clean
}

@test "reassign refuses what cannot be done, and changes nothing" {
	refused 1 "preg: error: manager 'nobody' has no clients that have not ended" --from nobody --to petrov
	refused 1 "preg: error: client 'vasilek' is managed by petrov, not ivanov" --from ivanov --to smirnov acme vasilek
	refused 1 "preg: error: client 'nope' not found" --from ivanov --to petrov nope
	refused 1 "preg: error: --from and --to are the same manager 'ivanov'" --from ivanov --to ivanov
	refused 1 "preg: error: invalid manager 'Bad Name'" --from 'Bad Name' --to petrov
	refused 2 "preg: client reassign needs --from and --to" --from ivanov
	refused 2 "preg: client reassign needs --from and --to" acme
}

@test "--to must be a listed manager when preg.yaml lists managers" {
	printf 'managers:\n  petrov: {name: Petr Petrov}\n  ivanov: {name: Ivan Ivanov}\n' >>"$R/preg.yaml"
	git -C "$R" commit -qam "list the managers"
	head0=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" client reassign --from ivanov --to sidorov
	[ "$status" -eq 1 ]
	[[ $stderr == "preg: error: "*sidorov* ]]
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	run preg -C "$R" client reassign --from ivanov --to petrov
	[ "$status" -eq 0 ]
}

@test "a record with an uncommitted edit stops the whole reassignment" {
	echo "remarks: mine" >>"$R/$(record_path romashka)"
	run --separate-stderr preg -C "$R" client reassign --from ivanov --to petrov
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: $(record_path romashka) has uncommitted changes; commit or discard them first (git diff -- $(record_path romashka))"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	grep -qx "manager: ivanov" "$R/$(record_path acme)"
}

@test "a record that does not parse stops the reassignment and is named" {
	mkdir -p "$R/$(record_dir broken)"
	printf 'id: broken\nname: [\n' >"$R/$(record_path broken)"
	git -C "$R" add clients && git -C "$R" commit -qm "a broken record"
	head0=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" client reassign --from ivanov --to petrov
	[ "$status" -eq 1 ]
	[[ $stderr == "preg: error: $(record_path broken):"* ]]
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}

@test "client reassign -h prints its usage" {
	run preg client reassign -h
	[ "$status" -eq 0 ]
	same "${lines[0]}" "usage: preg client reassign --from M --to N [ID...] [--at TIME] [--dry-run]"
}
