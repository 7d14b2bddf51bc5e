/*
 * mail: e-mail as preg sends it (preg remind --mail). The encoders of
 * MIME (RFC 2045 quoted-printable and base64, RFC 2047 encoded words),
 * one RFC 5322 message with a text part, an HTML part and an attachment,
 * the mbox form of --dry-run, and the hand-over to sendmail.
 *
 * Messages are built with LF line ends, as a local sendmail takes them
 * (it writes CRLF on the wire); no line is longer than 78 characters, so
 * that the 998-octet limit of RFC 5322 can never be reached whatever the
 * register holds. Nothing here prints.
 */
#ifndef PREG_MAIL_H
#define PREG_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "mail_addr.h" /* mail_addr_valid, the rule the senders follow */
#include "ptime.h"

/* Append n bytes of s as quoted-printable (RFC 2045 6.7): a line feed in
 * s is a line end, everything else outside printable ASCII (and '=') is
 * =XX, a space or tab before a line end is encoded, and a soft line break
 * ("=" at the end) keeps every line at 76 characters at most, never
 * inside an =XX. */
void mail_qp(struct buf *out, const char *s, size_t n);

/* Append n bytes of p in base64 (RFC 2045 6.8), lines of 76 characters
 * each ended by LF. */
void mail_base64(struct buf *out, const void *p, size_t n);

/* Append the header field "NAME: VALUE" and its line end. A value of
 * printable ASCII is folded at spaces; any other (UTF-8 text, control
 * characters, "=?") is written as RFC 2047 encoded words (UTF-8, B),
 * each at most 75 characters and holding whole UTF-8 characters, one a
 * line. No line exceeds 78 characters. */
void mail_header(struct buf *out, const char *name, const char *value);

/* Append the address header "NAME: DISPLAY <ADDR>" (DISPLAY as a phrase:
 * plain, quoted or encoded words as it needs; without display, the bare
 * address). addr must be mail_addr_valid. */
void mail_address(struct buf *out, const char *name, const char *display, const char *addr);

/* Append t as an RFC 5322 date in its own offset: "Mon, 07 Dec 2026
 * 09:00:00 +0300". */
void mail_date(struct buf *out, struct ptime t);

/* One message: multipart/mixed holding multipart/alternative (text and
 * HTML, quoted-printable) and, when att is not NULL, the attachment
 * (base64). All strings are UTF-8; the addresses mail_addr_valid. */
struct mail {
	const char *from, *from_name;
	const char *to, *to_name;
	const char *subject;
	struct ptime date;
	const char *msgid;           /* without the angle brackets */
	const char *text, *html;
	const char *att, *att_type;  /* att_type: "text/calendar; method=PUBLISH" */
	const char *att_name;        /* the file name offered ("reminders.ics") */
	size_t att_len;
};

/* Append the message m to out. */
void mail_build(struct buf *out, const struct mail *m);

/* Append msg (n bytes, LF line ends) to out as one mbox entry (mboxrd): a
 * "From SENDER DATE" line (DATE in asctime form, UTC), the message with
 * every line that matches ">*From " given one more '>', and an empty line. */
void mail_mbox(struct buf *out, const char *sender, int64_t t, const char *msg, size_t n);

/* Split a command line into words, as a shell would split plain words and
 * '...' and "..." (a backslash escapes the next character outside single
 * quotes); nothing else of a shell. *argv is NULL-terminated, the caller's
 * (free each, then the array). PREG_EINVAL for an unclosed quote or no
 * word at all. */
int mail_split(char ***argv, const char *cmdline);
void mail_split_free(char **argv);

/* Run the command line cmdline (no shell: mail_split) with msg (n bytes)
 * on its standard input, its standard output and error the caller's, and
 * wait for it. 0 when it exits 0; PREG_ERR otherwise ("could not run
 * 'PROG': why", "'PROG' exited with status N", "'PROG' was killed by
 * signal N"). */
int mail_send(const char *cmdline, const char *msg, size_t n);

/* The sendmail command line: $PREG_SENDMAIL when set and not empty, else
 * "/usr/sbin/sendmail -t -i" when that exists, else "sendmail -t -i";
 * lent. */
const char *mail_sendmail(void);

/* ---- the reminders, one message per recipient ---- */

struct remind_list;
struct phases;

struct mail_out {
	char *to;       /* the recipient's handle */
	char *from;     /* the sender's address (the mbox From_ line) */
	char *addr;     /* their address; NULL when preg.yaml gives none that
			 * mail_addr_valid accepts (then msg is empty) */
	size_t items;   /* how many reminders the message holds */
	struct buf msg; /* the message (mail_build) */
};

/* One message per recipient of l (remind_route'd and sorted), for day:
 * from the register's mail.from (else preg@HOST), to the recipient's
 * address in preg.yaml, the subject naming the recipient and the day, the
 * text of remind_text, the same as an HTML table, and the recipient's
 * items as an iCalendar attachment (ics_calendar). now dates the message;
 * host names the sender and the Message-ID. *out (n entries) is the
 * caller's, freed with mail_outs_free. */
void mail_reminders(struct mail_out **out, size_t *n, const struct remind_list *l, const struct phases *ph,
		    int32_t day, struct ptime now, const char *host, const char *version);
void mail_outs_free(struct mail_out *v, size_t n);

#endif
