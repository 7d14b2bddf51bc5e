# fish completion for preg(1).
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
#   preg --list-values client-name   "ID<tab>NAME": ids described by names
#   preg --list-values manager       "HANDLE[<tab>NAME]": described by names
#   preg --list-values contact:ID    "N<tab>CONTACT": the client's contacts
# A value is completed after its kind or its choices, so a new option or
# command needs nothing here; options are shown with their help. The
# binary is the command word as typed; -C DIR is passed on.
# __preg_candidates prints the candidates for a command line given as
# arguments (the last one is the word being completed), each with a tab
# and its description where it has one, so that it can be tested without
# an interactive shell.

# The values of kind $argv[1] with choices $argv[2] ("-": none) and the
# client operand $argv[3] (for a contact; "" for none); then after "--":
# the binary and its -C, the word before and the word completed.
function __preg_values
    set -l kind $argv[1]
    set -l vals $argv[2]
    set -l client $argv[3]
    set -l sep (contains -i -- -- $argv)
    set -l run $argv[(math $sep + 1)..-3]
    set -l prev $argv[-2]
    set -l cur $argv[-1]
    switch $kind
        case client phase manager tag group
            # Clients as "ID<tab>NAME": fish shows the name beside the id.
            if test $kind = client
                $run --list-values client-name 2>/dev/null
            else
                $run --list-values $kind 2>/dev/null
            end
        case contact setting
            # A contact by its number, described by who it is.
            if test $kind = contact
                test -n "$client"; and $run --list-values contact:$client 2>/dev/null
                return
            end
            # KEY=: the keys of the choices, "fields." the register's fields.
            for v in (string split ' ' -- $vals)
                if test "$v" = fields.
                    $run --list-values group 2>/dev/null | string match -- 'fields.*' | string replace -r '$' =
                else
                    echo $v
                end
            end
        case command
            $run --list-cmds 2>/dev/null
        case verb
            $run $prev --list-cmds 2>/dev/null
        case dir url
            # A URL may be a path: the directories.
            __fish_complete_directories $cur
        case file
            __fish_complete_path $cur
        case '*'
            if test "$vals" != -
                string split ' ' -- $vals
            end
    end
end

function __preg_candidates
    set -l words $argv
    set -l cword (count $words)
    set -l cur $words[$cword]
    set -l bin (string replace -r '^~/' "$HOME/" -- $words[1])
    set -l dir
    set -l cmdpath
    set -l verbs
    set -l endopts 0
    set -l npos 0
    set -l opw
    set -l valopt 0
    # The global options, read only when a word needs them (a command
    # path's --list-opts lists them too).
    set -l opts
    set -l o_read 0
    set -l i 2

    # Walk the words: the global options, the command, its verb, then its
    # options (and their values) and operands.
    while test $i -lt $cword
        set -l w $words[$i]
        if test $endopts -eq 0; and test "x$w" = x--; and test (count $cmdpath) -gt 0
            set endopts 1
        else if test $endopts -eq 0; and string match -q -- '-?*' $w
            if test $o_read -eq 0
                set opts ($bin --list-opts 2>/dev/null)
                set o_read 1
            end
            set -l k (__preg_opt $w $opts)
            if string match -q -- '-C?*' $w
                set dir -C (string sub -s 3 -- $w)
            else if test $k -gt 0; and __preg_takes_word $opts[$k]; and not string match -q -- '*=*' $w
                if test (math $i + 1) -eq $cword
                    set valopt $k
                else if test "$w" = -C
                    set dir -C (string replace -r '^~' "$HOME" -- $words[(math $i + 1)])
                end
                set i (math $i + 1)
            end
        else if test (count $cmdpath) -eq 0; or begin
                test (count $cmdpath) -eq 1; and test (count $verbs) -gt 0
            end
            set -a cmdpath $w
            set verbs
            if test (count $cmdpath) -eq 1
                set verbs ($bin $w --list-cmds 2>/dev/null)
            end
            if test (count $verbs) -eq 0
                set opts ($bin $cmdpath --list-opts 2>/dev/null)
                set o_read 1
            end
        else
            set npos (math $npos + 1)
            set -a opw $w
        end
        set i (math $i + 1)
    end

    if test $endopts -eq 0; and string match -q -- '-*' $cur; and test $o_read -eq 0
        set opts ($bin --list-opts 2>/dev/null)
    end
    set -l ctx -- $bin $dir $words[(math $cword - 1)] $cur
    if test $valopt -gt 0
        set -l f (string split \t -- $opts[$valopt])
        __preg_values $f[3] $f[4] "" $ctx
    else if test $endopts -eq 0; and string match -q -- '--*=*' $cur
        set -l o (string replace -r -- '=.*' '' $cur)
        set -l k (__preg_opt $o $opts)
        test $k -gt 0; or return
        set -l f (string split \t -- $opts[$k])
        for v in (__preg_values $f[3] $f[4] "" $ctx)
            printf '%s=%s\n' $o $v
        end
    else if test $endopts -eq 0; and string match -q -- '-*' $cur
        for line in $opts
            set -l f (string split \t -- $line)
            if string match -q -- '-*' $f[1]
                set -l spell $f[1]
                string match -q -- '*optional-value*' $f[5]; and set spell "$spell="
                printf '%s\t%s\n' $spell $f[6]
            end
        end
    else if test (count $cmdpath) -eq 0
        __preg_values command - "" $ctx
    else if test (count $verbs) -gt 0
        printf '%s\n' $verbs
    else
        set -l operands
        for line in $opts
            string match -q -- '-*' $line; or set -a operands $line
        end
        test (count $operands) -gt 0; or return
        set -l k (math $npos + 1)
        if test $k -gt (count $operands)
            # Only a repeated operand (KEY=VALUE...) goes on.
            set k (count $operands)
            string match -q -- '*repeat*' (string split \t -- $operands[$k])[5]; or return
        end
        set -l f (string split \t -- $operands[$k])
        # The word of the client operand, for a contact's number.
        set -l client
        for j in (seq (count $opw))
            test (string split \t -- $operands[$j])[3] = client; and set client $opw[$j]
        end
        __preg_values $f[3] $f[4] "$client" $ctx
    end
end

# The index in the --list-opts lines $argv[2..] of option $argv[1]
# ("--format", "-f", "--format=x"), or 0.
function __preg_opt
    set -l w (string replace -r -- '=.*' '' $argv[1])
    set -l k 0
    for line in $argv[2..-1]
        set k (math $k + 1)
        set -l f (string split \t -- $line)
        if test "$w" = "$f[1]"; or test "$w" = "$f[2]"
            echo $k
            return
        end
    end
    echo 0
end

# Whether the --list-opts line $argv takes its value as the next word.
function __preg_takes_word
    set -l f (string split \t -- $argv[1])
    test "$f[3]" != none; and not string match -q -- '*optional-value*' $f[5]
end

function __preg_complete
    __preg_candidates (commandline -opc) (commandline -ct)
end

complete -c preg -f -a '(__preg_complete)'
