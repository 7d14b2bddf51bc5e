#!/usr/bin/env bats
# preg check: silent and 0 on a sound register; every problem as PATH:
# problem and exit 1; likely duplicates, incomplete records and unknown
# keys as warnings that keep exit 0; --staged as a pre-commit hook, tried
# with plain git.
#
# The records with problems are written by hand and committed with git, as
# someone without preg would (T = 2026-10-01T09:00:00+05:00):
#   charlie  phase 3 since 10-03, manager smirnov, a key "colour"; its one
#            history event says phase 1 at T by manager ivanov: phase,
#            phase_since and manager disagree, and colour is unknown.
#   delta    phase 13 (the freight template has 12); its second history
#            event (09-01) is before the first (T); its second note
#            (10-01 10:00) before the first (10-02).
#   wrong    at the path of the id wrong, but its id is echo.
#   foxtrot  at clients/xx/: a shard of no layout.
#   golf     a merge left conflict markers (line 2).
#   hotel    the key name twice (line 3).
#   india    phase 7, which requires contacts (added to preg.yaml), has none.
# Duplicates, added with preg: ALPHA (the name of alpha), Juliet (bravo's
# e-mail in other case), Kilo (bravo's phone written otherwise), Mike (the
# INN of Lima with dashes).

load helper

rec() { # PATH, the YAML on stdin
	mkdir -p "$R/$(dirname "$1")"
	cat >"$R/$1"
}

setup() {
	common_setup
	new_register
	preg -C "$R" client add Alpha >/dev/null
	preg -C "$R" client add Bravo --contact "B <b@example.com>; ; +7 351 000-00-01" >/dev/null
}

bad_records() {
	local T=2026-10-01T09:00:00+05:00
	rec "$(record_path charlie)" <<-EOF
	id: charlie
	name: Charlie
	manager: smirnov
	phase: 3
	phase_since: 2026-10-03T09:00:00+05:00
	created: $T
	colour: red
	history:
	  - {at: $T, by: ivanov, phase: 1, manager: ivanov}
EOF
	rec "$(record_path delta)" <<-EOF
	id: delta
	name: Delta
	manager: ivanov
	phase: 13
	phase_since: 2026-09-01T09:00:00+05:00
	created: $T
	history:
	  - {at: $T, by: ivanov, phase: 1, manager: ivanov}
	  - {at: 2026-09-01T09:00:00+05:00, by: ivanov, phase: 13}
	notes:
	  - {at: 2026-10-02T09:00:00+05:00, by: ivanov, text: one}
	  - {at: 2026-10-01T10:00:00+05:00, by: ivanov, text: two}
EOF
	rec "$(record_path wrong)" <<-EOF
	id: echo
	name: Echo
	manager: ivanov
	phase: 1
	phase_since: $T
	created: $T
	history:
	  - {at: $T, by: ivanov, phase: 1, manager: ivanov}
EOF
	rec clients/xx/foxtrot.yaml <<-EOF
	id: foxtrot
EOF
	rec "$(record_path golf)" <<-EOF
	id: golf
	<<<<<<< ours
	name: Golf
	=======
	name: Golf Ltd
	>>>>>>> theirs
EOF
	rec "$(record_path hotel)" <<-EOF
	id: hotel
	name: Hotel
	name: Hotel 2
EOF
	rec "$(record_path india)" <<-EOF
	id: india
	name: India
	manager: ivanov
	phase: 7
	phase_since: $T
	created: $T
	history:
	  - {at: $T, by: ivanov, phase: 7, manager: ivanov}
EOF
	sed -i 's/^    key: contract$/&\n    requires: [contacts]/' "$R/preg.yaml"
	git -C "$R" add -A
	git -C "$R" commit -qm "by hand"
}

@test "a sound register: nothing printed, exit 0" {
	run --separate-stderr preg -C "$R" check
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "every record problem, one line each, in the order of the file names (ids); exit 1; nothing changed" {
	bad_records
	local head
	head=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" check
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
	same "$output" "$(record_path charlie): phase is 3, but the last phase event says 1
$(record_path charlie): phase_since is 2026-10-03T09:00:00+05:00, but the last phase event is at 2026-10-01T09:00:00+05:00
$(record_path charlie): manager is smirnov, but the last manager event says ivanov
$(record_path charlie): warning: unknown key 'colour'
$(record_path delta): phase 13 is not in preg.yaml
$(record_path delta): history event 2 (2026-09-01T09:00:00+05:00) is earlier than the one before it
$(record_path delta): note 2 (2026-10-01T10:00:00+05:00) is earlier than the one before it
clients/xx/foxtrot.yaml: not a client record (expected clients/<first two hex digits of the id's XXH64>/<id>.yaml)
$(record_path golf):2: a conflict marker: resolve the merge
$(record_path hotel):3:1: duplicate key 'name'
$(record_path india): warning: incomplete: phase 7 (contract) requires contacts
$(record_path wrong):1:5: id 'echo' does not match the file name"
	[ "$(git -C "$R" rev-parse HEAD)" = "$head" ]
	assert_clean
}

@test "likely duplicates: the same name, e-mail, phone or INN" {
	# (client add refuses them unless told: the same rules.)
	preg -C "$R" client add "ALPHA" --allow-duplicate >/dev/null
	preg -C "$R" client add Juliet --contact "J <B@Example.COM>" --allow-duplicate >/dev/null
	preg -C "$R" client add Kilo --contact "K; ; 8 (351) 000 00 01" --allow-duplicate >/dev/null
	preg -C "$R" client add Lima --field INN=7701234567 >/dev/null
	preg -C "$R" client add Mike --field inn="77-0123-4567" --allow-duplicate >/dev/null
	# A short number is no evidence, and one client's own phone twice is none.
	preg -C "$R" client add November --contact "N; ; 112" --contact "O; ; 112" >/dev/null
	run --separate-stderr preg -C "$R" check
	# Warnings: the records are valid, so the exit status is 0.
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	same "$output" "$(record_path alpha-2): warning: likely duplicate of 'alpha' (the same name 'alpha')
$(record_path juliet): warning: likely duplicate of 'bravo' (the same e-mail 'b@example.com')
$(record_path kilo): warning: likely duplicate of 'bravo' (the same phone '+73510000001')
$(record_path mike): warning: likely duplicate of 'lima' (the same inn '7701234567')"
}

@test "warnings alone keep exit 0: an unknown key, an incomplete record; a hook lets them through" {
	printf '#!/bin/sh\nexec "%s" check --staged\n' "$PREG" >"$R/.git/hooks/pre-commit"
	chmod +x "$R/.git/hooks/pre-commit"
	printf 'colour: red\n' >>"$R/$(record_path alpha)"
	sed -i 's/^    key: research$/&\n    requires: [contacts]/' "$R/preg.yaml"
	git -C "$R" commit -qam "by hand: a key preg does not read, a requirement"
	[ "$(commits)" -eq 4 ]
	run --separate-stderr preg -C "$R" check
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	same "$output" "$(record_path alpha): warning: incomplete: phase 1 (research) requires contacts
$(record_path alpha): warning: unknown key 'colour'"
	# One invalid record among them: exit 1.
	sed -i 's/^phase: 1$/phase: 2/' "$R/$(record_path bravo)"
	git -C "$R" commit -qam "by hand" --no-verify
	run --separate-stderr preg -C "$R" check
	[ "$status" -eq 1 ]
	same "$(grep -vc 'warning: ' <<<"$output")" 1
}

@test "--staged checks the index, not the last commit" {
	sed -i 's/^phase: 1$/phase: 2/' "$R/$(record_path alpha)"
	run preg -C "$R" check
	[ "$status" -eq 0 ]
	git -C "$R" add "$(record_path alpha)"
	run --separate-stderr preg -C "$R" check --staged
	[ "$status" -eq 1 ]
	same "$output" "$(record_path alpha): phase is 2, but the last phase event says 1"
}

@test "as a pre-commit hook, plain git commits that break the register are refused" {
	printf '#!/bin/sh\nexec "%s" check --staged\n' "$PREG" >"$R/.git/hooks/pre-commit"
	chmod +x "$R/.git/hooks/pre-commit"
	local head
	head=$(git -C "$R" rev-parse HEAD)
	# "git commit -a" stages into a temporary index (GIT_INDEX_FILE).
	sed -i 's/^manager: ivanov$/manager: petrov/' "$R/$(record_path alpha)"
	cd "$R"
	run git commit -qam "by hand"
	[ "$status" -ne 0 ]
	same "$output" "$(record_path alpha): manager is petrov, but the last manager event says ivanov"
	[ "$(git rev-parse HEAD)" = "$head" ]
	# A sound change by hand goes through.
	git checkout -q "$(record_path alpha)"
	printf 'remarks: met at the fair\n' >>"$(record_path alpha)"
	run git commit -qam "remarks by hand"
	[ "$status" -eq 0 ]
	[ "$(commits)" -eq 4 ]
	assert_clean
}

@test "usage errors exit 2" {
	run --separate-stderr preg -C "$R" check extra
	[ "$status" -eq 2 ]
	same "$(echo "$stderr" | head -1)" "preg: unexpected argument 'extra'"
	run --separate-stderr preg -C "$R" check --index
	[ "$status" -eq 2 ]
}
