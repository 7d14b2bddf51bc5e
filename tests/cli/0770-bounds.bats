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
	same "$(head -n 1 <<<"$output")" "add ooo-klient-1: ООО «Клиент 1» (phase 1 research, manager ivanov)"
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
