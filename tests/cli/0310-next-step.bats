#!/usr/bin/env bats
# Closing the loop (issue 11, item 1): note, phase set and phase next take
# --next, --action and --keep-next; a note or a move on or after a due
# next_contact, without --next, settles it and says so in one line; --at on
# every command that writes an event or a note. Dates as people type them
# (item 2) wherever a date or a time is taken.
#
# The day is Monday 2026-11-02 (helper.bash's PREG_NOW). ООО «Ромашка» was
# to be called on 2026-10-30 (overdue), ООО «Белая Дача» today (due).

load helper

setup() {
	common_setup
	new_register
	at() { PREG_NOW=${1}T09:00:00+05:00 "$PREG" -C "$R" "${@:2}" >/dev/null; }
	at 2026-10-20 client add "ООО «Ромашка»" --id romashka --next 2026-10-30 --action "call the director"
	at 2026-10-20 client add "ООО «Белая Дача»" --id belaya-dacha --phase presentation --next 2026-11-02 --action "present the company"
	F="$R/$(cd "$R" && git ls-files '*romashka.yaml')"
}

# The record's line KEY: VALUE, or nothing.
line() {
	sed -n "s/^$2: //p" "$R/$(cd "$R" && git ls-files "*$1.yaml")"
}

@test "the reminder, the call logged, the reminder gone" {
	run --separate-stderr preg -C "$R" remind --manager ivanov
	[ "$status" -eq 0 ]
	[[ "$output" == *"overdue   2026-10-30  3 days ago    romashka      ООО «Ромашка»: call the director"* ]]
	run --separate-stderr preg -C "$R" note romashka "called: he agreed to the first truck" --channel call
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "romashka: next contact 2026-10-30 done; set the next with --next"
	same "$(line romashka next_contact)" ""
	same "$(line romashka next_action)" ""
	run --separate-stderr preg -C "$R" remind
	[ "$status" -eq 0 ]
	[[ "$output" != *romashka* ]]
	[[ "$output" == *belaya-dacha* ]]
	# 45 days later it is not overdue either (stale, maybe: that is the
	# phase's limit, not the contact).
	PREG_NOW=2026-12-17T10:15:00+05:00 run --separate-stderr preg -C "$R" remind --format tsv
	[ "$status" -eq 0 ]
	! grep -q $'\tromashka\t.*\toverdue\t' <<<"$output"
	! grep -q $'\tromashka\t.*\tdue\t' <<<"$output"
	# The commit says what happened; verify and check pass.
	same "$(git -C "$R" log -1 --format=%s)" "note: romashka (call)"
	preg -C "$R" verify >/dev/null
	preg -C "$R" check
}

@test "a move on the due day settles the contact too; phase next and phase set alike" {
	run --separate-stderr preg -C "$R" phase next belaya-dacha -m "presented"
	[ "$status" -eq 0 ]
	same "$output" "belaya-dacha: 3 -> 4 (request)
belaya-dacha: next contact 2026-11-02 done; set the next with --next"
	same "$(line belaya-dacha next_contact)" ""
	run --separate-stderr preg -C "$R" phase set romashka 2
	[ "$status" -eq 0 ]
	same "$output" "romashka: 1 -> 2 (decision-maker)
romashka: next contact 2026-10-30 done; set the next with --next"
	run preg -C "$R" remind
	same "$output" ""
}

@test "--next and --action with the call or the move: the new step, no 'done' line" {
	# 2026-11-02 is a Monday: fri is 2026-11-06.
	run --separate-stderr preg -C "$R" note romashka "agreed the first truck" --next fri --action "send the contract"
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$(line romashka next_contact)" "2026-11-06"
	same "$(line romashka next_action)" "send the contract"
	run --separate-stderr preg -C "$R" phase next belaya-dacha -m "contract signed" --next +7d
	[ "$status" -eq 0 ]
	same "$output" "belaya-dacha: 3 -> 4 (request)"
	same "$(line belaya-dacha next_contact)" "2026-11-09"
	# --next alone keeps the action.
	same "$(line belaya-dacha next_action)" "present the company"
	run --separate-stderr preg -C "$R" phase set romashka 3 --next 25.11.2026 --action "present the company"
	same "$(line romashka next_contact)" "2026-11-25"
	run --separate-stderr preg -C "$R" remind --within 30d --format tsv
	same "$(cut -f2,4,5 <<<"$output")" "id	reason	date
belaya-dacha	upcoming	2026-11-09
romashka	upcoming	2026-11-25"
}

@test "--keep-next keeps a due contact; a note before the due day leaves it" {
	run --separate-stderr preg -C "$R" note romashka "the secretary called: he is away" --keep-next
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$(line romashka next_contact)" "2026-10-30"
	same "$(line romashka next_action)" "call the director"
	run --separate-stderr preg -C "$R" note romashka "sent the catalogue" --at 29.10.2026
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$(line romashka next_contact)" "2026-10-30"
	run --separate-stderr preg -C "$R" phase next romashka --keep-next
	same "$output" "romashka: 1 -> 2 (decision-maker)"
	same "$(line romashka next_contact)" "2026-10-30"
	run --separate-stderr preg -C "$R" note romashka x --keep-next --next fri
	[ "$status" -eq 2 ]
	same "${stderr%%$'\n'*}" "preg: --keep-next and --next: give one of them"
}

@test "a move into the end settles nothing: an ended client has nothing due" {
	run --separate-stderr preg -C "$R" phase set romashka ended --reason "went to a competitor"
	same "$output" "romashka: 1 -> 11 (ended)"
	same "$(line romashka next_contact)" "2026-10-30"
	run --separate-stderr preg -C "$R" note romashka "the analysis: the price"
	same "$output" ""
	same "$(line romashka next_contact)" "2026-10-30"
}

@test "--at on a note: yesterday's call logged with its time, in time order" {
	PREG_NOW=2026-11-02T08:00:00+05:00 preg -C "$R" note belaya-dacha "the first note of the day" --keep-next
	run --separate-stderr preg -C "$R" note belaya-dacha "called back" --at "yesterday 16:30" --keep-next
	[ "$status" -eq 0 ]
	same "$(sed -n '/^notes:/,$p' "$R/$(cd "$R" && git ls-files '*belaya-dacha.yaml')")" "notes:
  - {at: 2026-11-01T16:30:00+05:00, by: ivanov, text: called back}
  - {at: 2026-11-02T08:00:00+05:00, by: ivanov, text: the first note of the day}"
	# The call of yesterday is before the day it was due: not the contact.
	same "$(line belaya-dacha next_contact)" "2026-11-02"
	preg -C "$R" verify >/dev/null
}

@test "--at on phase next, client hold, unhold and reassign" {
	run --separate-stderr preg -C "$R" phase next romashka --at "31.10.2026 15:00" --keep-next
	[ "$status" -eq 0 ]
	same "$(line romashka phase_since)" "2026-10-31T15:00:00+05:00"
	run --separate-stderr preg -C "$R" client hold romashka --until +2w --reason "the director is on holiday" --at "yesterday 10:00"
	[ "$status" -eq 0 ]
	same "$(line romashka hold_until)" "2026-11-16"
	run --separate-stderr preg -C "$R" client unhold romashka --at "10:00"
	[ "$status" -eq 0 ]
	same "$(line romashka hold_until)" ""
	run --separate-stderr preg -C "$R" client reassign --from ivanov --to petrov romashka --at "-1d"
	[ "$status" -eq 0 ]
	same "$(line romashka manager)" "petrov"
	same "$(sed -n '/^history:/,/^notes:/p' "$F")" "history:
  - {at: 2026-10-20T09:00:00+05:00, by: ivanov, phase: 1, manager: ivanov}
  - {at: 2026-10-31T15:00:00+05:00, by: ivanov, phase: 2}
  - {at: 2026-11-01T10:00:00+05:00, by: ivanov, hold_until: 2026-11-16, reason: the director is on holiday}
  - {at: 2026-11-01T10:15:00+05:00, by: ivanov, manager: petrov}
  - {at: 2026-11-02T10:00:00+05:00, by: ivanov, hold_until: none}"
	preg -C "$R" verify >/dev/null
	preg -C "$R" check
	# Not in the future; an invalid time names the forms; nothing written.
	head0=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" client hold romashka --until +2w --reason x --at tomorrow
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: --at tomorrow is in the future"
	run --separate-stderr preg -C "$R" note romashka x --at "вчера 25:00"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: --at: invalid time 'вчера 25:00' (hours 0 to 23, minutes 00 to 59)"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}

@test "dates as people type them: stored in the canonical form" {
	preg -C "$R" client set romashka next_contact=пятницу
	same "$(line romashka next_contact)" "2026-11-06"
	preg -C "$R" client set romashka "next_contact= tomorrow "
	same "$(line romashka next_contact)" "2026-11-03"
	preg -C "$R" client add "ООО «Кедр»" --id kedr --next 5.1.2027 >/dev/null
	same "$(line kedr next_contact)" "2027-01-05"
	preg -C "$R" client hold kedr --until 01.12.2026 --reason "tender in December"
	same "$(line kedr hold_until)" "2026-12-01"
	same "$(git -C "$R" log -1 --format=%s)" "hold: kedr until 2026-12-01"
}

@test "dates as people type them in the reading options: --as-of, --since, --until, --within" {
	run --separate-stderr preg -C "$R" remind --as-of yesterday --format tsv
	[ "$status" -eq 0 ]
	same "$(cut -f2,4,6 <<<"$output")" "id	reason	days_overdue
romashka	overdue	2"
	run --separate-stderr preg -C "$R" remind --as-of 30.10.2026 --format tsv
	same "$(cut -f2,4,6 <<<"$output")" "id	reason	days_overdue
romashka	due	0"
	run --separate-stderr preg -C "$R" remind --within 2w --as-of -1w --format tsv
	same "$(cut -f2,4 <<<"$output")" "id	reason
romashka	upcoming
belaya-dacha	upcoming"
	run --separate-stderr preg -C "$R" log --since 20.10.2026 --until yesterday --format tsv
	[ "$status" -eq 0 ]
	same "$(tail -n +2 <<<"$output" | wc -l)" "2"
	run --separate-stderr preg -C "$R" report register --as-of -1d --format tsv
	[ "$status" -eq 0 ]
	run --separate-stderr preg -C "$R" log --since someday
	[ "$status" -eq 2 ]
	same "${stderr%%$'\n'*}" "preg: --since: invalid date 'someday' (use today, tomorrow, yesterday, +3d, -1w, a weekday such as fri, 25.11.2026 or 2026-11-25)"
}

@test "an invalid date names the accepted forms and writes nothing" {
	head0=$(git -C "$R" rev-parse HEAD)
	cp "$F" "$BATS_TEST_TMPDIR/before"
	for cmd in "note romashka x --next " "phase next romashka --next " "client set romashka next_contact=" \
		"client hold romashka --reason x --until "; do
		run --separate-stderr preg -C "$R" $cmd"someday"
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"invalid date 'someday' (use today, tomorrow, yesterday, +3d, -1w, a weekday such as fri, 25.11.2026 or 2026-11-25)" ]]
	done
	run --separate-stderr preg -C "$R" note romashka x --next 31.11.2026
	same "$stderr" "preg: error: --next: invalid date '31.11.2026' (November 2026 has 30 days)"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	cmp "$F" "$BATS_TEST_TMPDIR/before"
}
