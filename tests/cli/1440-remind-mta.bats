#!/usr/bin/env bats
# preg remind --mail handed to a real MTA from Debian: msmtp, run with -t -i
# as preg runs /usr/sbin/sendmail, from a config of the test's own, sends
# over SMTP to a server on the loopback (python3-aiosmtpd's, whose Mailbox
# handler delivers into a Maildir). Neither package is, or replaces, the
# system's mail-transport-agent: a developer's postfix or exim4 stays. The
# delivered messages are read back with Python's email package.
#
# Today (PREG_NOW) is 2026-11-02. Managers, all with addresses: ivanov (Иван
# Иванов, away until 2026-11-10, smirnov stands in), petrov (Пётр Петров),
# smirnov (Анна Смирнова).
#   romashka   ivanov   next 2026-11-01 "позвонить директору": overdue
#   vasilek    petrov   next 2026-11-02: due
#   lyutik     smirnov  next 2026-11-02: due
#   oduvanchik ivanov   next 2026-11-20: not due

load helper
load remind

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	mail_register "$P" smirnova@example.com
	"$PREG" -C "$P" manager away ivanov --until 2026-11-10 --standin smirnov >/dev/null
}

# The SMTP server on a free port of the loopback, delivering into
# $BATS_TEST_TMPDIR/Maildir (which it makes), and msmtp's config pointing
# at it. deps/debian.txt installs both: missing, the test fails, it does
# not skip.
setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	PY=/usr/bin/python3
	command -v msmtp >/dev/null || { echo "msmtp is not installed (deps/debian.txt)"; return 1; }
	"$PY" -c 'import aiosmtpd' 2>/dev/null || { echo "python3-aiosmtpd is not installed (deps/debian.txt)"; return 1; }
	MAILDIR=$BATS_TEST_TMPDIR/Maildir
	smtp_start
	cat >"$BATS_TEST_TMPDIR/msmtprc" <<-EOF
		defaults
		auth off
		tls off
		logfile $BATS_TEST_TMPDIR/msmtp.log
		# Unused: --read-envelope-from takes the sender from From.
		from nobody@localhost
		account local
		host 127.0.0.1
		port $SMTP_PORT
		account default : local
	EOF
	export PREG_SENDMAIL="msmtp -C $BATS_TEST_TMPDIR/msmtprc --read-envelope-from -t -i"
}

teardown() {
	[ -z "${SMTP_PID:-}" ] || kill "$SMTP_PID" 2>/dev/null || true
}

# smtp_start: the server on a random port above the reserved ones; another
# port when that one is taken. Ready when it accepts a connection.
smtp_start() {
	local try i
	for try in 1 2 3 4 5; do
		SMTP_PORT=$((20000 + RANDOM % 20000))
		"$PY" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$MAILDIR" \
			>"$BATS_TEST_TMPDIR/smtpd.log" 2>&1 3>&- &
		SMTP_PID=$!
		for i in $(seq 50); do
			kill -0 "$SMTP_PID" 2>/dev/null || break
			(exec 4<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && return 0
			sleep 0.1
		done
		kill "$SMTP_PID" 2>/dev/null || true
	done
	cat "$BATS_TEST_TMPDIR/smtpd.log"
	return 1
}

# Each message delivered to the Maildir, in the order of its To: the
# envelope (X-MailFrom, X-RcptTo, which the server adds), the headers as
# a mail reader decodes them, that they came 7-bit clean, the parts, and
# which clients the text and the HTML name.
delivered() {
	"$PY" - "$MAILDIR" <<-'PY'
		import sys, mailbox, email, email.policy, email.utils
		box = mailbox.Maildir(sys.argv[1], create=False)
		msgs = [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default) for k in box.keys()]
		for m in sorted(msgs, key=lambda m: m["To"].addresses[0].addr_spec):
		    raw = m.as_bytes()
		    head = raw.split(b"\n\n", 1)[0]
		    to = m["To"].addresses[0]
		    print("envelope:", m["X-MailFrom"], "->", m["X-RcptTo"])
		    print("From:", m["From"], "| To:", to.display_name, to.addr_spec)
		    print("Subject:", m["Subject"], "| encoded:", b"Subject: =?UTF-8?" in head)
		    print("Date:", email.utils.parsedate_to_datetime(m["Date"]).isoformat())
		    mid = m["Message-ID"]
		    print("Message-ID: preg's:", mid.startswith("<preg.") and mid.endswith(">"),
		          "| MIME-Version:", m["MIME-Version"], "| headers ASCII:", head.isascii())
		    print("types:", " ".join(p.get_content_type() for p in m.walk()))
		    text = m.get_body(("plain",))
		    html = m.get_body(("html",)).get_content()
		    print("charset:", text.get_content_charset(), m.get_body(("html",)).get_content_charset())
		    text = text.get_content()
		    for w in ("Ромашка", "Василёк", "Лютик", "Одуванчик", "for ivanov"):
		        if w in text:
		            print("text:", w, "| html too" if w.replace("for ivanov", "For Иван") in html else "| not in html")
	PY
}

@test "remind --mail through msmtp and SMTP: each manager their own message, the stand-in the list of whom they stand in for" {
	run --separate-stderr preg -C "$R" remind --mail
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$stderr" ""
	# Two messages, both accepted by the server (msmtp's log says so).
	[ "$(grep -c "smtpstatus=250 smtpmsg='250 OK' exitcode=EX_OK" "$BATS_TEST_TMPDIR/msmtp.log")" -eq 2 ]
	run delivered
	[ "$status" -eq 0 ]
	same "$output" "envelope: preg@$(hostname) -> petrov@example.com
From: preg <preg@$(hostname)> | To: Пётр Петров petrov@example.com
Subject: preg: 1 reminder for Пётр Петров, 2026-11-02 | encoded: True
Date: 2026-11-02T10:15:00+05:00
Message-ID: preg's: True | MIME-Version: 1.0 | headers ASCII: True
types: multipart/mixed multipart/alternative text/plain text/html text/calendar
charset: utf-8 utf-8
text: Василёк | html too
envelope: preg@$(hostname) -> smirnova@example.com
From: preg <preg@$(hostname)> | To: Анна Смирнова smirnova@example.com
Subject: preg: 2 reminders for Анна Смирнова, 2026-11-02 | encoded: True
Date: 2026-11-02T10:15:00+05:00
Message-ID: preg's: True | MIME-Version: 1.0 | headers ASCII: True
types: multipart/mixed multipart/alternative text/plain text/html text/calendar
charset: utf-8 utf-8
text: Ромашка | html too
text: Лютик | html too
text: for ivanov | html too"
}

@test "remind --mail through msmtp: back from holiday, ivanov's list goes to ivanov; mail.from is the envelope sender" {
	preg -C "$R" manager back ivanov
	printf 'mail: {from: register@example.com}\n' >>"$R/preg.yaml"
	git -C "$R" commit -qam "mail.from"
	run --separate-stderr preg -C "$R" remind --mail --manager ivanov
	[ "$status" -eq 0 ]
	same "$stderr" ""
	run delivered
	[ "$status" -eq 0 ]
	same "$(sed -n '1,3p;7,$p' <<<"$output")" "envelope: register@example.com -> ivanov@example.com
From: preg <register@example.com> | To: Иван Иванов ivanov@example.com
Subject: preg: 1 reminder for Иван Иванов, 2026-11-02 | encoded: True
charset: utf-8 utf-8
text: Ромашка | html too"
}

@test "remind --mail: the SMTP server down, msmtp fails; preg names it for each manager and exits 1" {
	kill "$SMTP_PID"
	wait "$SMTP_PID" 2>/dev/null || true
	SMTP_PID=
	run --separate-stderr preg -C "$R" remind --mail
	[ "$status" -eq 1 ]
	same "$output" ""
	# msmtp says why on its own lines (75: EX_TEMPFAIL, try later); preg's
	# lines name whose mail.
	same "$(grep '^preg:' <<<"$stderr")" "preg: error: reminders for 'petrov' not sent: 'msmtp' exited with status 75
preg: error: reminders for 'smirnov' not sent: 'msmtp' exited with status 75"
	grep -q '^msmtp: cannot connect to 127.0.0.1' <<<"$stderr"
	[ ! -e "$MAILDIR/new" ] || same "$(ls "$MAILDIR/new")" ""
}
