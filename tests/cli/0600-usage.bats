#!/usr/bin/env bats
# Usage: exit 2 with "preg: WHY" and the usage on stderr for every usage
# error; -h/--help and "preg help" print to stdout and exit 0, with no
# register needed; --version.

load helper

TOP_USAGE="usage: preg [-C DIR] [--color=auto|always|never] [--version] [--help] COMMAND [ARGS]"

VERBS="init
client add
client show
client list
client set
client edit
client rm
phase list
phase set
phase next
note
doctor
help"

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	"$PREG" init "$BATS_FILE_TMPDIR/pristine" >/dev/null
	"$PREG" -C "$BATS_FILE_TMPDIR/pristine" client add Acme >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
	mkdir -p "$BATS_TEST_TMPDIR/nowhere"
	cd "$BATS_TEST_TMPDIR/nowhere"
}

# usage_error WHY ARGS...: preg ARGS exits 2, prints nothing on stdout, and
# "preg: WHY" then a usage line on stderr; no commit.
usage_error() {
	local why=$1
	shift
	run --separate-stderr preg -C "$R" "$@"
	same "$status" 2
	same "$output" ""
	same "${stderr_lines[0]}" "preg: $why"
	[[ "${stderr_lines[1]}" == "usage: preg "* ]]
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}

@test "no command: the usage and the commands on stderr, exit 2" {
	run --separate-stderr preg
	[ "$status" -eq 2 ]
	same "$output" ""
	same "${stderr_lines[0]}" "$TOP_USAGE"
	while read -r v; do
		[[ "$stderr" == *$'\n'"   $v "* ]]
	done <<<"$VERBS"
}

@test "an unknown command" {
	run --separate-stderr preg frob
	[ "$status" -eq 2 ]
	same "$output" ""
	same "$stderr" "preg: unknown command 'frob' (see 'preg help')"
}

@test "an unknown verb" {
	run --separate-stderr preg -C "$R" client frob
	[ "$status" -eq 2 ]
	same "$output" ""
	same "$stderr" "preg: unknown command 'client frob' (see 'preg help client')"
	run --separate-stderr preg -C "$R" phase frob
	[ "$status" -eq 2 ]
	same "$stderr" "preg: unknown command 'phase frob' (see 'preg help phase')"
}

@test "a group without a verb: its usage on stderr, exit 2" {
	for g in client phase; do
		run --separate-stderr preg -C "$R" "$g"
		[ "$status" -eq 2 ]
		same "$output" ""
		same "${stderr_lines[0]}" "usage: preg $g VERB [ARGS]"
	done
}

@test "an unknown option of a command" {
	usage_error "unknown option '--bogus'" client add Acme --bogus
	same "${stderr_lines[1]}" "usage: preg client add NAME [--id ID] [--manager M] [--phase P] [--kind external|internal] [--tag T]... [--field K=V]... [--contact 'NAME <EMAIL>; ROLE; PHONE']... [--next DATE] [--action TEXT] [--remarks TEXT] [--allow-duplicate]"
	usage_error "unknown option '-x'" client show acme -x
	same "${stderr_lines[1]}" "usage: preg client show ID [--format text|yaml|json]"
	usage_error "unknown option '--force'" note acme hi --force
	usage_error "unknown option '--bogus'" doctor --bogus
	usage_error "unknown option '--bogus'" phase list --bogus
}

@test "an unknown global option" {
	run --separate-stderr preg --bogus client list
	[ "$status" -eq 2 ]
	same "$output" ""
	same "$stderr" "preg: unknown option '--bogus'
$TOP_USAGE"
	run --separate-stderr preg --color=sometimes client list
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: invalid --color value 'sometimes' (auto, always or never)"
}

@test "an option without its value" {
	usage_error "option '--id' needs a value" client add Acme --id
	usage_error "option '--format' needs a value" client list --format
	usage_error "option '--at' needs a value" phase set acme 2 --at
	usage_error "option '--channel' needs a value" note acme hi --channel
	usage_error "option '--template' needs a value" init --template
	run --separate-stderr preg -C
	[ "$status" -eq 2 ]
	same "$stderr" "preg: option '-C' needs a directory
$TOP_USAGE"
}

@test "too many or too few arguments" {
	usage_error "too many arguments (quote a name with spaces)" client add Acme Ltd
	usage_error "too many arguments" client show acme beta
	usage_error "too many arguments" client rm acme beta
	usage_error "too many arguments" phase set acme 2 3
	usage_error "too many arguments" phase list x
	usage_error "too many arguments" doctor x
	usage_error "too many arguments (quote the text)" note acme called them
	usage_error "unexpected argument 'x'" client list x
	usage_error "client add needs a NAME" client add
	usage_error "client show needs an id" client show
	usage_error "phase next needs a client id" phase next
}

@test "-h and --help on every command: usage on stdout, exit 0, no register needed" {
	bad=
	while read -r v; do
		for h in -h --help; do
			# shellcheck disable=SC2086
			run --separate-stderr preg $v $h
			if [ "$status" -ne 0 ] || [ -n "$stderr" ] || [[ "${lines[0]}" != "usage: preg $v"* ]]; then
				bad+="preg $v $h: exit $status, stdout '${lines[0]}', stderr '$stderr'"$'\n'
			fi
		done
	done <<<"$VERBS"
	same "$bad" ""
	[ ! -e "$HOME/.local/share/preg" ]
}

@test "-h on a group lists its verbs on stdout" {
	run --separate-stderr preg client -h
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "${lines[0]}" "usage: preg client VERB [ARGS]"
	for v in add show list set edit rm; do
		[[ "$output" == *$'\n'"   $v "* ]]
	done
	run --separate-stderr preg phase --help
	[ "$status" -eq 0 ]
	same "${lines[0]}" "usage: preg phase VERB [ARGS]"
	for v in list set next; do
		[[ "$output" == *$'\n'"   $v "* ]]
	done
}

@test "-h wins over everything else on the line, and writes nothing" {
	run --separate-stderr preg -C "$R" client add Acme --phase 99 -h
	[ "$status" -eq 0 ]
	same "$stderr" ""
	[[ "${lines[0]}" == "usage: preg client add NAME"* ]]
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}

@test "the help of a command names every long option it takes" {
	run preg client add -h
	for o in --id --manager --phase --kind --tag --field --contact --next --action --remarks; do
		[[ "$output" == *"$o"* ]] || { echo "missing $o"; false; }
	done
	run preg phase set -h
	for o in -m --at --reason --force; do
		[[ "$output" == *"$o"* ]] || { echo "missing $o"; false; }
	done
}

@test "preg help and preg --help print the commands on stdout" {
	run --separate-stderr preg help
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "${lines[0]}" "$TOP_USAGE"
	while read -r v; do
		[[ "$output" == *$'\n'"   $v "* ]]
	done <<<"$VERBS"
	help=$output
	run --separate-stderr preg --help
	[ "$status" -eq 0 ]
	same "$output" "$help"
	run --separate-stderr preg -h
	same "$output" "$help"
}

@test "preg help COMMAND [VERB] is the command's own --help" {
	run --separate-stderr preg help client add
	[ "$status" -eq 0 ]
	same "$stderr" ""
	[[ "${lines[0]}" == "usage: preg client add NAME"* ]]
	help=$output
	run preg client add --help
	same "$output" "$help"
	run --separate-stderr preg help client
	[ "$status" -eq 0 ]
	same "$output" "$(preg client --help)"
	run --separate-stderr preg help note
	[ "$status" -eq 0 ]
	same "$output" "$(preg note --help)"
}

@test "preg help of something unknown is a usage error" {
	run --separate-stderr preg help frob
	[ "$status" -eq 2 ]
	same "$output" ""
	same "$stderr" "preg: unknown command 'frob'
usage: preg help [COMMAND [VERB]]"
	run --separate-stderr preg help client frob
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: unknown command 'client frob'"
}

@test "--version prints the version of VERSION" {
	run --separate-stderr preg --version
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "preg $(cat "$BATS_TEST_DIRNAME/../../VERSION")"
}

@test "options and operands may mix; -- ends the options" {
	run --separate-stderr preg -C "$R" client add --kind internal Beta --tag x
	[ "$status" -eq 0 ]
	same "$output" "beta"
	run --separate-stderr preg -C "$R" client add -- --not-an-option
	[ "$status" -eq 0 ]
	same "$output" "not-an-option"
}

@test "the global options may come after the command, and after its verb" {
	run --separate-stderr preg client list --format table --color=always -C "$R"
	[ "$status" -eq 0 ]
	same "$stderr" ""
	# The header is bold, the phase in its colour.
	[[ "${lines[0]}" == $'\033[1m'* ]]
	[[ "${lines[1]}" == *$'\033[38;2;'* ]]
	run --separate-stderr preg -C "$R" client list --format table --color=never
	[ "$status" -eq 0 ]
	[[ "$output" != *$'\033'* ]]
	run --separate-stderr preg client -C "$R" list --format id
	[ "$status" -eq 0 ]
	same "$output" "acme"
	run --separate-stderr preg note acme hi --version
	[ "$status" -eq 0 ]
	same "$output" "preg $(cat "$BATS_TEST_DIRNAME/../../VERSION")"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	usage_error "invalid --color value 'sometimes' (auto, always or never)" client list --color=sometimes
	same "${stderr_lines[1]}" "usage: preg client list [--manager M] [--phase P] [--tag T]... [--kind external|internal] [--field K=V]... [--stale] [--ended | --open] [--wide] [--sort name|id|phase|manager|next_contact|since] [--format table|tsv|csv|json|id]"
	usage_error "option '-C' needs a directory" client list -C
}

@test "a value given to an option that takes none" {
	usage_error "option '--force' takes no value" client set acme name=X --force=yes
	usage_error "option '--stale' takes no value" client list --stale=1
}

@test "an unknown format is refused before anything else, with the formats the command has" {
	usage_error "unknown format 'xml' (table, tsv or json)" log --format xml
	usage_error "unknown format 'xml' (csv, json or xlsx)" export --format=xml
	usage_error "unknown format 'html' (text, tsv, json or ics)" remind -f html
}
