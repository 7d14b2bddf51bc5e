#!/usr/bin/env bats
# 1200-sync: sharing a register through a bare remote with two clones:
# init --remote, clone, sync of different and of the same records, add/add,
# a remote that moves during a sync, an unreachable remote, an uncommitted
# edit in the way, and the refusals that leave everything as it was.

load helper
load sync

setup() {
	sync_setup
}

# The branch tips of A, B and the remote are one commit, the trees equal,
# the work trees clean.
all_equal() {
	local ta tb tr
	ta=$(git -C "$A" rev-parse HEAD)
	tb=$(git -C "$B" rev-parse HEAD)
	tr=$(git -C "$REMOTE" rev-parse main)
	same "$ta $tb" "$tr $tr"
	assert_clean "$A"
	assert_clean "$B"
}

# No merge commits: history is linear.
linear() {
	[ -z "$(git -C "$1" rev-list --merges HEAD)" ]
}

@test "init --remote pushes the new register to an empty bare repository" {
	git init -q --bare "$REMOTE"
	run --separate-stderr preg init --remote "$REMOTE" "$A"
	[ "$status" -eq 0 ]
	same "$output" "created a register in $A (template freight)
synced with origin: 0 commits received, 1 sent"
	same "$stderr" "hint: '$REMOTE' is not a guarded remote; to see what it lacks, run
hint:   preg remote check $REMOTE"
	same "$(git -C "$REMOTE" rev-parse main)" "$(git -C "$A" rev-parse HEAD)"
	same "$(git -C "$A" config merge.preg.driver)" "preg merge-file %O %A %B %P"
	same "$(git -C "$A" config branch.main.remote)" "origin"
	same "$(cat "$A/.gitattributes")" "# Client records merge record by record (preg merge-file).
clients/**/*.yaml merge=preg"
	assert_clean "$A"
}

@test "init --remote with an unreachable remote keeps the register and says how to push later" {
	# A directory that holds files but no repository (a new one would be
	# made a guarded remote).
	mkdir "$BATS_TEST_TMPDIR/nowhere.git"
	touch "$BATS_TEST_TMPDIR/nowhere.git/x"
	run --separate-stderr preg init --remote "$BATS_TEST_TMPDIR/nowhere.git" "$A"
	[ "$status" -eq 1 ]
	same "$output" "created a register in $A (template freight)"
	[[ $stderr == "preg: error: cannot fetch from 'origin': fatal: '$BATS_TEST_TMPDIR/nowhere.git' does not appear to be a git repository
preg: the register is made, with '$BATS_TEST_TMPDIR/nowhere.git' as its remote; run 'preg sync' to push it" ]]
	[ "$(commits "$A")" -eq 1 ]
}

@test "clone sets up the merge driver and index version 4" {
	shared
	same "$(git -C "$B" config merge.preg.driver)" "preg merge-file %O %A %B %P"
	same "$(od -An -tx1 -j4 -N4 "$B/.git/index" | tr -d ' ')" "00000004"
	run --separate-stderr preg -C "$B" client list --format tsv
	[ "$status" -eq 0 ]
	[[ ${lines[1]} == romashka* ]]
	assert_clean "$B"
}

@test "clone prints where the register went; default is the default register" {
	git init -q --bare "$REMOTE"
	preg init --remote "$REMOTE" "$A" >/dev/null
	run --separate-stderr preg clone "$REMOTE"
	[ "$status" -eq 0 ]
	same "$output" "cloned $REMOTE into $HOME/.local/share/preg"
	same "$stderr" ""
	[ -f "$HOME/.local/share/preg/preg.yaml" ]
}

@test "clone refuses a non-empty directory, a non-register and an unreachable URL, leaving nothing" {
	shared
	mkdir "$BATS_TEST_TMPDIR/full"
	touch "$BATS_TEST_TMPDIR/full/x"
	run --separate-stderr preg clone "$REMOTE" "$BATS_TEST_TMPDIR/full"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: '$BATS_TEST_TMPDIR/full' exists and is not an empty directory"
	same "$(ls "$BATS_TEST_TMPDIR/full")" "x"

	git init -q --bare "$BATS_TEST_TMPDIR/plain.git"
	git clone -q "$BATS_TEST_TMPDIR/plain.git" "$BATS_TEST_TMPDIR/w" 2>/dev/null
	echo hi >"$BATS_TEST_TMPDIR/w/README"
	git -C "$BATS_TEST_TMPDIR/w" add README
	git -C "$BATS_TEST_TMPDIR/w" commit -qm readme
	git -C "$BATS_TEST_TMPDIR/w" push -q origin main
	run --separate-stderr preg clone "$BATS_TEST_TMPDIR/plain.git" "$BATS_TEST_TMPDIR/c"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: '$BATS_TEST_TMPDIR/plain.git' holds no register (no preg.yaml on its default branch)"
	[ ! -e "$BATS_TEST_TMPDIR/c" ]

	run --separate-stderr preg clone "$BATS_TEST_TMPDIR/nowhere.git" "$BATS_TEST_TMPDIR/c"
	[ "$status" -eq 1 ]
	[[ $stderr == "preg: error: cannot clone '$BATS_TEST_TMPDIR/nowhere.git': fatal: "* ]]
	[ ! -e "$BATS_TEST_TMPDIR/c" ]
}

@test "clone and sync: usage errors exit 2" {
	run --separate-stderr preg clone
	[ "$status" -eq 2 ]
	[[ ${stderr_lines[0]} == "preg: clone needs the URL of a shared register" ]]
	run --separate-stderr preg clone a b c
	[ "$status" -eq 2 ]
	shared
	run --separate-stderr preg -C "$A" sync origin extra
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: too many arguments"
	run --separate-stderr preg merge-file a b
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: merge-file needs BASE, OURS and THEIRS"
}

@test "sync with nothing to do says so and changes nothing" {
	shared
	local before
	before=$(git -C "$B" rev-parse HEAD)
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "$output" "up to date with origin"
	same "$stderr" ""
	same "$(git -C "$B" rev-parse HEAD)" "$before"
}

@test "sync of different records on two clones: both get everything, history linear" {
	shared
	preg -C "$A" client add Vasilek >/dev/null
	PREG_USER=petrov preg -C "$B" client add Lilia >/dev/null
	PREG_USER=petrov preg -C "$B" note romashka "called" >/dev/null
	run --separate-stderr preg -C "$A" sync
	[ "$status" -eq 0 ]
	same "$output" "synced with origin: 0 commits received, 1 sent"
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "$output" "synced with origin: 1 commit received, 2 sent"
	run --separate-stderr preg -C "$A" sync
	[ "$status" -eq 0 ]
	same "$output" "synced with origin: 2 commits received, 0 sent"
	all_equal
	linear "$A"
	same "$(git -C "$A" log --format=%s)" "note: romashka
add: lilia (Lilia)
add: vasilek (Vasilek)
add: romashka (Romashka)
init: new register (template freight)"
	# The replayed commits keep their author.
	same "$(git -C "$A" log -1 --format=%an)" "Test User"
	[ -f "$A/$(record_path lilia)" ]
	assert_fsck "$A"
	assert_fsck "$B"
}

@test "the commits a sync replays reach the disk as one pack that git reads and checks, no loose object" {
	shared
	preg -C "$A" client add "ООО «Василёк»" >/dev/null
	preg -C "$A" sync >/dev/null
	PREG_USER=petrov preg -C "$B" client add "ИП Лилия" >/dev/null
	PREG_USER=petrov preg -C "$B" note romashka "звонили" >/dev/null
	PREG_USER=petrov preg -C "$B" note romashka "перезвонить в среду" >/dev/null
	packs=$(ls "$B"/.git/objects/pack/*.pack | wc -l)
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "$output" "synced with origin: 1 commit received, 3 sent"
	preg -C "$A" sync >/dev/null
	all_equal
	linear "$B"
	# The three replayed commits and their trees (new: they hold A's
	# client too): none loose.
	for c in $(git -C "$B" rev-list -3 main); do
		t=$(git -C "$B" rev-parse "$c^{tree}")
		[ ! -e "$B/.git/objects/${c:0:2}/${c:2}" ]
		[ ! -e "$B/.git/objects/${t:0:2}/${t:2}" ]
	done
	# One pack more than before the fetch's (the fetch of one commit
	# unpacks it loose), which git verifies object by object.
	[ "$(ls "$B"/.git/objects/pack/*.pack | wc -l)" -eq $((packs + 1)) ]
	for p in "$B"/.git/objects/pack/*.idx; do
		git -C "$B" verify-pack "$p"
	done
	git -C "$B" fsck --strict --no-dangling --no-progress
	assert_fsck "$A"
	grep -q "перезвонить в среду" "$A/$(record_path romashka)"
	preg -C "$B" verify >/dev/null
	preg -C "$A" check >/dev/null
}

@test "sync of one record changed on both sides keeps both events and notes; a field conflict takes the local value and says so" {
	shared
	PREG_NOW=2026-11-03T10:00:00+05:00 preg -C "$A" phase set romashka 2 >/dev/null
	PREG_NOW=2026-11-03T11:00:00+05:00 preg -C "$A" note romashka "from A" >/dev/null
	preg -C "$A" client set romashka next_action=call tags=steel >/dev/null
	preg -C "$A" sync >/dev/null
	PREG_USER=petrov PREG_NOW=2026-11-03T09:00:00+05:00 preg -C "$B" note romashka "from B" >/dev/null
	PREG_USER=petrov PREG_NOW=2026-11-03T12:00:00+05:00 preg -C "$B" phase set romashka 3 >/dev/null
	PREG_USER=petrov preg -C "$B" client set romashka next_action=write next_contact=2026-11-20 >/dev/null
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "$output" "romashka: next_action changed here and on origin: kept 'write', replaced 'call'
synced with origin: 3 commits received, 3 sent"
	same "$stderr" ""
	preg -C "$A" sync >/dev/null
	all_equal
	same "$(cat "$A/"$(record_path romashka)"")" "id: romashka
name: Romashka
kind: external
manager: ivanov
phase: 3
phase_since: 2026-11-03T12:00:00+05:00
next_contact: 2026-11-20
next_action: write
created: 2026-11-02T10:15:00+05:00
tags: [steel]
history:
  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, phase: 1, manager: ivanov}
  - {at: 2026-11-03T10:00:00+05:00, by: ivanov, phase: 2}
  - {at: 2026-11-03T12:00:00+05:00, by: petrov, phase: 3}
notes:
  - {at: 2026-11-03T09:00:00+05:00, by: petrov, text: from B}
  - {at: 2026-11-03T11:00:00+05:00, by: ivanov, text: from A}"
	# The commit message names the value replaced.
	same "$(git -C "$A" log -1 --format=%B)" "set: romashka next_action, next_contact

Preg-Client: romashka
Preg-Action: set
Preg-Conflict: romashka next_action 'write' replaced 'call'
Preg-User: petrov"
	linear "$A"
}

@test "two clients added offline under one id: both kept, the incoming one renamed, its later changes follow it" {
	shared
	preg -C "$A" client add Vasilek --field city=Omsk >/dev/null
	preg -C "$A" sync >/dev/null
	PREG_USER=petrov preg -C "$B" client add Vasilek --field city=Tomsk >/dev/null
	PREG_USER=petrov preg -C "$B" note vasilek "the Tomsk one" >/dev/null
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "$output" "renamed: vasilek -> vasilek-2 (added here and on the remote under one id)
synced with origin: 1 commit received, 2 sent"
	preg -C "$A" sync >/dev/null
	all_equal
	same "$(sed -n 's/^  city: //p' "$A/"$(record_path vasilek)"")" "Omsk"
	same "$(sed -n 's/^  city: //p' "$A/"$(record_path vasilek-2)"")" "Tomsk"
	same "$(sed -n 's/^id: //p' "$A/"$(record_path vasilek-2)"")" "vasilek-2"
	grep -q "text: the Tomsk one" "$A/$(record_path vasilek-2)"
	! grep -q "Tomsk one" "$A/$(record_path vasilek)"
	git -C "$A" log --format=%B | grep -qx "Preg-Renamed: vasilek -> vasilek-2"
}

@test "a client removed on one side and changed on the other is kept" {
	shared
	preg -C "$A" client rm romashka >/dev/null
	preg -C "$A" sync >/dev/null
	PREG_USER=petrov preg -C "$B" note romashka "still talking" >/dev/null
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "$output" "romashka: removed on the remote but changed here; kept
synced with origin: 1 commit received, 1 sent"
	grep -q "still talking" "$B/$(record_path romashka)"
	preg -C "$A" sync >/dev/null
	all_equal
}

@test "a remote that moves during the sync: the sync starts again and both changes land" {
	shared
	# A git that lets B push once, between A's fetch and A's push.
	git_before_push "[ -e $BATS_TEST_TMPDIR/moved ] || { touch $BATS_TEST_TMPDIR/moved
		PREG_USER=petrov $PREG -C $B note romashka 'pushed in between' >/dev/null
		$PREG -C $B sync >/dev/null; }"
	preg -C "$A" note romashka "from A" >/dev/null
	run --separate-stderr preg -C "$A" sync
	[ "$status" -eq 0 ]
	same "$output" "synced with origin: 1 commit received, 1 sent"
	[ -e "$BATS_TEST_TMPDIR/moved" ]
	rm "$BATS_TEST_TMPDIR/bin/git"
	preg -C "$B" sync >/dev/null
	all_equal
	grep -q "pushed in between" "$A/$(record_path romashka)"
	grep -q "from A" "$A/$(record_path romashka)"
	linear "$A"
}

@test "a remote that keeps moving: four attempts, then an error; the local commit is kept" {
	shared
	git_before_push "echo x >>$BATS_TEST_TMPDIR/pushes
		PREG_USER=petrov $PREG -C $B note romashka again >/dev/null
		$PREG -C $B sync >/dev/null"
	preg -C "$A" note romashka "from A" >/dev/null
	run --separate-stderr preg -C "$A" sync
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: 'origin' kept moving during 4 attempts; the local commits are kept: run 'preg sync' again"
	# Four pushes by A, each of which let B push first.
	same "$(wc -l <"$BATS_TEST_TMPDIR/pushes")" "4"
	same "$(git -C "$REMOTE" log --format=%s main | grep -c '^note: romashka')" "4"
	same "$(git -C "$A" log -1 --format=%s)" "note: romashka"
	grep -q "from A" "$A/$(record_path romashka)"
	assert_clean "$A"
	rm "$BATS_TEST_TMPDIR/bin/git"
	preg -C "$A" sync >/dev/null
	preg -C "$B" sync >/dev/null
	all_equal
}

@test "an unreachable remote: a clear error, exit 1, local commits kept" {
	shared
	preg -C "$A" note romashka "offline" >/dev/null
	local before
	before=$(git -C "$A" rev-parse HEAD)
	mv "$REMOTE" "$REMOTE.away"
	run --separate-stderr preg -C "$A" sync
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: cannot fetch from 'origin': fatal: '$REMOTE' does not appear to be a git repository"
	same "$output" ""
	same "$(git -C "$A" rev-parse HEAD)" "$before"
	assert_clean "$A"
	mv "$REMOTE.away" "$REMOTE"
	run --separate-stderr preg -C "$A" sync
	[ "$status" -eq 0 ]
	same "$output" "synced with origin: 0 commits received, 1 sent"
}

@test "no remote, a bad remote name: one error each" {
	new_register
	run --separate-stderr preg -C "$R" sync
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: no remote 'origin' (add one with 'git remote add origin URL', or make the register with 'preg clone URL')"
	run --separate-stderr preg -C "$R" sync 'bad name'
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: invalid remote name 'bad name'"
}

@test "an unrelated register on the remote is refused" {
	shared
	PREG_NOW=2026-11-01T10:00:00+05:00 new_register
	git -C "$R" remote add origin "$REMOTE"
	run --separate-stderr preg -C "$R" sync
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: the register and 'origin' share no history (to work on the shared register, use 'preg clone URL')"
	[ "$(commits "$R")" -eq 1 ]
}

@test "an uncommitted edit of a record the sync must update: refused, nothing moved" {
	shared
	preg -C "$A" note romashka "from A" >/dev/null
	preg -C "$A" sync >/dev/null
	echo "# mine" >>"$B/$(record_path romashka)"
	local before
	before=$(git -C "$B" rev-parse HEAD)
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: $(record_path romashka) has uncommitted changes; commit or discard them first (git diff -- $(record_path romashka))"
	same "$(git -C "$B" rev-parse HEAD)" "$before"
	same "$(tail -n 1 "$B/"$(record_path romashka)"")" "# mine"
}

@test "doctor sets up a missing merge driver in a plain git clone" {
	shared
	git clone -q "$REMOTE" "$BATS_TEST_TMPDIR/c"
	run --separate-stderr preg -C "$BATS_TEST_TMPDIR/c" doctor
	[ "$status" -eq 0 ]
	same "$output" "fixed: the merge driver was not configured (set merge.preg.driver = preg merge-file %O %A %B %P)
fixed: set pull.rebase=false, so that 'git pull' merges records through preg's driver"
	same "$(git -C "$BATS_TEST_TMPDIR/c" config merge.preg.driver)" "preg merge-file %O %A %B %P"
	same "$(git -C "$BATS_TEST_TMPDIR/c" config pull.rebase)" "false"
	run --separate-stderr preg -C "$BATS_TEST_TMPDIR/c" doctor
	same "$output" "ok: nothing to repair"
}

@test "init --remote into a repository that has an origin already: refused, the register made" {
	git init -q "$A"
	git -C "$A" remote add origin /elsewhere.git
	run --separate-stderr preg init --remote "$REMOTE" "$A"
	[ "$status" -eq 1 ]
	same "$output" "created a register in $A (template freight)"
	same "$stderr" "preg: error: the repository has a remote 'origin' already (/elsewhere.git)"
	same "$(git -C "$A" config remote.origin.url)" "/elsewhere.git"
	[ -z "$(git -C "$A" config branch.main.remote)" ]
}

@test "a client removed on both sides is simply gone" {
	shared
	preg -C "$A" client rm romashka >/dev/null
	preg -C "$A" sync >/dev/null
	PREG_NOW=2026-11-02T11:00:00+05:00 preg -C "$B" client rm romashka >/dev/null
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "$output" "synced with origin: 1 commit received, 0 sent"
	[ ! -e "$B/$(record_path romashka)" ]
	preg -C "$A" sync >/dev/null
	all_equal
}

@test "on a terminal a progress line says what the sync is doing, then goes" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	shared
	preg -C "$A" note romashka "from A" >/dev/null
	run script -qec "$PREG -C $A sync" /dev/null
	[ "$status" -eq 0 ]
	[[ $output == *"preg: fetching from origin..."* ]]
	[[ $output == *"preg: pushing to origin..."* ]]
	[[ $output == *"synced with origin: 0 commits received, 1 sent"* ]]
}
