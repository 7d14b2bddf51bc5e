#!/usr/bin/env bats
# preg remote hook, the rules: what a guarded remote accepts from a push
# and what it refuses (preg-remote(1)). Ordinary preg work goes through;
# what preg would not have written, pushed with plain git, is refused,
# named in git's remote: lines, and the remote's branch does not move.

load helper
load sync

setup() {
	sync_setup
	# Whoever pushes is named only where a test says so.
	unset PREG_PUSHER GL_USER GITEA_PUSHER_NAME REMOTE_USER
	preg remote init "$REMOTE" --admin petrov >/dev/null
	preg init --remote "$REMOTE" "$A" >/dev/null 2>&1
	at 02T10:20 ivanov "$A" client add "ООО «Ромашка»" --id romashka --next 2026-11-10
	at 02T10:25 ivanov "$A" client add "ООО «Торговый дом «Северная звезда» и партнёры»" --id zvezda
	preg -C "$A" sync >/dev/null
	git clone -q "$REMOTE" "$B"
	TIP=$(git -C "$REMOTE" rev-parse main)
}

# refused OUTPUT LINE: git's output holds the hook's line, and the remote's
# branch is where it was.
refused() {
	[ "$status" -ne 0 ] || { echo "the push was accepted: $output"; return 1; }
	[[ $output == *"remote: preg: refused: $1"* ]] || { echo "no line 'remote: preg: refused: $1' in: $output"; return 1; }
	[[ $output == *"pre-receive hook declined"* ]]
	same "$(git -C "$REMOTE" rev-parse main)" "$TIP"
}

# The record's file in a clone, whatever the layout.
record_file() {
	(cd "$1" && ls clients/*/"$2".yaml)
}

@test "ordinary preg work from two clones goes through: add, note, phase, undo, sync" {
	preg clone "$REMOTE" "$BATS_TEST_TMPDIR/c" >/dev/null
	C=$BATS_TEST_TMPDIR/c
	at 02T11:00 ivanov "$A" note romashka "звонил директору, перезвонить"
	at 02T11:05 ivanov "$A" phase set romashka 2
	at 02T11:10 petrov "$C" client add "ИП Петров А. А." --id petrov-ip
	at 02T11:15 petrov "$C" note zvezda "письмо отправлено"
	run preg -C "$A" sync
	[ "$status" -eq 0 ]
	run preg -C "$C" sync
	[ "$status" -eq 0 ]
	# An undo of a change already on the remote: the hook finds the undone
	# commit before the pushed range.
	at 02T11:20 petrov "$C" undo
	run preg -C "$C" sync
	[ "$status" -eq 0 ]
	preg -C "$A" sync >/dev/null
	same "$(git -C "$REMOTE" rev-parse main)" "$(git -C "$A" rev-parse HEAD)"
	same "$(git -C "$REMOTE" log -1 --format=%s main)" "undo: note: zvezda"
	verified "$A" "$C"
}

@test "a hand-edited record that check rejects, pushed with plain git: refused, naming it" {
	f=$(record_file "$B" romashka)
	sed -i 's/^phase: 1$/phase: 99/' "$B/$f"
	git -C "$B" commit -qam "фаза вручную"
	short=$(git -C "$B" rev-parse --short=7 HEAD)
	run git -C "$B" push origin main
	refused "romashka: commit $short (фаза вручную): $f: phase 99 is not in preg.yaml"
	# A record that does not parse at all.
	git -C "$B" reset -q --hard origin/main
	printf 'id: romashka\nname: [unclosed\n' >"$B/$f"
	git -C "$B" commit -qam "broken"
	run git -C "$B" push origin main
	refused "romashka: commit $(git -C "$B" rev-parse --short=7 HEAD) (broken): the record does not parse: $f:3:1: "
	# Named once: check's rules have nothing to add to a record that
	# does not parse.
	same "$(grep -c 'remote: preg: refused: ' <<<"$output")" 1
}

# forged FILTER...: a note on romashka in B, on top of the remote's
# branch, its message passed through the command FILTER...; then pushed.
forged() {
	git -C "$B" reset -q --hard origin/main
	at 02T12:00 ivanov "$B" note romashka "встреча назначена"
	git -C "$B" commit -q --amend -m "$(git -C "$B" log -1 --format=%B | "$@")"
	run git -C "$B" push origin main
}

@test "forged trailers: a note by one user in a commit naming another, a client left unnamed" {
	forged sed 's/^Preg-User: ivanov$/Preg-User: petrov/'
	refused "romashka: commit $(git -C "$B" rev-parse --short=7 HEAD) (note: romashka): a note by ivanov in a commit by petrov"
	forged sed 's/^Preg-Client: romashka$/Preg-Client: zvezda/'
	refused "romashka: commit $(git -C "$B" rev-parse --short=7 HEAD) (note: romashka): the record changed, but the commit's Preg-Client trailers do not name the client"
	# Preg-Action without the acting user.
	forged grep -v '^Preg-User:'
	refused "history: commit $(git -C "$B" rev-parse --short=7 HEAD) (note: romashka): a preg commit (Preg-Action: note) without Preg-User, the acting user"
}

@test "a forged undo that puts a record back to a state of its own: refused" {
	at 02T12:00 ivanov "$A" note romashka "договорились о встрече"
	preg -C "$A" sync >/dev/null
	TIP=$(git -C "$REMOTE" rev-parse main)
	git -C "$B" pull -q
	noted=$(git -C "$B" rev-parse HEAD)
	f=$(record_file "$B" romashka)
	# Undoes the note, says the trailers, but writes another name.
	git -C "$B" revert --no-edit HEAD >/dev/null
	sed -i 's/^name: .*/name: ООО «Лютик»/' "$B/$f"
	git -C "$B" commit -q --amend -a -m "undo: note: romashka" -m "Preg-Client: romashka
Preg-Action: undo
Preg-User: ivanov
Preg-Undo: $noted"
	run git -C "$B" push origin main
	refused "romashka: commit $(git -C "$B" rev-parse --short=7 HEAD) (undo: note: romashka): the undo of ${noted:0:7} does not restore the record as it was before it"
	# The same undo, honest, goes through.
	git -C "$B" reset -q --hard origin/main
	run preg -C "$B" undo
	[ "$status" -eq 0 ]
	run git -C "$B" push origin main
	[ "$status" -eq 0 ]
}

@test "a file outside clients/ and preg.yaml: refused when nobody says who pushes; the admin may" {
	echo "Реестр отдела продаж" >"$B/README.md"
	git -C "$B" add README.md
	git -C "$B" commit -qm "README"
	run git -C "$B" push origin main
	refused "README.md: commit $(git -C "$B" rev-parse --short=7 HEAD) (README): a file outside clients/ and preg.yaml, which only a head or the admin changes (who pushes is not known here)"
	# A record in a place no layout has is such a file too.
	git -C "$B" reset -q --hard origin/main
	cp "$B/$(record_file "$B" romashka)" "$B/clients/romashka.txt"
	git -C "$B" add clients/romashka.txt
	git -C "$B" commit -qm "copy"
	run git -C "$B" push origin main
	refused "clients/romashka.txt: commit $(git -C "$B" rev-parse --short=7 HEAD) (copy): a file outside clients/ and preg.yaml"
	# The admin (remote init --admin petrov), named to the hook.
	git -C "$B" reset -q --hard origin/main
	echo "Реестр отдела продаж" >"$B/README.md"
	git -C "$B" add README.md
	git -C "$B" commit -qm "README"
	PREG_PUSHER=petrov run git -C "$B" push origin main
	[ "$status" -eq 0 ]
	same "$(git -C "$REMOTE" rev-parse main)" "$(git -C "$B" rev-parse HEAD)"
}

@test "every offending commit of a push is named, one line each, made visible" {
	f=$(record_file "$B" zvezda)
	sed -i 's/^phase: 1$/phase: 77/' "$B/$f"
	git -C "$B" commit -qam "first"
	echo x >"$B/notes.txt"
	git -C "$B" add notes.txt
	git -C "$B" commit -qm $'second\e[31m'
	run git -C "$B" push origin main
	refused "zvezda: commit $(git -C "$B" rev-parse --short=7 HEAD~1) (first): $f: phase 77 is not in preg.yaml"
	# The escape in the subject reaches no terminal raw: caret notation.
	refused "notes.txt: commit $(git -C "$B" rev-parse --short=7 HEAD) (second^[[31m): a file outside clients/ and preg.yaml"
	[[ $output != *$'\e'* ]]
	same "$(grep -c 'remote: preg: refused: ' <<<"$output")" 3
	# A line break in a file's name cannot make a line of preg's.
	git -C "$B" reset -q --hard origin/main
	echo x >"$B/"$'a\npreg: ok'
	git -C "$B" add -A
	git -C "$B" commit -qm "newline"
	run git -C "$B" push origin main
	refused "a^Jpreg: ok: commit $(git -C "$B" rev-parse --short=7 HEAD) (newline): a file outside"
	[[ $output != *$'\nremote: preg: ok'* ]]
}

@test "who pushes, as a git server names them: a manager's own clients only; nobody named, no roles" {
	cat >>"$B/preg.yaml" <<-EOF2
	managers:
	  ivanov: {name: Иван Иванов, email: ivanov@example.com}
	  petrov: {name: Пётр Петров, email: petrov@example.com}
	EOF2
	git -C "$B" commit -qam "managers"
	git -C "$B" push -q origin main
	at 02T12:00 petrov "$B" client add "ООО «Василёк»" --id vasilek --manager petrov
	git -C "$B" push -q origin main
	TIP=$(git -C "$REMOTE" rev-parse main)
	at 02T12:10 ivanov "$B" note vasilek "перехватил клиента"
	# gitolite names ivanov: refused.
	GL_USER=ivanov run git -C "$B" push origin main
	refused "vasilek: commit $(git -C "$B" rev-parse --short=7 HEAD) (note: vasilek): the client is petrov's, not ivanov's"
	# gitea names someone preg.yaml does not list: nothing goes in.
	GITEA_PUSHER_NAME=sidorov run git -C "$B" push origin main
	refused "refs/heads/main: pushed by 'sidorov', who is neither a manager in preg.yaml nor the admin"
	# A web server names petrov by his display name: his client, accepted.
	git -C "$B" reset -q --hard origin/main
	at 02T12:20 petrov "$B" note vasilek "договор подписан"
	REMOTE_USER="Пётр Петров" run git -C "$B" push origin main
	[ "$status" -eq 0 ]
	# Nobody named (a file server): the trailers' rules hold, roles cannot.
	at 02T12:30 ivanov "$B" note vasilek "звонил по просьбе Петрова"
	run git -C "$B" push origin main
	[ "$status" -eq 0 ]
	same "$(git -C "$REMOTE" rev-parse main)" "$(git -C "$B" rev-parse HEAD)"
}

# The story of 1250-sync-comeback through a guarded remote: a client
# removed on one clone and changed offline on the other comes back with
# the sync (SPEC §8), its notes by others proven against the removed
# version, which is before the push.
@test "a client that comes back with a sync: both syncs accepted; a forged comeback refused" {
	at 02T13:00 ivanov "$A" client add "ООО «Кедр» Екатеринбург" --id kedr --manager ivanov
	at 05T10:00 smirnova "$A" note kedr "просят ставки на Китай"
	at 12T17:50 smirnova "$A" client hold kedr --until 2026-11-28 --reason "директор в отпуске"
	at 12T18:00 ivanov "$A" sync
	C=$BATS_TEST_TMPDIR/c
	preg clone "$REMOTE" "$C" >/dev/null
	at 14T09:00 petrov "$C" client rm kedr
	run --separate-stderr preg -C "$C" sync
	[ "$status" -eq 0 ]
	at 15T12:00 ivanov "$A" client reassign --from ivanov --to sidorov kedr
	run --separate-stderr preg -C "$A" sync
	[ "$status" -eq 0 ] || { echo "$output $stderr"; return 1; }
	[[ "$stderr$output" == *"kedr: removed on the remote but changed here; kept"* ]]
	run --separate-stderr preg -C "$C" sync
	[ "$status" -eq 0 ]
	same "$(git -C "$REMOTE" rev-parse main)" "$(git -C "$A" rev-parse HEAD)"
	same "$(git -C "$C" rev-parse HEAD)" "$(git -C "$A" rev-parse HEAD)"
	grep -q "by: smirnova, text: просят ставки на Китай" "$C/$(record_file "$C" kedr)"
	verified "$A" "$C"
	# Removed again, then put back by plain git under a preg trailer with
	# a note nobody wrote through preg: what the removed version lacks is
	# judged as any commit's addition.
	at 16T09:00 petrov "$C" client rm kedr
	preg -C "$C" sync >/dev/null
	TIP=$(git -C "$REMOTE" rev-parse main)
	git -C "$B" pull -q
	f=$(git -C "$B" show --name-only --format= HEAD~1 | grep kedr)
	mkdir -p "$B/$(dirname "$f")"
	git -C "$B" show HEAD~1:"$f" >"$B/$f"
	printf '  - {at: 2026-11-16T10:00:00+05:00, by: smirnova, text: подделка}\n' >>"$B/$f"
	git -C "$B" add "$f"
	git -C "$B" commit -q -m "note: kedr" -m "Preg-Client: kedr
Preg-Action: note
Preg-User: petrov"
	run git -C "$B" push origin main
	refused "kedr: commit $(git -C "$B" rev-parse --short=7 HEAD) (note: kedr): a note by smirnova in a commit by petrov"
	[[ $output != *"a note by ivanov"* && $output != *"a history event by"* ]]
}

@test "preg sync refused by the hook says why, once, and keeps the local commits" {
	f=$(record_file "$A" romashka)
	sed -i 's/^phase: 1$/phase: 99/' "$A/$f"
	git -C "$A" commit -qam "фаза вручную"
	mine=$(git -C "$A" rev-parse HEAD)
	run --separate-stderr preg -C "$A" sync
	[ "$status" -eq 1 ]
	same "$stderr" "preg: warning: refused: romashka: commit ${mine:0:7} (фаза вручную): $f: phase 99 is not in preg.yaml
preg: warning: refused: romashka: commit ${mine:0:7} (фаза вручную): $f: phase is 99, but the last phase event says 1
preg: error: 'origin' refused the push; the local commits are kept"
	same "$(git -C "$A" rev-parse HEAD)" "$mine"
	same "$(git -C "$REMOTE" rev-parse main)" "$TIP"
}
