#!/usr/bin/env bats
# Every problem at once (issue 11): phase set and check list everything a
# phase requires that the record lacks; the refusal of a record with a YAML
# comment advises what works for the command at hand (no --force where the
# command has none), and check flags records with comments.

load helper

setup() {
	common_setup
	new_register
	sed -i 's/^    key: contract$/&\n    requires: [contacts, fields.direction, next_contact]/' "$R/preg.yaml"
	git -C "$R" commit -qam "contract: a contact, a direction and a next contact"
	preg -C "$R" client add "ООО «Ромашка»" --id romashka >/dev/null
	F="$R/$(cd "$R" && git ls-files '*romashka.yaml')"
}

@test "phase set names everything the phase requires that the record lacks, and writes nothing" {
	head0=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" phase set romashka contract
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: client 'romashka' cannot enter phase 7 (contract): it lacks contacts, fields.direction, next_contact"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	# One fixed: the rest still named.
	preg -C "$R" client set romashka "fields.direction=Китай - Челябинск"
	run --separate-stderr preg -C "$R" phase set romashka contract
	same "$stderr" "preg: error: client 'romashka' cannot enter phase 7 (contract): it lacks contacts, next_contact"
	run --separate-stderr preg -C "$R" client add "ООО «Вектор»" --phase contract
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: phase 7 (contract) requires contacts, fields.direction, next_contact"
}

@test "check lists every requirement a record lacks, one warning each" {
	# Put the client in 7 by hand, as an edit outside preg could.
	sed -i 's/^phase: 1$/phase: 7/' "$F"
	sed -i 's/phase: 1, manager/phase: 7, manager/' "$F"
	git -C "$R" commit -qam "by hand"
	run --separate-stderr preg -C "$R" check
	# Warnings: the record is valid, so the exit status is 0.
	[ "$status" -eq 0 ]
	rel=${F#"$R/"}
	same "$(grep incomplete <<<"$output$stderr")" "$rel: warning: incomplete: phase 7 (contract) requires contacts
$rel: warning: incomplete: phase 7 (contract) requires fields.direction
$rel: warning: incomplete: phase 7 (contract) requires next_contact"
}

@test "a comment: the advice fits the command; check flags it" {
	sed -i 's/^kind: external$/& # the head office/' "$F"
	git -C "$R" commit -qam "a comment"
	rel=${F#"$R/"}
	head0=$(git -C "$R" rev-parse HEAD)
	for cmd in "note romashka called" "client hold romashka --until +1w --reason holiday" \
		"client reassign --from ivanov --to petrov romashka" "phase next romashka"; do
		run --separate-stderr preg -C "$R" $cmd
		[ "$status" -eq 1 ]
		same "$stderr" "preg: error: $rel:3:16: the record holds a comment, which a rewrite would lose; move the text into 'remarks:' with 'preg client edit --force romashka', then run this again"
	done
	# Commands that have --force still say so.
	run --separate-stderr preg -C "$R" phase set romashka 2
	same "$stderr" "preg: error: $rel:3:16: the record holds a comment, which a rewrite would lose; move the text into 'remarks:' or use --force"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	run --separate-stderr preg -C "$R" check
	[ "$status" -eq 1 ]
	[[ "$output$stderr" == *"$rel:3:16: a YAML comment, which the next write would refuse or lose: move the text into 'remarks:'"* ]]
	# phase set --force rewrites it (the comment is gone), and check passes.
	run --separate-stderr preg -C "$R" phase set romashka 2 --force
	[ "$status" -eq 0 ]
	! grep -q '#' "$F"
	preg -C "$R" check
}
