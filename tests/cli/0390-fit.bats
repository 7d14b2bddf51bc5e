#!/usr/bin/env bats
# Tables that fit: on a terminal client list, report, report managers and
# remind take at most $COLUMNS columns of display width; the columns give
# way in the stated order (the next action, then names by their
# distinctive part, then labels), ids and status words never cut;
# --wide shows everything; a pipe is never cut; rows go by name.

load helper

# on_tty COLUMNS ARGS...: preg ARGS on a terminal (script(1)) of COLUMNS
# columns, its output without carriage returns.
on_tty() {
	local cols=$1
	shift
	COLUMNS=$cols script -qec "$(printf '%q ' "$PREG" "$@")" /dev/null | tr -d '\r'
}

# The widest line of stdin in display columns, counted apart from preg:
# East Asian wide and full-width characters (emoji among them) take two,
# combining marks and format characters none.
widest() {
	python3 -c '
import sys, unicodedata
def width(s):
    w = 0
    for c in s:
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return w
print(max([width(l.rstrip("\n")) for l in sys.stdin] or [0]))'
}

# The display column at which the first match of $1 starts on each line
# of stdin that has it, one per line.
column_of() {
	python3 -c '
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.category(c) in ("Mn", "Me", "Cf") else
               2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)
for l in sys.stdin:
    i = l.find(sys.argv[1])
    if i >= 0:
        print(width(l[:i]))' "$1"
}

LONG_ACTION="send the contract and the price list for the whole next year to the chief accountant"

setup() {
	common_setup
	new_register
	export PREG_NOW=2026-10-01T09:12:00+05:00
	# A long Cyrillic name (its own id, short enough for 80 columns), a
	# long form, an emoji, a long manager handle, a long next action.
	preg -C "$R" client add "ООО «Транспортная компания Южный Урал-Логистик»" --id yuzhnyi-ural \
		--manager konstantin-konstantinopolsky --next 2026-10-10 --action "$LONG_ACTION" >/dev/null
	preg -C "$R" client add "Общество с ограниченной ответственностью «Белая Дача Трейдинг»" \
		--manager ivanov >/dev/null
	preg -C "$R" client add "АО «Алмаз 💎 Трейд»" --manager ivanov --next 2026-10-25 --action call >/dev/null
	preg -C "$R" client add "ИП Ёлкин" --manager smirnov >/dev/null
	preg -C "$R" client add "ООО «Яблоко»" --id aaa-first-by-id --manager smirnov >/dev/null
	export PREG_NOW=2026-10-20T09:12:00+05:00
}

@test "client list at 80 columns: no line wider, ids and status whole, distinctive names" {
	run on_tty 80 -C "$R" client list
	[ "$status" -eq 0 ]
	[ "$(widest <<<"$output")" -le 80 ] || { echo "$output"; return 1; }
	[ "${#lines[@]}" -eq 6 ]
	# Ids and status words are whole; the next action gave way first.
	for id in almaz-treid belaia-dacha-treiding elkin yuzhnyi-ural aaa-first-by-id; do
		[[ "$output" == *"$id "* ]]
	done
	[[ "$output" == *"overdue, stale"* ]]
	[[ "$output" != *"send the contract"* ]]
	# The names keep what tells them apart, not the legal form.
	[[ "$output" == *"Южный Урал-Логистик"* ]]
	[[ "$output" == *"Белая Дача Трейдинг"* ]]
	[[ "$output" == *"Алмаз 💎 Трейд"* ]]
	[[ "$output" != *"Общество с"* ]]
	# The emoji takes its two columns: the manager column lines up.
	same "$(column_of "ivanov" <<<"$output" | sort -u)" "$(head -1 <<<"$output" | column_of "manager")"
	same "$(column_of " 1 " <<<"$output" | sort -u | wc -l)" 1
}

@test "client list rows go by name, the legal form left out; --sort KEY for others" {
	run on_tty 80 -C "$R" client list
	same "$(printf '%s\n' "${lines[@]:1}" | awk '{ print $1 }')" "almaz-treid
belaia-dacha-treiding
elkin
yuzhnyi-ural
aaa-first-by-id"
	# A pipe keeps the order of the ids, and --sort orders any format.
	run --separate-stderr preg -C "$R" client list
	same "$(printf '%s\n' "${lines[@]:1}" | cut -f1)" "aaa-first-by-id
almaz-treid
belaia-dacha-treiding
elkin
yuzhnyi-ural"
	run --separate-stderr preg -C "$R" client list --sort next_contact
	same "$(printf '%s\n' "${lines[@]:1}" | cut -f1)" "yuzhnyi-ural
almaz-treid
belaia-dacha-treiding
elkin
aaa-first-by-id"
	run --separate-stderr preg -C "$R" client list --sort manager --format json
	[ "$status" -eq 0 ]
	same "$(grep -o '"id":"[^"]*"' <<<"$output" | cut -d'"' -f4)" "almaz-treid
belaia-dacha-treiding
yuzhnyi-ural
elkin
aaa-first-by-id"
	run --separate-stderr preg -C "$R" client list --sort size
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"'size'"* ]]
}

@test "--wide shows every name and action whole; a pipe is never cut" {
	run on_tty 80 -C "$R" client list --wide
	[ "$status" -eq 0 ]
	[[ "$output" == *"ООО «Транспортная компания Южный Урал-Логистик»"* ]]
	[[ "$output" == *"$LONG_ACTION"* ]]
	[[ "$output" == *"konstantin-konstantinopolsky"* ]]
	run --separate-stderr preg -C "$R" client list
	[[ "$output" == *"Общество с ограниченной ответственностью «Белая Дача Трейдинг»"* ]]
	[[ "$output" == *"$LONG_ACTION"* ]]
}

@test "a wider terminal shows more, up to everything" {
	run on_tty 120 -C "$R" client list
	[ "$(widest <<<"$output")" -le 120 ]
	[[ "$output" == *"2026-10-10"* ]]
	[[ "$output" == *"konstantin-konstantinopolsky"* ]]
	run on_tty 250 -C "$R" client list
	[[ "$output" == *"$LONG_ACTION"* ]]
}

@test "an id is never cut, even when the table cannot fit" {
	preg -C "$R" client add "ООО «Транспортная компания Северный Урал-Логистик Экспресс»" >/dev/null
	run on_tty 80 -C "$R" client list
	[ "$status" -eq 0 ]
	id=$(preg -C "$R" client list --format id | grep severnyi)
	[ "${#id}" -gt 40 ]
	[[ "$output" == *"$id "* ]]
}

@test "report, report managers and remind fit 80 columns too" {
	run on_tty 80 -C "$R" report
	[ "$status" -eq 0 ]
	[ "$(widest <<<"$output")" -le 80 ] || { echo "$output"; return 1; }
	[[ "$output" == *"overdue, stale"* ]]
	[[ "$output" == *"Южный Урал-"* ]]
	run on_tty 80 -C "$R" report managers
	[ "$status" -eq 0 ]
	[ "$(widest <<<"$output")" -le 80 ] || { echo "$output"; return 1; }
	[[ "${lines[0]}" == "manager "*" clients "*" overdue "*" conversion"* ]]
	run on_tty 80 -C "$R" report managers --wide
	[ "$(widest <<<"$output")" -gt 80 ]
	[[ "$output" == *"konstantin-konstantinopolsky"* ]]
	[[ "${lines[0]}" == *" moves "*" on_hold"* ]]
	run on_tty 80 -C "$R" remind
	[ "$status" -eq 0 ]
	[ "$(widest <<<"$output")" -le 80 ] || { echo "$output"; return 1; }
	[[ "$output" == *"  yuzhnyi-ural  Южный Урал"* ]]
	[[ "$output" == *"…"* ]]
	# Piped (cron, mail), remind's lines are whole.
	run --separate-stderr preg -C "$R" remind
	[[ "$output" == *"ООО «Транспортная компания Южный Урал-Логистик»: $LONG_ACTION"* ]]
	run on_tty 80 -C "$R" remind --wide
	[[ "$output" == *"$LONG_ACTION"* ]]
}
