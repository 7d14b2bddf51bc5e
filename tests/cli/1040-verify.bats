#!/usr/bin/env bats
# preg verify: every record's history and notes only grew by appending,
# events came with a preg commit that names the client, and phase and
# manager agree with the last events; each failing record is named.

load helper

F="$(record_path acme)"

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	PREG_NOW=2026-10-01T09:00:00+05:00 "$PREG" init "$P" >/dev/null
	PREG_NOW=2026-10-01T10:00:00+05:00 "$PREG" -C "$P" client add "Acme Ltd" --id acme >/dev/null
	PREG_NOW=2026-10-02T10:00:00+05:00 "$PREG" -C "$P" phase set acme presentation -m "met the director" >/dev/null
	PREG_NOW=2026-10-03T10:00:00+05:00 "$PREG" -C "$P" note acme "sent slides" --channel email >/dev/null
	PREG_NOW=2026-10-04T10:00:00+05:00 "$PREG" -C "$P" client add Romashka --id romashka >/dev/null
	PREG_NOW=2026-10-05T10:00:00+05:00 PREG_USER=smirnov "$PREG" -C "$P" client reassign --from ivanov --to petrov romashka >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
}

# by_hand MESSAGE: commit the work tree with plain git.
by_hand() {
	git -C "$R" commit -qam "$1"
	hand=$(git -C "$R" rev-parse --short=7 HEAD)
}

@test "a register written by preg verifies" {
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "verified 6 commits and 2 records: every history only grew by appending"
}

@test "an undo and a removal verify too" {
	preg -C "$R" phase set acme quotation >/dev/null
	preg -C "$R" undo >/dev/null
	preg -C "$R" client rm romashka
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 0 ]
	same "$output" "verified 9 commits and 1 record: every history only grew by appending"
}

@test "a history event edited by hand and committed with git is caught" {
	sed -i 's/note: met the director/note: met the CEO/' "$R/$F"
	by_hand "fix a typo"
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 1 ]
	same "$output" "acme: commit $hand (fix a typo): history event 2 of 2 was changed"
	same "$stderr" "preg: error: 1 problem found in 7 commits"
}

@test "a note removed by hand is caught" {
	sed -i '/^notes:/,$d' "$R/$F"
	by_hand "drop the notes"
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 1 ]
	same "$output" "acme: commit $hand (drop the notes): note 1 of 1 was removed"
}

@test "an event appended without preg is caught" {
	sed -i 's/^notes:/  - {at: 2026-10-06T10:00:00+05:00, by: ivanov, phase: 7}\nnotes:/' "$R/$F"
	sed -i 's/^phase: 3$/phase: 7/; s/^phase_since: .*/phase_since: 2026-10-06T10:00:00+05:00/' "$R/$F"
	by_hand "contract"
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 1 ]
	same "$output" "acme: commit $hand (contract): a history event added by a commit made without preg (no Preg-Action)"
}

@test "a phase changed without its event disagrees at the tip" {
	sed -i 's/^phase: 3$/phase: 5/' "$R/$F"
	sed -i 's/^manager: petrov$/manager: sidorov/' "$R/$(record_path romashka)"
	by_hand "move by hand"
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 1 ]
	same "$output" "acme: phase is 5, the last phase event says 3
romashka: manager is sidorov, the last manager event says petrov"
}

@test "a record broken by hand is named" {
	echo "phase: [" >>"$R/$F"
	by_hand "break it"
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 1 ]
	local at="$(record_path acme):$(wc -l <"$R/$F"):1: duplicate key 'phase'"
	same "$output" "acme: commit $hand (break it): the record does not parse: $at
acme: $at"
}

@test "a merge of two lines of work verifies; log shows each change once" {
	git -C "$R" branch side
	PREG_NOW=2026-10-06T10:00:00+05:00 preg -C "$R" note romashka "on main" >/dev/null
	git -C "$R" switch -q side
	PREG_NOW=2026-10-06T11:00:00+05:00 preg -C "$R" note acme "on the side" >/dev/null
	git -C "$R" switch -q main
	GIT_AUTHOR_DATE=2026-10-07T10:00:00+05:00 git -C "$R" merge -q --no-edit side
	[ "$(git -C "$R" rev-list --count --merges HEAD)" -eq 1 ]
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 0 ]
	same "$output" "verified 9 commits and 2 records: every history only grew by appending"
	run preg -C "$R" log --since 2026-10-06 --format tsv
	same "$(echo "$output" | cut -f 4-)" "client	action	changes
acme	note	note added: on the side
romashka	note	note added: on main"
	# A merge that drops an event of one side is caught.
	merged=$(git -C "$R" rev-parse --short=7 HEAD)
	git -C "$R" reset -q --hard HEAD~1
	git -C "$R" merge -q --no-commit side
	sed -i '/on the side/d' "$R/$F"
	git -C "$R" commit -qam "merge, badly"
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 1 ]
	same "${lines[0]}" "acme: commit $(git -C "$R" rev-parse --short=7 HEAD) (merge, badly): the merge lost a history event or note of parent 2"
	# (The merge this one replaced is gone from the branch: a rewrite.)
	same "${lines[1]}" "history: rewritten on this clone: 1 commit its log index held (from $merged on) is no longer on the branch"
}

@test "verify takes no operands" {
	run --separate-stderr preg -C "$R" verify acme
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: unexpected argument 'acme'"
}

# claim_undo COMMIT: commit the work tree with plain git under a message
# that claims to be preg's undo of COMMIT.
claim_undo() {
	printf 'undo: by hand\n\nPreg-Client: acme\nPreg-Action: undo\nPreg-Undo: %s\n' "$1" |
		git -C "$R" commit -qa -F -
	hand=$(git -C "$R" rev-parse --short=7 HEAD)
}

# verify_anew: verify as a clone would that never saw the commits amended
# here (each amend is a rewrite the log index would report).
verify_anew() {
	rm -rf "$R/.git/preg-cache"
	"$PREG" -C "$R" verify
}

@test "a plain-git commit that claims to be an undo is checked against the commit it names" {
	# acme as added (HEAD~4) and after the phase move (HEAD~3), before the
	# note (HEAD~2).
	git -C "$R" show "HEAD~3:$F" >"$BATS_TEST_TMPDIR/after-phase"
	git -C "$R" show "HEAD~4:$F" >"$BATS_TEST_TMPDIR/as-added"
	noted=$(git -C "$R" rev-parse HEAD~2)
	moved=$(git -C "$R" rev-parse HEAD~3)
	# Back to the record as added, claiming to undo the phase move: the
	# note came after it, so that is no undo of it.
	cp "$BATS_TEST_TMPDIR/as-added" "$R/$F"
	claim_undo "$moved"
	run --separate-stderr verify_anew
	[ "$status" -eq 1 ]
	same "$output" "acme: commit $hand (undo: by hand): the undo of ${moved:0:7} comes after commit ${noted:0:7} changed the record"
	# Naming the note instead: the record is not as it was before the note.
	git -C "$R" commit -q --amend -m "undo: by hand

Preg-Client: acme
Preg-Action: undo
Preg-Undo: $noted"
	hand=$(git -C "$R" rev-parse --short=7 HEAD)
	run --separate-stderr verify_anew
	[ "$status" -eq 1 ]
	same "${lines[0]}" "acme: commit $hand (undo: by hand): the undo of ${noted:0:7} does not restore the record as it was before it"
	# An undo of the note, restoring the record as it was before it, is one.
	cp "$BATS_TEST_TMPDIR/after-phase" "$R/$F"
	git -C "$R" commit -q --amend -a --no-edit
	run --separate-stderr verify_anew
	[ "$status" -eq 0 ]
	# Claiming undo without naming a commit: the rules of any commit.
	git -C "$R" commit -q --amend -m "undo: by hand

Preg-Client: acme
Preg-Action: undo"
	hand=$(git -C "$R" rev-parse --short=7 HEAD)
	run --separate-stderr verify_anew
	[ "$status" -eq 1 ]
	same "$output" "acme: commit $hand (undo: by hand): note 1 of 1 was removed"
}

@test "an undo merged with later changes may take back only what the commit it names did" {
	# The phase move (HEAD~3) taken back after the note (HEAD~2) that came
	# later, as a sync merges an undo with changes made since: the move's
	# event out, the phase back, the note kept.
	moved=$(git -C "$R" rev-parse HEAD~3)
	noted=$(git -C "$R" rev-parse HEAD~2)
	git -C "$R" show "HEAD~2:$F" |
		sed -e '/phase: 3, note: met the director/d' -e 's/^phase: 3$/phase: 1/' \
			-e 's/^phase_since: .*/phase_since: 2026-10-01T10:00:00+05:00/' >"$R/$F"
	claim_undo "$moved"
	run --separate-stderr verify_anew
	[ "$status" -eq 0 ]
	# The same, but the name changed too, which the move did not change.
	sed -i 's/^name: .*/name: Acme Forged/' "$R/$F"
	git -C "$R" commit -q --amend -a --no-edit
	hand=$(git -C "$R" rev-parse --short=7 HEAD)
	run --separate-stderr verify_anew
	[ "$status" -eq 1 ]
	same "${lines[0]}" "acme: commit $hand (undo: by hand): the undo of ${moved:0:7} comes after commit ${noted:0:7} changed the record"
	# Or a note taken out that the move did not add.
	git -C "$R" show "HEAD~1:$F" >"$R/$F"
	sed -i -e '/phase: 3, note: met the director/d' -e 's/^phase: 3$/phase: 1/' \
		-e 's/^phase_since: .*/phase_since: 2026-10-01T10:00:00+05:00/' -e '/sent slides/d' -e '/^notes:$/d' "$R/$F"
	git -C "$R" commit -q --amend -a --no-edit
	hand=$(git -C "$R" rev-parse --short=7 HEAD)
	run --separate-stderr verify_anew
	[ "$status" -eq 1 ]
	same "${lines[0]}" "acme: commit $hand (undo: by hand): the undo of ${moved:0:7} comes after commit ${noted:0:7} changed the record"
}

@test "an undo may only take back a record the commit it names changed" {
	PREG_NOW=2026-10-06T10:00:00+05:00 preg -C "$R" note romashka "звонок" >/dev/null
	noted=$(git -C "$R" rev-parse HEAD)
	# Put acme back as it was before the note on acme, naming the note on
	# romashka.
	git -C "$R" show "HEAD~4:$F" >"$R/$F"
	claim_undo "$noted"
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 1 ]
	same "${lines[0]}" "acme: commit $hand (undo: by hand): the undo of ${noted:0:7} changes the record, which ${noted:0:7} did not change"
}

@test "what a merge commit adds beyond its parents follows the rules of any commit" {
	git -C "$R" branch side
	PREG_NOW=2026-10-06T10:00:00+05:00 preg -C "$R" note romashka "on main" >/dev/null
	git -C "$R" switch -q side
	PREG_NOW=2026-10-06T11:00:00+05:00 preg -C "$R" note acme "on the side" >/dev/null
	git -C "$R" switch -q main
	git -C "$R" merge -q --no-commit side
	# The merge slips in a note nobody wrote with preg.
	printf '  - {at: 2026-10-06T12:00:00+05:00, by: petrov, text: a note slipped into the merge}\n' >>"$R/$F"
	git -C "$R" commit -qam "merge side"
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 1 ]
	same "$output" "acme: commit $(git -C "$R" rev-parse --short=7 HEAD) (merge side): a note added by a commit made without preg (no Preg-Action)"
}

# rewrite_note COMMIT: rewrite the note of COMMIT in that commit with plain
# git and replay the commits after it: every message, author and trailer
# kept, every commit from there on a new one.
rewrite_note() {
	git -C "$R" checkout -q "$1~1"
	git -C "$R" cherry-pick --no-commit "$1" >/dev/null
	sed -i 's/text: sent slides/text: sent the slides and the price list/' "$R/$F"
	git -C "$R" commit -q -a -C "$1"
	git -C "$R" cherry-pick "$1..main" >/dev/null
	git -C "$R" branch -q -f main HEAD
	git -C "$R" checkout -q main
}

@test "a rewrite that keeps the trailers is reported by the log index that saw the old history" {
	preg -C "$R" log >/dev/null
	noted=$(git -C "$R" rev-parse HEAD~2)
	rewrite_note "$noted"
	# Each commit, read alone, proves nothing wrong: the rewritten note
	# was added by a preg commit. The index of this clone saw the old one.
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 1 ]
	same "$output" "history: rewritten on this clone: 3 commits its log index held (from ${noted:0:7} on) are no longer on the branch"
	[[ $stderr == *"preg: warning: the history of refs/heads/main was rewritten: 3 commits the log index held are no longer on it (the first: ${noted:0:12}); rebuilt the index"* ]]
	# And again, now that the index is rebuilt: the record stays.
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 1 ]
	same "$output" "history: rewritten on this clone: 3 commits its log index held (from ${noted:0:7} on) are no longer on the branch"
}

@test "a rewrite is reported against a remote's history" {
	git init -q --bare "$BATS_TEST_TMPDIR/remote.git"
	git -C "$R" push -q "$BATS_TEST_TMPDIR/remote.git" main
	git -C "$R" fetch -q "$BATS_TEST_TMPDIR/remote.git" "+main:refs/remotes/origin/main"
	noted=$(git -C "$R" rev-parse HEAD~2)
	# A fresh clone of this register knows no log index: only the remote
	# can tell.
	rm -rf "$R/.git/preg-cache"
	rewrite_note "$noted"
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 1 ]
	same "$output" "history: differs from origin/main: 3 changes (author, time, summary) are another commit there (here $(git -C "$R" rev-parse --short=7 HEAD~2), there ${noted:0:7}): one side was rewritten"
	# Work that is simply not synced yet is no rewrite.
	git -C "$R" fetch -q "$BATS_TEST_TMPDIR/remote.git" "+main:refs/remotes/origin/main"
	git -C "$R" update-ref refs/remotes/origin/main "$(git -C "$R" rev-parse HEAD~1)"
	PREG_NOW=2026-10-07T10:00:00+05:00 preg -C "$R" note acme "not synced yet" >/dev/null
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 0 ]
}
