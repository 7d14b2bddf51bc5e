#!/usr/bin/env bats
# 0900-docs: the binary, its man pages and its completions agree.
#
# Every command and verb is found by walking "preg --list-cmds" and
# "preg GROUP --list-cmds", never from a list kept here. For each one: -h
# works; its synopsis (the first usage line) is in its man page as mandoc
# renders it; every long option of its table (--list-opts) is in the
# synopsis and documented in the page (in the verb's own section, for a
# group's page); each shell's completion offers the command, its options
# and their values. The pages are lint-clean, and preg-register(5) names
# every key the record writer writes.
#
# Needs mandoc (rendering and lint); zsh and fish are used when installed.
#
# What every test reads and none changes is made once, in setup_file: the
# walk of the commands, each one's -h, --help and --list-opts (run there
# with LeakSanitizer's check) and each page as mandoc renders it. The
# completions' own calls of the binary (--list-opts, --list-cmds,
# --list-values, hundreds of them) and the test that gives each command
# every option of its table run without the check (no_leak_check): the
# same commands with it are the cache's and the --list-values test's, and
# the parser's in each command's own file.

load helper

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
MAN=$ROOT/man
COMP=$ROOT/completions

setup_file() {
	file_setup
	export DOCS=$BATS_FILE_TMPDIR/docs
	mkdir -p "$DOCS"
	# Nothing here stops at a failure (bats would fail every test with
	# "setup_file failed"): the tests judge what was saved.
	local path k page st
	walk_cmds >"$DOCS/paths" || true
	while read -r path; do
		k=${path// /_}
		st=0
		preg $path -h >"$DOCS/$k.h" 2>&1 || st=$?
		echo $st >"$DOCS/$k.h.status"
		st=0
		preg $path --help >"$DOCS/$k.help" 2>&1 || st=$?
		echo $st >"$DOCS/$k.help.status"
		preg $path --list-opts >"$DOCS/$k.opts" 2>/dev/null || true
		operands "$(synopsis "$path")" "$path" >"$DOCS/$k.operands" || true
	done <"$DOCS/paths"
	if command -v mandoc >/dev/null; then
		for page in "$MAN"/*.[1-9]; do
			mandoc -T utf8 "$page" 2>/dev/null | sed 's/.\x08//g' >"$DOCS/page.${page##*/}" || true
			squeeze <"$DOCS/page.${page##*/}" >"$DOCS/squeezed.${page##*/}" || true
		done
	fi
}

setup() {
	common_setup
	command -v mandoc >/dev/null || {
		echo "mandoc is not installed (apt-get install mandoc)"
		return 1
	}
}

# Every command path, one per line, as the walk in setup_file found them.
cmd_paths() {
	cat "$DOCS/paths"
}

# Every command path, one per line: "init", "client add", ... A command is
# a group when "preg CMD --list-cmds" answers with its verbs.
walk_cmds() {
	local c v verbs
	for c in $(preg --list-cmds); do
		if verbs=$(preg "$c" --list-cmds 2>/dev/null) && [ -n "$verbs" ]; then
			for v in $verbs; do
				echo "$c $v"
			done
		else
			echo "$c"
		fi
	done
}

# The man page of a command path: a group's verbs are in preg-GROUP(1),
# help is in preg(1), any other command has preg-NAME(1).
page_of() {
	set -- $1
	if [ $# -eq 2 ]; then
		echo "$MAN/preg-$1.1"
	elif [ "$1" = help ]; then
		echo "$MAN/preg.1"
	else
		echo "$MAN/preg-$1.1"
	fi
}

# A page as text (mandoc, without the overstrike of bold and underline),
# as setup_file rendered it.
render() {
	printf '%s\n' "$(<"$DOCS/page.${1##*/}")"
}

# Whitespace normalised: every run of blanks and newlines is one space.
squeeze() {
	tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'
}

# The part of a rendered page that documents a command path: for a verb of
# a group, its own subsection (titled "preg GROUP VERB"); else the page.
section_of() {
	local path=$1 page
	page=$(page_of "$path")
	set -- $path
	if [ $# -eq 2 ]; then
		render "$page" | awk -v h="   preg $path" '
			$0 == h { on = 1; next }
			on && (/^   [^ ]/ || /^[A-Z]/) { exit }
			on'
	else
		render "$page"
	fi
}

# The output of "preg PATH -h" (or --help, --list-opts: $2 is h, help or
# opts), as setup_file saved it.
saved() {
	printf '%s\n' "$(<"$DOCS/${1// /_}.$2")"
}

# The synopsis of a command path: its usage line without "usage: ".
synopsis() {
	local line
	read -r line <"$DOCS/${1// /_}.h" || true
	[[ $line == "usage: "* ]] && echo "${line#usage: }"
	return 0
}

# The long options of a command path's table (--list-opts), one per line;
# with "global", the global ones instead.
long_opts() {
	local spell short kind vals flags help
	while IFS=$'\t' read -r spell short kind vals flags help; do
		[[ $spell == --* ]] || continue
		if [[ ,$flags, == *,global,* ]]; then
			[ "${2:-}" = global ] && echo "$spell"
		else
			[ "${2:-}" = global ] || echo "$spell"
		fi
	done <"$DOCS/${1// /_}.opts"
}

# has_line TEXT LINE: LINE is one of the lines of TEXT.
has_line() {
	[[ $'\n'$1$'\n' == *$'\n'"$2"$'\n'* ]]
}

# The operand names of a synopsis after the command path $2: "ID PHASE".
operands() {
	local syn=$1 n
	n=$(($(echo "$2" | wc -w) + 1))
	# Options in brackets go, then the brackets; a required option goes
	# with its value ("--until DATE").
	echo "$syn" | sed -E 's/\[-[^][]*\](\.\.\.)?//g; s/[][]//g; s/\.\.\.//g; s/ -[-a-z]+ [^ ]+//g' |
		tr ' ' '\n' | grep . | tail -n +$((n + 1))
}

# The candidates the bash completion offers for a command line, one per
# line; the arguments are the words, the last one the word completed. The
# completion function is the one that the file registers for preg.
bash_complete() {
	(
		# Without bats's DEBUG trap, which the subshell inherits and
		# would run before every command of the completion script (200
		# s of this file's processor time with it, 172 without): a
		# failure is still reported at the line that used the offers.
		trap - DEBUG
		set +eu
		no_leak_check
		# shellcheck source=/dev/null
		source "$COMP/preg.bash" || exit 1
		fn=$(complete -p preg 2>/dev/null | sed -nE 's/.*-F ([^ ]+) .*/\1/p')
		[ -n "$fn" ] || { echo "preg.bash registers no completion function for preg" >&2; exit 1; }
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		"$fn" preg "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf '%s\n' "${COMPREPLY[@]}"
	)
}

# read_offers: from lines "@ PATH", each followed by what a completion
# offers for it (a spelling, maybe "=" after it, maybe a tab and its
# description), into the caller's offers[PATH]: the spellings, a line
# each.
read_offers() {
	local line path=
	while IFS= read -r line; do
		if [[ $line == "@ "* ]]; then
			path=${line#@ }
			offers[$path]=
		else
			line=${line%%$'\t'*}
			offers[$path]+="${line%=}"$'\n'
		fi
	done
}

# A register at $R with two clients.
two_clients() {
	new_register
	preg -C "$R" client add Romashka >/dev/null
	preg -C "$R" client add Vasilek >/dev/null
}

@test "the binary lists commands, and groups list verbs" {
	run walk_cmds
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	# At least one group: the walk goes two levels deep.
	echo "$output" | grep -q ' '
	# What the other tests walk is this.
	same "$(cmd_paths)" "$output"
}

@test "every command and verb answers -h and --help with its usage on stdout" {
	local path bad=0
	local h first
	while read -r path; do
		# Run in setup_file: -h's output in PATH.h, --help's in PATH.help.
		for h in -h --help; do
			if [ "$(saved "$path" "${h##*-}.status")" -ne 0 ]; then
				echo "preg $path $h: exit $(saved "$path" "${h##*-}.status")"
				bad=1
			elif read -r first <"$DOCS/${path// /_}.${h##*-}"; [[ $first != "usage: preg $path"* ]]; then
				echo "preg $path $h: first line is not 'usage: preg $path ...': $first"
				bad=1
			fi
		done
	done < <(cmd_paths)
	[ "$bad" -eq 0 ]
}

@test "every command and verb has a man page" {
	local path bad=0
	while read -r path; do
		if [ ! -f "$(page_of "$path")" ]; then
			echo "preg $path: no $(page_of "$path")"
			bad=1
		fi
	done < <(cmd_paths)
	[ "$bad" -eq 0 ]
}

@test "every synopsis is in its man page, as mandoc renders it" {
	local path syn page bad=0
	while read -r path; do
		syn=$(synopsis "$path")
		# squeeze's work, in bash.
		syn=${syn//[$'\t\n']/ }
		while [[ $syn == *"  "* ]]; do syn=${syn//  / }; done
		syn=${syn# }
		syn=${syn% }
		if [ -z "$syn" ]; then
			echo "preg $path: no usage line"
			bad=1
			continue
		fi
		page=$(<"$DOCS/squeezed.$(basename "$(page_of "$path")")")
		if [[ $page != *"$syn"* ]]; then
			echo "preg $path: synopsis not in $(basename "$(page_of "$path")"):"
			echo "  $syn"
			bad=1
		fi
	done < <(cmd_paths)
	[ "$bad" -eq 0 ]
}

@test "every long option is documented in its man page" {
	local path opt text bad=0
	while read -r path; do
		text=$(section_of "$path")
		if [ -z "$text" ]; then
			echo "preg $path: no section 'preg $path' in $(basename "$(page_of "$path")")"
			bad=1
			continue
		fi
		for opt in $(long_opts "$path"); do
			# The name alone: no letter or dash beside it (a line's
			# start and end are a newline's).
			if ! [[ $'\n'$text$'\n' =~ [^a-z-]$opt([^a-z-]) ]]; then
				echo "preg $path: $opt is not documented in $(basename "$(page_of "$path")")"
				bad=1
			fi
		done
	done < <(cmd_paths)
	[ "$bad" -eq 0 ]
}

@test "the global options are documented in preg(1)" {
	local opt text bad=0
	text=$(render "$MAN/preg.1")
	for opt in $(preg --list-opts | cut -f 1); do
		if ! [[ $'\n'$text$'\n' =~ [^a-z-]$opt([^a-z-]) ]]; then
			echo "$opt is not documented in preg(1)"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "the man pages are clean under mandoc -T lint" {
	local page out bad=0
	for page in "$MAN"/*.[1-9]; do
		# Pages not installed yet, and mandoc's own database, are no fault
		# of the page.
		out=$(mandoc -T lint "$page" 2>&1 | grep -v -e 'referenced manual not found' -e 'mandoc.db' || true)
		if [ -n "$out" ]; then
			echo "$out"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "every man page has the sections a reader looks for" {
	local page sec want bad=0
	local text
	for page in "$MAN"/*.[1-9]; do
		want="NAME SYNOPSIS DESCRIPTION EXAMPLES SEE_ALSO"
		# EXIT STATUS is for commands (mdoc(7)), not for file formats.
		[[ $page == *.1 ]] && want="$want EXIT_STATUS"
		text=$(<"$page")
		for sec in $want; do
			if ! has_line "$text" ".Sh ${sec//_/ }"; then
				echo "$(basename "$page"): no ${sec//_/ } section"
				bad=1
			fi
		done
	done
	[ "$bad" -eq 0 ]
}

@test "preg(1) names every environment variable the code reads" {
	local var text bad=0
	text=$(render "$MAN/preg.1" | sed -n '/^ENVIRONMENT/,/^[A-Z]/p')
	for var in $(cat "$ROOT"/lib/*.c "$ROOT"/cmd/*.c | grep -oE 'getenv\("[A-Z_]+"\)' | sed -E 's/getenv\("(.*)"\)/\1/' | sort -u); do
		if ! echo "$text" | grep -qw -- "$var"; then
			echo "$var is read by the code but not in preg(1) ENVIRONMENT"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "preg-register(5) names every key the record writer writes" {
	local key text bad=0 keys
	text=$(render "$MAN/preg-register.5")
	# The keys of a record the binary wrote, with every option set, an
	# ending phase (end_reason) and a hold (set by client edit).
	new_register
	preg -C "$R" client add 'Every Key' --id every --manager ivanov --phase 2 --kind internal \
		--tag a --field cargo=steel --contact 'Ann <ann@example.com>; boss; 123' \
		--next 2026-11-10 --action call --remarks 'some remarks' >/dev/null
	preg -C "$R" note every 'a note' --channel call >/dev/null
	preg -C "$R" phase set every 4 -m moved >/dev/null
	preg -C "$R" phase set every 2 --force -m back >/dev/null
	preg -C "$R" phase set every ended --reason 'a reason' >/dev/null
	printf '#!/bin/sh\nsed -i "s/^created:/hold_until: 2026-12-01\\nhold_reason: holiday\\ncreated:/" "$1"\n' \
		>"$BATS_TEST_TMPDIR/ed"
	chmod +x "$BATS_TEST_TMPDIR/ed"
	EDITOR=$BATS_TEST_TMPDIR/ed preg -C "$R" client edit every </dev/null
	run preg -C "$R" client show every --format yaml
	[ "$status" -eq 0 ]
	keys=$(echo "$output" | sed -nE 's/^([a-z_]+):.*/\1/p'
		echo "$output" | grep -oE '(^ *- |[{,] *)[a-z_]+:' | grep -oE '[a-z_]+')
	# And every key the writer names in lib/record.c, in case the binary
	# could not set one above.
	keys="$keys
$(grep -oE 'put_line\(out, "[a-z_]+"' "$ROOT/lib/record.c" | grep -oE '"[a-z_]+"' | tr -d '"')
$(grep -oE 'buf_adds\(out, "[a-z_]+:' "$ROOT/lib/record.c" | grep -oE '"[a-z_]+' | tr -d '"')
$(sed -nE 's/.*_order\[\] = \{(.*)/\1/p' "$ROOT/lib/record.c" | grep -oE '"[a-z_]+"' | tr -d '"')"
	for key in $(echo "$keys" | sort -u); do
		if ! echo "$text" | grep -qw -- "$key"; then
			echo "record key '$key' is not in preg-register(5)"
			bad=1
		fi
	done
	# The record above did get the keys that only some paths write.
	for key in end_reason hold_until hold_reason force reason note channel email; do
		echo "$keys" | grep -qx "$key" || { echo "test record lacks '$key'"; bad=1; }
	done
	[ "$bad" -eq 0 ]
}

@test "preg-register(5) names every preg.yaml setting" {
	local key text bad=0
	text=$(render "$MAN/preg-register.5")
	new_register
	for key in $(sed -nE 's/^ *(- )?([a-z_]+):.*/\2/p' "$R/preg.yaml" | sort -u) \
		$(preg -C "$R" phase list --format tsv | head -n 1) \
		$(grep -oE 'strcmp\((k->s|k|kk->s), "[a-z_]+"\)' "$ROOT/lib/phases.c" | grep -oE '"[a-z_]+"' | tr -d '"'); do
		if ! echo "$text" | grep -qw -- "$key"; then
			echo "preg.yaml key '$key' is not in preg-register(5)"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "the columns of the listings are documented" {
	local col text bad=0
	two_clients
	text=$(render "$MAN/preg-client.1")
	for col in $(preg -C "$R" client list --format tsv | head -n 1); do
		echo "$text" | grep -qw -- "$col" || { echo "client list column '$col' not in preg-client(1)"; bad=1; }
	done
	text=$(render "$MAN/preg-phase.1")
	for col in $(preg -C "$R" phase list --format tsv | head -n 1); do
		echo "$text" | grep -qw -- "$col" || { echo "phase list column '$col' not in preg-phase(1)"; bad=1; }
	done
	[ "$bad" -eq 0 ]
}

@test "bash completion offers every command and verb" {
	local c v out vout path verbs bad=0
	out=$(bash_complete preg '')
	for c in $(preg --list-cmds); do
		has_line "$out" "$c" || { echo "preg <TAB> does not offer $c"; bad=1; }
		# A group's verbs, as the walk found them.
		verbs=
		while read -r path; do
			[[ $path == "$c "* ]] && verbs+=" ${path#"$c "}"
		done < <(cmd_paths)
		[ -n "$verbs" ] || continue
		vout=$(bash_complete preg "$c" '')
		for v in $verbs; do
			has_line "$vout" "$v" || { echo "preg $c <TAB> does not offer $v"; bad=1; }
		done
	done
	[ "$bad" -eq 0 ]
}

@test "bash completion offers every long option of every command and verb, and the global ones" {
	local path opt out bad=0
	while read -r path; do
		out=$(bash_complete preg $path --)
		for opt in $(long_opts "$path") $(long_opts "$path" global); do
			has_line "$out" "$opt" || has_line "$out" "$opt=" ||
				{ echo "preg $path --<TAB> does not offer $opt"; bad=1; }
		done
	done < <(cmd_paths)
	[ "$bad" -eq 0 ]
}

@test "bash completion completes the global options and their values" {
	run bash_complete preg -
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx -- -C
	echo "$output" | grep -qx -- --version
	run bash_complete preg --color=
	[ "$(echo "$output" | sort | tr '\n' ' ')" = "always auto never " ]
	# As bash splits it at "=".
	run bash_complete preg --color = al
	[ "$output" = always ]
	mkdir "$BATS_TEST_TMPDIR/somedir"
	run bash_complete preg -C "$BATS_TEST_TMPDIR/some"
	[ "$output" = "$BATS_TEST_TMPDIR/somedir" ]
}

@test "bash completion offers the values an option lists in its usage" {
	local path syn opt vals out v bad=0 re='(--[a-z-]+) ([a-z_]+(\|[a-z_]+)+)'
	while read -r path; do
		syn=$(synopsis "$path")
		# "--format table|tsv|json", "--sort name|id|next_contact"...
		while [[ $syn =~ $re ]]; do
			syn=${syn#*"${BASH_REMATCH[0]}"}
			opt=${BASH_REMATCH[1]}
			vals=${BASH_REMATCH[2]//|/ }
			out=$(bash_complete preg $path "$opt" '')
			for v in $vals; do
				has_line "$out" "$v" || { echo "preg $path $opt <TAB> does not offer $v"; bad=1; }
			done
		done
	done < <(cmd_paths)
	# --kind K: the kinds the record allows.
	out=$(bash_complete preg client add --kind '')
	[ "$(echo "$out" | sort | tr '\n' ' ')" = "external internal " ] || { echo "--kind offers: $out"; bad=1; }
	[ "$bad" -eq 0 ]
}

@test "bash completion offers client ids where a verb takes an ID, with -C" {
	local path n=0 bad=0 out first
	two_clients
	while read -r path; do
		first=
		read -r first <"$DOCS/${path// /_}.operands" || true
		[ "$first" = ID ] || continue
		n=$((n + 1))
		out=$(bash_complete preg -C "$R" $path '')
		if [ "${out//$'\n'/ } " != "romashka vasilek " ]; then
			echo "preg -C R $path <TAB> offers: $out"
			bad=1
		fi
	done < <(cmd_paths)
	[ "$n" -gt 0 ]
	# The default register is not the one given with -C.
	run bash_complete preg client show ''
	[ -z "$output" ]
	[ "$bad" -eq 0 ]
}

# A register at $R with Cyrillic names: two that begin alike, one Latin.
named_clients() {
	new_register
	preg -C "$R" client add 'ООО «Ромашка»' --id romashka >/dev/null
	preg -C "$R" client add 'АО «Ромашка Плюс»' >/dev/null
	preg -C "$R" client add 'ИП Ёлкин' >/dev/null
}

@test "completion of clients: bash offers ids, and names when no id fits; zsh and fish describe ids by names" {
	named_clients
	run preg -C "$R" --list-values client-name
	same "$output" "elkin	ИП Ёлкин
romashka	ООО «Ромашка»
romashka-plius	АО «Ромашка Плюс»"
	# bash: an id prefix gives ids, names are not offered.
	run bash_complete preg -C "$R" client show rom
	same "$output" "romashka
romashka-plius"
	# No id starts with the word: the names that do (or whose part in
	# quotes does), escaped for the shell; any letter case.
	run bash_complete preg -C "$R" note ром
	same "$output" 'ООО\ «Ромашка»
АО\ «Ромашка\ Плюс»'
	run bash_complete preg -C "$R" phase set 'ИП'
	same "$output" 'ИП\ Ёлкин'
	# After an opening quote, the name as it is: the shell closes it.
	run bash_complete preg -C "$R" client show '"ООО'
	same "$output" "ООО «Ромашка»"
	run bash_complete preg -C "$R" client show zz
	same "$output" ""
	# What bash offers, the binary takes.
	run --separate-stderr preg -C "$R" client show "ООО «Ромашка»"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "romashka "* ]]
	# zsh: the ids, each with the name as its description.
	if command -v zsh >/dev/null; then
		run zsh -f -c 'source "$1"; shift; words=("$@"); CURRENT=${#words}; _preg__candidates
			for (( k = 1; k <= ${#reply}; k++ )); do print -r -- "$reply[k] -- $_preg_descr[k]"; done' \
			_ "$COMP/_preg" "$PREG" -C "$R" client show ''
		same "$output" "elkin -- ИП Ёлкин
romashka -- ООО «Ромашка»
romashka-plius -- АО «Ромашка Плюс»"
	fi
	# fish: "id<tab>name", the name shown beside the id.
	if command -v fish >/dev/null; then
		run fish --no-config -c 'source $argv[1]; __preg_candidates $argv[2..-1]' "$COMP/preg.fish" \
			"$PREG" -C "$R" note ''
		same "$output" "elkin	ИП Ёлкин
romashka	ООО «Ромашка»
romashka-plius	АО «Ромашка Плюс»"
	fi
}

@test "bash completion offers phase keys for a PHASE operand and --phase" {
	local path n=0 bad=0 out keys
	two_clients
	keys=$(preg -C "$R" phase list --format tsv | tail -n +2 | cut -f 2 | tr '\n' ' ')
	while read -r path; do
		has_line "$(<"$DOCS/${path// /_}.operands")" PHASE || continue
		n=$((n + 1))
		out=$(bash_complete preg -C "$R" $path romashka '')
		[ "$(echo "$out" | tr '\n' ' ')" = "$keys" ] || { echo "preg $path ID <TAB> offers: $out"; bad=1; }
		out=$(bash_complete preg -C "$R" $path romashka con)
		[ "$out" = contract ] || { echo "preg $path ID con<TAB> offers: $out"; bad=1; }
	done < <(cmd_paths)
	[ "$n" -gt 0 ]
	out=$(bash_complete preg -C "$R" client list --phase '')
	[ "$(echo "$out" | tr '\n' ' ')" = "$keys" ] || { echo "client list --phase <TAB> offers: $out"; bad=1; }
	[ "$bad" -eq 0 ]
}

@test "the zsh and fish completions ask the binary instead of listing commands" {
	local f name bad=0
	for f in "$COMP/_preg" "$COMP/preg.fish"; do
		[ -f "$f" ] || { echo "no $f"; bad=1; continue; }
		grep -q -- '--list-cmds' "$f" || { echo "$(basename "$f") does not call --list-cmds"; bad=1; }
		grep -q -- '--list-opts' "$f" || { echo "$(basename "$f") does not call --list-opts"; bad=1; }
		# Every name at once: a quoted name, a case label, a zsh
		# "name:description" spec. The lines found are shown.
		name=$(cmd_paths | tr ' ' '\n' | sort -u | paste -sd '|')
		name="($name)"
		if grep -nvE '^[[:space:]]*#' "$f" |
			grep -E -- "(['\"]$name['\"]|(^|[^-a-z])$name\)|case $name\$|[( ]$name:[A-Za-z])"; then
			echo "$(basename "$f") lists a command or verb itself (the lines above)"
			bad=1
		fi
	done
	head -n 1 "$COMP/_preg" | grep -qx '#compdef preg' || { echo "_preg does not start with #compdef preg"; bad=1; }
	[ "$bad" -eq 0 ]
}

@test "the zsh completion offers commands, verbs, options and ids" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	two_clients
	run zsh -f -c '
		source "$1"; shift
		comp() { words=("$@"); CURRENT=${#words}; _preg__candidates; print -rl -- $reply; }
		comp "$@"' _ "$COMP/_preg" "$PREG" ''
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tr '\n' ' ')" = "$(preg --list-cmds | tr '\n' ' ')" ]
	local path out bad=0 paths
	# One zsh for every command path: "@ PATH", then what "preg PATH --"
	# offers.
	local -A offers=()
	mapfile -t paths < <(cmd_paths)
	read_offers < <(no_leak_check
		zsh -f -c 'source "$1"; bin=$2; shift 2
			for p in "$@"; do
				print -r -- "@ $p"
				words=($bin ${=p} --); CURRENT=${#words}; reply=()
				_preg__candidates; print -rl -- $reply
			done' _ "$COMP/_preg" "$PREG" "${paths[@]}" || true)
	for path in "${paths[@]}"; do
		[ "${offers[$path]%$'\n'}" = "$(saved "$path" opts | grep '^-' | cut -f 1)" ] ||
			{ echo "zsh: preg $path -- offers: ${offers[$path]-}"; bad=1; }
	done
	out=$(zsh -f -c 'source "$1"; shift; words=("$@"); CURRENT=${#words}; _preg__candidates; print -rl -- $reply' \
		_ "$COMP/_preg" "$PREG" -C "$R" client show '' || true)
	[ "$(echo "$out" | tr '\n' ' ')" = "romashka vasilek " ] || { echo "zsh: client show offers: $out"; bad=1; }
	[ "$bad" -eq 0 ]
}

@test "the fish completion offers commands, verbs, options and ids" {
	command -v fish >/dev/null || skip "fish is not installed"
	two_clients
	local path out bad=0 paths
	out=$(fish --no-config -c 'source $argv[1]; __preg_candidates $argv[2..-1]' "$COMP/preg.fish" "$PREG" '' || true)
	[ "$out" = "$(preg --list-cmds)" ] || { echo "fish: preg offers: $out"; bad=1; }
	# One fish for every command path: "@ PATH", then what "preg PATH --"
	# offers.
	local -A offers=()
	mapfile -t paths < <(cmd_paths)
	read_offers < <(no_leak_check
		fish --no-config -c 'source $argv[1]
			for p in $argv[3..-1]
				echo "@ $p"
				__preg_candidates $argv[2] (string split " " -- $p) --
			end' "$COMP/preg.fish" "$PREG" "${paths[@]}" || true)
	for path in "${paths[@]}"; do
		[ "${offers[$path]%$'\n'}" = "$(saved "$path" opts | grep '^-' | cut -f 1)" ] ||
			{ echo "fish: preg $path -- offers: ${offers[$path]-}"; bad=1; }
	done
	out=$(fish --no-config -c 'source $argv[1]; __preg_candidates $argv[2..-1]' "$COMP/preg.fish" "$PREG" -C "$R" note '' || true)
	[ "$(echo "$out" | cut -f 1 | tr '\n' ' ')" = "romashka vasilek " ] || { echo "fish: note offers: $out"; bad=1; }
	# Through fish itself, for the command named preg.
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -s "$PREG" "$BATS_TEST_TMPDIR/bin/preg"
	out=$(PATH=$BATS_TEST_TMPDIR/bin:$PATH fish --no-config -c 'source $argv[1]; complete -C"preg phase "' "$COMP/preg.fish" || true)
	[ "$(echo "$out" | cut -f 1 | sort)" = "$(preg phase --list-cmds | sort)" ] || { echo "fish: preg phase offers: $out"; bad=1; }
	[ "$bad" -eq 0 ]
}

@test "--list-opts: six fields a line, known kinds, and the synopsis agrees with it" {
	local path syn line spell short kind vals flags help n bad=0 listed want
	local kinds=" none text name client manager phase tag field setting contact date time days number choice format file dir url remote revision map command verb group "
	while read -r path; do
		syn=$(synopsis "$path")
		listed=
		while IFS= read -r line; do
			# The fields: one more than the tabs.
			n=${line//[!$'\t']/}
			n=$((${#n} + 1))
			[ "$n" -eq 6 ] || { echo "preg $path --list-opts: $n fields: $line"; bad=1; continue; }
			IFS=$'\t' read -r spell short kind vals flags help <<<"$line"
			[[ $kinds == *" $kind "* ]] || { echo "preg $path: $spell has an unknown kind '$kind'"; bad=1; }
			[[ $flags == *global* ]] && continue
			if [[ $spell == -* ]]; then
				# In the synopsis, by its long name (or its short one),
				# with its choices as the synopsis lists them.
				if [[ " $syn" != *[\ \[\|]"$spell"[\ =\]]* && " $syn" != *[\ \[\|]"$spell" &&
					" $syn" != *"[$short "* ]]; then
					echo "preg $path: $spell is not in the synopsis: $syn"
					bad=1
				fi
				if [ "$vals" != - ] && [[ $syn != *"$spell ${vals// /|}"* && $syn != *"$spell=${vals// /|}"* ]]; then
					echo "preg $path: the choices of $spell ($vals) are not in the synopsis"
					bad=1
				fi
			else
				listed+="${spell%...} "
			fi
		done < <(saved "$path" opts)
		want=$(<"$DOCS/${path// /_}.operands")
		want=${want:+${want//$'\n'/ } }
		[ "$listed" = "$want" ] || { echo "preg $path: operands '$listed', synopsis '$want'"; bad=1; }
	done < <(cmd_paths)
	[ "$bad" -eq 0 ]
}

@test "every option of a table has its line in -h, and no option is unknown to the parser" {
	local path spell short kind vals flags help_line help args re nl=$'\n' bad=0
	# A process a command: the parser stops at its first refusal.
	no_leak_check
	while read -r path; do
		help=$(saved "$path" h)
		args=()
		while IFS=$'\t' read -r spell short kind vals flags help_line; do
			[[ $spell == --* && ,$flags, != *,global,* ]] || continue
			# A line of its own: "  --opt", "  -o, --opt=VALUE"...
			re="$nl +(-[a-zA-Z], )?$spell[ =$nl]"
			[[ $nl$help$nl =~ $re ]] ||
				{ echo "preg $path -h has no line for $spell"; bad=1; }
			# As it is given: a flag alone, a value after "=" (the first
			# of its choices, if it lists them).
			if [ "$kind" = none ]; then
				args+=("$spell")
			elif [ "$vals" != - ]; then
				args+=("$spell=${vals%% *}")
			else
				args+=("$spell=x")
			fi
		done <"$DOCS/${path// /_}.opts"
		# The parser knows every one of them: each is read, then --help
		# answered, which it is only when none was refused.
		run --separate-stderr preg $path "${args[@]}" --help
		[ "$status" -eq 0 ] && [ "$output" = "$(saved "$path" help)" ] ||
			{ echo "preg $path ${args[*]} --help: status $status, $stderr"; bad=1; }
	done < <(cmd_paths)
	[ "$bad" -eq 0 ]
}

@test "the global options work after the command, and are listed with each command" {
	local path opts version re nl=$'\n' t=$'\t' bad=0
	no_leak_check
	version=$(preg --version)
	while read -r path; do
		opts=$(saved "$path" opts)
		for opt in -C --color --version --help; do
			# Its line: the spelling first, "global" among the flags.
			re="$nl$opt$t[^$t$nl]*$t[^$t$nl]*$t[^$t$nl]*$t[^$t$nl]*global"
			[[ $nl$opts =~ $re ]] ||
				{ echo "preg $path --list-opts lacks the global $opt"; bad=1; }
		done
		run preg $path --version
		[ "$output" = "$version" ] || { echo "preg $path --version: $output"; bad=1; }
	done < <(cmd_paths)
	[ "$bad" -eq 0 ]
}

@test "no command parses options itself: getopt is called in one place" {
	run grep -lE 'getopt|struct option\b' "$ROOT"/cmd/*.c
	[ "$output" = "$ROOT/cmd/opts.c" ]
}

@test "--list-values gives what the register holds, sorted, each once" {
	new_register
	preg -C "$R" client add 'ООО «Ромашка»' --id romashka --tag steel --tag china >/dev/null
	preg -C "$R" client add Vasilek --manager petrov --tag steel >/dev/null
	run preg -C "$R" --list-values client
	[ "$status" -eq 0 ]
	same "$output" "romashka
vasilek"
	run preg -C "$R" --list-values manager
	same "$output" "ivanov
petrov"
	run preg -C "$R" --list-values tag
	same "$output" "china
steel"
	run preg -C "$R" --list-values phase
	same "$output" "$(preg -C "$R" phase list --format tsv | tail -n +2 | cut -f 2)"
	run --separate-stderr preg -C "$R" --list-values frob
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: unknown kind 'frob' (client, client-name, phase, manager, tag, group or contact:ID)"
	# contact without the client is no kind: the message says what is.
	run --separate-stderr preg -C "$R" --list-values contact
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: unknown kind 'contact' (client, client-name, phase, manager, tag, group or contact:ID)"
	run --separate-stderr preg -C "$BATS_TEST_TMPDIR/none" --list-values client
	[ "$status" -eq 1 ]
	same "$output" ""
}

@test "the completions read no help text: they ask --list-cmds, --list-opts and --list-values" {
	local f bad=0
	for f in "$COMP/preg.bash" "$COMP/_preg" "$COMP/preg.fish"; do
		for ask in --list-cmds --list-opts --list-values; do
			grep -q -- "$ask" "$f" || { echo "$(basename "$f") does not call $ask"; bad=1; }
		done
		# No -h, --help or usage text is read.
		if grep -vE '^[[:space:]]*#' "$f" | grep -nE -- '(run|bin)[^#]*[[:space:]](-h|--help)\b|usage'; then
			echo "$(basename "$f") reads help text"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "a completion asks the binary only what it needs: the global table only for a word before the command" {
	local log=$BATS_TEST_TMPDIR/calls w=$BATS_TEST_TMPDIR/bin/preg out
	two_clients
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	# The binary the completions call is the command word: a preg that
	# writes down what it was asked.
	printf '#!/bin/sh\necho "$*" >>"%s"\nexec "%s" "$@"\n' "$log" "$PREG" >"$w"
	chmod +x "$w"
	no_leak_check
	local want="client --list-cmds
client add --list-opts"
	# With -C before the command, the global table first (to know that
	# -C takes a word); the ids (zsh and fish describe them by names).
	local want_c="--list-opts
-C $R client --list-cmds
-C $R client show --list-opts
-C $R --list-values client"
	: >"$log"
	out=$(bash_complete "$w" client add --)
	has_line "$out" --manager
	same "$(<"$log")" "$want"
	: >"$log"
	out=$(bash_complete "$w" -C "$R" client show '')
	same "$out" "romashka
vasilek"
	same "$(<"$log")" "$want_c"
	if command -v zsh >/dev/null; then
		: >"$log"
		out=$(zsh_complete "$w" client add --)
		[[ $out == *--manager* ]]
		same "$(<"$log")" "$want"
		: >"$log"
		zsh_complete "$w" -C "$R" client show '' >/dev/null
		same "$(<"$log")" "$want_c-name"
	fi
	if command -v fish >/dev/null; then
		: >"$log"
		out=$(fish_complete "$w" client add --)
		[[ $out == *--manager* ]]
		same "$(<"$log")" "$want"
		: >"$log"
		fish_complete "$w" -C "$R" client show '' >/dev/null
		# (fish gives -C only where the answer is the register's)
		same "$(<"$log")" "--list-opts
client --list-cmds
client show --list-opts
-C $R --list-values client-name"
	fi
}

@test "each shell completes a value after its kind: managers, tags, phases, files" {
	local out bad=0
	new_register
	preg -C "$R" client add Romashka --tag china >/dev/null
	preg -C "$R" client add Vasilek --manager petrov --tag steel >/dev/null
	printf 'Name\n' >"$BATS_TEST_TMPDIR/clients.csv"
	out=$(bash_complete preg -C "$R" client list --manager '')
	same "$(echo "$out" | tr '\n' ' ')" "ivanov petrov " || bad=1
	out=$(bash_complete preg -C "$R" report funnel --tag=s)
	same "$out" "steel" || bad=1
	out=$(bash_complete preg client list --format=j)
	same "$out" "json" || bad=1
	out=$(bash_complete preg -C "$R" import "$BATS_TEST_TMPDIR/cli")
	same "$out" "$BATS_TEST_TMPDIR/clients.csv" || bad=1
	# -C after the command names the register too.
	out=$(bash_complete preg client show -C "$R" '')
	same "$(echo "$out" | tr '\n' ' ')" "romashka vasilek " || bad=1
	if command -v zsh >/dev/null; then
		out=$(zsh -f -c 'source "$1"; shift; words=("$@"); CURRENT=${#words}; _preg__candidates; print -rl -- $reply' \
			_ "$COMP/_preg" "$PREG" -C "$R" client list --tag '')
		same "$(echo "$out" | tr '\n' ' ')" "china steel " || bad=1
	fi
	if command -v fish >/dev/null; then
		out=$(fish --no-config -c 'source $argv[1]; __preg_candidates $argv[2..-1]' "$COMP/preg.fish" "$PREG" \
			-C "$R" log --author '')
		same "$(echo "$out" | tr '\n' ' ')" "ivanov petrov " || bad=1
	fi
	[ "$bad" -eq 0 ]
}

@test "zsh and fish show each option with its help" {
	local path out want bad=0
	path="client add"
	want=$(preg $path --list-opts | grep '^-' | cut -f 6)
	if command -v zsh >/dev/null; then
		out=$(zsh -f -c 'source "$1"; shift; words=("$@"); CURRENT=${#words}; _preg__candidates; print -rl -- $_preg_descr' \
			_ "$COMP/_preg" "$PREG" $path --)
		same "$out" "$want" || bad=1
	fi
	if command -v fish >/dev/null; then
		out=$(fish --no-config -c 'source $argv[1]; __preg_candidates $argv[2..-1]' "$COMP/preg.fish" "$PREG" $path --)
		same "$(echo "$out" | cut -f 2)" "$want" || bad=1
		echo "$out" | grep -qx -- $'--remarks\tfree text about the client' || { echo "fish: $out"; bad=1; }
	fi
	[ "$bad" -eq 0 ]
}

# A register at $R whose preg.yaml names the managers, with a client that
# has two contacts, a field and tags.
day_register() {
	new_register
	printf 'managers:\n  ivanov: {name: Семён Иванов, email: ivanov@example.com}\n  petrov: {name: Пётр Петров}\n' >>"$R/preg.yaml"
	git -C "$R" commit -qam managers
	preg -C "$R" client add 'ООО «Ромашка»' --id romashka --tag steel --field cargo=pipes \
		--contact 'Anna Orlova <a.orlova@example.com>; chief accountant; +7 351 111-11-11' >/dev/null
	preg -C "$R" contact add ромашка 'Пётр Сидоров; director' >/dev/null
	preg -C "$R" client add 'ООО «Кедр»' --id kedr --manager petrov --tag china >/dev/null
}

# zsh_complete WORDS...: "candidate -- description" a line, as _preg shows.
zsh_complete() {
	zsh -f -c 'source "$1"; shift; words=("$@"); CURRENT=${#words}; _preg__candidates
		for (( k = 1; k <= ${#reply}; k++ )); do print -r -- "$reply[k]${_preg_descr[k]:+ -- $_preg_descr[k]}"; done' \
		_ "$COMP/_preg" "$@"
}

# fish_complete WORDS...: "candidate<tab>description" a line, as fish shows.
fish_complete() {
	fish --no-config -c 'source $argv[1]; __preg_candidates $argv[2..-1]' "$COMP/preg.fish" "$@"
}

@test "--list-values: managers with their display names, a client's contacts by number" {
	day_register
	run --separate-stderr preg -C "$R" --list-values manager
	[ "$status" -eq 0 ]
	same "$output" "ivanov	Семён Иванов
petrov	Пётр Петров"
	# The client by any name a command takes.
	for c in romashka ромашка 'ООО «Ромашка»'; do
		run --separate-stderr preg -C "$R" --list-values "contact:$c"
		[ "$status" -eq 0 ]
		same "$output" "1	Anna Orlova <a.orlova@example.com>; chief accountant; +7 351 111-11-11
2	Пётр Сидоров; director"
	done
	run --separate-stderr preg -C "$R" --list-values contact:kedr
	[ "$status" -eq 0 ]
	same "$output" ""
	run --separate-stderr preg -C "$R" --list-values contact:nobody
	[ "$status" -eq 1 ]
	same "$output" ""
	[[ $stderr == "preg: error: client 'nobody' not found"* ]]
}

@test "bash completes managers by handle and by name, tags, client set keys and contact numbers" {
	day_register
	run bash_complete preg -C "$R" client list --manager ''
	same "$output" "ivanov
petrov"
	# No handle starts with the word: the display names that do.
	run bash_complete preg -C "$R" client list --manager Сем
	same "$output" 'Семён\ Иванов'
	run bash_complete preg -C "$R" review пёт
	same "$output" 'Пётр\ Петров'
	run bash_complete preg -C "$R" client add Липа --tag ''
	same "$output" "china
steel"
	run bash_complete preg -C "$R" client set romashka ''
	same "$output" "name=
kind=
manager=
next_contact=
next_action=
tags=
remarks=
fields.cargo="
	run bash_complete preg -C "$R" client set romashka next_c
	same "$output" "next_contact="
	# The contacts of the client named before, by number; then their keys.
	run bash_complete preg -C "$R" contact set ромашка ''
	same "$output" "1
2"
	run bash_complete preg -C "$R" contact rm romashka ''
	same "$output" "1
2"
	run bash_complete preg -C "$R" contact set kedr ''
	same "$output" ""
	# The client by its name, quoted or escaped as the shell reads it.
	run bash_complete preg -C "$R" contact set '"ООО «Ромашка»"' ''
	same "$output" "1
2"
	run bash_complete preg -C "$R" contact rm 'ООО\ «Ромашка»' ''
	same "$output" "1
2"
	run bash_complete preg -C "$R" contact set romashka 2 ''
	same "$output" "name=
email=
role=
phone="
	# What was offered, the binary takes.
	run --separate-stderr preg -C "$R" client list --manager 'Семён Иванов' --format id
	same "$output" "romashka"
	run --separate-stderr preg -C "$R" contact set ромашка 2 phone="+7 351 222-22-22"
	[ "$status" -eq 0 ]
	run --separate-stderr preg -C "$R" client set romashka fields.cargo=tubes
	[ "$status" -eq 0 ]
}

@test "zsh and fish complete managers, tags, keys and contact numbers, described" {
	day_register
	printf 'Name\n' >"$BATS_TEST_TMPDIR/clients.csv"
	if command -v zsh >/dev/null; then
		run zsh_complete "$PREG" -C "$R" client list --manager ''
		same "$output" "ivanov -- Семён Иванов
petrov -- Пётр Петров"
		run zsh_complete "$PREG" -C "$R" contact set ромашка ''
		same "$output" "1 -- Anna Orlova <a.orlova@example.com>; chief accountant; +7 351 111-11-11
2 -- Пётр Сидоров; director"
		run zsh_complete "$PREG" -C "$R" contact rm "'ООО «Ромашка»'" ''
		same "$(echo "$output" | cut -d ' ' -f 1)" "1
2"
		run zsh_complete "$PREG" -C "$R" client set romashka ''
		[ "$(echo "$output" | tr '\n' ' ')" = "name= kind= manager= next_contact= next_action= tags= remarks= fields.cargo= " ]
		run zsh_complete "$PREG" -C "$R" client add Липа --tag ''
		same "$output" "china
steel"
		# A file where a file is taken: zsh's own file completion.
		run zsh -f -c 'source "$1"; shift; words=("$@"); CURRENT=${#words}; _preg__candidates; print -r -- $_preg_what' \
			_ "$COMP/_preg" "$PREG" -C "$R" import ''
		same "$output" "files"
	fi
	if command -v fish >/dev/null; then
		run fish_complete "$PREG" -C "$R" review ''
		same "$output" "ivanov	Семён Иванов
petrov	Пётр Петров"
		run fish_complete "$PREG" -C "$R" contact rm ромашка ''
		same "$output" "1	Anna Orlova <a.orlova@example.com>; chief accountant; +7 351 111-11-11
2	Пётр Сидоров; director"
		run fish_complete "$PREG" -C "$R" contact set romashka 1 ''
		same "$output" "name=
email=
role=
phone="
		run fish_complete "$PREG" -C "$R" client set romashka ''
		[[ $output == *$'\nfields.cargo=' ]]
		run fish_complete "$PREG" -C "$R" report funnel --tag ''
		same "$output" "china
steel"
		run fish_complete "$PREG" -C "$R" import "$BATS_TEST_TMPDIR/cli"
		same "$(echo "$output" | cut -f 1)" "$BATS_TEST_TMPDIR/clients.csv"
	fi
}

@test "a URL that may be a path completes as a directory in each shell" {
	mkdir -p "$BATS_TEST_TMPDIR/shared/sales.git"
	: >"$BATS_TEST_TMPDIR/shared-notes.txt"
	run bash_complete preg clone "$BATS_TEST_TMPDIR/sha"
	same "$output" "$BATS_TEST_TMPDIR/shared"
	if command -v zsh >/dev/null; then
		run zsh -f -c 'source "$1"; shift; words=("$@"); CURRENT=${#words}; _preg__candidates; print -r -- $_preg_what' \
			_ "$COMP/_preg" "$PREG" clone "$BATS_TEST_TMPDIR/sha"
		same "$output" "dirs"
	fi
	if command -v fish >/dev/null; then
		run fish_complete "$PREG" clone "$BATS_TEST_TMPDIR/sha"
		same "$(echo "$output" | cut -f 1)" "$BATS_TEST_TMPDIR/shared/"
	fi
}
