#!/usr/bin/env bats
# What a user met using preg as README and the man pages say: each test
# names the promise it checks, and failed before its fix.

load helper
load sync

setup() {
	sync_setup
}

@test "preg-log(1): a merge made by git pull is its git author's, not the acting user whose note it brings in" {
	shared
	at 02T11:00 ivanov "$A" note romashka "встреча назначена" --channel meeting
	at 02T11:01 ivanov "$A" sync
	at 02T11:02 petrov "$B" note romashka "письмо отправлено" --channel letter
	GIT_AUTHOR_NAME="Kozlov Git" GIT_AUTHOR_EMAIL=kozlov@example.com \
		GIT_AUTHOR_DATE=2026-11-02T11:05:00+05:00 git -C "$B" pull -q --no-edit
	[ "$(git -C "$B" rev-list --count --merges HEAD)" -eq 1 ]
	run --separate-stderr preg -C "$B" log romashka --format tsv
	[ "$status" -eq 0 ]
	# The merge is newest; the two notes under it, each its maker's.
	same "$(cut -f 2-6 <<<"$output" | sed -n 2p)" "2026-11-02T11:05:00+05:00	Kozlov Git	romashka	git	note added: meeting: встреча назначена"
	same "$(cut -f 2-6 <<<"$output" | sed -n 3,4p | sort)" "2026-11-02T11:00:00+05:00	ivanov	romashka	note	note added: meeting: встреча назначена
2026-11-02T11:02:00+05:00	petrov	romashka	note	note added: letter: письмо отправлено"
	# ivanov made the note once: --author finds it once.
	run --separate-stderr preg -C "$B" log --author ivanov --format tsv
	same "$(cut -f 5-6 <<<"$output" | grep -c meeting)" 1
	run --separate-stderr preg -C "$B" log --author kozlov --format tsv
	same "$(cut -f 3,5 <<<"$output" | tail -n +2)" "Kozlov Git	git"
}

@test "preg-init(1): --remote with a relative path shares the register, as git clone takes one" {
	mkdir -p "$BATS_TEST_TMPDIR/srv" "$BATS_TEST_TMPDIR/work"
	preg remote init "$BATS_TEST_TMPDIR/srv/sales.git" >/dev/null
	cd "$BATS_TEST_TMPDIR/work"
	run --separate-stderr preg init --remote ../srv/sales.git reg
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "created a register in $BATS_TEST_TMPDIR/work/reg (template freight)
synced with origin: 0 commits received, 1 sent"
	same "$(git -C reg config remote.origin.url)" "$BATS_TEST_TMPDIR/srv/sales.git"
	same "$(git -C "$BATS_TEST_TMPDIR/srv/sales.git" rev-parse main)" "$(git -C reg rev-parse HEAD)"
	# A later sync, from anywhere, reaches the same remote.
	cd /
	at 02T11:00 ivanov "$BATS_TEST_TMPDIR/work/reg" client add "ООО «Ромашка»"
	run --separate-stderr preg -C "$BATS_TEST_TMPDIR/work/reg" sync
	[ "$status" -eq 0 ]
	same "$output" "synced with origin: 0 commits received, 1 sent"
	verified "$BATS_TEST_TMPDIR/work/reg"
}

@test "preg-sync(1): the conflict a sync names in a commit made with plain git is a trailer, not part of its summary" {
	shared
	at 02T11:00 ivanov "$A" client set romashka next_action="позвонить"
	at 02T11:01 ivanov "$A" sync
	sed -i '/^kind:/a next_action: написать' "$B/clients/ro/romashka.yaml"
	GIT_AUTHOR_DATE=2026-11-02T11:02:00+05:00 git -C "$B" commit -qam "next action by hand"
	PREG_NOW=2026-11-02T11:03:00+05:00 PREG_USER=petrov run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "$output" "romashka: next_action changed here and on origin: kept 'написать', replaced 'позвонить'
synced with origin: 1 commit received, 1 sent"
	same "$(git -C "$B" log -1 --format=%s)" "next action by hand"
	same "$(git -C "$B" log -1 --format='%(trailers:key=Preg-Conflict,valueonly)')" \
		"romashka next_action 'написать' replaced 'позвонить'"
	verified "$A" "$B"
}
