#!/usr/bin/env bats
# 1210-merge-driver: plain git merges records through preg merge-file, as
# init and clone configure it: git pull and git pull --rebase between two
# clones, a true field conflict marked around that field alone, and the
# driver called by hand.

load helper
load sync

setup() {
	sync_setup
	git init -q --bare "$REMOTE"
	preg init --remote "$REMOTE" "$A" >/dev/null
	preg -C "$A" client add Romashka >/dev/null
	preg -C "$A" sync >/dev/null
	preg clone "$REMOTE" "$B" >/dev/null
}

# Diverge: A notes and moves romashka and pushes; B notes it.
diverge() {
	PREG_NOW=2026-11-03T10:00:00+05:00 preg -C "$A" note romashka "from A" >/dev/null
	PREG_NOW=2026-11-03T12:00:00+05:00 preg -C "$A" phase set romashka 2 >/dev/null
	preg -C "$A" sync >/dev/null
	PREG_USER=petrov PREG_NOW=2026-11-03T11:00:00+05:00 preg -C "$B" note romashka "from B" >/dev/null
}

merged_record="id: romashka
name: Romashka
kind: external
manager: ivanov
phase: 2
phase_since: 2026-11-03T12:00:00+05:00
created: 2026-11-02T10:15:00+05:00
history:
  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, phase: 1, manager: ivanov}
  - {at: 2026-11-03T12:00:00+05:00, by: ivanov, phase: 2}
notes:
  - {at: 2026-11-03T10:00:00+05:00, by: ivanov, text: from A}
  - {at: 2026-11-03T11:00:00+05:00, by: petrov, text: from B}"

@test "git pull merges a record changed on both sides through the driver" {
	diverge
	run git -C "$B" pull -q --no-rebase --no-edit
	[ "$status" -eq 0 ]
	same "$(cat "$B/"$(record_path romashka)"")" "$merged_record"
	# A merge commit with both parents; the work tree clean.
	[ "$(git -C "$B" rev-list --merges HEAD | wc -l)" -eq 1 ]
	assert_clean "$B"
	preg -C "$B" client show romashka --format json >/dev/null
}

@test "git pull --rebase merges the same way, keeping history linear" {
	diverge
	run git -C "$B" pull -q --rebase
	[ "$status" -eq 0 ]
	same "$(cat "$B/"$(record_path romashka)"")" "$merged_record"
	[ -z "$(git -C "$B" rev-list --merges HEAD)" ]
	same "$(git -C "$B" log -1 --format=%s)" "note: romashka"
	assert_clean "$B"
}

@test "a true field conflict is marked around that field alone and git stops" {
	diverge
	preg -C "$A" client set romashka next_action=call >/dev/null
	preg -C "$A" sync >/dev/null
	PREG_USER=petrov preg -C "$B" client set romashka next_action=write >/dev/null
	run git -C "$B" pull -q --no-rebase --no-edit
	[ "$status" -eq 1 ]
	[[ $output == *"preg: $(record_path romashka): 1 conflicting field marked"* ]]
	same "$(cat "$B/"$(record_path romashka)"")" "id: romashka
name: Romashka
kind: external
manager: ivanov
phase: 2
phase_since: 2026-11-03T12:00:00+05:00
<<<<<<< ours
next_action: write
=======
next_action: call
>>>>>>> theirs
created: 2026-11-02T10:15:00+05:00
history:
  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, phase: 1, manager: ivanov}
  - {at: 2026-11-03T12:00:00+05:00, by: ivanov, phase: 2}
notes:
  - {at: 2026-11-03T10:00:00+05:00, by: ivanov, text: from A}
  - {at: 2026-11-03T11:00:00+05:00, by: petrov, text: from B}"
	same "$(git -C "$B" status --porcelain)" "UU $(record_path romashka)"
}

@test "merge-file by hand: a clean merge goes to OURS with exit 0" {
	local d=$BATS_TEST_TMPDIR/m
	mkdir "$d"
	cp "$A/$(record_path romashka)" "$d/base"
	diverge
	cp "$B/$(record_path romashka)" "$d/ours"
	cp "$A/$(record_path romashka)" "$d/theirs"
	run --separate-stderr preg merge-file "$d/base" "$d/ours" "$d/theirs" "$(record_path romashka)"
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$stderr" ""
	same "$(cat "$d/ours")" "$merged_record"
}

@test "merge-file by hand: a text that is not a record is one whole conflict, exit 1" {
	local d=$BATS_TEST_TMPDIR/m
	mkdir "$d"
	cp "$A/$(record_path romashka)" "$d/base"
	cp "$A/$(record_path romashka)" "$d/theirs"
	printf 'id: [broken\n' >"$d/ours"
	run --separate-stderr preg merge-file "$d/base" "$d/ours" "$d/theirs" x.yaml
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: x.yaml:2:1: did not find expected ',' or ']'
preg: x.yaml: 1 conflicting field marked"
	same "$(head -n 2 "$d/ours")" "<<<<<<< ours
id: [broken"
	same "$(tail -n 1 "$d/ours")" ">>>>>>> theirs"
	run --separate-stderr preg merge-file "$d/none" "$d/ours" "$d/theirs"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: cannot read '$d/none': No such file or directory"
}
