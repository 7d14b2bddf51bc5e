#!/usr/bin/env bats
# preg log [ID] [--manager M] [--author A] [--since D] [--until D]
# [--format ...]: the audit trail in words, newest first, and its derived
# index in .git/preg-cache/log-index (built, extended, rebuilt).

load helper

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	PREG_NOW=2026-01-10T10:00:00+05:00 "$PREG" init "$P" >/dev/null
	PREG_NOW=2026-01-11T10:00:00+05:00 "$PREG" -C "$P" client add "Acme Ltd" --id acme --field cargo=steel >/dev/null
	PREG_NOW=2026-02-01T10:00:00+05:00 PREG_USER=petrov "$PREG" -C "$P" client add Romashka --id romashka >/dev/null
	PREG_NOW=2026-02-15T10:00:00+05:00 "$PREG" -C "$P" phase set acme quotation -m "rates sent" >/dev/null
	PREG_NOW=2026-03-01T10:00:00+05:00 "$PREG" -C "$P" note acme "asked for a discount" --channel call >/dev/null
	PREG_NOW=2026-03-02T10:00:00+05:00 PREG_USER=petrov "$PREG" -C "$P" client set acme fields.cargo=pipes >/dev/null
	PREG_NOW=2026-03-03T10:00:00+05:00 PREG_USER=smirnov "$PREG" -C "$P" client reassign --from ivanov --to petrov >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	rm -rf "$R/.git/preg-cache"
	for k in 0 1 2 3 4 5 6; do
		eval "c$k=\$(git -C \"\$R\" rev-parse HEAD~$k)"
	done
	HDR="commit	time	author	client	action	changes"
	# The rows, newest first (c0 is the reassignment, c6 the init).
	ROW_REASSIGN="$c0	2026-03-03T10:00:00+05:00	smirnov	acme	reassign	manager ivanov -> petrov"
	ROW_SET="$c1	2026-03-02T10:00:00+05:00	petrov	acme	set	fields.cargo: steel -> pipes"
	ROW_NOTE="$c2	2026-03-01T10:00:00+05:00	ivanov	acme	note	note added: call: asked for a discount"
	ROW_PHASE="$c3	2026-02-15T10:00:00+05:00	ivanov	acme	phase	phase 1 (research) -> 6 (quotation)"
	ROW_ROM="$c4	2026-02-01T10:00:00+05:00	petrov	romashka	add	added (Romashka)"
	ROW_ADD="$c5	2026-01-11T10:00:00+05:00	ivanov	acme	add	added (Acme Ltd)"
}

@test "log prints every change of every client, newest first, as tsv when piped" {
	run --separate-stderr preg -C "$R" log
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "$HDR
$ROW_REASSIGN
$ROW_SET
$ROW_NOTE
$ROW_PHASE
$ROW_ROM
$ROW_ADD"
	assert_clean
}

@test "log ID is one client's trail" {
	run --separate-stderr preg -C "$R" log acme
	[ "$status" -eq 0 ]
	same "$output" "$HDR
$ROW_REASSIGN
$ROW_SET
$ROW_NOTE
$ROW_PHASE
$ROW_ADD"
	run preg -C "$R" log romashka
	same "$output" "$HDR
$ROW_ROM"
}

@test "--manager keeps the changes of clients the manager had before or after" {
	run preg -C "$R" log --manager ivanov
	[ "$status" -eq 0 ]
	same "$output" "$HDR
$ROW_REASSIGN
$ROW_SET
$ROW_NOTE
$ROW_PHASE
$ROW_ADD"
	run preg -C "$R" log --manager petrov
	same "$output" "$HDR
$ROW_REASSIGN
$ROW_ROM"
}

@test "--author is the acting user, or the git author of a commit made without preg" {
	run preg -C "$R" log --author petrov
	[ "$status" -eq 0 ]
	same "$output" "$HDR
$ROW_SET
$ROW_ROM"
	run preg -C "$R" log --author smirnov
	same "$output" "$HDR
$ROW_REASSIGN"
	# A commit made with plain git names no acting user: it is the git
	# author's, by name, address, or the address's local part.
	sed -i 's/^name: Romashka$/name: Romashka Ltd/' "$R/$(record_path romashka)"
	GIT_AUTHOR_DATE=2026-03-05T10:00:00+05:00 git -C "$R" commit -qam "by hand"
	for a in test@example.com "Test User" test; do
		run preg -C "$R" log --author "$a"
		same "$output" "$HDR
$(git -C "$R" rev-parse HEAD)	2026-03-05T10:00:00+05:00	Test User	romashka	git	name: Romashka -> Romashka Ltd"
	done
	run preg -C "$R" log --author tes
	same "$output" ""
}

@test "--since and --until take whole days, both inclusive" {
	run preg -C "$R" log --since 2026-03-01 --until 2026-03-02
	[ "$status" -eq 0 ]
	same "$output" "$HDR
$ROW_SET
$ROW_NOTE"
	run preg -C "$R" log --until 2026-01-31
	same "$output" "$HDR
$ROW_ADD"
}

@test "nothing matching prints nothing; json prints an empty array" {
	run --separate-stderr preg -C "$R" log --since 2027-01-01
	[ "$status" -eq 0 ]
	same "$output" ""
	run preg -C "$R" log --since 2027-01-01 --format json
	same "$output" "[]"
}

@test "--format json and table" {
	run preg -C "$R" log romashka --format json
	[ "$status" -eq 0 ]
	same "$output" "[
{\"commit\":\"$c4\",\"time\":\"2026-02-01T10:00:00+05:00\",\"author\":\"petrov\",\"client\":\"romashka\",\"action\":\"add\",\"changes\":\"added (Romashka)\"}
]"
	run preg -C "$R" log romashka --format table
	same "$output" "commit   time                       author  client    action  changes
${c4:0:7}  2026-02-01T10:00:00+05:00  petrov  romashka  add     added (Romashka)"
}

@test "a removed client keeps its trail" {
	PREG_NOW=2026-03-04T10:00:00+05:00 preg -C "$R" client rm romashka
	run preg -C "$R" log romashka
	[ "$status" -eq 0 ]
	same "$output" "$HDR
$(git -C "$R" rev-parse HEAD)	2026-03-04T10:00:00+05:00	ivanov	romashka	rm	removed (Romashka)
$ROW_ROM"
}

@test "a removed client's id wins over a client now named the same" {
	# romashka is removed; a new client of the same name takes romashka-2.
	PREG_NOW=2026-03-04T10:00:00+05:00 preg -C "$R" client rm romashka
	PREG_NOW=2026-03-05T10:00:00+05:00 preg -C "$R" client add Romashka --id romashka-2
	local rm_commit
	rm_commit=$(git -C "$R" rev-parse HEAD~1)
	run preg -C "$R" log romashka
	[ "$status" -eq 0 ]
	same "$output" "$HDR
$rm_commit	2026-03-04T10:00:00+05:00	ivanov	romashka	rm	removed (Romashka)
$ROW_ROM"
	# The name still finds the client of today.
	run preg -C "$R" log Romashka
	[ "$status" -eq 0 ]
	[[ "$output" == *"romashka-2	add	added (Romashka)"* ]]
	[[ "$output" != *"	romashka	rm	"* ]]
}

@test "the index is built in .git/preg-cache, checksummed, never committed" {
	[ ! -e "$R/.git/preg-cache/log-index" ]
	run preg -C "$R" log acme
	[ "$status" -eq 0 ]
	local f="$R/.git/preg-cache/log-index"
	[ -f "$f" ]
	same "$(head -n 1 "$f")" "preg-log-index 1"
	same "$(sed -n 2p "$f")" "$c6"
	same "$(sed -n 3p "$f")" "$c5 acme"
	same "$(sed -n 8p "$f")" "$c0 acme"
	same "$(tail -n 1 "$f" | cut -d ' ' -f 1-3)" "end $c0 7"
	assert_clean
}

@test "commits made after the index, by preg or plain git, are added to it" {
	preg -C "$R" log >/dev/null
	PREG_NOW=2026-03-05T10:00:00+05:00 preg -C "$R" note romashka "met" >/dev/null
	sed -i 's/^name: Acme Ltd$/name: Acme Limited/' "$R/$(record_path acme)"
	GIT_AUTHOR_DATE=2026-03-06T10:00:00+05:00 git -C "$R" commit -qam "rename by hand"
	run --separate-stderr preg -C "$R" log acme --since 2026-03-05
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "$HDR
$(git -C "$R" rev-parse HEAD)	2026-03-06T10:00:00+05:00	Test User	acme	git	name: Acme Ltd -> Acme Limited"
	same "$(tail -n 1 "$R/.git/preg-cache/log-index" | cut -d ' ' -f 1-3)" "end $(git -C "$R" rev-parse HEAD) 9"
	same "$(tail -n 3 "$R/.git/preg-cache/log-index" | head -n 2 | cut -d ' ' -f 2-)" "romashka
acme"
}

@test "a preg write appends its commit to an index that was up to date" {
	preg -C "$R" log >/dev/null
	local f="$R/.git/preg-cache/log-index" before
	before=$(head -n 8 "$f")
	PREG_NOW=2026-03-05T10:00:00+05:00 preg -C "$R" client reassign --from petrov --to sidorov >/dev/null
	local tip
	tip=$(git -C "$R" rev-parse HEAD)
	same "$(head -n 8 "$f")" "$before"
	same "$(sed -n 9p "$f")" "$tip acme romashka"
	same "$(tail -n 1 "$f" | cut -d ' ' -f 1-3)" "end $tip 8"
	# And it checks out: read without a warning, the same as a rebuild.
	run --separate-stderr preg -C "$R" log --since 2026-03-05
	same "$stderr" ""
	same "${lines[1]}" "$tip	2026-03-05T10:00:00+05:00	ivanov	acme	reassign	manager petrov -> sidorov"
	cp "$f" "$BATS_TEST_TMPDIR/appended"
	rm "$f"
	preg -C "$R" log >/dev/null
	cmp "$f" "$BATS_TEST_TMPDIR/appended"
}

@test "readers and writers at once: no false alarm, and the index ends whole" {
	preg -C "$R" log >/dev/null
	local i pids=()
	for i in 1 2 3 4 5 6; do
		preg -C "$R" note acme "note $i" >/dev/null 2>"$BATS_TEST_TMPDIR/w$i" &
		pids+=($!)
		preg -C "$R" log acme >/dev/null 2>"$BATS_TEST_TMPDIR/r$i" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	same "$(cat "$BATS_TEST_TMPDIR"/w* "$BATS_TEST_TMPDIR"/r*)" ""
	run --separate-stderr preg -C "$R" log acme --since 2026-11-02
	same "$stderr" ""
	[ "${#lines[@]}" -eq 7 ]
	local f="$R/.git/preg-cache/log-index"
	cp "$f" "$BATS_TEST_TMPDIR/after"
	rm "$f"
	preg -C "$R" log >/dev/null
	# The same commits in the same order (the ids of a commit as written).
	same "$(cut -d ' ' -f 1 "$BATS_TEST_TMPDIR/after")" "$(cut -d ' ' -f 1 "$f")"
}

@test "a corrupt index is rebuilt with a warning, and a rewritten history with a warning of its own" {
	preg -C "$R" log >/dev/null
	local f="$R/.git/preg-cache/log-index"
	sed -i "s/^$c3 acme\$/$c3 romashka/" "$f"
	run --separate-stderr preg -C "$R" log romashka
	[ "$status" -eq 0 ]
	same "$stderr" "preg: warning: the log index $f was corrupt; rebuilt it"
	same "$output" "$HDR
$ROW_ROM"
	grep -qx "$c3 acme" "$f"
	# Truncated, or not an index at all.
	head -c 100 "$f" >"$f.x" && mv "$f.x" "$f"
	run --separate-stderr preg -C "$R" log romashka
	same "$output" "$HDR
$ROW_ROM"
	echo garbage >"$f"
	run --separate-stderr preg -C "$R" log romashka
	same "$output" "$HDR
$ROW_ROM"
	# History rewritten: the index's tip is gone from the branch.
	git -C "$R" reset -q --hard HEAD~2
	run --separate-stderr preg -C "$R" log acme
	[ "$status" -eq 0 ]
	same "$stderr" "preg: warning: the history of refs/heads/main was rewritten: 2 commits the log index held are no longer on it (the first: ${c1:0:12}); rebuilt the index"
	same "$output" "$HDR
$ROW_NOTE
$ROW_PHASE
$ROW_ADD"
	# Said once; the record of it stays for preg verify.
	run --separate-stderr preg -C "$R" log acme
	same "$stderr" ""
	same "$(cat "$R/.git/preg-cache/rewrites")" "$c1 2 $c0"
}

@test "an index that cannot be written is still used, in memory" {
	# A file where the directory should be: no writing there, even as root.
	touch "$R/.git/preg-cache"
	run --separate-stderr preg -C "$R" log romashka
	[ "$status" -eq 0 ]
	same "$stderr" ""
	[ -f "$R/.git/preg-cache" ]
	same "$output" "$HDR
$ROW_ROM"
}

@test "log refuses bad input" {
	run --separate-stderr preg -C "$R" log nosuch
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'nosuch' not found in the register or its history"
	run --separate-stderr preg -C "$R" log 'Bad/Id'
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'Bad/Id' not found"
	run --separate-stderr preg -C "$R" log --since 2026-02-30
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: --since: invalid date '2026-02-30' (February 2026 has 28 days)"
	run --separate-stderr preg -C "$R" log --format csv
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: unknown format 'csv' (table, tsv or json)"
	run --separate-stderr preg -C "$R" log acme romashka
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: unexpected argument 'romashka'"
}
