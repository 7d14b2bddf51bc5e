#!/usr/bin/env bats
# preg remote init|check|hook: a guarded bare repository; plain git clone,
# pull and push against it, as a team without preg on every machine would.

load helper
load sync

setup() {
	sync_setup
}

# The remote's settings and hook as git sees them.
@test "remote init: HEAD on main, forced pushes and deletions refused, the hook in place" {
	run --separate-stderr preg remote init "$REMOTE" --admin petrov
	[ "$status" -eq 0 ]
	same "$output" "guarded remote in $REMOTE"
	same "$stderr" ""
	same "$(git -C "$REMOTE" symbolic-ref HEAD)" "refs/heads/main"
	same "$(git -C "$REMOTE" rev-parse --is-bare-repository)" "true"
	same "$(git -C "$REMOTE" config receive.denyNonFastForwards)" "true"
	same "$(git -C "$REMOTE" config receive.denyDeletes)" "true"
	same "$(git -C "$REMOTE" config preg.admin)" "petrov"
	[ -x "$REMOTE/hooks/pre-receive" ]
	grep -qxF "exec '$(readlink -f "$PREG")' remote hook" "$REMOTE/hooks/pre-receive"
	run preg remote check "$REMOTE"
	[ "$status" -eq 0 ]
	same "$output" "ok: a guarded remote"
}

@test "remote check: a plain git init --bare lacks everything; remote init guards it in place" {
	git init -q --bare -b master "$REMOTE"
	run --separate-stderr preg remote check "$REMOTE"
	[ "$status" -eq 1 ]
	same "$output" "HEAD names 'refs/heads/master', not 'refs/heads/main': a plain 'git clone' checks out nothing
receive.denyNonFastForwards is not true: a forced push can rewrite the history
receive.denyDeletes is not true: the branch can be deleted by a push
hooks/pre-receive is missing: nothing checks what is pushed"
	preg remote init "$REMOTE" >/dev/null
	run preg remote check "$REMOTE"
	[ "$status" -eq 0 ]
}

@test "remote init and check refused: not a bare repository" {
	mkdir -p "$BATS_TEST_TMPDIR/notes"
	echo x >"$BATS_TEST_TMPDIR/notes/a.txt"
	run --separate-stderr preg remote init "$BATS_TEST_TMPDIR/notes"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: '$BATS_TEST_TMPDIR/notes' exists and is not a bare git repository"
	run --separate-stderr preg remote check "$BATS_TEST_TMPDIR/notes"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: '$BATS_TEST_TMPDIR/notes' is not a bare git repository"
	# A bare repository whose master holds commits: not moved under anyone.
	git init -q --bare -b master "$REMOTE"
	git init -q "$BATS_TEST_TMPDIR/w"
	git -C "$BATS_TEST_TMPDIR/w" commit -q --allow-empty -m x
	git -C "$BATS_TEST_TMPDIR/w" push -q "$REMOTE" HEAD:master
	run --separate-stderr preg remote init "$REMOTE"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: '$REMOTE' holds branch 'master', not 'main'"
	same "$(git -C "$REMOTE" symbolic-ref HEAD)" "refs/heads/master"
	run preg remote init
	[ "$status" -eq 2 ]
}

# preg init --remote with a directory that does not exist: the guarded
# remote remote init makes, the acting user its admin, then the first push.
@test "init --remote into a new directory makes it a guarded remote; plain git clones it, a forced push is refused" {
	NEW=$BATS_TEST_TMPDIR/srv/new.git
	run --separate-stderr preg init --remote "$NEW" "$A"
	[ "$status" -eq 0 ]
	same "$output" "created a register in $A (template freight)
guarded remote in $NEW (admin ivanov)
synced with origin: 0 commits received, 1 sent"
	same "$stderr" ""
	run --separate-stderr preg remote check "$NEW"
	[ "$status" -eq 0 ]
	same "$output" "ok: a guarded remote"
	same "$(git -C "$NEW" config preg.admin)" "ivanov"
	same "$(git -C "$A" config remote.origin.url)" "$NEW"
	same "$(git -C "$NEW" rev-parse main)" "$(git -C "$A" rev-parse HEAD)"
	# The hook is preg's: a record check rejects does not go in.
	at 02T10:20 ivanov "$A" client add "ООО «Ромашка»" --id romashka --next 2026-11-10
	preg -C "$A" sync >/dev/null
	git clone -q "$NEW" "$B"
	[ -f "$B/preg.yaml" ]
	f=$(cd "$B" && ls clients/*/romashka.yaml)
	grep -qx 'name: ООО «Ромашка»' "$B/$f"
	tip=$(git -C "$NEW" rev-parse main)
	sed -i 's/^phase: 1$/phase: 99/' "$B/$f"
	git -C "$B" commit -qam "фаза вручную"
	run git -C "$B" push origin main
	[ "$status" -ne 0 ]
	[[ $output == *"remote: preg: refused: romashka: commit $(git -C "$B" rev-parse --short=7 HEAD) (фаза вручную): $f: phase 99 is not in preg.yaml"* ]]
	# A forced push of a rewritten history: refused by git itself.
	git -C "$B" reset -q --hard HEAD~2
	git -C "$B" commit -q --allow-empty -m "rewritten"
	run git -C "$B" push --force origin main
	[ "$status" -ne 0 ]
	[[ $output == *"non-fast-forward"* ]]
	same "$(git -C "$NEW" rev-parse main)" "$tip"
	verified "$A"
}

@test "init --remote: a file:// URL or a relative path to a new directory, an empty directory: guarded too" {
	run --separate-stderr preg init --remote "file://$BATS_TEST_TMPDIR/f.git" "$A"
	[ "$status" -eq 0 ]
	same "${lines[1]}" "guarded remote in $BATS_TEST_TMPDIR/f.git (admin ivanov)"
	same "$(git -C "$A" config remote.origin.url)" "file://$BATS_TEST_TMPDIR/f.git"
	preg remote check "$BATS_TEST_TMPDIR/f.git" >/dev/null
	# Relative, as typed: recorded absolute; made by another acting user.
	mkdir "$BATS_TEST_TMPDIR/w" "$BATS_TEST_TMPDIR/empty.git"
	cd "$BATS_TEST_TMPDIR/w"
	PREG_USER=petrov run --separate-stderr preg init --remote ../r.git reg
	[ "$status" -eq 0 ]
	same "${lines[1]}" "guarded remote in $BATS_TEST_TMPDIR/r.git (admin petrov)"
	same "$(git -C reg config remote.origin.url)" "$BATS_TEST_TMPDIR/r.git"
	same "$(git -C "$BATS_TEST_TMPDIR/r.git" rev-parse main)" "$(git -C reg rev-parse HEAD)"
	# An empty directory (made by the file server's admin, say).
	run --separate-stderr preg init --remote "$BATS_TEST_TMPDIR/empty.git" "$B"
	[ "$status" -eq 0 ]
	same "${lines[1]}" "guarded remote in $BATS_TEST_TMPDIR/empty.git (admin ivanov)"
	preg remote check "$BATS_TEST_TMPDIR/empty.git" >/dev/null
	# A repository with a remote already: refused, and nothing made.
	git init -q "$BATS_TEST_TMPDIR/d"
	git -C "$BATS_TEST_TMPDIR/d" remote add origin /elsewhere.git
	run --separate-stderr preg init --remote "$BATS_TEST_TMPDIR/d.git" "$BATS_TEST_TMPDIR/d"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: the repository has a remote 'origin' already (/elsewhere.git)"
	[ ! -e "$BATS_TEST_TMPDIR/d.git" ]
}

@test "init --remote into an existing plain bare repository: used as it is, with a hint" {
	git init -q --bare -b main "$REMOTE"
	run --separate-stderr preg init --remote "$REMOTE" "$A"
	[ "$status" -eq 0 ]
	same "$output" "created a register in $A (template freight)
synced with origin: 0 commits received, 1 sent"
	same "$stderr" "hint: '$REMOTE' is not a guarded remote; to see what it lacks, run
hint:   preg remote check $REMOTE"
	[ ! -e "$REMOTE/hooks/pre-receive" ]
	same "$(git -C "$REMOTE" rev-parse main)" "$(git -C "$A" rev-parse HEAD)"
	# A guarded one: no hint.
	preg remote init "$BATS_TEST_TMPDIR/g.git" >/dev/null
	run --separate-stderr preg init --remote "$BATS_TEST_TMPDIR/g.git" "$B"
	[ "$status" -eq 0 ]
	same "$stderr" ""
	# Anything that is not a local directory is used as given: nothing made.
	run --separate-stderr preg init --remote "nohost.invalid:srv/x.git" "$BATS_TEST_TMPDIR/c"
	[ "$status" -eq 1 ]
	[ ! -e "nohost.invalid:srv" ]
	[[ $stderr == *"preg: the register is made, with 'nohost.invalid:srv/x.git' as its remote; run 'preg sync' to push it" ]]
}

@test "init --remote: the hint's command quotes a path with a space and a quote, and runs as pasted" {
	local plain="$BATS_TEST_TMPDIR/общий диск/it's.git"
	mkdir -p "$BATS_TEST_TMPDIR/общий диск"
	git init -q --bare -b main "$plain"
	run --separate-stderr preg init --remote "$plain" "$A"
	[ "$status" -eq 0 ]
	same "$stderr" "hint: '$plain' is not a guarded remote; to see what it lacks, run
hint:   preg remote check '$BATS_TEST_TMPDIR/общий диск/it'\\''s.git'"
	# The second line, pasted into a shell, checks that repository.
	local cmd=${stderr#*$'\n'hint:   }
	run --separate-stderr eval "$cmd"
	[ "$status" -eq 1 ]
	same "${lines[0]}" "receive.denyNonFastForwards is not true: a forced push can rewrite the history"
	same "$stderr" ""
	# A path the shell reads as it is stays as it is.
	git init -q --bare -b main "$BATS_TEST_TMPDIR/продажи.git"
	run --separate-stderr preg init --remote "$BATS_TEST_TMPDIR/продажи.git" "$B"
	same "${stderr#*$'\n'}" "hint:   preg remote check $BATS_TEST_TMPDIR/продажи.git"
}

# A shared register on a guarded remote: ivanov made it with preg, petrov
# uses plain git.
shared() {
	preg remote init "$REMOTE" >/dev/null
	preg init --remote "$REMOTE" "$A" >/dev/null 2>&1
	PREG_NOW=2026-11-02T10:20:00+05:00 preg -C "$A" client add "ООО «Ромашка»" --id romashka --next 2026-11-10 >/dev/null
	preg -C "$A" sync >/dev/null
}

@test "plain git clone checks the register out; doctor says what a pull needs and sets it" {
	shared
	git clone -q "$REMOTE" "$B"
	[ -f "$B/preg.yaml" ]
	[ -f "$B/$(record_path romashka)" ] || [ -n "$(find "$B/clients" -name romashka.yaml)" ]
	run preg -C "$B" client show romashka --format json
	[ "$status" -eq 0 ]
	run --separate-stderr preg -C "$B" doctor
	[ "$status" -eq 0 ]
	same "$output" "fixed: the merge driver was not configured (set merge.preg.driver = preg merge-file %O %A %B %P)
fixed: set pull.rebase=false, so that 'git pull' merges records through preg's driver"
	same "$(git -C "$B" config pull.rebase)" "false"
	# preg clone sets the same.
	preg clone "$REMOTE" "$BATS_TEST_TMPDIR/c" >/dev/null
	same "$(git -C "$BATS_TEST_TMPDIR/c" config pull.rebase)" "false"
	same "$(git -C "$A" config pull.rebase)" "false"
}

@test "git pull after another clone's preg sync merges the record through the driver" {
	shared
	git clone -q "$REMOTE" "$B"
	preg -C "$B" doctor >/dev/null
	# Each side changes the same client: B with preg, A with preg and sync.
	PREG_NOW=2026-11-02T11:00:00+05:00 preg -C "$A" note romashka "звонил директору" >/dev/null
	PREG_NOW=2026-11-02T11:00:00+05:00 preg -C "$A" sync >/dev/null
	PREG_USER=petrov PREG_NOW=2026-11-02T11:05:00+05:00 preg -C "$B" client set romashka next_action=написать >/dev/null
	run git -C "$B" pull -q
	[ "$status" -eq 0 ]
	assert_clean "$B"
	f=$(cd "$B" && find clients -name romashka.yaml)
	grep -q 'звонил директору' "$B/$f"
	grep -q 'next_action: написать' "$B/$f"
	run preg -C "$B" check
	[ "$status" -eq 0 ]
	# And the merge goes back: plain git push, accepted.
	run git -C "$B" push -q
	[ "$status" -eq 0 ]
}

@test "a forced push of a rewritten history and a deletion are refused by the remote" {
	shared
	git clone -q "$REMOTE" "$B"
	before=$(git -C "$REMOTE" rev-parse main)
	git -C "$B" reset -q --hard HEAD~1
	git -C "$B" commit -q --allow-empty -m "rewritten"
	run git -C "$B" push --force origin main
	[ "$status" -ne 0 ]
	[[ $output == *"non-fast-forward"* ]]
	run git -C "$B" push origin :main
	[ "$status" -ne 0 ]
	[[ $output == *"remote: preg: refused: refs/heads/main: the register's branch is never deleted"* ]]
	same "$(git -C "$REMOTE" rev-parse main)" "$before"
}

@test "the hook: only main takes pushes, and git shows why as remote: lines" {
	shared
	git clone -q "$REMOTE" "$B"
	git -C "$B" commit -q --allow-empty -m "elsewhere"
	run git -C "$B" push origin HEAD:refs/heads/other
	[ "$status" -ne 0 ]
	[[ $output == *"remote: preg: refused: refs/heads/other: only refs/heads/main takes pushes here"* ]]
	run git -C "$REMOTE" rev-parse --verify -q refs/heads/other
	[ "$status" -ne 0 ]
	# Lines git would never write: refused as input.
	run --separate-stderr preg remote hook <<<"junk"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: not a line of git's pre-receive: 'junk'"
}

@test "a plain clone of a remote whose HEAD names master: preg says what to run, not preg init" {
	git init -q --bare -b master "$REMOTE"
	preg init --remote "$REMOTE" "$A" >/dev/null 2>&1
	git clone -q "$REMOTE" "$B" 2>/dev/null
	run --separate-stderr preg -C "$B" doctor
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: no register on branch 'master' of '$B', but on 'origin/main': run 'git checkout main'; the remote's HEAD names another branch ('preg remote check' on it says what it lacks)"
	git -C "$B" checkout -q main
	run preg -C "$B" doctor
	[ "$status" -eq 0 ]
	run preg remote check "$REMOTE"
	[ "$status" -eq 1 ]
	[[ $output == "HEAD names 'refs/heads/master', not 'refs/heads/main'"* ]]
}
