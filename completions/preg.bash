# bash completion for preg(1).                                 -*- sh -*-
#
# Thin: every list comes from the binary, never from this file.
#   preg --help                      the global options (its usage line)
#   preg --list-cmds                 the commands
#   preg GROUP --list-cmds           a group's verbs (client, phase)
#   preg CMD [VERB] --list-opts      the long options, one per line
#   preg CMD [VERB] -h               the usage: which options take a value,
#                                    the values listed as a|b|c, the operands
#   preg client list --format id     the client ids (for an ID operand)
#   preg phase list --format tsv     the phase keys (column 2, for PHASE)
# The binary is the command word as typed, so a preg that is not on PATH
# completes too; -C DIR given before the command is passed on.

# Run the binary with the global -C of the command line; no stderr.
_preg_run()
{
	"$_preg_bin" "${_preg_dir[@]}" "$@" 2>/dev/null
}

# The values of option $1 (a long option) of the usage text in $2: the
# a|b|c after it in the synopsis, else the words of its description when
# that reads "a, b or c" (parenthesised remarks dropped).
_preg_values()
{
	local opt=$1 usage=$2 line vals
	vals=$(printf '%s\n' "$usage" | grep -oE -- "$opt[ =][a-z][a-z0-9-]*(\|[a-z][a-z0-9-]*)+" | head -n 1)
	if [[ -n $vals ]]; then
		printf '%s\n' "${vals#"$opt"?}" | tr '|' '\n'
		return
	fi
	line=$(printf '%s\n' "$usage" | grep -E -- "^ +(-[a-zA-Z], )?$opt [A-Z]" | head -n 1)
	[[ -n $line ]] || return
	line=$(printf '%s\n' "$line" | sed -E "s/^ +(-[a-zA-Z], )?$opt [A-Z]+ +//; s/\([^)]*\)//g")
	vals=$(printf '%s\n' "$line" | sed -E 's/,? or /\n/g; s/, /\n/g' | sed -E 's/^ +//; s/ +$//' |
		grep -xE '[a-z][a-z0-9-]*')
	# One word is a sentence, not a list.
	[[ $(printf '%s\n' "$vals" | grep -c .) -ge 2 ]] && printf '%s\n' "$vals"
}

# The long options that take a value, and the short ones whose long form
# does, from the usage text in $1: one per line.
_preg_valopts()
{
	local usage=$1 long
	long=$(printf '%s\n' "$usage" | grep -oE -- "-(-[a-z][a-z0-9-]*|[a-zA-Z])[ =]([A-Z]|'|[a-z][a-z0-9-]*\|)" |
		sed -E 's/[ =].*//' | sort -u)
	printf '%s\n' "$long"
	printf '%s\n' "$usage" | sed -nE 's/^ +(-[a-zA-Z]), (--[a-z][a-z0-9-]*).*/\1 \2/p' |
		while read -r short l; do
			printf '%s\n' "$long" | grep -qxF -- "$l" && printf '%s\n' "$short"
		done
}

# The long form of option $1 (a short one is looked up in the usage $2).
_preg_long()
{
	if [[ $1 == --* ]]; then
		printf '%s\n' "${1%%=*}"
	else
		printf '%s\n' "$2" | sed -nE "s/^ +$1, (--[a-z][a-z0-9-]*).*/\1/p" | head -n 1
	fi
}

# The operand names of the synopsis (first usage line) in $1, after the
# $2 words of the command itself: "ID PHASE", "DIR", "COMMAND VERB".
_preg_operands()
{
	local syn=${1%%$'\n'*} prev=
	syn=${syn#usage: }
	# Drop the option groups ([-m TEXT], [--ended | --open]), then the
	# brackets and ellipses around what is left.
	while [[ $syn != "$prev" ]]; do
		prev=$syn
		syn=$(printf '%s\n' "$syn" | sed -E 's/\[-[^][]*\](\.\.\.)?//g')
	done
	local -a w
	read -ra w <<<"$(printf '%s\n' "$syn" | sed -E 's/[][]//g; s/\.\.\.//g')"
	((${#w[@]} > $2 + 1)) || return 0
	printf '%s\n' "${w[@]:$2+1}"
}

_preg_ids()
{
	_preg_run client list --format id
}

_preg_phase_keys()
{
	_preg_run phase list --format tsv | tail -n +2 | cut -f 2
}

_preg()
{
	local _preg_bin=${COMP_WORDS[0]}
	local -a _preg_dir=() words=() path=() cands=()
	local i w cur prev cword=0 joined= usage opt endopts= npos=0 valopt=
	local verbs valopts name
	local -a operands=()

	[[ $_preg_bin == "~/"* ]] && _preg_bin=$HOME/${_preg_bin#"~/"}

	# Put "--opt=value" back together when COMP_WORDBREAKS split it.
	for ((i = 0; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == "=" && ${#words[@]} -gt 1 && ${words[${#words[@]}-1]} == -* ]]; then
			words[${#words[@]}-1]+="="
			joined=1
		elif [[ -n $joined ]]; then
			words[${#words[@]}-1]+=$w
			joined=
		else
			words+=("$w")
		fi
	done
	cword=$((${#words[@]} - 1))
	cur=${words[cword]}
	prev=
	((cword > 0)) && prev=${words[cword-1]}
	COMPREPLY=()

	# The global options, up to the command.
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		case $w in
		-C)
			((i + 1 < cword)) && _preg_dir=(-C "${words[i+1]/#\~/$HOME}")
			((i++))
			;;
		-C?*) _preg_dir=(-C "${w#-C}") ;;
		-*) ;;
		*) break ;;
		esac
	done
	if ((i >= cword)); then
		if [[ $prev == -C ]]; then
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -d -- "$cur")
			return
		fi
		usage=$(_preg_run --help | head -n 1)
		if [[ $cur == --*=* ]]; then
			mapfile -t cands < <(_preg_values "${cur%%=*}" "$usage" | sed "s/^/${cur%%=*}=/")
		elif [[ $cur == -* ]]; then
			mapfile -t cands < <(printf '%s\n' "$usage" | grep -oE -- '\[-(-[a-z][a-z-]*=?|[A-Za-z])' |
				sed 's/^\[//')
		else
			mapfile -t cands < <(_preg_run --list-cmds)
		fi
		_preg_reply "${cands[@]}"
		return
	fi

	# The command, and the verb of a group.
	path=("${words[i]}")
	((i++))
	verbs=$(_preg_run "${path[0]}" --list-cmds)
	if [[ -n $verbs ]]; then
		if ((i == cword)); then
			mapfile -t cands <<<"$verbs"
			_preg_reply "${cands[@]}"
			return
		fi
		path+=("${words[i]}")
		((i++))
	fi
	# Without its usage (a broken -h), options are still offered.
	usage=$(_preg_run "${path[@]}" -h)
	valopts=$(_preg_valopts "$usage")

	# Walk the arguments so far: options (and their values) and operands.
	for (( ; i < cword; i++)); do
		w=${words[i]}
		if [[ -z $endopts && $w == -- ]]; then
			endopts=1
		elif [[ -z $endopts && $w == -?* ]]; then
			if [[ $w != *=* ]] && printf '%s\n' "$valopts" | grep -qxF -- "$w"; then
				if ((i + 1 == cword)); then
					valopt=$w
				fi
				((i++))
			fi
		else
			((npos++))
		fi
	done

	if [[ -n $valopt ]]; then
		opt=$(_preg_long "$valopt" "$usage")
		mapfile -t cands < <(_preg_option_values "$opt" "$usage")
	elif [[ -z $endopts && $cur == --*=* ]]; then
		opt=${cur%%=*}
		mapfile -t cands < <(_preg_option_values "$opt" "$usage" | sed "s/^/$opt=/")
	elif [[ -z $endopts && $cur == -* ]]; then
		mapfile -t cands < <(_preg_run "${path[@]}" --list-opts)
	else
		mapfile -t operands < <(_preg_operands "$usage" "${#path[@]}")
		((${#operands[@]})) || return
		if ((npos < ${#operands[@]})); then
			name=${operands[npos]}
		else
			name=${operands[${#operands[@]}-1]}
			# Only a repeated operand (KEY=VALUE...) goes on.
			[[ ${usage%%$'\n'*} == *"$name..."* ]] || return
		fi
		case $name in
		ID) mapfile -t cands < <(_preg_ids) ;;
		PHASE) mapfile -t cands < <(_preg_phase_keys) ;;
		DIR)
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -d -- "$cur")
			return
			;;
		COMMAND) mapfile -t cands < <(_preg_run --list-cmds) ;;
		VERB)
			# The verbs of the COMMAND operand before it.
			w=${words[cword-1]}
			mapfile -t cands < <(_preg_run "$w" --list-cmds)
			;;
		esac
	fi
	_preg_reply "${cands[@]}"
}

# The values of long option $1 of a command whose usage is $2: phase keys
# for --phase, else the values the usage lists.
_preg_option_values()
{
	case $1 in
	--phase) _preg_phase_keys ;;
	*) _preg_values "$1" "$2" ;;
	esac
}

# COMPREPLY: the candidates that start with $cur. When "=" breaks words,
# bash replaces only what follows it, so that part is dropped.
_preg_reply()
{
	local c strip=
	for c in "$@"; do
		[[ -n $c && $c == "$cur"* ]] && COMPREPLY+=("$c")
	done
	# "--color=" is not finished: no space after it.
	[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
	if [[ $cur == *=* && $COMP_WORDBREAKS == *=* ]]; then
		strip=${cur%"${cur##*=}"}
		COMPREPLY=("${COMPREPLY[@]#"$strip"}")
	fi
	return 0
}

complete -F _preg preg
