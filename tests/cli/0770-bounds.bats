#!/usr/bin/env bats
# 0770-bounds: every input takes time in proportion to its size, or is
# refused at a clear limit with a clear message (issue 16, item 3). Each test
# works at ten times what a department's register reaches (2,000 clients, a
# few hundred notes on a long-standing client, a spreadsheet of 50 columns,
# 2,000 commits a year) or at the limit itself, and asserts the exit status
# and the output of commands run under timeout(1): the timeout catches a
# quadratic walk (minutes), not a slow machine (the commands take seconds).
# Clock: PREG_NOW = 2026-11-02T10:15:00+05:00.

load helper

setup() {
	common_setup
	new_register
	cd "$BATS_TEST_TMPDIR"
}

# within SECONDS preg ARGS...: run the binary under test with its stderr
# apart, killed after SECONDS (exit status 124, which no assertion below
# accepts).
within() {
	local limit=$1
	shift 2
	run --separate-stderr timeout "$limit" "$PREG" "$@"
}

# The six lines of a valid record of ООО «Ромашка».
record_head() {
	printf '%s\n' 'id: romashka' 'name: ООО «Ромашка»' 'kind: external' 'manager: ivanov' 'phase: 1' \
		'phase_since: 2026-01-01T09:00:00+05:00' 'created: 2026-01-01T09:00:00+05:00'
}

# $1 entries a minute apart from 2026-01-01, as flow mappings; $2 is what
# follows the time: the rest of the entry.
entries() {
	LC_ALL=C awk -v n="$1" -v rest="$2" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "  - {at: 2026-%02d-%02dT%02d:%02d:00+05:00, %s}\n",
				1 + int(i / 40320), 1 + int(i / 1440) % 28, int(i / 60) % 24, i % 60, rest
	}'
}

# The record with 5,000 events and 5,000 notes.
big_record() {
	record_head
	echo 'history:'
	echo '  - {at: 2026-01-01T09:00:00+05:00, by: ivanov, phase: 1, manager: ivanov}'
	entries 5000 'by: ivanov, hold_until: none'
	echo 'notes:'
	entries 5000 'by: ivanov, channel: call, text: звонок директору'
}

# The record with 40,000 free fields (f0: да ...).
fields_record() {
	record_head
	echo 'fields:'
	LC_ALL=C awk 'BEGIN { for (i = 0; i < 40000; i++) printf "  f%d: да\n", i }'
	echo 'history:'
	echo '  - {at: 2026-01-01T09:00:00+05:00, by: ivanov, phase: 1, manager: ivanov}'
}

# Commit $1 as romashka's record with plain git (preg writes no such record
# in one go: it grows to it).
commit_record() {
	mkdir -p "$R/$(record_dir romashka)"
	cp "$1" "$R/$(record_path romashka)"
	git -C "$R" add "$(record_path romashka)"
	git -C "$R" commit -q -m "romashka, kept by hand"
}

# ---- a spreadsheet ----

@test "a CSV header of 1,000,000 columns is refused at once, at the 16,384 a spreadsheet has" {
	LC_ALL=C awk 'BEGIN { printf "Client"; for (i = 1; i < 1000000; i++) printf ",c%d", i; print ""; print "ООО «Ромашка»" }' >wide.csv
	within 60 preg -C "$R" import wide.csv
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: wide.csv:1: more than 16384 cells in a row; a spreadsheet has at most 16384 columns"
	[ "$(commits)" -eq 1 ]
	assert_clean
}

@test "16,384 columns of one name: each repeat is named once, with the first" {
	LC_ALL=C awk 'BEGIN { printf "Client"; for (i = 1; i < 16384; i++) printf ",Phase 1"; print ""; print "ООО «Ромашка»,2026-10-01" }' >dup.csv
	within 60 preg -C "$R" import dup.csv
	[ "$status" -eq 1 ]
	same "$output" ""
	[ "$(wc -l <<<"$stderr")" -eq 16383 ]
	same "$(head -n 2 <<<"$stderr")" "dup.csv:1: columns 2 and 3 ('Phase 1', 'Phase 1') hold the same thing
dup.csv:1: columns 2 and 4 ('Phase 1', 'Phase 1') hold the same thing"
	same "$(tail -n 2 <<<"$stderr")" "dup.csv:1: columns 2 and 16384 ('Phase 1', 'Phase 1') hold the same thing
preg: error: 16382 problems in dup.csv; nothing imported"
	[ "$(commits)" -eq 1 ]
}

@test "the widest header over 100,000 rows: every row checked, in one pass over the cells" {
	# Client, then 16,383 columns without a name and without values.
	LC_ALL=C awk 'BEGIN { printf "Client"; for (i = 1; i < 16384; i++) printf ","; print "";
		for (i = 1; i <= 100000; i++) printf "ООО «Клиент %d»\n", i }' >tall.csv
	within 120 preg -C "$R" import tall.csv --dry-run
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$(head -n 1 <<<"$output")" "add klient-1: ООО «Клиент 1» (phase 1 research, manager ivanov)"
	same "$(tail -n 1 <<<"$output")" "100000 clients would be imported; nothing written (--dry-run)"
	[ "$(commits)" -eq 1 ]
}

@test "more than 1,048,576 rows are refused where the first one too many starts" {
	LC_ALL=C awk 'BEGIN { print "Client"; for (i = 1; i <= 1048576; i++) printf "c%d\n", i }' >rows.csv
	within 120 preg -C "$R" import rows.csv --dry-run
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: rows.csv:1048577: more than 1048576 rows; a spreadsheet has at most 1048576"
}

@test "a file over 1 GiB is refused by its size, before any of it is read" {
	command -v strace >/dev/null || skip "strace is not installed"
	truncate -s 2G huge.csv
	# LeakSanitizer cannot run under ptrace (make check): it would add
	# a fatal error of its own to stderr, so leaks are not looked for here.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=read -o read.trace "$PREG" -C "$R" import huge.csv >out 2>err && false
	same "$(cat err)" "preg: error: 'huge.csv' is 2147483648 bytes, larger than the 1 GiB an import reads"
	# What every read() of the process brought in, together: the
	# register's own files, not a byte of the 2 GiB (reading it took 4.8 s
	# and 1 GB of memory before the refusal).
	total=$(awk '/= [0-9]+$/ { s += $NF } END { print s + 0 }' read.trace)
	echo "read: $total bytes"
	[ "$total" -lt 1048576 ]
	[ "$(commits)" -eq 1 ]
}

# ---- a record that grew ----

@test "log and diff on a record of 5,000 events and 5,000 notes, 20 notes added since" {
	big_record >big.yaml
	[ "$(wc -c <big.yaml)" -gt 700000 ]
	commit_record big.yaml
	for i in $(seq 1 20); do
		preg -C "$R" note romashka "заметка $i" >/dev/null
	done
	[ "$(commits)" -eq 22 ]
	# 20 commits, each compared with the one before: linear in the notes
	# (it compared every note with every other: 4 s a commit at 16,000).
	within 120 preg -C "$R" log romashka --format tsv
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$(sed -n 2p <<<"$output" | cut -f 4-)" "romashka	note	note added: заметка 20"
	[ "$(grep -c '	note	note added: заметка ' <<<"$output")" -eq 20 ]
	within 60 preg -C "$R" diff HEAD~20
	[ "$status" -eq 0 ]
	same "$(head -n 2 <<<"$output")" "changed  romashka (ООО «Ромашка»)
  note added: заметка 1"
	[ "$(grep -c '^  note added: заметка ' <<<"$output")" -eq 20 ]
}

@test "writes, show, check, export and verify on a record of 5,000 events and 5,000 notes" {
	big_record >big.yaml
	commit_record big.yaml
	# Each write reads, checks and rewrites the whole record, and describes
	# its commit by comparing the record with the one before.
	within 60 preg -C "$R" note romashka "звонок 5001"
	[ "$status" -eq 0 ]
	within 60 preg -C "$R" phase next romashka
	[ "$status" -eq 0 ]
	within 60 preg -C "$R" client set romashka "next_action=перезвонить"
	[ "$status" -eq 0 ]
	within 60 preg -C "$R" client show romashka
	[ "$status" -eq 0 ]
	[[ "$output" == *"звонок 5001"* ]]
	within 60 preg -C "$R" export --format json
	[ "$status" -eq 0 ]
	[ "$(grep -o 'звонок директору' <<<"$output" | wc -l)" -eq 5000 ]
	# The generated events start at midnight, before the first one at 9:00.
	within 60 preg -C "$R" check
	[ "$status" -eq 1 ]
	same "$output" "$(record_path romashka): history event 2 (2026-01-01T00:00:00+05:00) is earlier than the one before it"
	# verify compares every commit's record with its parent's: the one made
	# by hand is named (no Preg-Action), the three of preg are not.
	within 120 preg -C "$R" verify
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: 2 problems found in 5 commits"
	[ "$(grep -c '^romashka: commit [0-9a-f]* (romashka, kept by hand): a [a-z ]* added by a commit made without preg' <<<"$output")" -eq 2 ]
	[ "$(wc -l <<<"$output")" -eq 2 ]
}

@test "log and diff on a record of 40,000 fields, 10 of them changed since" {
	fields_record >fields.yaml
	commit_record fields.yaml
	for i in $(seq 1 10); do
		preg -C "$R" client set romashka "fields.f$((i * 3000))=новое $i" >/dev/null
	done
	within 120 preg -C "$R" log romashka --format tsv
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$(sed -n 2p <<<"$output" | cut -f 4-)" "romashka	set	fields.f30000: да -> новое 10"
	[ "$(grep -c '	set	fields.f' <<<"$output")" -eq 10 ]
	within 60 preg -C "$R" diff HEAD~10
	[ "$status" -eq 0 ]
	[ "$(grep -c '^  fields.f[0-9]*: да -> новое ' <<<"$output")" -eq 10 ]
}

@test "the merge driver on records of 40,000 fields with conflicts far apart: each marked alone" {
	fields_record >base
	sed -e 's/^name: .*/name: ООО «Ромашка» (ours)/' -e 's/^  f20000: .*/  f20000: ours/' base >ours
	sed -e 's/^name: .*/name: ООО «Ромашка» (theirs)/' -e 's/^  f20000: .*/  f20000: theirs/' \
		-e '/^  f30000: /d' base >theirs
	within 60 preg merge-file base ours theirs "$(record_path romashka)"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: $(record_path romashka): 2 conflicting fields marked"
	same "$(grep -c '^<<<<<<< ours$' ours)" 2
	same "$(grep -A4 '^<<<<<<< ours$' ours)" "<<<<<<< ours
name: ООО «Ромашка» (ours)
=======
name: ООО «Ромашка» (theirs)
>>>>>>> theirs
--
<<<<<<< ours
  f20000: ours
=======
  f20000: theirs
>>>>>>> theirs"
	# What theirs removed is gone; every other field is there once.
	! grep -q '^  f30000:' ours
	[ "$(grep -c '^  f[0-9]*: да$' ours)" -eq 39998 ]
}

# ---- a register that grew ----

# git fast-import into the register at $R, reading the stream on stdin.
# glibc gives memory back to the kernel and asks for it again around each
# object fast-import deflates (43,613 brk calls for the 20,000 commits
# below): 23 s, 12 of them the kernel's. With the trim threshold raised,
# 7 s, and the same commits.
fast_import() {
	GLIBC_TUNABLES=glibc.malloc.trim_threshold=134217728:glibc.malloc.top_pad=16777216 \
		git -C "$R" fast-import --quiet --depth=0
}

# A fast-import stream: one commit adding $1 small records by hand (no
# trailers: preg finds what it changed by comparing trees). awk spells the
# paths of layout version 1 (the first two characters of the id), so the
# tests below use a register of that version: the layout is not what they
# are about.
many_records() {
	LC_ALL=C awk -v n="$1" 'BEGIN {
		print "commit refs/heads/main"
		print "committer Test User <test@example.com> 1793593200 +0500"
		msg = "clients typed in by hand\n"
		printf "data %d\n%s\n", length(msg), msg
		print "from refs/heads/main^0"
		for (i = 0; i < n; i++) {
			id = sprintf("%c%c%05d", 97 + i % 26, 97 + int(i / 26) % 26, i)
			rec = sprintf("id: %s\nname: ООО «Клиент %d»\nkind: external\nmanager: ivanov\nphase: 1\nphase_since: 2026-11-01T10:00:00+05:00\ncreated: 2026-11-01T10:00:00+05:00\nhistory:\n  - {at: 2026-11-01T10:00:00+05:00, by: ivanov, phase: 1, manager: ivanov}\n", id, i)
			printf "M 100644 inline clients/%s/%s.yaml\n", substr(id, 1, 2), id
			printf "data %d\n%s\n", length(rec), rec
		}
	}'
}

@test "20,000 records in one commit, and 20,000 in the next: reassign, log, diff and check" {
	R=$BATS_TEST_TMPDIR/v1
	new_register_v1
	many_records 20000 | fast_import
	git -C "$R" reset -q --hard main
	within 300 preg -C "$R" client reassign --from ivanov --to petrov
	[ "$status" -eq 0 ]
	[ "$(wc -l <<<"$output")" -eq 20001 ]
	same "$(tail -n 1 <<<"$output")" "moved 20000 clients from ivanov to petrov"
	within 300 preg -C "$R" log --format tsv
	[ "$status" -eq 0 ]
	[ "$(grep -c '	reassign	manager ivanov -> petrov$' <<<"$output")" -eq 20000 ]
	[ "$(grep -c '	added (ООО «Клиент [0-9]*»)$' <<<"$output")" -eq 20000 ]
	within 300 preg -C "$R" diff HEAD~2
	[ "$status" -eq 0 ]
	[ "$(grep -c '^added' <<<"$output")" -eq 20000 ]
	within 300 preg -C "$R" check
	[ "$status" -eq 0 ]
	same "$output" ""
}

@test "20,000 commits: the log of everything and of one client, and verify" {
	# 200 clients, then 19,999 commits each changing one of them as
	# preg client set does, a minute apart.
	R=$BATS_TEST_TMPDIR/v1
	new_register_v1
	many_records 200 | fast_import
	LC_ALL=C awk 'BEGIN {
		for (c = 1; c < 20000; c++) {
			i = c % 200
			id = sprintf("%c%c%05d", 97 + i % 26, 97 + int(i / 26) % 26, i)
			rec = sprintf("id: %s\nname: ООО «Клиент %d»\nkind: external\nmanager: ivanov\nphase: 1\nphase_since: 2026-11-01T10:00:00+05:00\nnext_action: звонок %d\ncreated: 2026-11-01T10:00:00+05:00\nhistory:\n  - {at: 2026-11-01T10:00:00+05:00, by: ivanov, phase: 1, manager: ivanov}\n", id, i, c)
			msg = sprintf("set: %s next_action\n\nPreg-Client: %s\nPreg-Action: set\n", id, id)
			print "commit refs/heads/main"
			printf "committer Test User <test@example.com> %d +0500\n", 1762060000 + c * 60
			printf "data %d\n%s\n", length(msg), msg
			if (c == 1)
				print "from refs/heads/main^0"
			printf "M 100644 inline clients/%s/%s.yaml\n", substr(id, 1, 2), id
			printf "data %d\n%s\n", length(rec), rec
		}
	}' | fast_import
	git -C "$R" reset -q --hard main
	[ "$(commits)" -eq 20001 ]
	within 300 preg -C "$R" log --format tsv
	[ "$status" -eq 0 ]
	[ "$(grep -c '	set	next_action: ' <<<"$output")" -eq 19999 ]
	within 120 preg -C "$R" log bb00027 --format tsv
	[ "$status" -eq 0 ]
	[ "$(grep -c '	bb00027	set	next_action: ' <<<"$output")" -eq 100 ]
	same "$(sed -n 2p <<<"$output" | cut -f 4-)" "bb00027	set	next_action: звонок 19627 -> звонок 19827"
	# verify proves every one of the 20,000 commits, each against its
	# parent: the 200 records typed in by hand are named, nothing else.
	within 300 preg -C "$R" verify
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: 200 problems found in 20001 commits"
	[ "$(grep -c ': commit [0-9a-f]* (clients typed in by hand): a history event added by a commit made without preg' <<<"$output")" -eq 200 ]
	[ "$(wc -l <<<"$output")" -eq 200 ]
}
