#!/usr/bin/env bats
# preg remind --mail: each manager their own list, one message each through
# sendmail; read back with Python's email package and icalendar.
#
# Today (PREG_NOW) is 2026-11-02. Managers: ivanov (Иван Иванов) and petrov
# (Пётр Петров) with addresses, smirnov (Анна Смирнова) without.
#   romashka  ivanov   next 2026-11-01 "позвонить директору": overdue
#   vasilek   petrov   next 2026-11-02: due
#   lyutik    smirnov  next 2026-11-02: due
#   oduvanchik ivanov  next 2026-11-20: not due

load helper
load remind

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	mail_register "$P"
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
	# The sendmail stand-in: each message into $OUT/N.eml, its arguments
	# into $OUT/N.args.
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
	cat >"$BATS_TEST_TMPDIR/sendmail" <<-'SH'
		#!/bin/sh
		n=$(($(ls "$OUT" | wc -l) / 2 + 1))
		printf '%s\n' "$*" >"$OUT/$n.args"
		cat >"$OUT/$n.eml"
	SH
	chmod +x "$BATS_TEST_TMPDIR/sendmail"
	export OUT PREG_SENDMAIL="'$BATS_TEST_TMPDIR/sendmail' -t -i"
	PY=
	for py in python3 /usr/bin/python3; do
		"$py" -c 'import icalendar' 2>/dev/null && PY=$py && break
	done
	[ -n "$PY" ] || { echo "python3-icalendar is not installed"; return 1; }
}

# Each message in FILE...: To, the decoded subject, the parts' types, the
# text and the HTML each naming which clients, the calendar's to-dos.
parse() {
	"$PY" - "$@" <<-'PY'
		import sys, email, email.policy, icalendar
		for path in sys.argv[1:]:
		    m = email.message_from_binary_file(open(path, "rb"), policy=email.policy.default)
		    print("To:", m["To"].addresses[0].display_name, m["To"].addresses[0].addr_spec)
		    print("Subject:", m["Subject"])
		    print("From:", m["From"], "| Auto-Submitted:", m["Auto-Submitted"])
		    print("types:", " ".join(p.get_content_type() for p in m.walk()))
		    text = m.get_body(("plain",)).get_content()
		    html = m.get_body(("html",)).get_content()
		    for w in ("Ромашка", "Василёк", "Лютик", "Одуванчик", "for ivanov"):
		        if w in text:
		            print("text:", w, "| html too" if w.replace("for ivanov", "For Иван") in html else "| not in html")
		    att = [p for p in m.iter_attachments()]
		    print("attachment:", att[0].get_filename(), att[0].get_content_type())
		    cal = icalendar.Calendar.from_ical(att[0].get_content())
		    print("todos:", " ".join(str(t["UID"]) for t in cal.walk("VTODO")))
		    assert all(len(l) <= 78 for l in open(path, "rb").read().split(b"\n"))
	PY
}

@test "--mail: one message per manager; one without an address is warned about, the others sent" {
	run --separate-stderr preg -C "$R" remind --mail
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: warning: 1 reminder for 'smirnov' not sent: preg.yaml has no e-mail address for them"
	same "$(ls "$OUT")" "1.args
1.eml
2.args
2.eml"
	same "$(cat "$OUT/1.args")" "-t -i"
	run parse "$OUT/1.eml" "$OUT/2.eml"
	[ "$status" -eq 0 ]
	same "$output" "To: Иван Иванов ivanov@example.com
Subject: preg: 1 reminder for Иван Иванов, 2026-11-02
From: preg <preg@$(hostname)> | Auto-Submitted: auto-generated
types: multipart/mixed multipart/alternative text/plain text/html text/calendar
text: Ромашка | html too
attachment: reminders.ics text/calendar
todos: romashka-due-20261101@preg
To: Пётр Петров petrov@example.com
Subject: preg: 1 reminder for Пётр Петров, 2026-11-02
From: preg <preg@$(hostname)> | Auto-Submitted: auto-generated
types: multipart/mixed multipart/alternative text/plain text/html text/calendar
text: Василёк | html too
attachment: reminders.ics text/calendar
todos: vasilek-due-20261102@preg"
	# Writes nothing.
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

@test "--mail: everyone with an address: exit 0 and silent; mail.from names the sender" {
	sed -i 's/  smirnov: {name: Анна Смирнова}/  smirnov: {name: Анна Смирнова, email: smirnova@example.com}/' "$R/preg.yaml"
	printf 'mail: {from: register@example.com}\n' >>"$R/preg.yaml"
	git -C "$R" commit -qam "addresses"
	run --separate-stderr preg -C "$R" remind --mail
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$stderr" ""
	[ "$(ls "$OUT"/*.eml | wc -l)" -eq 3 ]
	run parse "$OUT/3.eml"
	[ "$status" -eq 0 ]
	same "$(sed -n 1,3p <<<"$output")" "To: Анна Смирнова smirnova@example.com
Subject: preg: 1 reminder for Анна Смирнова, 2026-11-02
From: preg <register@example.com> | Auto-Submitted: auto-generated"
}

@test "--mail --manager: that manager's message alone" {
	run --separate-stderr preg -C "$R" remind --mail --manager petrov
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$(ls "$OUT")" "1.args
1.eml"
	grep -q '^To: .*<petrov@example.com>$' "$OUT/1.eml"
}

@test "--mail --dry-run: the messages as an mbox on stdout, nothing sent" {
	run --separate-stderr preg -C "$R" remind --mail --dry-run
	[ "$status" -eq 1 ]
	same "$stderr" "preg: warning: 1 reminder for 'smirnov' not sent: preg.yaml has no e-mail address for them"
	same "$(ls "$OUT")" ""
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/mbox"
	grep -c '^From preg@' "$BATS_TEST_TMPDIR/mbox" | same "$(cat)" 2
	run "$PY" -c '
import sys, mailbox, email.policy
for m in mailbox.mbox(sys.argv[1]):
    print(m.get_from().split(" ")[0], email.message_from_bytes(m.as_bytes(), policy=email.policy.default)["Subject"])
' "$BATS_TEST_TMPDIR/mbox"
	same "$output" "preg@$(hostname) preg: 1 reminder for Иван Иванов, 2026-11-02
preg@$(hostname) preg: 1 reminder for Пётр Петров, 2026-11-02"
}

@test "--mail: nothing due, nothing sent and nothing printed" {
	run --separate-stderr preg -C "$R" remind --mail --as-of 2026-10-01
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$stderr" ""
	same "$(ls "$OUT")" ""
}

@test "--mail: a sendmail that fails is named; the others are still sent" {
	cat >"$BATS_TEST_TMPDIR/sendmail" <<-'SH'
		#!/bin/sh
		grep -q ivanov@ && exit 75
		cat >/dev/null
		touch "$OUT/sent"
	SH
	run --separate-stderr preg -C "$R" remind --mail --manager ivanov
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: reminders for 'ivanov' not sent: '$BATS_TEST_TMPDIR/sendmail' exited with status 75"
	run --separate-stderr preg -C "$R" remind --mail --manager petrov
	[ "$status" -eq 0 ]
	[ -e "$OUT/sent" ]
	PREG_SENDMAIL="$BATS_TEST_TMPDIR/no-such-sendmail" run --separate-stderr preg -C "$R" remind --mail --manager petrov
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: reminders for 'petrov' not sent: could not run '$BATS_TEST_TMPDIR/no-such-sendmail': No such file or directory"
}

@test "--mail: usage errors" {
	run --separate-stderr preg -C "$R" remind --dry-run
	[ "$status" -eq 2 ]
	same "${stderr%%$'\n'*}" "preg: --dry-run goes with --mail"
	run --separate-stderr preg -C "$R" remind --mail --format ics
	[ "$status" -eq 2 ]
	same "${stderr%%$'\n'*}" "preg: --mail sends text, HTML and ics together: no --format"
	same "$(ls "$OUT")" ""
}
