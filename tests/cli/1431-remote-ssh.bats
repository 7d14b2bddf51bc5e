#!/usr/bin/env bats
# preg remote serve and the hook's roles, over an sshd of the test's own on
# the loopback (as 1230-ssh): two keys in authorized_keys, each with
# command="preg remote serve --user NAME", one for ivanov (a manager), one
# for head (role: head). Skipped when sshd is not installed.

load helper
load sync
load sshd

setup() {
	sync_setup
	unset PREG_PUSHER GL_USER GITEA_PUSHER_NAME REMOTE_USER
	sshd_start
	sshd_host as-ivanov ivanov
	sshd_host as-head head
	local self
	self=$(readlink -f "$PREG")
	{
		printf 'command="%s remote serve --user ivanov %s",no-pty,no-port-forwarding %s\n' "$self" "$REMOTE" "$(cat "$SSHDIR/ivanov.pub")"
		printf 'command="%s remote serve --user head",no-pty,no-port-forwarding %s\n' "$self" "$(cat "$SSHDIR/head.pub")"
	} >"$SSHDIR/authorized_keys"
	# The register, made on the server's side (nobody named: roles do not
	# apply yet): two managers and a head, a client each.
	preg remote init "$REMOTE" >/dev/null
	preg init --remote "$REMOTE" "$A" >/dev/null 2>&1
	cat >>"$A/preg.yaml" <<-EOF
	managers:
	  ivanov: {name: Иван Иванов, email: ivanov@example.com}
	  petrov: {name: Пётр Петров, email: petrov@example.com}
	  head: {name: Анна Смирнова, email: head@example.com, role: head}
	EOF
	git -C "$A" commit -qam "managers"
	at 02T10:20 ivanov "$A" client add "ООО «Ромашка»" --id romashka --manager ivanov
	at 02T10:25 petrov "$A" client add "ООО «Василёк»" --id vasilek --manager petrov
	preg -C "$A" sync >/dev/null
	sshd_wait git ls-remote "as-head:$REMOTE"
}

teardown() {
	sshd_stop
}

@test "over ssh: ivanov pushes to his client, not to petrov's; head pushes to both and to preg.yaml" {
	preg clone "as-ivanov:$REMOTE" "$B" >/dev/null
	tip=$(git -C "$REMOTE" rev-parse main)
	# His own client: accepted.
	at 02T11:00 ivanov "$B" note romashka "звонил директору"
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "$(git -C "$REMOTE" rev-parse main)" "$(git -C "$B" rev-parse HEAD)"
	tip=$(git -C "$REMOTE" rev-parse main)
	# Petrov's: refused, naming the client and the rule.
	at 02T11:05 ivanov "$B" note vasilek "перехватил клиента"
	run git -C "$B" push origin main
	[ "$status" -ne 0 ]
	[[ $output == *"remote: preg: refused: vasilek: commit $(git -C "$B" rev-parse --short=7 HEAD) (note: vasilek): the client is petrov's, not ivanov's: a manager pushes changes to their own clients only"* ]]
	same "$(git -C "$REMOTE" rev-parse main)" "$tip"
	# preg.yaml is the heads'.
	git -C "$B" reset -q --hard origin/main
	sed -i 's/ivanov: {name: Иван Иванов, email: ivanov@example.com}/ivanov: {name: Иван Иванов, email: ivanov@example.com, role: head}/' "$B/preg.yaml"
	git -C "$B" commit -qam "повысил себя"
	run git -C "$B" push origin main
	[ "$status" -ne 0 ]
	[[ $output == *"remote: preg: refused: preg.yaml: commit $(git -C "$B" rev-parse --short=7 HEAD) (повысил себя): changed by ivanov, who is neither a head (role: head) nor the admin"* ]]
	same "$(git -C "$REMOTE" rev-parse main)" "$tip"

	# head: petrov's client and preg.yaml, accepted.
	preg clone "as-head:$REMOTE" "$BATS_TEST_TMPDIR/h" >/dev/null
	H=$BATS_TEST_TMPDIR/h
	at 02T12:00 head "$H" note vasilek "проверила сделку"
	sed -i 's/petrov: {name: Пётр Петров, email: petrov@example.com}/petrov: {name: Пётр Петров, email: p.petrov@example.com}/' "$H/preg.yaml"
	git -C "$H" commit -qam "новый адрес Петрова"
	run git -C "$H" push origin main
	[ "$status" -eq 0 ]
	same "$(git -C "$REMOTE" rev-parse main)" "$(git -C "$H" rev-parse HEAD)"
	verified "$H"
}

@test "serve runs only git's two pack commands, only for its repository" {
	# ivanov's key reaches $REMOTE and nothing else.
	git init -q --bare "$BATS_TEST_TMPDIR/other.git"
	run git ls-remote "as-ivanov:$BATS_TEST_TMPDIR/other.git"
	[ "$status" -ne 0 ]
	[[ $output == *"preg: error: refused: '$BATS_TEST_TMPDIR/other.git': this key reaches only '$REMOTE'"* ]]
	# head's key reaches guarded remotes only.
	run git ls-remote "as-head:$BATS_TEST_TMPDIR/other.git"
	[ "$status" -ne 0 ]
	[[ $output == *"preg: error: refused: '$BATS_TEST_TMPDIR/other.git' is not a guarded remote (preg remote init)"* ]]
	# A shell command: refused.
	run ssh -F "$SSHDIR/ssh_config" as-ivanov "touch $BATS_TEST_TMPDIR/pwned"
	[ "$status" -eq 1 ]
	[[ $output == *"preg: error: refused: 'touch $BATS_TEST_TMPDIR/pwned': this key runs only git-receive-pack and git-upload-pack"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/pwned" ]
	run ssh -F "$SSHDIR/ssh_config" as-ivanov "git-upload-pack '$REMOTE'; touch $BATS_TEST_TMPDIR/pwned"
	[ "$status" -eq 1 ]
	[ ! -e "$BATS_TEST_TMPDIR/pwned" ]
	# Without ssh: the same rules, and --user is needed.
	SSH_ORIGINAL_COMMAND="git-receive-pack '$REMOTE'" run --separate-stderr preg remote serve "$REMOTE"
	[ "$status" -eq 2 ]
	run --separate-stderr preg remote serve --user ivanov
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: no command: this key only pushes to and fetches from a register (git push, git fetch, preg sync)"
}
