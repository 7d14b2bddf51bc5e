#!/usr/bin/env bats
# 1230-ssh: clone and sync over ssh, to an sshd of the test's own on the
# loopback (Debian's openssh-server). The client side is the user's own
# ssh as git runs it, configured by an ssh_config file: what preg promises
# is that such configuration works because git and ssh do the transport.
# Skipped when sshd is not installed.

load helper
load sync
load sshd

setup() {
	sync_setup
	sshd_start
	sshd_host preg-test user
	cp "$SSHDIR/user.pub" "$SSHDIR/authorized_keys"
	sshd_wait ssh -F "$SSHDIR/ssh_config" preg-test true
}

teardown() {
	sshd_stop
}

@test "init --remote, clone and sync over ssh with the user's ssh configuration" {
	git init -q --bare "$REMOTE"
	run --separate-stderr preg init --remote "preg-test:$REMOTE" "$A"
	[ "$status" -eq 0 ]
	same "${lines[1]}" "synced with origin: 0 commits received, 1 sent"
	run --separate-stderr preg clone "ssh://preg-test$REMOTE" "$B"
	[ "$status" -eq 0 ]
	same "$output" "cloned ssh://preg-test$REMOTE into $B"
	preg -C "$A" client add Romashka >/dev/null
	PREG_USER=petrov preg -C "$B" client add Vasilek >/dev/null
	preg -C "$A" sync >/dev/null
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "$output" "synced with origin: 1 commit received, 1 sent"
	preg -C "$A" sync >/dev/null
	same "$(git -C "$A" rev-parse HEAD) $(git -C "$B" rev-parse HEAD)" \
		"$(git -C "$REMOTE" rev-parse main) $(git -C "$REMOTE" rev-parse main)"
	assert_clean "$A"
	assert_clean "$B"
}

@test "an ssh host that refuses the key: a clear error, exit 1, local commits kept" {
	git init -q --bare "$REMOTE"
	preg init --remote "preg-test:$REMOTE" "$A" >/dev/null
	preg -C "$A" client add Romashka >/dev/null
	: >"$BATS_TEST_TMPDIR/ssh/authorized_keys"
	run --separate-stderr preg -C "$A" sync
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: cannot fetch from 'origin': fatal: Could not read from remote repository."
	same "$(git -C "$A" log -1 --format=%s)" "add: romashka (Romashka)"
}
