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
	sed -i '/^kind:/a next_action: написать' "$B/$(record_path romashka)"
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

@test "preg-sync(1): preg.yaml changed on two clones keeps both changes, by key; a key changed on both keeps the local one, named" {
	shared
	# The head lists the managers on A and shares it.
	printf 'managers:\n  ivanov: {name: Иван Иванов, email: ivanov@example.com, role: head}\n  petrov: {name: Пётр Петров, email: petrov@example.com}\n' >>"$A/preg.yaml"
	git -C "$A" commit -qam "managers"
	at 02T11:00 ivanov "$A" sync
	# Meanwhile petrov gave research 21 days on B, offline.
	sed -i '0,/stale_after: 14d/s//stale_after: 21d/' "$B/preg.yaml"
	git -C "$B" commit -qam "research: 21 days"
	PREG_NOW=2026-11-02T11:05:00+05:00 PREG_USER=petrov run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "$output" "synced with origin: 1 commit received, 1 sent"
	grep -q 'petrov: {name: Пётр Петров, email: petrov@example.com}' "$B/preg.yaml"
	grep -q 'stale_after: 21d' "$B/preg.yaml"
	run --separate-stderr preg -C "$B" manager list --format tsv
	same "$(cut -f 1,3 <<<"$output")" "handle	email
ivanov	ivanov@example.com
petrov	petrov@example.com"
	at 02T11:06 ivanov "$A" sync
	same "$(git -C "$A" show HEAD:preg.yaml)" "$(git -C "$B" show HEAD:preg.yaml)"
	verified "$A" "$B"
	# Both change research's limit: the local one is kept and named.
	sed -i 's/stale_after: 21d/stale_after: 10d/' "$A/preg.yaml"
	git -C "$A" commit -qam "research: 10 days"
	at 02T11:07 ivanov "$A" sync
	sed -i 's/stale_after: 21d/stale_after: 30d/' "$B/preg.yaml"
	printf 'mail: {from: sales@example.com}\n' >>"$B/preg.yaml"
	git -C "$B" commit -qam "research: 30 days; the sender"
	PREG_NOW=2026-11-02T11:08:00+05:00 PREG_USER=petrov run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "$output" "preg.yaml: phases changed here and on the remote; kept the local version
synced with origin: 1 commit received, 1 sent"
	grep -q 'stale_after: 30d' "$B/preg.yaml"
	grep -q 'mail: {from: sales@example.com}' "$B/preg.yaml"
	grep -q 'ivanov: {name: Иван Иванов' "$B/preg.yaml"
	same "$(git -C "$B" log -1 --format='%(trailers:key=Preg-Conflict,valueonly)')" \
		"preg.yaml phases changed on both sides, local version kept"
	verified "$B"
}

@test "preg-review(1), preg-log(1): the manager by the display name preg.yaml lists, as reassign takes it; a departed handle still works" {
	new_register
	printf 'managers:\n  ivanov: {name: Семён Иванов}\n  petrov: {name: Пётр Петров}\n' >>"$R/preg.yaml"
	git -C "$R" commit -qam managers
	PREG_USER=petrov preg -C "$R" client add "ООО «Ромашка»" --id romashka --manager petrov >/dev/null
	run --separate-stderr preg -C "$R" review "Пётр Петров" --format tsv
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$(sed -n 2p <<<"$output" | cut -f 1,3,4)" "romashka	true	petrov"
	same "$output" "$(preg -C "$R" review petrov --format tsv)"
	run --separate-stderr preg -C "$R" review PETROV --format tsv
	[ "$status" -eq 0 ]
	same "$output" "$(preg -C "$R" review petrov --format tsv)"
	run --separate-stderr preg -C "$R" log --manager "петр петров" --format tsv
	[ "$status" -eq 0 ]
	same "$(tail -n +2 <<<"$output" | cut -f 3-5)" "petrov	romashka	add"
	# A handle preg.yaml does not list (a manager who left) is taken as
	# it is; a name that is neither is a usage error.
	run --separate-stderr preg -C "$R" review sidorov --format tsv
	[ "$status" -eq 0 ]
	run --separate-stderr preg -C "$R" review "Нет Такого"
	[ "$status" -eq 2 ]
	same "${stderr%%$'\n'*}" "preg: invalid manager 'Нет Такого'"
}

@test "preg-sync(1): preg.yaml with a comment above a key still merges by keys" {
	shared
	printf '# the team\nmanagers:\n  ivanov: {name: Иван Иванов}\n  petrov: {name: Пётр Петров}\n' >>"$A/preg.yaml"
	git -C "$A" commit -qam "managers"
	at 02T11:00 ivanov "$A" sync
	sed -i '0,/stale_after: 14d/s//stale_after: 21d/' "$B/preg.yaml"
	git -C "$B" commit -qam "research: 21 days"
	PREG_NOW=2026-11-02T11:05:00+05:00 PREG_USER=petrov run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "$output" "synced with origin: 1 commit received, 1 sent"
	same "$(tail -n 4 "$B/preg.yaml")" "# the team
managers:
  ivanov: {name: Иван Иванов}
  petrov: {name: Пётр Петров}"
	grep -q 'stale_after: 21d' "$B/preg.yaml"
	verified "$B"
}
