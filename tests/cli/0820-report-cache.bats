#!/usr/bin/env bats
# The record cache (.git/preg-cache/records): reports, listings and
# reminders read each record's YAML once; later runs over unchanged records
# read none. Witnesses: the answers (always the same as PREG_NO_CACHE=1),
# git status (never committed), and strace (which object files are opened:
# the register's objects are loose, so each record blob is a file).

load helper

setup() {
	common_setup
	command -v strace >/dev/null || {
		echo "strace is not installed (apt-get install strace)"
		return 1
	}
	new_register
	local d
	for d in 01 02 03 04 05 06; do
		PREG_NOW=2026-10-${d}T10:00:00+03:00 preg -C "$R" client add "Client $d" --id "c$d" \
			--manager "m$((10#$d % 2))" >/dev/null
	done
	PREG_NOW=2026-10-10T10:00:00+03:00 preg -C "$R" phase set c02 4 >/dev/null
	PREG_NOW=2026-10-11T10:00:00+03:00 preg -C "$R" phase set c03 ended --reason price >/dev/null
	CACHE=$R/.git/preg-cache/records
}

# The object files of the record blobs at HEAD that a command opened.
blobs_opened() {
	local trace=$BATS_TEST_TMPDIR/trace oid n=0
	# LeakSanitizer cannot run under ptrace: off for this one traced run.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -e trace=openat -o "$trace" "$PREG" -C "$R" "$@" >/dev/null 2>&1
	for oid in $(git -C "$R" ls-tree -r HEAD clients | awk '{ print $3 }'); do
		grep -q "objects/${oid:0:2}/${oid:2}\"" "$trace" && n=$((n + 1))
	done
	echo $n
}

# Every answer with the cache is the answer without it.
same_as_uncached() {
	local a b
	a=$(preg -C "$R" "$@")
	b=$(PREG_NO_CACHE=1 preg -C "$R" "$@")
	same "$a" "$b"
}

@test "the first report reads every record, the next none; the cache is never committed" {
	# client add looks for likely duplicates through the cache: it is
	# there already. Without it, the first report reads every record.
	[ -s "$CACHE" ]
	rm "$CACHE"
	same "$(blobs_opened report funnel)" 6
	[ -s "$CACHE" ]
	same "$(blobs_opened report funnel)" 0
	same "$(blobs_opened report managers)" 0
	same "$(blobs_opened client list)" 0
	same "$(blobs_opened remind)" 0
	assert_clean
	[ -z "$(git -C "$R" ls-files .git)" ]
	for a in "report funnel" "report register" "report durations" "report reasons" "client list --stale" \
		"remind --format tsv"; do
		same_as_uncached $a
	done
	# PREG_NO_CACHE=1 reads the records themselves.
	PREG_NO_CACHE=1 blobs_opened report funnel | grep -qx 6
}

@test "report activity counts notes through the cache: no record read, the same answer" {
	PREG_NOW=2026-10-12T10:00:00+03:00 PREG_USER=m0 preg -C "$R" note c02 "позвонили" --channel call --next 2026-10-14 >/dev/null
	PREG_NOW=2026-10-14T11:00:00+03:00 PREG_USER=m0 preg -C "$R" note c02 "письмо" --channel email >/dev/null
	PREG_NOW=2026-10-15T11:00:00+03:00 PREG_USER=m1 preg -C "$R" note c01 "встреча" --channel meeting >/dev/null
	local a="report activity --since 2026-10-01 --until 2026-10-31"
	preg -C "$R" $a >/dev/null
	same "$(PREG_NOW=2026-10-31T12:00:00+03:00 blobs_opened $a)" 0
	same_as_uncached $a
	same_as_uncached $a --by client
	same_as_uncached $a --format json
	# The counts themselves (not only cache = no cache): two notes by m0,
	# one call and one e-mail, a next contact kept on its day.
	run preg -C "$R" $a --format tsv
	[[ "$output" == *"call"*"email"* ]]
	local m0
	m0=$(printf '%s\n' "$output" | awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i } $1 == "m0" { print $col["notes"], $col["call"], $col["email"], $col["kept"] }')
	same "$m0" "2 1 1 1"
}

@test "a record changed by plain git is read again, the others are not" {
	preg -C "$R" report >/dev/null
	sed -i 's/^name: Client 04$/name: Renamed by hand/' "$R/$(record_path c04)"
	git -C "$R" commit -qam "by hand"
	same "$(blobs_opened report register)" 1
	preg -C "$R" report register | grep -q '^c04	Renamed by hand	'
	same "$(blobs_opened report register)" 0
	# A write through preg too.
	preg -C "$R" phase set c05 2 >/dev/null
	same "$(blobs_opened client list)" 1
	same "$(preg -C "$R" client list | awk -F'\t' '$1 == "c05" { print $5 }')" 2
	same_as_uncached report funnel
}

@test "a damaged, cut, foreign or missing cache is rebuilt, with the same answers" {
	local want
	want=$(preg -C "$R" report register)
	# One flipped byte in the records' data: the checksum of its shard sees
	# it, and that shard's records alone are read again (the six clients
	# lie in several shards).
	printf 'X' | dd of="$CACHE" bs=1 seek=100 conv=notrunc 2>/dev/null
	n=$(blobs_opened report register)
	[ "$n" -ge 1 ] && [ "$n" -lt 6 ] || { echo "records read again: $n"; return 1; }
	same "$(preg -C "$R" report register)" "$want"
	same "$(blobs_opened report register)" 0
	# One flipped byte in the tables at the end: the whole file goes.
	printf 'X' | dd of="$CACHE" bs=1 seek=$(($(stat -c %s "$CACHE") - 3)) conv=notrunc 2>/dev/null
	same "$(blobs_opened report register)" 6
	same "$(preg -C "$R" report register)" "$want"
	same "$(blobs_opened report register)" 0
	# Cut short.
	truncate -s 50 "$CACHE"
	same "$(preg -C "$R" report register)" "$want"
	same "$(blobs_opened report register)" 0
	# Not a cache at all, or empty.
	echo "hello" >"$CACHE"
	same "$(preg -C "$R" report register)" "$want"
	: >"$CACHE"
	same "$(preg -C "$R" report register)" "$want"
	rm -rf "$R/.git/preg-cache"
	same "$(preg -C "$R" report register)" "$want"
	[ -s "$CACHE" ]
}

@test "a cache that cannot be written leaves the answers as they are" {
	rm -rf "$R/.git/preg-cache"
	: >"$R/.git/preg-cache" # a file where the directory would be
	run --separate-stderr preg -C "$R" report funnel
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "$(PREG_NO_CACHE=1 preg -C "$R" report funnel)"
	[ -f "$R/.git/preg-cache" ]
	# No temporary file is left anywhere in .git.
	[ -z "$(find "$R/.git" -name '*.tmp-*')" ]
}

@test "a broken record is never cached: its error comes every time" {
	mkdir -p "$R/$(record_dir zz)"
	printf 'id: zz\nname: "unclosed\n' >"$R/$(record_path zz)"
	git -C "$R" add -A && git -C "$R" commit -qm "broken"
	for i in 1 2 3; do
		run --separate-stderr preg -C "$R" report funnel
		[ "$status" -eq 1 ]
		[[ $stderr == "preg: error: $(record_path zz):"* ]]
	done
}

# A report takes the records shard after shard (each read once), yet names
# the ones it cannot read in id order, as without the cache.
@test "a report names the records it cannot read in id order, whatever their shards" {
	local id order i
	for id in zb za zd zc ze; do
		mkdir -p "$R/$(record_dir "$id")"
		printf 'id: %s\nname: "unclosed\n' "$id" >"$R/$(record_path "$id")"
	done
	git -C "$R" add -A && git -C "$R" commit -qm "broken"
	# The shards do not hold them in id order (else this proves nothing).
	order=$(git -C "$R" ls-tree -r --name-only HEAD clients | grep '/z[a-e]\.yaml$' | xargs -n1 basename | tr '\n' ' ')
	[ "$order" != "za.yaml zb.yaml zc.yaml zd.yaml ze.yaml " ]
	for i in 1 2; do
		run --separate-stderr preg -C "$R" report funnel
		[ "$status" -eq 1 ]
		same "$(printf '%s\n' "$stderr" | grep -o 'clients/[^:]*' | xargs -n1 basename | tr '\n' ' ')" \
			"za.yaml zb.yaml zc.yaml zd.yaml ze.yaml "
		# The readable clients are counted as without the cache.
		same "$output" "$(PREG_NO_CACHE=1 preg -C "$R" report funnel 2>/dev/null)"
	done
	# The same words as the records themselves give, in the same order.
	same "$(preg -C "$R" report funnel 2>&1 >/dev/null)" \
		"$(PREG_NO_CACHE=1 preg -C "$R" report funnel 2>&1 >/dev/null)"
}

# With no cache, the records of the shards it does not know are parsed on
# other threads, one per processor the process may use, a few shards ahead
# of the report (lib/register_read.c). Pinned to one processor (taskset),
# preg parses them itself: the witness of the same answers, the same
# cache file byte for byte, and the same error.
@test "the first report over many shards parses them on other threads: the same answers, cache and errors" {
	local i out err trace=$BATS_TEST_TMPDIR/clone.trace
	command -v taskset >/dev/null
	[ "$(nproc)" -ge 2 ] || skip "one processor: no other thread to parse on"
	cd "$BATS_TEST_TMPDIR"
	{
		echo "Client,Manager"
		for i in $(seq 1 60); do echo "ООО «Клиент $i»,m$((i % 3))"; done
	} >many.csv
	preg -C "$R" import many.csv >/dev/null
	mkdir -p "$R/$(record_dir zz)"
	printf 'id: zz\nname: "unclosed\n' >"$R/$(record_path zz)"
	git -C "$R" add -A && git -C "$R" commit -qm "broken"
	[ "$(git -C "$R" ls-tree --name-only HEAD clients/ | wc -l)" -ge 20 ]

	rm -f "$CACHE"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -e trace=clone,clone3 -o "$trace" "$PREG" -C "$R" report funnel >threads.out 2>threads.err && false
	grep -q clone "$trace" # threads were started
	cp "$CACHE" threads.cache
	rm -f "$CACHE"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -e trace=clone,clone3 -o "$trace" taskset -c 0 "$PREG" -C "$R" report funnel >one.out 2>one.err && false
	! grep -q clone "$trace" # none
	same "$(cat threads.out)" "$(cat one.out)"
	same "$(cat threads.err)" "$(cat one.err)"
	[[ "$(cat one.err)" == "preg: error: $(record_path zz):"* ]]
	cmp "$CACHE" threads.cache
	same "$(cat threads.out)" "$(PREG_NO_CACHE=1 preg -C "$R" report funnel 2>/dev/null)"
	# Each kind of walk, from no cache, as without it.
	# (Each names the broken record and exits 1.)
	for a in "report register" "report managers" "client list" "remind --within 365d"; do
		rm -f "$CACHE"
		out=$(preg -C "$R" $a 2>&1 || echo "status $?")
		[[ "$out" == *"status 1" ]]
		same "$out" "$(PREG_NO_CACHE=1 preg -C "$R" $a 2>&1 || echo "status $?")"
	done
}

# libgit2 as Debian builds it parses the system's CA bundle when it starts
# (for HTTPS, which preg never does through libgit2): most of a small
# command's time. preg keeps it from doing so (lib/register.c).
@test "a command reads no TLS certificate: libgit2 starts without the CA bundle" {
	local trace=$BATS_TEST_TMPDIR/certs.trace out=$BATS_TEST_TMPDIR/certs.out err=$BATS_TEST_TMPDIR/certs.err
	[ -s /etc/ssl/certs/ca-certificates.crt ] # deps/debian.txt: ca-certificates
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -e trace=openat,open -o "$trace" "$PREG" -C "$R" client list >"$out" 2>"$err"
	grep -q '^c01	Client 01	' "$out"
	grep -q '^c06	Client 06	' "$out"
	[ ! -s "$err" ]
	grep -q 'clients/' "$trace" || grep -q 'objects' "$trace" # the trace saw the register
	! grep -E '"/etc/ssl|ca-certificates' "$trace"
}
