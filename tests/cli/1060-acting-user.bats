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
		"ooo-baikal-voda
ooo-kedr
ooo-romashka
Preg-User: smirnov"
	for id in ooo-romashka ooo-kedr ooo-baikal-voda; do
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
