#!/usr/bin/env bats
# preg manager list|away|back: a manager's reminders go to a stand-in until
# a day, marked "for M", then back by themselves; one commit of preg.yaml
# each; the clients stay the manager's in reports.
#
# Today (PREG_NOW) is Monday 2026-11-02; the acting user is petrov, a head.
#   romashka  ivanov  next 2026-11-01: overdue
#   vasilek   petrov  next 2026-11-02: due

load helper

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	printf '%s\n' 'managers:' \
		'  ivanov: {name: Иван Иванов, email: ivanov@example.com}' \
		'  petrov: {name: Пётр Петров, email: petrov@example.com, role: head}' \
		'  smirnov: {name: Анна Смирнова}' >>"$P/preg.yaml"
	git -C "$P" commit -qam "managers"
	"$PREG" -C "$P" client add "ООО «Ромашка»" --id romashka --next 2026-11-01 --action "позвонить" >/dev/null
	"$PREG" -C "$P" client add "ООО «Василёк»" --id vasilek --manager petrov --next 2026-11-02 >/dev/null
}

setup() {
	common_setup
	export PREG_USER=petrov
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
}

# refused MESSAGE ARGS...: exit 1, the message, nothing written.
refused() {
	local msg=$1
	shift
	run --separate-stderr preg -C "$R" manager "$@"
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "$msg"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

@test "away: one commit of preg.yaml by the acting user; list shows it" {
	run --separate-stderr preg -C "$R" manager away ivanov --until fri --standin smirnov
	[ "$status" -eq 0 ]
	same "$stderr" ""
	[ "$(git -C "$R" rev-list --count "$head0..HEAD")" -eq 1 ]
	same "$(git -C "$R" diff --name-only "$head0" HEAD)" "preg.yaml"
	same "$(last_message)" "manager: ivanov away until 2026-11-06, smirnov stands in

Preg-Action: manager
Preg-User: petrov"
	assert_clean
	run preg -C "$R" manager list --format tsv
	same "$output" "handle	name	email	role	away_until	standin
ivanov	Иван Иванов	ivanov@example.com	manager	2026-11-06	smirnov
petrov	Пётр Петров	petrov@example.com	head		
smirnov	Анна Смирнова		manager		"
	# preg.yaml reads back with git's eyes too.
	grep -A3 '^  ivanov:' "$R/preg.yaml" | same "$(cat)" "  ivanov:
    name: Иван Иванов
    email: ivanov@example.com
    away:"
	run preg -C "$R" verify
	[ "$status" -eq 0 ]
	run preg -C "$R" check
	[ "$status" -eq 0 ]
}

@test "away: 20.12.2026 and +7d are days too; back: one commit, the entry gone" {
	preg -C "$R" manager away ivanov --until 20.12.2026 --standin petrov
	preg -C "$R" manager list --format tsv | grep '^ivanov' | cut -f 5,6 | same "$(cat)" "2026-12-20	petrov"
	preg -C "$R" manager away ivanov --until +7d --standin smirnov
	preg -C "$R" manager list --format tsv | grep '^ivanov' | cut -f 5,6 | same "$(cat)" "2026-11-09	smirnov"
	run --separate-stderr preg -C "$R" manager back ivanov
	[ "$status" -eq 0 ]
	same "$(last_message)" "manager: ivanov back

Preg-Action: manager
Preg-User: petrov"
	[ "$(git -C "$R" rev-list --count "$head0..HEAD")" -eq 3 ]
	git -C "$R" diff "$head0" HEAD -- preg.yaml | grep -q away && return 1
	preg -C "$R" manager list --format tsv | grep '^ivanov' | same "$(cat)" "ivanov	Иван Иванов	ivanov@example.com	manager		"
	assert_clean
}

@test "away and back refused: one message, exit 1, nothing written" {
	refused "preg: error: unknown manager 'kuznetsov' (preg.yaml lists the managers)" away kuznetsov --until fri --standin petrov
	refused "preg: error: unknown manager 'kuznetsov' (preg.yaml lists the managers)" away ivanov --until fri --standin kuznetsov
	refused "preg: error: manager 'ivanov' cannot stand in for themselves" away ivanov --until fri --standin ivanov
	refused "preg: error: date 2026-11-01 is in the past" away ivanov --until yesterday --standin petrov
	refused "preg: error: invalid date '31.02.2026' (February 2026 has 28 days)" away ivanov --until 31.02.2026 --standin petrov
	refused "preg: error: manager 'ivanov' is not away" back ivanov
	run --separate-stderr preg -C "$R" manager away ivanov --standin petrov
	[ "$status" -eq 2 ]
	same "${stderr%%$'\n'*}" "preg: --until is required"
}

@test "remind: the items of a manager away go to the stand-in, for them, until the day; reports keep them" {
	preg -C "$R" manager away ivanov --until 2026-11-03 --standin petrov
	run --separate-stderr preg -C "$R" remind
	[ "$status" -eq 0 ]
	same "$output" "petrov: Пётр Петров <petrov@example.com>
  due       2026-11-02  today         vasilek   ООО «Василёк»: next contact
  for ivanov (away until 2026-11-03):
  overdue   2026-11-01  1 day ago     romashka  ООО «Ромашка»: позвонить"
	# --manager: what that manager receives.
	run preg -C "$R" remind --manager ivanov
	same "$output" ""
	run preg -C "$R" remind --manager petrov --format tsv
	same "$(cut -f 1,2 <<<"$output")" "manager	id
petrov	vasilek
ivanov	romashka"
	# The last day away is still away; the day after, back by itself.
	PREG_NOW=2026-11-03T09:00:00+05:00 run preg -C "$R" remind --manager ivanov
	same "$output" ""
	PREG_NOW=2026-11-04T09:00:00+05:00 run preg -C "$R" remind --manager ivanov
	same "$output" "ivanov: Иван Иванов <ivanov@example.com>
  overdue   2026-11-01  3 days ago    romashka  ООО «Ромашка»: позвонить"
	# The client is still ivanov's.
	preg -C "$R" client list --format tsv | awk -F '\t' 'NR > 1 { print $1, $4 }' | sort | same "$(cat)" "romashka ivanov
vasilek petrov"
}

@test "remind --mail: the stand-in's message holds both lists; none for the manager away" {
	preg -C "$R" manager away ivanov --until 2026-11-03 --standin petrov
	run --separate-stderr preg -C "$R" remind --mail --dry-run
	[ "$status" -eq 0 ]
	same "$stderr" ""
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/mbox"
	run python3 -c '
import sys, mailbox, email, email.policy
for m in mailbox.mbox(sys.argv[1]):
    m = email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
    text = m.get_body(("plain",)).get_content()
    print(m["To"], "|", m["Subject"], "|", "for ivanov" in text, "Ромашка" in text, "Василёк" in text)
' "$BATS_TEST_TMPDIR/mbox"
	same "$output" "Пётр Петров <petrov@example.com> | preg: 2 reminders for Пётр Петров, 2026-11-02 | True True True"
}

@test "usage: -h, operands" {
	run preg manager away -h
	[ "$status" -eq 0 ]
	same "${lines[0]}" "usage: preg manager away M --until DATE --standin N"
	run --separate-stderr preg -C "$R" manager back
	[ "$status" -eq 2 ]
	same "${stderr%%$'\n'*}" "preg: which manager?"
}
