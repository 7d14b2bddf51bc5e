# fish completion for preg(1).
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
# The binary is the command word as typed; -C DIR before the command is
# passed on. __preg_candidates prints the candidates for a command line
# given as arguments (the last one is the word being completed), so that
# it can be tested without an interactive shell.

# The values of long option $argv[1] in the usage text $argv[2]: the a|b|c
# after it in the synopsis, else the words of its description when that
# reads "a, b or c" (parenthesised remarks dropped).
function __preg_values
    set -l opt $argv[1]
    set -l usage $argv[2]
    set -l vals (printf '%s\n' $usage | grep -oE -- "$opt"'[ =][a-z][a-z0-9-]*(\|[a-z][a-z0-9-]*)+' | head -n 1)
    if test -n "$vals"
        string sub -s (math (string length -- $opt) + 2) -- $vals | string split '|'
        return
    end
    set -l line (printf '%s\n' $usage | grep -E -- '^ +(-[a-zA-Z], )?'"$opt"' [A-Z]' | head -n 1)
    test -n "$line"; or return
    set line (printf '%s\n' $line | sed -E 's/^ +(-[a-zA-Z], )?'"$opt"' [A-Z]+ +//; s/\([^)]*\)//g')
    set vals (printf '%s\n' $line | sed -E 's/,? or /\n/g; s/, /\n/g' | sed -E 's/^ +//; s/ +$//' | grep -xE '[a-z][a-z0-9-]*')
    # One word is a sentence, not a list.
    if test (count $vals) -ge 2
        printf '%s\n' $vals
    end
end

# The options that take a value (long ones, and short ones whose long form
# does) in the usage text $argv, one per line.
function __preg_valopts
    set -l long (printf '%s\n' $argv | grep -oE -- "-(-[a-z][a-z0-9-]*|[a-zA-Z])[ =]([A-Z]|'|[a-z][a-z0-9-]*\|)" | sed -E 's/[ =].*//' | sort -u)
    printf '%s\n' $long
    for pair in (printf '%s\n' $argv | sed -nE 's/^ +(-[a-zA-Z]), (--[a-z][a-z0-9-]*).*/\1 \2/p')
        set -l sl (string split ' ' -- $pair)
        if contains -- $sl[2] $long
            printf '%s\n' $sl[1]
        end
    end
end

# The long form of option $argv[1] (a short one is looked up in the usage).
function __preg_long
    if string match -q -- '--*' $argv[1]
        string replace -r -- '=.*' '' $argv[1]
    else
        printf '%s\n' $argv[2..-1] | sed -nE 's/^ +'"$argv[1]"', (--[a-z][a-z0-9-]*).*/\1/p' | head -n 1
    end
end

# The operand names of the synopsis $argv[2] after the $argv[1] words of
# the command itself: "ID PHASE", "DIR", "COMMAND VERB".
function __preg_operands
    set -l syn (string replace -- 'usage: ' '' $argv[2])
    set -l prev ''
    while test "$syn" != "$prev"
        set prev $syn
        set syn (printf '%s\n' $syn | sed -E 's/\[-[^][]*\](\.\.\.)?//g')
    end
    set -l w (printf '%s\n' $syn | sed -E 's/[][]//g; s/\.\.\.//g' | string split -n ' ')
    set -l skip (math $argv[1] + 2)
    if test (count $w) -ge $skip
        printf '%s\n' $w[$skip..-1]
    end
end

function __preg_candidates
    set -l words $argv
    set -l cword (count $words)
    set -l cur $words[$cword]
    set -l prev ''
    test $cword -gt 1; and set prev $words[(math $cword - 1)]
    set -l bin (string replace -r '^~/' "$HOME/" -- $words[1])
    set -l dir
    set -l i 2

    # The global options, up to the command.
    while test $i -lt $cword
        set -l w $words[$i]
        switch $w
            case -C
                if test (math $i + 1) -lt $cword
                    set dir -C (string replace -r '^~' "$HOME" -- $words[(math $i + 1)])
                end
                set i (math $i + 1)
            case '-C?*'
                set dir -C (string sub -s 3 -- $w)
            case '-*'
            case '*'
                break
        end
        set i (math $i + 1)
    end
    if test $i -ge $cword
        if test "$prev" = -C
            __fish_complete_directories $cur
            return
        end
        set -l usage ($bin --help 2>/dev/null)[1]
        if string match -q -- '--*=*' $cur
            set -l o (string replace -r -- '=.*' '' $cur)
            for v in (__preg_values $o $usage)
                printf '%s=%s\n' $o $v
            end
        else if string match -q -- '-*' $cur
            printf '%s\n' $usage | grep -oE -- '\[-(-[a-z][a-z-]*=?|[A-Za-z])' | sed 's/^\[//'
        else
            $bin $dir --list-cmds 2>/dev/null
        end
        return
    end

    # The command, and the verb of a group.
    set -l cmdpath $words[$i]
    set i (math $i + 1)
    set -l verbs ($bin $dir $cmdpath[1] --list-cmds 2>/dev/null)
    if test (count $verbs) -gt 0
        if test $i -eq $cword
            printf '%s\n' $verbs
            return
        end
        set -a cmdpath $words[$i]
        set i (math $i + 1)
    end
    # Without its usage (a broken -h), options are still offered.
    set -l usage ($bin $dir $cmdpath -h 2>/dev/null)
    set -l valopts (__preg_valopts $usage)

    # Walk the arguments so far: options (and their values) and operands.
    set -l endopts 0
    set -l npos 0
    set -l valopt ''
    while test $i -lt $cword
        set -l w $words[$i]
        if test $endopts -eq 0; and test "x$w" = x--
            set endopts 1
        else if test $endopts -eq 0; and string match -q -- '-?*' $w
            if not string match -q -- '*=*' $w; and contains -- $w $valopts
                test (math $i + 1) -eq $cword; and set valopt $w
                set i (math $i + 1)
            end
        else
            set npos (math $npos + 1)
        end
        set i (math $i + 1)
    end

    if test -n "$valopt"
        __preg_option_values (__preg_long $valopt $usage) $bin $dir -- $usage
    else if test $endopts -eq 0; and string match -q -- '--*=*' $cur
        set -l o (string replace -r -- '=.*' '' $cur)
        for v in (__preg_option_values $o $bin $dir -- $usage)
            printf '%s=%s\n' $o $v
        end
    else if test $endopts -eq 0; and string match -q -- '-*' $cur
        $bin $dir $cmdpath --list-opts 2>/dev/null
    else
        set -l operands (__preg_operands (count $cmdpath) $usage[1])
        test (count $operands) -gt 0; or return
        set -l name
        if test $npos -lt (count $operands)
            set name $operands[(math $npos + 1)]
        else
            set name $operands[-1]
            # Only a repeated operand (KEY=VALUE...) goes on.
            string match -q -- "*$name...*" $usage[1]; or return
        end
        switch $name
            case ID
                $bin $dir client list --format id 2>/dev/null
            case PHASE
                $bin $dir phase list --format tsv 2>/dev/null | tail -n +2 | cut -f 2
            case DIR
                __fish_complete_directories $cur
            case COMMAND
                $bin $dir --list-cmds 2>/dev/null
            case VERB
                $bin $dir $words[(math $cword - 1)] --list-cmds 2>/dev/null
        end
    end
end

# The values of long option $argv[1]: phase keys for --phase, else the
# values the usage (after "--") lists. $argv[2..] up to "--": the binary
# and its -C.
function __preg_option_values
    set -l opt $argv[1]
    set -l sep (contains -i -- -- $argv)
    set -l run $argv[2..(math $sep - 1)]
    set -l usage $argv[(math $sep + 1)..-1]
    switch $opt
        case --phase
            $run phase list --format tsv 2>/dev/null | tail -n +2 | cut -f 2
        case '*'
            __preg_values $opt (printf '%s\n' $usage | string collect)
    end
end

function __preg_complete
    __preg_candidates (commandline -opc) (commandline -ct)
end

complete -c preg -f -a '(__preg_complete)'
