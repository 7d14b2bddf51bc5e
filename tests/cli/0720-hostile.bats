#!/usr/bin/env bats
# Hostile records (SPEC §4, input rules), committed with plain git: every
# reader rejects them with FILE:LINE:COLUMN: message and exit 1, and a write
# to the client fails and changes nothing. Each command runs under
# timeout(1): unbounded nesting or colliding keys took minutes; bounded, they
# take milliseconds, and the limit asserts completion, not a speed (which a
# test on a shared machine cannot).

load helper

setup() {
	common_setup
	new_register
	preg -C "$R" client add Good >/dev/null
	F="$BATS_TEST_TMPDIR/record.yaml"
}

# The six lines every hostile record starts with (a valid record).
base() {
	printf '%s\n' 'id: evil' 'name: Evil' 'manager: ivanov' 'phase: 1' \
		'phase_since: 2026-11-02T10:15:00+05:00' 'created: 2026-11-02T10:15:00+05:00'
}

# Commit $F (evil's record) with plain git.
commit_evil() {
	mkdir -p "$R/$(record_dir evil)"
	cp "$F" "$R/$(record_path evil)"
	git -C "$R" add "$(record_path evil)"
	git -C "$R" commit -q -m "a hostile record"
}

# Run "$@" (the binary under test and its arguments) killed after 30 s
# (exit status 124, which no test accepts); its status and outputs as "run"
# leaves them, and the milliseconds it took in MS, for the log.
timed() {
	local t0 t1
	t0=$(date +%s%N)
	run --separate-stderr timeout 30 "$@"
	t1=$(date +%s%N)
	MS=$(((t1 - t0) / 1000000))
}

# rejects POS MESSAGE: commit $F, then client show, client list and note all
# fail with "preg: error: $F:POS: MESSAGE", exit 1, and
# nothing changes.
rejects() {
	local want="preg: error: $(record_path evil):$1: $2" head
	commit_evil
	head=$(git -C "$R" rev-parse HEAD)

	timed "$PREG" -C "$R" client show evil
	echo "client show: exit $status in $MS ms: $stderr"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "$want" ]

	timed "$PREG" -C "$R" client list --format tsv
	echo "client list: exit $status in $MS ms: $stderr"
	[ "$status" -eq 1 ]
	[ "$stderr" = "$want" ]
	# The other clients are still listed.
	grep -q "^good	Good	" <<<"$output"

	timed "$PREG" -C "$R" note evil x
	echo "note: exit $status in $MS ms: $stderr"
	[ "$status" -eq 1 ]
	[ "$stderr" = "$want" ]
	[ "$(git -C "$R" rev-parse HEAD)" = "$head" ]
	cmp "$F" "$R/$(record_path evil)"
	assert_clean
}

@test "an alias bomb (billion laughs) is refused at its first anchor" {
	{
		base
		echo 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
		echo 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]'
		echo 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]'
		echo 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]'
		echo 'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]'
	} >"$F"
	rejects 7:4 "anchor '&a' not allowed"
}

@test "an alias alone is refused" {
	{ base; echo 'next_action: *a'; } >"$F"
	rejects 7:14 "alias '*a' not allowed"
}

@test "a duplicate key is refused: name twice" {
	{ base; echo 'name: Again'; } >"$F"
	rejects 7:1 "duplicate key 'name'"
}

@test "a duplicate key is refused: name and \"name\"" {
	{ base; echo '"name": Again'; } >"$F"
	rejects 7:1 "duplicate key 'name'"
}

@test "a duplicate key is refused in a nested mapping" {
	{ base; printf 'fields:\n  cargo: steel\n  direction: east\n  cargo: pipes\n'; } >"$F"
	rejects 10:3 "duplicate key 'cargo'"
}

@test "a duplicate key is refused inside a history entry" {
	{
		base
		echo 'history:'
		echo '  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, phase: 1, phase: 7}'
	} >"$F"
	rejects 8:59 "duplicate key 'phase'"
}

@test "a duplicate key is refused inside a block-style history entry" {
	{
		base
		printf 'history:\n  - at: 2026-11-02T10:15:00+05:00\n    by: ivanov\n    "by": smirnov\n'
	} >"$F"
	rejects 10:5 "duplicate key 'by'"
}

@test "invalid UTF-8 is refused: a lone \\xff" {
	printf 'id: evil\nname: E\xffvil\n' >"$F"
	rejects 2:8 "invalid UTF-8"
}

@test "invalid UTF-8 is refused: a truncated sequence, mid-line and at the end" {
	{ base; printf 'next_action: call \xd0 now\n'; } >"$F"
	rejects 7:19 "invalid UTF-8"
	{ base; printf 'next_action: call \xe2\x82'; } >"$F"
	rejects 7:19 "invalid UTF-8"
}

@test "invalid UTF-8 is refused: an overlong form and a surrogate" {
	{ base; printf 'next_action: \xc0\xaf\n'; } >"$F"
	rejects 7:14 "invalid UTF-8"
	{ base; printf 'next_action: \xed\xa0\x80\n'; } >"$F"
	rejects 7:14 "invalid UTF-8"
}

@test "a NUL byte is refused" {
	{ base; printf 'remarks: a\0b\n'; } >"$F"
	rejects 7:11 "NUL byte"
}

@test "10,000-deep flow nesting is refused at level 17, fast" {
	{ base; printf 'x: '; perl -e 'print "[" x 10000, "]" x 10000, "\n"'; } >"$F"
	rejects 7:19 "nested deeper than 16 levels"
}

@test "10,000-deep block sequence nesting is refused at level 17, fast" {
	{ base; echo 'x:'; perl -e 'print "- " x 10000, "x\n"'; } >"$F"
	rejects 8:31 "nested deeper than 16 levels"
}

@test "deep block mapping nesting (1,000 levels) is refused at level 17, fast" {
	{ base; echo 'x:'; perl -e 'print " " x $_, "k:\n" for 1 .. 1000'; } >"$F"
	rejects 23:17 "nested deeper than 16 levels"
}

@test "a 2 MiB record is refused" {
	{ base; printf 'remarks: "'; head -c 2097152 /dev/zero | tr '\0' a; printf '"\n'; } >"$F"
	rejects 1:1 "larger than 1 MiB ($(stat -c %s "$F") bytes)"
}

@test "a 100 KiB scalar is refused" {
	{ base; printf 'remarks: '; head -c 102400 /dev/zero | tr '\0' a; echo; } >"$F"
	rejects 7:10 "value longer than 64 KiB"
}

@test "a tag is refused: !!str" {
	{ base; echo 'next_action: !!str call'; } >"$F"
	rejects 7:14 "tag '!!str' not allowed"
}

@test "a tag is refused: !custom" {
	{ base; echo 'next_action: !custom call'; } >"$F"
	rejects 7:14 "tag '!custom' not allowed"
}

@test "a second document is refused" {
	{ base; echo '---'; echo 'id: evil'; } >"$F"
	rejects 7:1 "more than one document"
	{ echo '---'; base; echo '---'; base; } >"$F"
	rejects 8:1 "more than one document"
}

@test "phase: NO is an invalid phase, not false" {
	base | sed 's/^phase: 1$/phase: NO/' >"$F"
	rejects 4:8 "invalid phase 'NO'"
}

@test "an impossible date is refused: next_contact: 2026-02-30" {
	{ base; echo 'next_contact: 2026-02-30'; } >"$F"
	rejects 7:15 "invalid date '2026-02-30'"
}

@test "an impossible time is refused: phase_since: 2026-13-01T00:00:00Z" {
	base | sed 's/^phase_since: .*/phase_since: 2026-13-01T00:00:00Z/' >"$F"
	rejects 5:14 "invalid time '2026-13-01T00:00:00Z'"
}

@test "a merge key << is refused" {
	{ base; printf 'fields:\n  <<: {cargo: steel}\n'; } >"$F"
	rejects 8:3 "merge key '<<' not allowed"
}

@test "a complex key is refused" {
	{ base; printf '? [a, b]\n: c\n'; } >"$F"
	rejects 7:3 "complex keys are not allowed"
}

@test "a control character is refused: escaped in a quoted string" {
	base | sed 's/^name: .*/name: "\\e[31m"/' >"$F"
	grep -qF 'name: "\e[31m"' "$F"
	rejects 2:7 "control character U+001B in value"
}

@test "a control character is refused: raw in the file" {
	base | sed 's/^name: .*/name: \x1b[31mred/' >"$F"
	rejects 2:7 "control character U+001B"
}

@test "an id that does not match the file name is refused where the id is" {
	printf '%s\n' 'name: Evil' 'manager: ivanov' 'id: other' 'phase: 1' \
		'phase_since: 2026-11-02T10:15:00+05:00' 'created: 2026-11-02T10:15:00+05:00' >"$F"
	rejects 3:5 "id 'other' does not match the file name"
}

@test "a comment: the record reads, a note refuses, client set --force rewrites without it" {
	{ base; echo 'remarks: hi   # a comment'; echo '# a line of its own'; } >"$F"
	commit_evil
	local head
	head=$(git -C "$R" rev-parse HEAD)

	run --separate-stderr "$PREG" -C "$R" client show evil
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${lines[0]}" = "evil  Evil" ]
	run --separate-stderr "$PREG" -C "$R" client list --format tsv
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]

	# preg note has no --force: it refuses and points at the comment.
	run --separate-stderr "$PREG" -C "$R" note evil hello
	[ "$status" -eq 1 ]
	[ "$stderr" = "preg: error: $(record_path evil):7:15: the record holds a comment, which a rewrite would lose; move the text into 'remarks:' with 'preg client edit --force evil', then run this again" ]
	[ "$(git -C "$R" rev-parse HEAD)" = "$head" ]

	# client set refuses as well without --force...
	run --separate-stderr "$PREG" -C "$R" client set evil next_action=call
	[ "$status" -eq 1 ]
	[[ "$stderr" == "preg: error: $(record_path evil):7:"*": the record holds a comment, which a rewrite would lose; move the text into 'remarks:' or use --force" ]]
	[ "$(git -C "$R" rev-parse HEAD)" = "$head" ]
	cmp "$F" "$R/$(record_path evil)"

	# ...and with it rewrites the record, without the comments.
	run --separate-stderr "$PREG" -C "$R" client set evil next_action=call --force
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(git -C "$R" rev-list --count "$head..HEAD")" -eq 1 ]
	! grep -q '#' "$R/$(record_path evil)"
	grep -qx 'remarks: hi' "$R/$(record_path evil)"
	grep -qx 'next_action: call' "$R/$(record_path evil)"
	assert_clean
	# Now a note goes through.
	run "$PREG" -C "$R" note evil hello
	[ "$status" -eq 0 ]
}

@test "a UTF-8 BOM and CRLF line ends are accepted and dropped on rewrite" {
	{ printf '\xef\xbb\xbf'; base | sed 's/$/\r/'; printf 'remarks: |\r\n  two\r\n  lines\r\n'; } >"$F"
	commit_evil

	run --separate-stderr "$PREG" -C "$R" client show evil
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${lines[0]}" = "evil  Evil" ]
	run --separate-stderr "$PREG" -C "$R" client list --format tsv
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	grep -q "^evil	Evil	external	ivanov	1	" <<<"$output"

	run --separate-stderr "$PREG" -C "$R" note evil hello
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	# No BOM, no CR; the text itself unchanged.
	[ "$(head -c 3 "$R/$(record_path evil)" | od -An -tx1 | tr -d ' ')" = "69643a" ]
	! grep -q $'\r' "$R/$(record_path evil)"
	[ "$(head -1 "$R/$(record_path evil)")" = "id: evil" ]
	grep -qx 'name: Evil' "$R/$(record_path evil)"
	grep -qx 'remarks: |-' "$R/$(record_path evil)" || grep -qx 'remarks: |' "$R/$(record_path evil)"
	grep -qx '  two' "$R/$(record_path evil)"
	grep -qx '  lines' "$R/$(record_path evil)"
	cmp "$R/$(record_path evil)" <(git -C "$R" show HEAD:$(record_path evil))
	assert_clean
}

@test "110,000 keys built to collide in the duplicate check are read at once" {
	# gen_collide computes keys whose unseeded FNV-1a hashes share their low
	# bits; with the hash seeded per process they are ordinary keys. The
	# record is valid (no duplicates): it must just be read quickly.
	cc -O2 -o "$BATS_TEST_TMPDIR/gen_collide" "$BATS_TEST_DIRNAME/../fuzz/gen_collide.c"
	{ base; "$BATS_TEST_TMPDIR/gen_collide"; } >"$F"
	[ "$(wc -c <"$F")" -lt 1048576 ]
	commit_evil
	timed "$PREG" -C "$R" client show evil
	echo "took $MS ms"
	[ "$status" -eq 0 ]
}
