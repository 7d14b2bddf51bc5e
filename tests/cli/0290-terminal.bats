#!/usr/bin/env bats
# Nothing from the register reaches a terminal raw (issue 10): a git author
# name, a commit subject or a trailer may hold escape sequences, pushed by
# anyone, that would retitle, clear or recolour every reader's terminal.
# Every output to a terminal shows their control characters in caret
# notation (ESC as ^[, BEL as ^G, CSI U+009B as ^[[), as git masks a
# remote's messages; tsv escapes them as \xHH and json as \u00HH, so that
# a script still reads the value back. The only escapes preg writes are
# its own colours (SGR, ESC [ ... m), and only when colour is on.

load helper

# The hostile bytes: set the window title, ring the bell, clear the screen,
# and an 8-bit CSI (U+009B) that starts a sequence on some terminals.
EVIL=$'Evil\e]0;PWNED\a\e[2J\xc2\x9b31m'
SHOWN='Evil^[]0;PWNED^G^[[2J^[[31m'

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	PREG_NOW=2026-10-01T09:12:00+05:00 "$PREG" -C "$P" client add "ООО «Ромашка»" --id romashka --next 2026-10-30 >/dev/null
	PREG_NOW=2026-10-02T09:12:00+05:00 "$PREG" -C "$P" client add "АО «Волга-Лес»" --id volga-les --phase 10 >/dev/null
	PREG_NOW=2026-10-03T09:12:00+05:00 "$PREG" -C "$P" phase set volga-les ended --reason "closed" >/dev/null
	# A commit made with plain git, authored as anyone can, under the
	# e-mail of ivanov (review finds it), with escapes in the name, the
	# subject and a trailer.
	sed -i 's/^created:/next_action: call the director\n&/' "$P/$(record_path romashka)"
	git -C "$P" -c user.name="$EVIL" -c user.email=ivanov@example.com commit -qa \
		-m "$(printf 'next step\e[5m\n\nPreg-Action: set\e]2;x\a\nPreg-Client: romashka')"
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
}

# on_tty ARGS...: run preg ARGS on a pseudo-terminal; its output (CRs
# dropped) in $output.
on_tty() {
	local cmd="" a
	for a in "$PREG" "$@"; do
		cmd+=" $(printf '%q' "$a")"
	done
	output=$(script -qec "$cmd" /dev/null </dev/null | tr -d '\r')
}

# no_raw TEXT: TEXT holds no control byte but line feeds, tabs and preg's
# own colour sequences (SGR); and no 8-bit CSI.
no_raw() {
	printf '%s' "$1" | python3 -c '
import re, sys
t = re.sub(rb"\x1b\[[0-9;]*m", b"", sys.stdin.buffer.read())
bad = [c for c in t if (c < 0x20 and c not in (9, 10)) or c == 0x7f]
bad += [0x9b] if b"\xc2\x9b" in t else []
if bad:
    print("raw control bytes:", sorted(set(bad)), t[:400])
    sys.exit(1)'
}

@test "log: the author and the trailer are shown, not obeyed: table, on a terminal, with colour" {
	run --separate-stderr preg -C "$R" log --format table
	[ "$status" -eq 0 ]
	no_raw "$output"
	same "$(printf '%s\n' "${lines[1]}" | tr -s ' ' | cut -d' ' -f3-6)" "$SHOWN romashka set^[]2;x^G next_action:"
	on_tty -C "$R" log
	no_raw "$output"
	[[ $output == *"$SHOWN"* ]]
	on_tty -C "$R" --color=always log romashka
	no_raw "$output"
	[[ $output == *"$SHOWN"* ]]
}

@test "log: tsv escapes control characters as \\xHH, json as \\u00HH; both read back" {
	run --separate-stderr preg -C "$R" log --format tsv
	[ "$status" -eq 0 ]
	no_raw "$output"
	same "$(printf '%s\n' "${lines[1]}" | cut -f3,5)" 'Evil\x1b]0;PWNED\x07\x1b[2J\xc2\x9b31m	set\x1b]2;x\x07'
	run --separate-stderr preg -C "$R" log --format json
	no_raw "$output"
	[[ $output == *'"author":"Evil\u001b]0;PWNED\u0007\u001b[2J\u009b31m"'* ]]
	same "$(printf '%s' "$output" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["author"] == sys.argv[1])' "$EVIL")" "True"
}

@test "review: the manager's commits show the author made visible" {
	run --separate-stderr preg -C "$R" review ivanov --format table
	[ "$status" -eq 0 ]
	no_raw "$output"
	[[ $output == *"$SHOWN"* ]]
	on_tty -C "$R" --color=always review ivanov
	no_raw "$output"
	[[ $output == *"$SHOWN"* ]]
	run --separate-stderr preg -C "$R" review ivanov --format json
	no_raw "$output"
}

@test "verify and undo quote a commit's subject made visible" {
	# A plain commit that rewrites history: verify names it by its subject.
	sed -i 's/by: ivanov, phase: 10,/by: petrov, phase: 10,/' "$R/$(record_path volga-les)"
	git -C "$R" -c user.name=x -c user.email=x@example.com commit -qam "$(printf 'tidy\e]0;PWNED\a')"
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 1 ]
	no_raw "$output"
	[[ $output == *'(tidy^[]0;PWNED^G): history event 1 of 2 was changed'* ]]
	git -C "$R" reset -q --hard HEAD~1
	# A commit that claims to be preg's, by preg's own identity: undo takes
	# it back and says so, its subject made visible.
	printf 'remarks: from git\n' >>"$R/$(record_path romashka)"
	git -C "$R" commit -qam "$(printf 'set: romashka\e[2J\n\nPreg-Action: set\nPreg-Client: romashka')"
	run --separate-stderr preg -C "$R" undo
	[ "$status" -eq 0 ]
	no_raw "$output"
	[[ $output == *"(set: romashka^[[2J)" ]]
}

@test "every other output on a terminal, with colour on: only preg's own colours" {
	on_tty -C "$R" --color=always client show romashka
	no_raw "$output"
	on_tty -C "$R" --color=always client list
	no_raw "$output"
	on_tty -C "$R" --color=always report
	no_raw "$output"
	on_tty -C "$R" --color=always report managers
	no_raw "$output"
	on_tty -C "$R" --color=always remind
	no_raw "$output"
	[[ $output == *"overdue"* ]]
	on_tty -C "$R" --color=always diff HEAD~1 HEAD
	no_raw "$output"
	[[ $output == *"next_action: (none) -> call the director"* ]]
}

@test "check and import quote a file name or a cell made visible" {
	# A file committed with plain git under a name holding U+009B (CSI).
	mkdir -p "$R/clients/ab"
	printf 'x: 1\n' >"$R/clients/ab/"$'\xc2\x9b'"2J.yaml"
	git -C "$R" add clients/ab
	git -C "$R" commit -qm "a file by hand"
	run --separate-stderr preg -C "$R" check
	[ "$status" -eq 1 ]
	no_raw "$output"
	same "$output" "clients/ab/^[[2J.yaml: not a client record (expected clients/<first two hex digits of the id's XXH64>/<id>.yaml)"
	git -C "$R" reset -q --hard HEAD~1
	# A CSV cell with escapes, quoted in what import says of it (a message:
	# its C0 characters are '?' already, as in every error message).
	printf 'Client,Manager\nAcme,%s\n' $'\xc2\x9b2J\e]0;x\a' >"$BATS_TEST_TMPDIR/in.csv"
	run --separate-stderr preg -C "$R" import "$BATS_TEST_TMPDIR/in.csv"
	[ "$status" -eq 0 ]
	no_raw "$stderr"
	same "$stderr" "preg: manager '^[[2J?]0;x?' imported as '2j-0-x'"
}
