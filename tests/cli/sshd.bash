# sshd.bash: an sshd of the test's own on the loopback (Debian's
# openssh-server), for the tests that go over ssh (1230, 1431). Load after
# helper.bash. Everything lives in $SSHDIR: host key, authorized_keys,
# ssh_config (one Host per sshd_host), the daemon's log and pid.

# sshd_start: start the daemon (the caller fills $SSHDIR/authorized_keys,
# before or after); skip the test when sshd is missing or will not start.
sshd_start() {
	SSHD=$(command -v sshd || echo /usr/sbin/sshd)
	[ -x "$SSHD" ] || skip "sshd is not installed (apt-get install openssh-server)"
	SSHDIR=$BATS_TEST_TMPDIR/ssh
	mkdir -p "$SSHDIR"
	chmod 700 "$SSHDIR"
	ssh-keygen -q -t ed25519 -N '' -f "$SSHDIR/host" >/dev/null
	# A free port on the loopback, above the reserved ones.
	SSHD_PORT=$((20000 + RANDOM % 20000))
	cat >"$SSHDIR/sshd_config" <<-EOF
	Port $SSHD_PORT
	ListenAddress 127.0.0.1
	HostKey $SSHDIR/host
	AuthorizedKeysFile $SSHDIR/authorized_keys
	PidFile $SSHDIR/sshd.pid
	StrictModes no
	UsePAM no
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	EOF
	[ "$(id -u)" -ne 0 ] || mkdir -p /run/sshd
	"$SSHD" -f "$SSHDIR/sshd_config" -E "$SSHDIR/sshd.log" || skip "sshd does not start here: $(cat "$SSHDIR/sshd.log")"
	export GIT_SSH_COMMAND="ssh -F $SSHDIR/ssh_config"
}

# sshd_host NAME KEY: a Host NAME in ssh_config that logs in to the test's
# sshd with the key $SSHDIR/KEY (made here), and nothing else.
sshd_host() {
	[ -f "$SSHDIR/$2" ] || ssh-keygen -q -t ed25519 -N '' -f "$SSHDIR/$2" >/dev/null
	cat >>"$SSHDIR/ssh_config" <<-EOF
	Host $1
		HostName 127.0.0.1
		Port $SSHD_PORT
		User $(id -un)
		IdentityFile $SSHDIR/$2
		IdentitiesOnly yes
		StrictHostKeyChecking no
		UserKnownHostsFile /dev/null
		BatchMode yes
		LogLevel ERROR
	EOF
}

# sshd_wait CMD...: sshd forks into the background: wait until CMD (a login
# through it) succeeds, or skip.
sshd_wait() {
	for _ in $(seq 50); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	skip "cannot log in to the test's sshd: $(cat "$SSHDIR/sshd.log")"
}

sshd_stop() {
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/ssh/sshd.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
}
