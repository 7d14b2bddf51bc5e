#!/usr/bin/env bats
# 1310-upgrade: preg upgrade moves a register of format version 1 (records
# under the first two characters of the id) to version 2 (under two hex
# digits of the id's XXH64) in one commit; the trails of the records go
# across it (git log --follow is the witness); verify and check pass after
# it; a second upgrade has nothing to do; a register newer than this preg
# is refused without a change; sync refuses between clones of different
# versions until both are upgraded.

load helper
load invariants
load sync

setup() {
	sync_setup
}

# The v2 path of an id, computed by xxhsum as a person would.
v2_path() {
	printf 'clients/%s/%s.yaml' "$(printf %s "$1" | xxhsum -H1 | cut -c1-2)" "$1"
}

# A register of version 1 with three clients and some history.
old_register() {
	new_register_v1
	grep -qx 'version: 1' "$R/preg.yaml"
	PREG_NOW=2026-10-01T10:00:00+05:00 preg -C "$R" client add "ООО «Ромашка»" >/dev/null
	PREG_NOW=2026-10-02T10:00:00+05:00 preg -C "$R" client add "Acme Ltd" --id acme >/dev/null
	PREG_NOW=2026-10-03T10:00:00+05:00 preg -C "$R" client add "ИП Иванов И.И." >/dev/null
	PREG_NOW=2026-10-04T10:00:00+05:00 preg -C "$R" note romashka "звонок директору" >/dev/null
	PREG_NOW=2026-10-05T10:00:00+05:00 preg -C "$R" phase set romashka 3 >/dev/null
	[ -f "$R/clients/ro/romashka.yaml" ]
}

@test "upgrade moves every record in one commit by the acting user; records unchanged" {
	old_register
	before=$(commits)
	for id in romashka acme ivanov-i-i; do
		git -C "$R" rev-parse "HEAD:$(git -C "$R" ls-files "clients/*/$id.yaml")" >>"$BATS_TEST_TMPDIR/blobs"
	done
	run --separate-stderr env PREG_USER=petrov preg -C "$R" upgrade
	same "$status" 0
	same "$output" "upgraded the register from version 1 to 2: 3 clients moved"
	same "$stderr" ""
	same "$(commits)" "$((before + 1))"
	same "$(git -C "$R" log -1 --format=%s)" "upgrade: register version 1 -> 2 (3 clients moved)"
	last_message | grep -qx 'Preg-Action: upgrade'
	last_message | grep -qx 'Preg-User: petrov'
	same "$(last_message | grep -c '^Preg-Client: ')" 3
	grep -qx 'version: 2' "$R/preg.yaml"
	# Every record at its v2 path, byte for byte the blob it was; nothing
	# left at the old paths.
	same "$(git -C "$R" ls-files clients | sort)" "$( (v2_path acme; echo; v2_path ivanov-i-i; echo; v2_path romashka; echo) | sort)"
	for id in romashka acme ivanov-i-i; do
		git -C "$R" rev-parse "HEAD:$(v2_path "$id")"
	done >"$BATS_TEST_TMPDIR/after"
	same "$(cat "$BATS_TEST_TMPDIR/after")" "$(cat "$BATS_TEST_TMPDIR/blobs")"
	# Only preg.yaml's version line changed there.
	same "$(git -C "$R" diff HEAD~1 HEAD -- preg.yaml | grep '^[-+][^-+]')" "-version: 1
+version: 2"
	[ ! -e "$R/clients/ro" ]
	assert_clean
	assert_fsck
	assert_verify_check
	# The commands read the records at their new paths.
	run --separate-stderr preg -C "$R" client show romashka
	same "$status" 0
	[[ "$output" == *"ООО «Ромашка»"* ]]
	# A new client goes to its path in version 2.
	preg -C "$R" client add "ЗАО «Василёк»" >/dev/null
	[ -f "$R/$(v2_path vasilek)" ]
	assert_verify_check
}

# Every listing of the register in $1, one after the other: what a user
# reads, whatever the layout.
listings() {
	local f
	preg -C "$1" client list
	for f in tsv csv json id; do preg -C "$1" client list --format "$f"; done
	preg -C "$1" client list --manager petrov
	for v in register funnel managers durations reasons activity; do preg -C "$1" report "$v"; done
	preg -C "$1" remind --as-of 2026-11-20 --within 30d
	preg -C "$1" remind --as-of 2026-11-20 --format tsv
	for f in csv json; do preg -C "$1" export --format "$f"; done
	preg -C "$1" find ооо
	# check names files: their shards differ, the order must not.
	preg -C "$1" check 2>&1 | sed 's#clients/[^/]*/#clients/*/#g'
}

@test "the same clients list, report, remind, export and check alike in both layouts" {
	old_register
	# Ids whose v1 shards (x_ after x-) and v2 shards (hashes) both
	# disagree with the order of the ids.
	i=0
	for c in "x|Икс" "x-y|Икс-Игрек" "a1|ООО «А1»" "zeta|Zeta GmbH" "ooo-vasilek|ООО «Василёк» и партнёры, очень длинное имя" "b|ПАО «Б»"; do
		i=$((i + 1))
		preg -C "$R" client add "${c#*|}" --id "${c%%|*}" --manager petrov --next "2026-11-1$i" \
			--contact "Пётр <p$i@example.com>; director; +7 351 000-00-0$i" --allow-duplicate >/dev/null
	done
	# Two pairs of likely duplicates, which check names after the rest.
	preg -C "$R" client add "ООО «Двойник»" --id dvoinik --contact "Пётр <p7@example.com>; director; +7 351 000-00-02" --allow-duplicate >/dev/null
	preg -C "$R" client add "Zeta GmbH" --id zz-top --allow-duplicate >/dev/null
	preg -C "$R" phase set x 4 >/dev/null
	preg -C "$R" phase set a1 3 >/dev/null
	cp -a "$R" "$BATS_TEST_TMPDIR/v1"
	listings "$BATS_TEST_TMPDIR/v1" >"$BATS_TEST_TMPDIR/v1.out"
	preg -C "$R" upgrade >/dev/null
	grep -qx 'version: 2' "$R/preg.yaml"
	# Cold (no record cache yet in the upgraded tree's shards), then warm.
	listings "$R" >"$BATS_TEST_TMPDIR/v2.out"
	listings "$R" >"$BATS_TEST_TMPDIR/v2-warm.out"
	PREG_NO_CACHE=1 listings "$R" >"$BATS_TEST_TMPDIR/v2-nocache.out"
	# The listings are in id order, not in either tree's.
	same "$(preg -C "$R" client list --format id | tr '\n' ' ')" "a1 acme b dvoinik ivanov-i-i ooo-vasilek romashka x x-y zeta zz-top "
	same "$(grep -c 'likely duplicate' "$BATS_TEST_TMPDIR/v1.out")" 2
	cmp "$BATS_TEST_TMPDIR/v1.out" "$BATS_TEST_TMPDIR/v2.out"
	cmp "$BATS_TEST_TMPDIR/v1.out" "$BATS_TEST_TMPDIR/v2-warm.out"
	cmp "$BATS_TEST_TMPDIR/v1.out" "$BATS_TEST_TMPDIR/v2-nocache.out"
}

@test "the trails go across the upgrade: git log --follow and preg log agree" {
	old_register
	preg -C "$R" upgrade >/dev/null
	PREG_NOW=2026-11-01T10:00:00+05:00 preg -C "$R" note romashka "после переезда" >/dev/null
	want=$(git -C "$R" log --follow --format=%H -- "$(v2_path romashka)")
	same "$(echo "$want" | wc -l)" 5
	got=$(preg -C "$R" log romashka --format tsv | tail -n +2 | cut -f1)
	same "$got" "$want"
	# The first entry is the add, not the upgrade; the upgrade says what
	# it did to the record.
	same "$(preg -C "$R" log romashka --format tsv | tail -1 | cut -f5)" "add"
	same "$(preg -C "$R" log romashka --format tsv | sed -n 3p | cut -f5-)" "upgrade	event: moved to the register's new layout"
	assert_verify_check
	# Undo of a change made before the upgrade is refused or done, never a
	# record put back at its old path.
	preg -C "$R" undo >/dev/null
	[ -z "$(git -C "$R" ls-files clients/ro)" ]
	assert_verify_check
}

@test "a large upgrade renames the files instead of writing them, and reads no record" {
	new_register_v1
	{
		echo "Client,Manager"
		for i in $(seq 1 300); do echo "\"ООО «Северный завод $i»\",ivanov"; done
	} >"$BATS_TEST_TMPDIR/clients.csv"
	preg -C "$R" import "$BATS_TEST_TMPDIR/clients.csv" >/dev/null
	# A person's hard link to a record: a moved file keeps it (the same
	# inode), a rewritten one would not.
	old=$(git -C "$R" ls-files 'clients/*/severnyi-zavod-7.yaml')
	ln "$R/$old" "$BATS_TEST_TMPDIR/link.yaml"
	inode=$(stat -c %i "$R/$old")
	# A record whose text does not parse is still moved as it is: the
	# upgrade never reads it.
	bad=$(git -C "$R" ls-files 'clients/*/severnyi-zavod-9.yaml')
	printf 'id: severnyi-zavod-9\nname: [unclosed\n' >"$R/$bad"
	git -C "$R" commit -q -am "a hand edit gone wrong"
	blob=$(git -C "$R" rev-parse "HEAD:$bad")
	run --separate-stderr preg -C "$R" upgrade
	same "$status" 0
	same "$output" "upgraded the register from version 1 to 2: 300 clients moved"
	same "$(stat -c %i "$R/$(v2_path severnyi-zavod-7)")" "$inode"
	same "$(stat -c %h "$R/$(v2_path severnyi-zavod-7)")" 2
	same "$(git -C "$R" rev-parse "HEAD:$(v2_path severnyi-zavod-9)")" "$blob"
	cmp "$R/$(v2_path severnyi-zavod-9)" <(git -C "$R" cat-file blob "$blob")
	same "$(git -C "$R" ls-files clients | wc -l)" 300
	same "$(find "$R/clients" -type f | wc -l)" 300
	same "$(last_message | grep -c '^Preg-Client: ')" 300
	assert_clean
	assert_fsck
}

@test "a second upgrade has nothing to do and changes nothing" {
	old_register
	preg -C "$R" upgrade >/dev/null
	head=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" upgrade
	same "$status" 0
	same "$output" "the register is at version 2, the latest: nothing to do"
	same "$(git -C "$R" rev-parse HEAD)" "$head"
}

@test "upgrade refuses a file that is no record and a record with uncommitted changes, changing nothing" {
	old_register
	head=$(git -C "$R" rev-parse HEAD)
	cp "$R/clients/ac/acme.yaml" "$R/clients/zz.yaml"
	git -C "$R" add clients/zz.yaml
	git -C "$R" commit -qm "a stray file"
	head=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" upgrade
	same "$status" 1
	same "$stderr" "preg: error: clients/zz.yaml: not a client record (expected clients/<first two characters of the id>/<id>.yaml); repair it first ('preg check' names every such file)"
	same "$(git -C "$R" rev-parse HEAD)" "$head"
	grep -qx 'version: 1' "$R/preg.yaml"
	git -C "$R" rm -q clients/zz.yaml
	git -C "$R" commit -qm "stray file gone"
	head=$(git -C "$R" rev-parse HEAD)
	echo "# mine" >>"$R/clients/ac/acme.yaml"
	run --separate-stderr preg -C "$R" upgrade
	same "$status" 1
	[[ "$stderr" == "preg: error: clients/ac/acme.yaml has uncommitted changes"* ]]
	same "$(git -C "$R" rev-parse HEAD)" "$head"
	grep -qx 'version: 1' "$R/preg.yaml"
	same "$(tail -1 "$R/clients/ac/acme.yaml")" "# mine"
}

@test "a register of a newer version than this preg knows is refused by every command, unchanged" {
	new_register
	preg -C "$R" client add Acme --id acme >/dev/null
	sed -i 's/^version: 2$/version: 3/' "$R/preg.yaml"
	git -C "$R" commit -qam "from a newer preg"
	head=$(git -C "$R" rev-parse HEAD)
	msg="preg: error: preg.yaml:1:10: register version 3 is newer than this preg knows (2); update preg"
	for cmd in "client list" "client show acme" "note acme hi" "upgrade" "verify" "check" "doctor" "log"; do
		# shellcheck disable=SC2086 # the words of the command
		run --separate-stderr preg -C "$R" $cmd
		same "$status" 1
		same "$stderr" "$msg"
		same "$output" ""
	done
	same "$(git -C "$R" rev-parse HEAD)" "$head"
	assert_clean
}

# shared (sync.bash) with registers of version 1: one made as an older
# preg made it and pushed with git; A and B are clones, which keep the
# remote's version.
shared_v1() {
	git init -q --bare "$REMOTE"
	new_register_v1
	git -C "$R" push -q "$REMOTE" main
	preg clone "$REMOTE" "$A" >/dev/null
	grep -qx 'version: 1' "$A/preg.yaml"
	preg -C "$A" client add Romashka >/dev/null
	preg -C "$A" sync >/dev/null
	preg clone "$REMOTE" "$B" >/dev/null
	[ -f "$B/clients/ro/romashka.yaml" ]
}

@test "init makes a register of version 2; clone keeps the remote's version" {
	new_register
	grep -qx 'version: 2' "$R/preg.yaml"
	preg -C "$R" client add "ООО «Ромашка»" >/dev/null
	[ -f "$R/$(v2_path romashka)" ]
	git init -q --bare "$BATS_TEST_TMPDIR/new.git"
	preg init --remote "$BATS_TEST_TMPDIR/new.git" "$BATS_TEST_TMPDIR/new" >/dev/null
	same "$(git -C "$BATS_TEST_TMPDIR/new.git" show main:preg.yaml | head -1)" "version: 2"
	preg clone "$BATS_TEST_TMPDIR/new.git" "$BATS_TEST_TMPDIR/new-clone" >/dev/null
	grep -qx 'version: 2' "$BATS_TEST_TMPDIR/new-clone/preg.yaml"
	R=$BATS_TEST_TMPDIR/old
	shared_v1
	grep -qx 'version: 1' "$B/preg.yaml"
	assert_verify_check "$B"
}

@test "sync between clones of different versions refuses until both are upgraded" {
	shared_v1
	preg -C "$B" client add Acme --id acme >/dev/null
	preg -C "$A" upgrade >/dev/null
	# A is ahead and the remote has nothing A lacks: the upgrade goes out.
	run --separate-stderr preg -C "$A" sync
	same "$status" 0
	same "$(git -C "$REMOTE" show main:preg.yaml | head -1)" "version: 2"
	# B, still version 1, is refused and keeps its commit.
	bhead=$(git -C "$B" rev-parse HEAD)
	run --separate-stderr preg -C "$B" sync
	same "$status" 1
	same "$stderr" "preg: error: the remote's register is version 2, this one version 1; run 'preg upgrade', then 'preg sync'"
	same "$(git -C "$B" rev-parse HEAD)" "$bhead"
	grep -qx 'version: 1' "$B/preg.yaml"
	# Upgraded, B syncs: both have both clients at their v2 paths.
	preg -C "$B" upgrade >/dev/null
	run --separate-stderr preg -C "$B" sync
	same "$status" 0
	preg -C "$A" sync >/dev/null
	same "$(git -C "$A" rev-parse HEAD)" "$(git -C "$B" rev-parse HEAD)"
	same "$(git -C "$A" ls-files clients | sort)" "$( (v2_path acme; echo; v2_path romashka; echo) | sort)"
	assert_verify_check "$A"
	assert_verify_check "$B"
	assert_clean "$A"
	assert_clean "$B"
}

@test "an upgraded clone does not sync onto a version 1 remote that moved" {
	shared_v1
	preg -C "$B" client add Acme --id acme >/dev/null
	preg -C "$B" sync >/dev/null
	preg -C "$A" upgrade >/dev/null
	ahead=$(git -C "$A" rev-parse HEAD)
	rhead=$(git -C "$REMOTE" rev-parse main)
	run --separate-stderr preg -C "$A" sync
	same "$status" 1
	[[ "$stderr" == "preg: error: the remote's register is version 1, this one version 2, and 'origin' has commits this one lacks; "* ]]
	same "$(git -C "$A" rev-parse HEAD)" "$ahead"
	same "$(git -C "$REMOTE" rev-parse main)" "$rhead"
}

@test "doctor says when an upgrade is due, as advice (exit 0), and not after it" {
	old_register
	run --separate-stderr preg -C "$R" doctor
	same "$status" 0
	same "$output" "the register is layout version 1; 'preg upgrade' moves it to version 2 (one commit)"
	same "$stderr" ""
	preg -C "$R" upgrade >/dev/null
	run --separate-stderr preg -C "$R" doctor
	same "$status" 0
	same "$output" "ok: nothing to repair"
}

@test "upgrade: usage errors exit 2" {
	old_register
	run --separate-stderr preg -C "$R" upgrade now
	same "$status" 2
	run --separate-stderr preg -C "$R" upgrade --bogus
	same "$status" 2
}
