#!/usr/bin/env bats
# 1240-sync-trust: a sync never produces a history that verify rejects.
# Offline work on two or three clones, clients added under one id on both
# sides (renamed), undos made offline: after the syncs, verify and check
# pass on every clone and each client's log is its own.

load helper
load sync

setup() {
	sync_setup
	C=$BATS_TEST_TMPDIR/c
}

# A bare remote, A made with init --remote and one client, B (and C) clones.
shared() {
	git init -q --bare "$REMOTE"
	PREG_NOW=2026-11-02T09:00:00+05:00 preg init --remote "$REMOTE" "$A" >/dev/null
	PREG_NOW=2026-11-02T09:30:00+05:00 preg -C "$A" client add "ООО «Ромашка»" --id romashka >/dev/null
	preg -C "$A" sync >/dev/null
	preg clone "$REMOTE" "$B" >/dev/null
	preg clone "$REMOTE" "$C" >/dev/null
}

# The trail of ID on clone DIR as "author action changes" lines.
trail() {
	preg -C "$1" log "$2" --format tsv | tail -n +2 | cut -f 3,5,6
}

@test "offline notes on two clones, interleaved in time: after the syncs verify passes on both" {
	shared
	at 03T09:00 ivanov "$A" note romashka "звонок A1"
	at 03T10:00 petrov "$B" note romashka "звонок B1"
	at 03T11:00 ivanov "$A" note romashka "звонок A2"
	at 03T12:00 petrov "$B" note romashka "звонок B2"
	at 03T13:00 petrov "$B" phase set romashka 2
	# B's log index knows B's local commits, which the sync replays.
	preg -C "$B" log >/dev/null
	preg -C "$A" sync >/dev/null
	preg -C "$B" sync >/dev/null
	preg -C "$A" sync >/dev/null
	# A replay is no rewrite of history: no warning, nothing recorded.
	run --separate-stderr preg -C "$B" log romashka
	same "$stderr" ""
	[ ! -e "$B/.git/preg-cache/rewrites" ]
	same "$(git -C "$A" rev-parse HEAD)" "$(git -C "$B" rev-parse HEAD)"
	same "$(sed -n 's/.*text: //p' "$A/"$(record_path romashka)"")" "звонок A1}
звонок B1}
звонок A2}
звонок B2}"
	verified "$A" "$B"
	# Each replayed commit is still its user's, naming the client.
	same "$(git -C "$B" log -3 --format='%(trailers:key=Preg-Client,valueonly)%(trailers:key=Preg-User,valueonly)' | sed '/^$/d')" "romashka
petrov
romashka
petrov
romashka
petrov"
}

@test "three clones working offline, synced in turn: verify passes on each, all end equal" {
	shared
	at 03T09:00 ivanov "$A" client add "ООО «Кедр»" --id kedr
	at 03T09:10 petrov "$B" note romashka "B: presentation sent"
	at 03T09:20 sidorov "$C" note romashka "C: asked for rates"
	at 03T09:05 ivanov "$A" note romashka "A: director on holiday"
	at 03T09:40 petrov "$B" phase set romashka 3
	at 03T09:50 sidorov "$C" client set romashka next_action="позвонить"
	at 03T10:00 ivanov "$A" phase set kedr 2
	for d in "$B" "$C" "$A" "$B" "$C"; do
		preg -C "$d" sync >/dev/null
	done
	same "$(git -C "$A" rev-parse HEAD) $(git -C "$B" rev-parse HEAD)" \
		"$(git -C "$C" rev-parse HEAD) $(git -C "$C" rev-parse HEAD)"
	verified "$A" "$B" "$C"
	[ "$(grep -c 'text: ' "$A/"$(record_path romashka)"")" -eq 3 ]
}

@test "a client added on both sides is renamed; verify passes and each id's log is its own" {
	shared
	at 03T09:00 ivanov "$A" client add "ООО «Байкал-Вода»" --id baikal-voda
	at 03T09:30 ivanov "$A" note baikal-voda "A: первый звонок"
	at 03T10:00 petrov "$B" client add "ООО «Байкал-Вода» (Иркутск)" --id baikal-voda --manager petrov
	at 03T10:30 petrov "$B" note baikal-voda "B: письмо отправлено"
	preg -C "$A" sync >/dev/null
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "$output" "renamed: baikal-voda -> baikal-voda-2 (added here and on the remote under one id)
synced with origin: 2 commits received, 2 sent"
	preg -C "$A" sync >/dev/null
	verified "$A" "$B"
	for d in "$A" "$B"; do
		same "$(trail "$d" baikal-voda)" "ivanov	note	note added: A: первый звонок
ivanov	add	added (ООО «Байкал-Вода»)"
		same "$(trail "$d" baikal-voda-2)" "petrov	note	note added: B: письмо отправлено
petrov	add	added (ООО «Байкал-Вода» (Иркутск))"
	done
	same "$(git -C "$B" log -2 --format='%s|%(trailers:key=Preg-Client,valueonly,separator=%x2C)')" \
		"note: baikal-voda-2|baikal-voda-2
add: baikal-voda-2 (ООО «Байкал-Вода» (Иркутск))|baikal-voda-2"
}

@test "one client added on both sides under one name: after the rename, check warns of the duplicate and passes" {
	shared
	at 03T09:00 ivanov "$A" client add "ООО «Байкал-Вода»"
	at 03T10:00 petrov "$B" client add "ООО «Байкал-Вода»" --manager petrov
	preg -C "$A" sync >/dev/null
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "$output" "renamed: baikal-voda -> baikal-voda-2 (added here and on the remote under one id)
synced with origin: 1 commit received, 1 sent"
	preg -C "$A" sync >/dev/null
	for d in "$A" "$B"; do
		run --separate-stderr preg -C "$d" check
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		same "$output" "$(record_path baikal-voda-2): warning: likely duplicate of 'baikal-voda' (the same name 'ooo-baikal-voda')"
	done
	verified "$A" "$B"
}

@test "an undo made offline is carried over as an undo of the replayed commit" {
	shared
	at 03T09:00 petrov "$B" note romashka "по ошибке"
	at 03T09:05 petrov "$B" undo
	at 03T09:10 ivanov "$A" note romashka "звонок A"
	preg -C "$A" sync >/dev/null
	preg -C "$B" sync >/dev/null
	preg -C "$A" sync >/dev/null
	! grep -q 'по ошибке' "$A/$(record_path romashka)"
	grep -q 'звонок A' "$A/$(record_path romashka)"
	same "$(git -C "$A" log -1 --format='%s|%(trailers:key=Preg-Undo,valueonly)')" \
		"undo: note: romashka|$(git -C "$A" rev-parse HEAD~1)"
	verified "$A" "$B"
}

@test "an undo of a shared commit whose record changed on the remote is merged, said, and verifies" {
	shared
	at 03T09:00 petrov "$B" note romashka "по ошибке"
	preg -C "$B" sync >/dev/null
	preg -C "$A" sync >/dev/null
	undone=$(git -C "$B" rev-parse HEAD)
	at 03T09:05 petrov "$B" undo
	at 03T09:10 ivanov "$A" note romashka "звонок A"
	preg -C "$A" sync >/dev/null
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "${lines[0]}" "the undo of ${undone:0:7} was merged with what changed on the remote since: what it took back stays out, the rest stays"
	preg -C "$A" sync >/dev/null
	verified "$A" "$B"
	# What the undo took back stays out; what the remote added stays in.
	for d in "$A" "$B"; do
		! grep -q 'по ошибке' "$d/$(record_path romashka)"
		grep -q 'звонок A' "$d/$(record_path romashka)"
	done
	same "$(git -C "$A" log -1 --format='%s|%(trailers:key=Preg-Undo,valueonly)')" "undo: note: romashka|$undone"
	same "$(trail "$A" romashka | head -1 | cut -f 1,2)" "petrov	undo"
}

@test "an undone note stays out when another clone, offline, changed the client and syncs after the undo" {
	# The story the random model test found: B noted, everyone synced; B
	# undid it and synced; C, offline since, set a field of the client.
	# C's sync merges its change with the undo: the note must not come
	# back (in C's commit, by C's user, which verify rejects).
	shared
	at 03T09:00 petrov "$B" note romashka "по ошибке"
	preg -C "$B" sync >/dev/null
	preg -C "$C" sync >/dev/null
	at 03T09:05 petrov "$B" undo
	preg -C "$B" sync >/dev/null
	at 03T09:10 sidorov "$C" client set romashka next_action="позвонить директору"
	at 03T09:11 sidorov "$C" phase set romashka 2
	run preg -C "$C" sync
	[ "$status" -eq 0 ]
	preg -C "$A" sync >/dev/null
	preg -C "$B" sync >/dev/null
	for d in "$A" "$B" "$C"; do
		! grep -q 'по ошибке' "$d/$(record_path romashka)"
		grep -q 'next_action: позвонить директору' "$d/$(record_path romashka)"
		grep -q '^phase: 2$' "$d/$(record_path romashka)"
	done
	verified "$A" "$B" "$C"
	# And by a plain git pull, through the merge driver.
	at 03T09:20 petrov "$B" note romashka "ещё раз по ошибке"
	preg -C "$B" sync >/dev/null
	preg -C "$C" sync >/dev/null
	at 03T09:25 petrov "$B" undo
	preg -C "$B" sync >/dev/null
	at 03T09:30 sidorov "$C" note romashka "звонок C"
	run git -C "$C" pull -q --no-rebase --no-edit
	[ "$status" -eq 0 ]
	! grep -q 'ещё раз по ошибке' "$C/$(record_path romashka)"
	grep -q 'звонок C' "$C/$(record_path romashka)"
	verified "$C"
}

@test "after offline work and a sync, diff --since and log --since agree, on every clone" {
	shared
	# B works offline on the 4th; A on the 5th, and syncs first; B syncs
	# on the 6th: B's change lands after A's in the line of history.
	at 04T10:00 petrov "$B" note romashka "B: письмо 4-го"
	at 05T10:00 ivanov "$A" note romashka "A: звонок 5-го"
	preg -C "$A" sync >/dev/null
	PREG_NOW=2026-11-06T10:00:00+05:00 preg -C "$B" sync >/dev/null
	preg -C "$A" sync >/dev/null
	for d in "$A" "$B"; do
		run --separate-stderr preg -C "$d" log --since 2026-11-05 --format tsv
		same "$(cut -f 3-6 <<<"$output")" "author	client	action	changes
ivanov	romashka	note	note added: A: звонок 5-го"
		run --separate-stderr preg -C "$d" diff --since 2026-11-05
		[ "$status" -eq 0 ]
		same "$output" "changed  romashka (ООО «Ромашка»)
  note added: A: звонок 5-го"
		run --separate-stderr preg -C "$d" log --since 2026-11-04 --until 2026-11-04 --format tsv
		same "$(cut -f 3-6 <<<"$output")" "author	client	action	changes
petrov	romashka	note	note added: B: письмо 4-го"
		run --separate-stderr preg -C "$d" diff --since 2026-11-04 --until 2026-11-04
		same "$output" "changed  romashka (ООО «Ромашка»)
  note added: B: письмо 4-го"
	done
}
