#!/usr/bin/env bats
# 0780-merge-file-bounds: the merge driver reads its three inputs whole, up
# to the record limit (1 MiB, SPEC §4), and refuses a larger one before
# merging anything: one message with the real sizes, exit 1 (a merge that
# failed, for git), and OURS byte for byte as it was. It used to read about
# 2 MiB of each and write OURS back with the rest of the file cut off.

load helper
load sync

setup() {
	sync_setup
	D=$BATS_TEST_TMPDIR/m
	mkdir -p "$D"
	record >"$D/base"
	{ record; echo 'next_action: позвонить директору'; } >"$D/theirs"
}

# A valid record of ООО «Ромашка».
record() {
	printf '%s\n' 'id: romashka' 'name: ООО «Ромашка»' 'kind: external' 'manager: ivanov' 'phase: 1' \
		'phase_since: 2026-11-02T10:15:00+05:00' 'created: 2026-11-02T10:15:00+05:00' \
		'history:' '  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, phase: 1, manager: ivanov}'
}

# The record with $1 notes, a minute apart (about 100 bytes each); the last
# one says so: what a cut would lose first.
big_record() {
	record
	echo 'notes:'
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "  - {at: 2026-%02d-%02dT%02d:%02d:00+05:00, by: ivanov, channel: call, text: звонок номер %d}\n",
				1 + int(i / 40320), 1 + int(i / 1440) % 28, int(i / 60) % 24, i % 60, i
	}'
	echo '  - {at: 2026-10-30T10:00:00+05:00, by: ivanov, text: the last note}'
}

@test "an OURS of 3 MiB is refused: the sizes said, exit 1, OURS byte for byte as it was" {
	big_record 32000 >"$D/ours"
	cp "$D/ours" "$D/ours.before"
	size=$(stat -c %s "$D/ours")
	run --separate-stderr preg merge-file "$D/base" "$D/ours" "$D/theirs" "$(record_path romashka)"
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: $(record_path romashka): not merged: base $(stat -c %s "$D/base") bytes, ours $size bytes, theirs $(stat -c %s "$D/theirs") bytes; a record is at most 1048576 bytes (1 MiB), so ours is left as it was"
	cmp "$D/ours" "$D/ours.before"
}

@test "a THEIRS or a BASE too large is refused the same way; OURS unchanged" {
	cp "$D/theirs" "$D/ours"
	cp "$D/ours" "$D/ours.before"
	big_record 25000 >"$D/theirs"
	run --separate-stderr preg merge-file "$D/base" "$D/ours" "$D/theirs" "$(record_path romashka)"
	[ "$status" -eq 1 ]
	[[ $stderr == "preg: error: $(record_path romashka): not merged: base "*", theirs $(stat -c %s "$D/theirs") bytes; a record is at most 1048576 bytes (1 MiB), so ours is left as it was" ]]
	cmp "$D/ours" "$D/ours.before"

	big_record 11000 >"$D/base"
	big_record 11500 >"$D/theirs"
	run --separate-stderr preg merge-file "$D/base" "$D/ours" "$D/theirs"
	[ "$status" -eq 1 ]
	[[ $stderr == "preg: error: $D/ours: not merged: base $(stat -c %s "$D/base") bytes, ours $(stat -c %s "$D/ours") bytes, theirs $(stat -c %s "$D/theirs") bytes; "* ]]
	cmp "$D/ours" "$D/ours.before"
}

@test "a record just under 1 MiB is read whole and merged to its last line" {
	big_record 10300 >"$D/base"
	[ "$(stat -c %s "$D/base")" -lt 1048576 ]
	[ "$(stat -c %s "$D/base")" -gt 1000000 ]
	sed 's/^phase: 1$/&\nnext_contact: 2026-12-01/' "$D/base" >"$D/ours"
	sed 's/^phase: 1$/&\nnext_action: позвонить директору/' "$D/base" >"$D/theirs"
	# Under timeout(1): the union of 10,000 notes on each side compared
	# every note with every other (8 s); it is a sort now.
	run --separate-stderr timeout 60 "$PREG" merge-file "$D/base" "$D/ours" "$D/theirs" "$(record_path romashka)"
	[ "$status" -eq 0 ]
	same "$stderr" ""
	grep -qx 'next_contact: 2026-12-01' "$D/ours"
	grep -qx 'next_action: позвонить директору' "$D/ours"
	same "$(tail -n 1 "$D/ours")" "  - {at: 2026-10-30T10:00:00+05:00, by: ivanov, text: the last note}"
	[ "$(grep -c '^  - {at: .*, text: ' "$D/ours")" -eq 10301 ]
}

@test "git pull with a 3 MiB record changed on both sides: the driver refuses, git stops, the file is ours" {
	git init -q --bare "$REMOTE"
	preg init --remote "$REMOTE" "$A" >/dev/null
	preg -C "$A" client add "ООО «Ромашка»" --id romashka >/dev/null
	preg -C "$A" sync >/dev/null
	preg clone "$REMOTE" "$B" >/dev/null
	# Hand-written on both sides (preg itself writes no record over 1 MiB).
	{ big_record 32000; echo 'next_action: from A'; } >"$A/$(record_path romashka)"
	git -C "$A" commit -qam "a long letter, from A"
	git -C "$A" push -q
	{ big_record 32000; echo 'next_action: from B'; } >"$B/$(record_path romashka)"
	git -C "$B" commit -qam "a long letter, from B"
	git -C "$B" show HEAD:"$(record_path romashka)" >"$BATS_TEST_TMPDIR/ours"
	run git -C "$B" pull -q --no-rebase --no-edit
	[ "$status" -eq 1 ]
	[[ $output == *"preg: error: $(record_path romashka): not merged: "*"ours 3"*" bytes"* ]]
	cmp "$B/$(record_path romashka)" "$BATS_TEST_TMPDIR/ours"
	same "$(git -C "$B" status --porcelain)" "UU $(record_path romashka)"
}
