#!/usr/bin/env bats
# 0920-man-examples: every "$ ..." example of the man pages runs, and does
# what the page shows.
#
# A page is read in order. Its literal displays (.Bd -literal, and .Dl of
# a "$ " line), as mandoc renders them, hold the examples: a line "$ COMMAND" (continued by a
# trailing backslash) is run, and the lines after it, up to the next "$ ",
# are what it shows (a line folded with a trailing backslash goes on in the
# next). Each command runs on a terminal (script(1)), as the
# page's reader would type it, in a shell whose "preg" is the binary under
# test, with HOME, the clock (PREG_NOW) and the user (PREG_USER) pinned;
# it must exit 0, 1 when it shows "preg: error:", 2 when it shows a usage,
# non-zero when it shows git's CONFLICT, or what a following "$ echo $?"
# shows. Every line it shows must come out, in order (lines between may be
# left out), with blanks squeezed, commit ids as HASH, and the test's
# directories written as the page writes them (/home/USER, /srv).
#
# The world an example lives in is set up by comments in the page, which
# the reader does not see, before the display they serve:
#   .\" ex-setup: COMMAND    run it first (its output is not checked)
#   .\" ex-env: VAR=VALUE    set VAR for what follows (PREG_NOW, PREG_USER)
#   .\" ex-file: NAME        the next display is the content of file NAME
# A page starts in HOME, with no register; "/srv/..." in a command is a
# directory of the test.

load helper

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
MAN=$ROOT/man

setup() {
	common_setup
	command -v mandoc >/dev/null || {
		echo "mandoc is not installed (apt-get install mandoc)"
		return 1
	}
	T=$BATS_TEST_TMPDIR
	mkdir -p "$T/bin" "$T/srv"
	ln -s "$PREG" "$T/bin/preg"
	# The editor of "EDITOR=nano preg client edit": it leaves the text as
	# it is.
	printf '#!/bin/sh\nexit 0\n' >"$T/bin/nano"
	chmod +x "$T/bin/nano"
	unset NO_COLOR
	export TERM=dumb COLUMNS=80 GIT_PAGER=cat PAGER=cat
}

# The displays of page $1 into $T/blocks/N (common indent removed), and
# its directives and displays, in order, into $T/steps: "block N" or
# "KIND TEXT" (ex-setup, ex-env, ex-file).
read_page() {
	local page=$1 n=0
	rm -rf "$T/blocks"
	mkdir -p "$T/blocks"
	# Markers around each display, for the rendered text; the steps from
	# the source, where the directives are.
	awk -v steps="$T/steps" '
		/^\.\\" ex-(setup|env|file): / {
			kind = $2; sub(/:$/, "", kind); sub(/^ex-/, "", kind)
			text = $0; sub(/^\.\\" ex-[a-z]+: /, "", text)
			print kind " " text > steps
			next
		}
		/^\.Bd -literal/ { n++; print "block " n > steps; print ".Pp"; print "@@begin " n "@@"; print; next }
		# A one-line display of an example is a display too.
		/^\.Dl \$ / {
			n++; print "block " n > steps; closed[n] = 1
			sub(/^\.Dl /, "")
			print ".Pp"; print "@@begin " n "@@"; print ".Bd -literal -offset indent"; print; print ".Ed"
			print ".Pp"; print "@@end@@"
			next
		}
		/^\.Ed/ && n && !closed[n] { closed[n] = 1; print; print ".Pp"; print "@@end@@"; next }
		{ print }' "$MAN/$page" >"$T/page.mdoc"
	mandoc -T utf8 -O width=1000 "$T/page.mdoc" 2>/dev/null | sed 's/.\x08//g' >"$T/page.txt"
	awk -v dir="$T/blocks" '
		/^ *@@begin [0-9]+@@$/ { f = dir "/" $2; sub(/@@$/, "", f); n = 0; on = 1; next }
		/^ *@@end@@$/ { on = 0; close(f); next }
		on { print > f }' "$T/page.txt"
	# The indent that mandoc gave the displays, and the blank lines around
	# them, go.
	# One awk a display, reading it twice: the indent, then the lines.
	for f in "$T"/blocks/*; do
		[ -e "$f" ] || continue
		awk 'NR == FNR { if (NF) { match($0, /^ */); if (min == "" || RLENGTH < min) min = RLENGTH }; next }
			{ match($0, /^ */); $0 = substr($0, (RLENGTH < min + 0 ? RLENGTH : min + 0) + 1) }
			NF { for (; blank; blank--) print ""; print; on = 1; next } on { blank++ }' "$f" "$f" >"$f.new"
		mv "$f.new" "$f"
	done
}

# What a command printed, as the page would show it: the terminal's
# carriage returns and escapes resolved, the test's directories named as
# the page names them, commit ids as HASH, blanks squeezed.
normalize() {
	# One sed, its expressions in the order of the steps above (the
	# directories, letters, digits, / and - only, match themselves).
	sed -E -e 's/\r$//; s/.*\r//; s/\x1b\[[0-9;]*[A-Za-z]//g' \
		-e "s|$T/srv/|/srv/|g" -e "s|$HOME|/home/$PREG_USER|g" \
		-e 's/\b[0-9a-f]{7,40}\b/HASH/g; s/[[:space:]]+/ /g; s/^ //; s/ $//' |
		awk 'NF || kept { kept = 1; print }'
}

# The hashes the page shows, and its blanks, as normalize writes them.
normalize_page() {
	sed -E 's/\b[0-9a-f]{7,40}\b/HASH/g; s/[[:space:]]+/ /g; s/^ //; s/ $//'
}

# run_cmd COMMAND: run it as the page's reader would, from $cwd, with
# $? the status of the command before; its output into $T/out, its
# status into $status, the directory it ends in into $cwd.
run_cmd() {
	local cmd=${1//\/srv\//$T/srv/}
	printf '%s\n' "cd \"\$1\" || exit 99" "(exit $last)" "$cmd" 'st=$?; pwd >"$2"; exit $st' >"$T/cmd.sh"
	PATH=$T/bin:$PATH script -qefc "bash $T/cmd.sh '$cwd' '$T/cwd'" /dev/null </dev/null >"$T/out.raw" 2>&1
	status=$?
	[ -s "$T/cwd" ] && cwd=$(<"$T/cwd")
	rm -f "$T/cwd"
	normalize <"$T/out.raw" >"$T/out"
	last=$status
}

# check_cmd COMMAND WANT STATUS: run it; it exits STATUS ("nonzero": not
# 0) and prints every line of WANT, in order.
check_cmd() {
	local cmd=$1 want=$2 st=$3 line k=0 found
	local -a got
	run_cmd "$cmd"
	mapfile -t got <"$T/out"
	if [ "$st" = nonzero ] && [ "$status" -eq 0 ] || [ "$st" != nonzero ] && [ "$status" -ne "$st" ]; then
		printf '%s: $ %s\n  exit %s, the page wants %s; it printed:\n' "$PAGE" "$cmd" "$status" "$st"
		sed 's/^/    /' "$T/out"
		return 1
	fi
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		found=
		while [ "$k" -lt "${#got[@]}" ]; do
			k=$((k + 1))
			[ "${got[k-1]}" = "$line" ] && { found=1; break; }
		done
		if [ -z "$found" ]; then
			printf '%s: $ %s\n  the page shows: %s\n  it printed:\n' "$PAGE" "$cmd" "$line"
			sed 's/^/    /' "$T/out"
			return 1
		fi
	done < <(printf '%s\n' "$want" | normalize_page)
}

# run_block FILE: the examples of one display.
run_block() {
	local -a lines
	local i j cmd want st
	mapfile -t lines <"$1"
	i=0
	while [ "$i" -lt "${#lines[@]}" ]; do
		if [[ ${lines[i]} != '$ '* ]]; then
			i=$((i + 1))
			continue
		fi
		cmd=${lines[i]#'$ '}
		while [[ $cmd == *\\ ]] && [ $((i + 1)) -lt "${#lines[@]}" ]; do
			i=$((i + 1))
			cmd="${cmd%\\} ${lines[i]#"${lines[i]%%[! ]*}"}"
		done
		# What it shows; a line that ends in a backslash is folded (a long
		# JSON line) and goes on in the next.
		want=
		for ((j = i + 1; j < ${#lines[@]}; j++)); do
			[[ ${lines[j]} == '$ '* ]] && break
			if [[ ${lines[j]} == *\\ ]]; then
				want+="${lines[j]%\\}"
			else
				want+="${lines[j]}"$'\n'
			fi
		done
		st=0
		[[ $want == *"CONFLICT"* ]] && st=nonzero
		[[ $'\n'$want == *$'\n'"usage: preg"* ]] && st=2
		[[ $'\n'$want == *$'\n'"preg: error:"* ]] && st=1
		[ "$j" -lt "${#lines[@]}" ] && [ "${lines[j]}" = '$ echo $?' ] && st=${lines[j+1]}
		check_cmd "$cmd" "$want" "$st" || return 1
		ran=$((ran + 1))
		i=$j
	done
}

# run_page PAGE: set up and run every example of the page, in order.
run_page() {
	local step kind text file= n
	PAGE=$1
	cwd=$HOME
	last=0
	ran=0
	read_page "$PAGE"
	while IFS= read -r step; do
		kind=${step%% *}
		text=${step#* }
		case $kind in
		setup)
			run_cmd "$text"
			if [ "$status" -ne 0 ]; then
				printf '%s: the setup "%s" failed (exit %s):\n' "$PAGE" "$text" "$status"
				sed 's/^/    /' "$T/out"
				return 1
			fi
			;;
		env) export "${text%%=*}=${text#*=}" ;;
		file) file=$text ;;
		block)
			if [ -n "$file" ]; then
				cp "$T/blocks/${text}" "$cwd/$file"
				file=
			else
				run_block "$T/blocks/${text}" || return 1
			fi
			;;
		esac
	done <"$T/steps"
	# Every "$ " line of the source ran: none was left out of a display
	# that this test reads.
	n=$(grep -cE '^(\.Dl )?\$ ' "$MAN/$PAGE")
	[ "$ran" -eq "$n" ] || { echo "$PAGE: $ran of its $n examples ran"; return 1; }
}

@test "every man page that has examples is run here" {
	local page bad=0
	for page in "$MAN"/*.1; do
		grep -q '^\$ ' "$page" || continue
		grep -q "run_page $(basename "$page")\$" "$BATS_TEST_FILENAME" ||
			{ echo "$(basename "$page") has examples but no test here"; bad=1; }
	done
	[ "$bad" -eq 0 ]
}

@test "preg(1)" {
	run_page preg.1
}

@test "preg-init(1)" {
	run_page preg-init.1
}

@test "preg-client(1)" {
	run_page preg-client.1
}

@test "preg-phase(1)" {
	run_page preg-phase.1
}

@test "preg-note(1)" {
	run_page preg-note.1
}

@test "preg-report(1)" {
	run_page preg-report.1
}

@test "preg-remind(1)" {
	run_page preg-remind.1
}

@test "preg-manager(1)" {
	run_page preg-manager.1
}

@test "preg-remote(1)" {
	run_page preg-remote.1
}

@test "preg-log(1)" {
	run_page preg-log.1
}

@test "preg-review(1)" {
	run_page preg-review.1
}

@test "preg-diff(1)" {
	run_page preg-diff.1
}

@test "preg-verify(1)" {
	run_page preg-verify.1
}

@test "preg-undo(1)" {
	run_page preg-undo.1
}

@test "preg-import(1)" {
	run_page preg-import.1
}

@test "preg-export(1)" {
	run_page preg-export.1
}

@test "preg-contact(1)" {
	run_page preg-contact.1
}

@test "preg-find(1)" {
	run_page preg-find.1
}

@test "preg-check(1)" {
	run_page preg-check.1
}

@test "preg-doctor(1)" {
	run_page preg-doctor.1
}

@test "preg-upgrade(1)" {
	run_page preg-upgrade.1
}

@test "preg-sync(1)" {
	run_page preg-sync.1
}

@test "preg-clone(1)" {
	run_page preg-clone.1
}

@test "preg-merge-file(1)" {
	run_page preg-merge-file.1
}
