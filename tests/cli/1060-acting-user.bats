#!/usr/bin/env bats
# Every change is attributed: the register names in each commit the records
# it changed (Preg-Client) and the acting user (Preg-User), whatever wrote
# it; log, review and undo go by the acting user, not the git author.

load helper

setup() {
	common_setup
	new_register
	cd "$BATS_TEST_TMPDIR"
}

@test "import of several rows: the commit names every client; each client's log shows it, by the acting user" {
	printf '%s\r\n' 'Client,Phase 1,Manager' \
		'"ООО «Ромашка»",2026-10-01,petrov' \
		'"ООО «Кедр»",,ivanov' \
		'"ООО «Байкал-Вода»",,' >paper.csv
	PREG_USER=smirnov preg -C "$R" import paper.csv >/dev/null
	hash=$(git -C "$R" rev-parse HEAD)
	same "$(git -C "$R" log -1 --format='%(trailers:key=Preg-Client,valueonly)%(trailers:key=Preg-User)')" \
		"baikal-voda
kedr
romashka
Preg-User: smirnov"
	for id in romashka kedr baikal-voda; do
		run --separate-stderr preg -C "$R" log "$id" --format tsv
		[ "$status" -eq 0 ]
		same "$(cut -f 1,3-5 <<<"$output")" "commit	author	client	action
$hash	smirnov	$id	import"
	done
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 0 ]
	same "$output" "verified 2 commits and 3 records: every history only grew by appending"
	run preg -C "$R" check
	[ "$status" -eq 0 ]
}

# A client of ivanov's, added at T0.
acme() {
	preg -C "$R" client add "ООО «Акме»" --id acme >/dev/null
}

# The trail of acme as "author action" lines, newest first.
trail() {
	preg -C "$R" log acme --format tsv | tail -n +2 | cut -f 3,5
}

@test "client set, edit and rm record the acting user, not the git author" {
	acme
	PREG_NOW=2026-11-03T10:00:00+05:00 PREG_USER=petrov preg -C "$R" client set acme next_action="позвонить директору"
	same "$(git -C "$R" log -1 --format='%an|%(trailers:key=Preg-User,valueonly)')" "Test User|petrov"
	printf '#!/bin/sh\nsed -i "s/^name: .*/name: ООО «Акме-Сервис»/" "$1"\n' >editor
	chmod +x editor
	PREG_NOW=2026-11-04T10:00:00+05:00 PREG_USER=smirnov EDITOR=./editor preg -C "$R" client edit acme </dev/null
	same "$(git -C "$R" log -1 --format='%an|%(trailers:key=Preg-User,valueonly)')" "Test User|smirnov"
	PREG_NOW=2026-11-05T10:00:00+05:00 PREG_USER=sidorov preg -C "$R" client rm acme
	same "$(git -C "$R" log -1 --format='%an|%(trailers:key=Preg-User,valueonly)')" "Test User|sidorov"
	same "$(trail)" "sidorov	rm
smirnov	edit
petrov	set
ivanov	add"
	run preg -C "$R" log --author petrov --format tsv
	same "$(cut -f 3-5 <<<"$output" | tail -n +2)" "petrov	acme	set"
	# review finds the manager's own changes by the acting user too.
	run preg -C "$R" review smirnov --format tsv
	same "$(tail -n 1 <<<"$output" | cut -f 3-5)" "smirnov	acme	edit"
}

@test "with one shared git identity, undo takes back only the acting user's own last change" {
	acme
	preg -C "$R" client add "ООО «Кедр»" --id kedr >/dev/null
	PREG_NOW=2026-11-03T10:00:00+05:00 preg -C "$R" note kedr "звонок ivanov"
	PREG_NOW=2026-11-03T11:00:00+05:00 PREG_USER=petrov preg -C "$R" client set acme next_action="счёт"
	head0=$(git -C "$R" rev-parse HEAD)
	# head made no change: nothing of petrov's or ivanov's is taken back.
	PREG_USER=head run --separate-stderr preg -C "$R" undo
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: nothing to undo: no preg commit of head"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	# ivanov's last change is his note, not petrov's later set.
	run --separate-stderr preg -C "$R" undo
	[ "$status" -eq 0 ]
	same "$output" "undid $(git -C "$R" rev-parse --short=7 HEAD~2) (note: kedr)"
	grep -q 'next_action: счёт' "$R/$(record_path acme)"
	! grep -q 'звонок ivanov' "$R/$(record_path kedr)"
	same "$(git -C "$R" log -1 --format='%(trailers:key=Preg-User,valueonly)%(trailers:key=Preg-Client,valueonly)')" "ivanov
kedr"
	# petrov's undo takes back petrov's set.
	PREG_USER=petrov run --separate-stderr preg -C "$R" undo
	[ "$status" -eq 0 ]
	! grep -q 'next_action' "$R/$(record_path acme)"
	run preg -C "$R" verify
	[ "$status" -eq 0 ]
}
