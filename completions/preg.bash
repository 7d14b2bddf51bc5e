# bash completion for preg(1).                                 -*- sh -*-
#
# Thin: every list comes from the binary, never from this file.
#   preg --list-cmds                 the commands
#   preg GROUP --list-cmds           a group's verbs (client, phase, report)
#   preg --list-opts                 the global options
#   preg CMD [VERB] --list-opts      its operands and options, then the
#                                    global ones: a line each, tab-separated
#                                    (spelling, short, kind, choices, flags,
#                                    help; "-" for none)
#   preg --list-values KIND          the register's clients, phases,
#                                    managers, tags or groups (report --by)
#   preg --list-values client-name   "ID<tab>NAME" a line: the names
#                                    offered when no id matches
#   preg --list-values manager       "HANDLE[<tab>NAME]": the names
#                                    offered when no handle matches
#   preg --list-values contact:ID    "N<tab>CONTACT": the client's contacts
# A value is completed after its kind (client, phase, manager, tag, group,
# contact, setting, command, verb, file, dir) or its choices, so a new
# option or command needs nothing here. The binary is the command word as typed, so a preg
# that is not on PATH completes too; -C DIR is passed on.

# Run the binary with the -C of the command line; no stderr.
_preg_run()
{
	"$_preg_bin" "${_preg_dir[@]}" "$@" 2>/dev/null
}

# Read "--list-opts" of the command path "$@" into the arrays o_* (the
# options) and a_* (the operands, in order).
_preg_read_opts()
{
	local spell short kind vals flags help
	o_spell=() o_short=() o_kind=() o_vals=() o_flags=() a_kind=() a_vals=() a_flags=()
	while IFS=$'\t' read -r spell short kind vals flags help; do
		if [[ $spell == -* ]]; then
			o_spell+=("$spell") o_short+=("$short") o_kind+=("$kind") o_vals+=("$vals") o_flags+=("$flags")
		elif [[ -n $spell ]]; then
			a_kind+=("$kind") a_vals+=("$vals") a_flags+=("$flags")
		fi
	done < <(_preg_run "$@" --list-opts)
}

# The global options into o_*, unless a command path's (which lists them
# too) or they are there already: read only when a word needs them, so
# that "preg client add --<TAB>" asks the binary twice, not three times.
_preg_need_opts()
{
	[[ -n $o_read ]] || { _preg_read_opts; o_read=1; }
}

# The index in o_* of option $1 ("--format", "-f", "--format=x"), or -1.
_preg_opt()
{
	local k w=${1%%=*}
	for k in "${!o_spell[@]}"; do
		if [[ $w == "${o_spell[k]}" || $w == "${o_short[k]}" ]]; then
			echo "$k"
			return
		fi
	done
	echo -1
}

# Whether option index $1 takes its value as the next word.
_preg_takes_word()
{
	[[ $1 -ge 0 && ${o_kind[$1]} != none && ${o_flags[$1]} != *optional-value* ]]
}

# The word $1 without the shell's quoting: "a b", 'a b', a\ b.
_preg_dequote()
{
	local w=$1
	case $w in
	\"*\" | \'*\') w=${w:1:${#w}-2} ;;
	\"* | \'*) w=${w:1} ;;
	*) w=${w//\\/} ;;
	esac
	printf '%s' "$w"
}

# The candidates for a value of kind $1 with choices $2 ("-": none).
_preg_values()
{
	local k
	case $1 in
	client | phase | tag | group) _preg_run --list-values "$1" ;;
	manager) _preg_run --list-values manager | cut -f 1 ;;
	# A contact by its number: of the client named by the ID operand.
	contact)
		for k in "${!a_kind[@]}"; do
			# The word as the shell reads it: a name typed in quotes
			# or with its spaces escaped.
			[[ ${a_kind[k]} == client && -n ${opw[k]} ]] &&
				_preg_run --list-values "contact:$(_preg_dequote "${opw[k]}")" | cut -f 1
		done
		;;
	# KEY=: the keys of the choices, "fields." the register's fields.
	setting)
		for k in $2; do
			if [[ $k == fields. ]]; then
				_preg_run --list-values group | sed -n 's/^fields\..*/&=/p'
			else
				echo "$k"
			fi
		done
		;;
	command) _preg_run --list-cmds ;;
	verb) _preg_run "$prev" --list-cmds ;;
	*) [[ $2 != - ]] && printf '%s\n' $2 ;;
	esac
}

# Complete a value of kind $1 with choices $2 into COMPREPLY.
_preg_complete_value()
{
	local -a cands
	case $1 in
	# A URL may be a path: the directories, as for dir.
	file | dir | url)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen "$([[ $1 == file ]] && echo -f || echo -d)" -- "$cur")
		;;
	*)
		mapfile -t cands < <(_preg_values "$1" "$2" | sed "s/^/$3/")
		_preg_reply "${cands[@]}"
		# A client is named by its id, a manager by the handle; when
		# none starts with the word, by the name (a name has spaces and
		# quotes: ids come first).
		if [[ $1 == client || $1 == manager ]] && [[ ${#COMPREPLY[@]} -eq 0 && -n $cur && -z $3 ]]; then
			_preg_names "${1/client/client-name}"
		fi
		;;
	esac
}

# COMPREPLY: the names of the --list-values kind $1 (client-name,
# manager) that start with $cur, or whose part in quotes does (Ром for
# ООО «Ромашка»), in any letter case; escaped for the shell to read back,
# or as they are after an opening quote (the shell closes it).
_preg_names()
{
	local id name core word=$cur q=
	case $word in
	\"* | \'*)
		q=${word:0:1}
		word=${word:1}
		;;
	esac
	while IFS=$'\t' read -r id name; do
		[[ -n $name ]] || continue
		core=${name#*«}
		if [[ ${name,,} == "${word,,}"* || ${core,,} == "${word,,}"* ]]; then
			if [[ -n $q ]]; then
				COMPREPLY+=("$name")
			else
				COMPREPLY+=("$(printf '%q' "$name")")
			fi
		fi
	done < <(_preg_run --list-values "$1")
	return 0
}

# The spellings of the options in o_*: "--color=" for an option whose
# value is only given after "=".
_preg_spellings()
{
	local k
	for k in "${!o_spell[@]}"; do
		if [[ ${o_flags[k]} == *optional-value* ]]; then
			echo "${o_spell[k]}="
		else
			echo "${o_spell[k]}"
		fi
	done
}

_preg()
{
	local _preg_bin=${COMP_WORDS[0]}
	local -a _preg_dir=() words=() path=() cands=() opw=()
	local -a o_spell o_short o_kind o_vals o_flags a_kind a_vals a_flags
	local i k w cur prev cword=0 joined= endopts= npos=0 valopt=-1 verbs o_read=

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

	# Walk the words: the global options, the command, its verb, then its
	# options (and their values) and operands.
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		if [[ -z $endopts && $w == -- && ${#path[@]} -gt 0 ]]; then
			endopts=1
			continue
		fi
		if [[ -z $endopts && $w == -?* ]]; then
			_preg_need_opts
			k=$(_preg_opt "$w")
			# -C DIR, -CDIR: the register the values come from.
			if [[ $w == -C?* ]]; then
				_preg_dir=(-C "${w#-C}")
			elif _preg_takes_word "$k" && [[ $w != *=* ]]; then
				if ((i + 1 == cword)); then
					valopt=$k
				elif [[ $w == -C ]]; then
					_preg_dir=(-C "${words[i+1]/#\~/$HOME}")
				fi
				((i++))
			fi
			continue
		fi
		if ((${#path[@]} == 0)) || { ((${#path[@]} == 1)) && [[ -n $verbs ]]; }; then
			path+=("$w")
			verbs=
			((${#path[@]} == 1)) && verbs=$(_preg_run "$w" --list-cmds)
			[[ -z $verbs ]] && _preg_read_opts "${path[@]}" && o_read=1
			continue
		fi
		opw[npos++]=$w
	done

	[[ -z $endopts && $cur == -* ]] && _preg_need_opts
	if ((valopt >= 0)); then
		_preg_complete_value "${o_kind[valopt]}" "${o_vals[valopt]}"
	elif [[ -z $endopts && $cur == --*=* ]]; then
		k=$(_preg_opt "$cur")
		((k >= 0)) && _preg_complete_value "${o_kind[k]}" "${o_vals[k]}" "${cur%%=*}="
	elif [[ -z $endopts && $cur == -* ]]; then
		mapfile -t cands < <(_preg_spellings)
		_preg_reply "${cands[@]}"
	elif ((${#path[@]} == 0)); then
		_preg_complete_value command
	elif [[ -n $verbs ]]; then
		mapfile -t cands <<<"$verbs"
		_preg_reply "${cands[@]}"
	elif ((${#a_kind[@]})); then
		k=$npos
		if ((k >= ${#a_kind[@]})); then
			# Only a repeated operand (KEY=VALUE...) goes on.
			k=$((${#a_kind[@]} - 1))
			[[ ${a_flags[k]} == *repeat* ]] || return 0
		fi
		_preg_complete_value "${a_kind[k]}" "${a_vals[k]}"
	fi
	return 0
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
