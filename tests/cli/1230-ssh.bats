#!/usr/bin/env bats
# 1230-ssh: clone and sync over ssh, to an sshd of the test's own on the
# loopback (Debian's openssh-server). The client side is the user's own
# ssh as git runs it, configured by an ssh_config file: what preg promises
# is that such configuration works because git and ssh do the transport.
# Skipped when sshd is not installed.

load helper
load sync

setup() {
	sync_setup
	SSHD=$(command -v sshd || echo /usr/sbin/sshd)
	[ -x "$SSHD" ] || skip "sshd is not installed (apt-get install openssh-server)"
	local d=$BATS_TEST_TMPDIR/ssh port
	mkdir -p "$d"
	chmod 700 "$d"
	ssh-keygen -q -t ed25519 -N '' -f "$d/host" >/dev/null
	ssh-keygen -q -t ed25519 -N '' -f "$d/user" >/dev/null
	cp "$d/user.pub" "$d/authorized_keys"
	# A free port on the loopback, above the reserved ones.
	port=$((20000 + RANDOM % 20000))
	cat >"$d/sshd_config" <<-EOF
	Port $port
	ListenAddress 127.0.0.1
	HostKey $d/host
	AuthorizedKeysFile $d/authorized_keys
	PidFile $d/sshd.pid
	StrictModes no
	UsePAM no
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	EOF
	[ "$(id -u)" -ne 0 ] || mkdir -p /run/sshd
	"$SSHD" -f "$d/sshd_config" -E "$d/sshd.log" || skip "sshd does not start here: $(cat "$d/sshd.log")"
	cat >"$d/ssh_config" <<-EOF
	Host preg-test
		HostName 127.0.0.1
		Port $port
		User $(id -un)
		IdentityFile $d/user
		IdentitiesOnly yes
		StrictHostKeyChecking no
		UserKnownHostsFile /dev/null
		BatchMode yes
		LogLevel ERROR
	EOF
	export GIT_SSH_COMMAND="ssh -F $d/ssh_config"
	# sshd forks into the background: wait until it answers.
	for _ in $(seq 50); do
		ssh -F "$d/ssh_config" preg-test true 2>/dev/null && return 0
		sleep 0.1
	done
	skip "cannot log in to the test's sshd: $(cat "$d/sshd.log")"
}

teardown() {
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/ssh/sshd.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
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
