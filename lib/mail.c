/* mail: MIME encoders, one message, mbox, and sendmail (see mail.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "format.h"
#include "ics.h"
#include "mail.h"
#include "phases.h"
#include "remind.h"
#include "xalloc.h"

#define QP_MAX 76   /* RFC 2045: encoded lines at most 76 characters */
#define LINE_MAX_ 78 /* RFC 5322: header lines should be at most 78 */
#define WORD_MAX 75 /* RFC 2047: an encoded word at most 75 characters */

static const char hexd[] = "0123456789ABCDEF";
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char *const wdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

void mail_qp(struct buf *out, const char *s, size_t n)
{
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char tok[3];
		size_t len = 1;

		if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue; /* CRLF is a line end like LF */
		if (c == '\n') {
			buf_addc(out, '\n');
			col = 0;
			continue;
		}
		tok[0] = (char)c;
		/* A space or tab before a line end would be taken for padding
		 * and dropped by the reader: it is encoded there. */
		if (c == '=' || c > 126 || (c < 32 && c != '\t') ||
		    ((c == ' ' || c == '\t') && (i + 1 == n || s[i + 1] == '\n' || s[i + 1] == '\r'))) {
			tok[0] = '=';
			tok[1] = hexd[c >> 4];
			tok[2] = hexd[c & 15];
			len = 3;
		}
		/* Room for the "=" of a soft break: QP_MAX - 1 characters of text. */
		if (col + len > QP_MAX - 1) {
			buf_adds(out, "=\n");
			col = 0;
		}
		buf_add(out, tok, len);
		col += len;
	}
}

static void b64_group(struct buf *out, const unsigned char *p, size_t k)
{
	unsigned v = (unsigned)p[0] << 16 | (k > 1 ? (unsigned)p[1] << 8 : 0) | (k > 2 ? p[2] : 0);
	char g[4];

	g[0] = b64[v >> 18 & 63];
	g[1] = b64[v >> 12 & 63];
	g[2] = k > 1 ? b64[v >> 6 & 63] : '=';
	g[3] = k > 2 ? b64[v & 63] : '=';
	buf_add(out, g, 4);
}

void mail_base64(struct buf *out, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i += 3) {
		b64_group(out, s + i, n - i < 3 ? n - i : 3);
		/* 57 bytes make a line of 76 characters. */
		if ((i + 3) % 57 == 0 || i + 3 >= n)
			buf_addc(out, '\n');
	}
}

/* The length of the UTF-8 character at s (1 for a byte that starts none,
 * so that anything is carried through whole). */
static size_t u8len(const char *s, size_t left)
{
	unsigned char c = (unsigned char)*s;
	size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1;

	if (k > left)
		return 1;
	for (size_t i = 1; i < k; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return k;
}

/* Append s as encoded words starting at column *col, each line at most
 * LINE_MAX_ characters, a word never splitting a character. */
static void put_words(struct buf *out, size_t *col, const char *s)
{
	size_t n = strlen(s), i = 0;

	while (i < n) {
		size_t room = LINE_MAX_ - *col - 1, bytes, take = 0;

		if (room > WORD_MAX)
			room = WORD_MAX;
		/* "=?UTF-8?B?" and "?=" take 12; base64 comes in fours. */
		bytes = room > 12 ? (room - 12) / 4 * 3 : 0;
		while (i + take < n) {
			size_t k = u8len(s + i + take, n - i - take);

			if (take + k > bytes)
				break;
			take += k;
		}
		if (!take) {
			/* No room left on this line: go on on the next. */
			if (*col <= 1)
				take = u8len(s + i, n - i); /* cannot happen: 45 bytes fit */
			else {
				buf_adds(out, "\n");
				*col = 0;
				continue;
			}
		}
		buf_addc(out, ' ');
		buf_adds(out, "=?UTF-8?B?");
		for (size_t j = 0; j < take; j += 3)
			b64_group(out, (const unsigned char *)s + i + j, take - j < 3 ? take - j : 3);
		buf_adds(out, "?=");
		*col += 1 + 12 + (take + 2) / 3 * 4;
		i += take;
	}
}

/* Whether s can go into a header as it is: printable ASCII, no "=?" (which
 * a reader would try to decode), no word too long to fold. */
static bool plain_ok(const char *s)
{
	size_t word = 0;

	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p < 32 || (unsigned char)*p > 126)
			return false;
		if (p[0] == '=' && p[1] == '?')
			return false;
		word = *p == ' ' ? 0 : word + 1;
		if (word > LINE_MAX_ - 20)
			return false;
	}
	return true;
}

/* Append plain text s folded at spaces from column *col. */
static void put_plain(struct buf *out, size_t *col, const char *s)
{
	while (*s) {
		const char *sp = strchr(s, ' ');
		size_t len = sp ? (size_t)(sp - s) : strlen(s);

		if (*col + 1 + len > LINE_MAX_ && *col > 1) {
			buf_addc(out, '\n');
			*col = 0;
		}
		buf_addc(out, ' ');
		buf_add(out, s, len);
		*col += 1 + len;
		s += len;
		if (*s == ' ')
			s++;
	}
}

void mail_header(struct buf *out, const char *name, const char *value)
{
	size_t col = strlen(name) + 1;

	buf_adds(out, name);
	buf_addc(out, ':');
	if (plain_ok(value))
		put_plain(out, &col, value);
	else
		put_words(out, &col, value);
	buf_addc(out, '\n');
}

/* The characters of a phrase that need no quotes (RFC 5322 atext, space). */
static bool atext(const char *s)
{
	for (; *s; s++)
		if (!(*s == ' ' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("!#$%&'*+-/=?^_`{|}~", *s)))
			return false;
	return true;
}

void mail_address(struct buf *out, const char *name, const char *display, const char *addr)
{
	size_t col = strlen(name) + 1;

	buf_adds(out, name);
	buf_addc(out, ':');
	if (display && *display) {
		if (atext(display) && plain_ok(display))
			put_plain(out, &col, display);
		else if (plain_ok(display) && strlen(display) < LINE_MAX_ - 30) {
			buf_adds(out, " \"");
			for (const char *p = display; *p; p++) {
				if (*p == '"' || *p == '\\')
					buf_addc(out, '\\');
				buf_addc(out, *p);
			}
			buf_addc(out, '"');
			col = LINE_MAX_; /* the address goes on its own line */
		} else
			put_words(out, &col, display);
		if (col + strlen(addr) + 3 > LINE_MAX_) {
			buf_addc(out, '\n');
			col = 0;
		}
		buf_addf(out, " <%s>\n", addr);
	} else
		buf_addf(out, " %s\n", addr);
}

void mail_date(struct buf *out, struct ptime t)
{
	time_t local = (time_t)(t.t + (int64_t)t.off * 60);
	int off = t.off < 0 ? -t.off : t.off;
	struct tm tm;

	gmtime_r(&local, &tm);
	buf_addf(out, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d", wdays[tm.tm_wday], tm.tm_mday,
		 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, t.off < 0 ? '-' : '+',
		 off / 60, off % 60);
}

static void part_head(struct buf *out, const char *boundary, const char *type, const char *enc)
{
	buf_addf(out, "\n--%s\nContent-Type: %s\nContent-Transfer-Encoding: %s\n", boundary, type, enc);
}

/* The boundaries hold "=_", which quoted-printable and base64 text can
 * never contain, so no body line can be taken for one. */
#define B_MIXED "=_preg_mixed"
#define B_ALT "=_preg_alt"

void mail_build(struct buf *out, const struct mail *m)
{
	struct buf date = BUF_INIT;

	mail_address(out, "From", m->from_name, m->from);
	mail_address(out, "To", m->to_name, m->to);
	mail_header(out, "Subject", m->subject);
	mail_date(&date, m->date);
	buf_addf(out, "Date: %s\n", buf_str(&date));
	buf_addf(out, "Message-ID: <%s>\n", m->msgid);
	/* RFC 3834: no vacation replies to a cron job. */
	buf_adds(out, "Auto-Submitted: auto-generated\nMIME-Version: 1.0\n");
	if (m->att)
		buf_adds(out, "Content-Type: multipart/mixed; boundary=\"" B_MIXED "\"\n\n"
			      "This is a message in MIME format.\n\n--" B_MIXED "\n");
	buf_adds(out, "Content-Type: multipart/alternative; boundary=\"" B_ALT "\"\n");
	if (!m->att)
		buf_adds(out, "\nThis is a message in MIME format.\n");
	part_head(out, B_ALT, "text/plain; charset=UTF-8", "quoted-printable");
	buf_addc(out, '\n');
	mail_qp(out, m->text, strlen(m->text));
	part_head(out, B_ALT, "text/html; charset=UTF-8", "quoted-printable");
	buf_addc(out, '\n');
	mail_qp(out, m->html, strlen(m->html));
	buf_adds(out, "\n--" B_ALT "--\n");
	if (m->att) {
		part_head(out, B_MIXED, m->att_type, "base64");
		buf_addf(out, "Content-Disposition: attachment; filename=\"%s\"\n\n", m->att_name);
		mail_base64(out, m->att, m->att_len);
		buf_adds(out, "\n--" B_MIXED "--\n");
	}
	buf_release(&date);
}

void mail_mbox(struct buf *out, const char *sender, int64_t t, const char *msg, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	size_t i = 0;

	gmtime_r(&tt, &tm);
	buf_addf(out, "From %s %s %s %2d %02d:%02d:%02d %04d\n", sender, wdays[tm.tm_wday], months[tm.tm_mon],
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
	while (i < n) {
		const char *nl = memchr(msg + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - msg - i) + 1 : n - i, q = i;

		while (q < i + len && msg[q] == '>')
			q++;
		if (i + len - q >= 5 && !memcmp(msg + q, "From ", 5))
			buf_addc(out, '>');
		buf_add(out, msg + i, len);
		i += len;
	}
	if (n && msg[n - 1] != '\n')
		buf_addc(out, '\n');
	buf_addc(out, '\n');
}

void mail_split_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

int mail_split(char ***argv, const char *cmdline)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct buf w = BUF_INIT;
	const char *p = cmdline;

	*argv = NULL;
	for (;;) {
		bool word = false;
		char quote = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		for (; *p && (quote || !(*p == ' ' || *p == '\t' || *p == '\n')); p++) {
			word = true;
			if (quote == '\'' && *p == '\'')
				quote = 0;
			else if (quote == '"' && *p == '"')
				quote = 0;
			else if (!quote && (*p == '\'' || *p == '"'))
				quote = *p;
			else if (quote != '\'' && *p == '\\' && p[1])
				buf_addc(&w, *++p);
			else
				buf_addc(&w, *p);
		}
		if (quote) {
			buf_release(&w);
			v = xgrow(v, &cap, n + 1, sizeof(*v));
			v[n] = NULL;
			mail_split_free(v);
			return preg_error_set(PREG_EINVAL, "unclosed quote in '%s'", cmdline);
		}
		if (word) {
			v = xgrow(v, &cap, n + 2, sizeof(*v));
			v[n++] = buf_detach(&w);
			if (!v[n - 1])
				v[n - 1] = xstrdup("");
			v[n] = NULL;
		}
	}
	buf_release(&w);
	if (!n) {
		free(v);
		return preg_error_set(PREG_EINVAL, "no command in '%s'", cmdline);
	}
	*argv = v;
	return 0;
}

const char *mail_sendmail(void)
{
	const char *s = getenv("PREG_SENDMAIL");

	if (s && *s)
		return s;
	/* Debian's MTAs put it there, and cron's PATH does not include sbin. */
	if (access("/usr/sbin/sendmail", X_OK) == 0)
		return "/usr/sbin/sendmail -t -i";
	return "sendmail -t -i";
}

/* Write all of p to fd; false when the reader went away or failed. */
static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

int mail_send(const char *cmdline, const char *msg, size_t n)
{
	char **argv = NULL;
	int in[2] = { -1, -1 }, ex[2] = { -1, -1 }, status, err = 0, rc = PREG_ERR;
	struct sigaction ign, old;
	pid_t pid = -1;
	ssize_t got;

	if (mail_split(&argv, cmdline))
		return PREG_EINVAL;
	/* ex reports a failed exec: it closes on a successful one. */
	if (pipe(in) || pipe2(ex, O_CLOEXEC)) {
		preg_error_set(PREG_ERR, "could not run '%s': %s", argv[0], strerror(errno));
		goto out;
	}
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	/* A sendmail that dies early must not kill preg with SIGPIPE. */
	sigaction(SIGPIPE, &ign, &old);
	pid = fork();
	if (pid < 0) {
		preg_error_set(PREG_ERR, "could not run '%s': %s", argv[0], strerror(errno));
		sigaction(SIGPIPE, &old, NULL);
		goto out;
	}
	if (pid == 0) {
		int e;

		sigaction(SIGPIPE, &old, NULL);
		dup2(in[0], 0);
		close(in[0]);
		close(in[1]);
		close(ex[0]);
		execvp(argv[0], argv);
		e = errno;
		if (write(ex[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(in[0]);
	in[0] = -1;
	close(ex[1]);
	ex[1] = -1;
	write_all(in[1], msg, n);
	close(in[1]);
	in[1] = -1;
	while ((got = read(ex[0], &err, sizeof(err))) < 0 && errno == EINTR)
		;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			preg_error_set(PREG_ERR, "could not wait for '%s': %s", argv[0], strerror(errno));
			sigaction(SIGPIPE, &old, NULL);
			goto out;
		}
	sigaction(SIGPIPE, &old, NULL);
	if (got == (ssize_t)sizeof(err))
		preg_error_set(PREG_ERR, "could not run '%s': %s", argv[0], strerror(err));
	else if (WIFSIGNALED(status))
		preg_error_set(PREG_ERR, "'%s' was killed by signal %d", argv[0], WTERMSIG(status));
	else if (WEXITSTATUS(status))
		preg_error_set(PREG_ERR, "'%s' exited with status %d", argv[0], WEXITSTATUS(status));
	else
		rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (ex[i] >= 0)
			close(ex[i]);
	}
	mail_split_free(argv);
	return rc;
}

/* The recipient's items as an HTML page: a table per manager, the
 * recipient's own first. */
static void put_html(struct buf *out, const struct remind_list *l, const struct phases *ph, const char *title)
{
	buf_adds(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
	html_escape(out, title);
	buf_adds(out, "</title></head>\n<body style=\"font-family: sans-serif\">\n<h1>");
	html_escape(out, title);
	buf_adds(out, "</h1>\n");
	for (size_t i = 0; i < l->n; i++) {
		const struct remind_item *it = &l->v[i];
		char date[DATE_LEN], rel[32];

		if (!i || strcmp(it->manager, l->v[i - 1].manager)) {
			if (i)
				buf_adds(out, "</table>\n");
			if (it->to) {
				const struct manager *m = phases_manager(ph, it->manager);

				date_format(date, m->away_until);
				buf_adds(out, "<h2>For ");
				html_escape(out, m->name ? m->name : it->manager);
				buf_addf(out, " (%s, away until %s)</h2>\n", it->manager, date);
			}
			buf_adds(out, "<table cellpadding=\"4\">\n<tr><th>reason</th><th>date</th><th>when</th>"
				      "<th>client</th><th>to do</th></tr>\n");
		}
		date_format(date, it->date);
		remind_when(rel, sizeof(rel), it->days_overdue);
		buf_addf(out, "<tr><td>%s</td><td>%s</td><td>%s</td><td>", remind_kind_name(it->kind), date, rel);
		html_escape(out, it->name);
		buf_adds(out, " (");
		html_escape(out, it->id);
		buf_adds(out, ")</td><td>");
		if (it->kind == REMIND_STALE)
			buf_addf(out, "%d days in phase %d (limit %dd)", it->days_in_phase, it->phase, it->stale_after);
		else
			html_escape(out, it->next_action ? it->next_action : "next contact");
		buf_adds(out, "</td></tr>\n");
	}
	buf_adds(out, "</table>\n</body></html>\n");
}

static void one_mail(struct mail_out *o, const struct remind_list *l, const struct phases *ph, int32_t day,
		     struct ptime now, const char *host, const char *version, unsigned seq)
{
	const struct manager *m = phases_manager(ph, o->to);
	struct buf text = BUF_INIT, html = BUF_INIT, ics = BUF_INIT;
	char date[DATE_LEN], *subject, *msgid;
	struct mail mm;

	o->items = l->n;
	o->from = ph->mail_from ? xstrdup(ph->mail_from) : xasprintf("preg@%s", host);
	if (!m || !m->email || !mail_addr_valid(m->email))
		return;
	o->addr = xstrdup(m->email);
	date_format(date, day);
	subject = xasprintf("preg: %zu reminder%s for %s, %s", l->n, l->n == 1 ? "" : "s",
			    m->name ? m->name : o->to, date);
	msgid = xasprintf("preg.%lld.%ld.%u@%s", (long long)now.t, (long)getpid(), seq, host);
	remind_text(&text, l, ph);
	put_html(&html, l, ph, subject);
	ics_calendar(&ics, l, version, now.t);
	memset(&mm, 0, sizeof(mm));
	mm.from = o->from;
	mm.from_name = "preg";
	mm.to = o->addr;
	mm.to_name = m->name;
	mm.subject = subject;
	mm.date = now;
	mm.msgid = msgid;
	mm.text = buf_str(&text);
	mm.html = buf_str(&html);
	mm.att = buf_str(&ics);
	mm.att_len = ics.len;
	mm.att_type = "text/calendar; charset=UTF-8; method=PUBLISH";
	mm.att_name = "reminders.ics";
	mail_build(&o->msg, &mm);
	free(subject);
	free(msgid);
	buf_release(&text);
	buf_release(&html);
	buf_release(&ics);
}

void mail_reminders(struct mail_out **out, size_t *n, const struct remind_list *l, const struct phases *ph,
		    int32_t day, struct ptime now, const char *host, const char *version)
{
	struct mail_out *v = NULL;
	size_t cap = 0, k = 0;

	for (size_t i = 0, j; i < l->n; i = j) {
		struct remind_list run;

		for (j = i + 1; j < l->n && !strcmp(remind_to(&l->v[j]), remind_to(&l->v[i])); j++)
			;
		/* A run of one recipient's items, lent from l. */
		run.v = l->v + i;
		run.n = run.cap = j - i;
		v = xgrow(v, &cap, k + 1, sizeof(*v));
		memset(&v[k], 0, sizeof(v[k]));
		v[k].to = xstrdup(remind_to(&l->v[i]));
		one_mail(&v[k], &run, ph, day, now, host, version, (unsigned)k);
		k++;
	}
	*out = v;
	*n = k;
}

void mail_outs_free(struct mail_out *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].to);
		free(v[i].from);
		free(v[i].addr);
		buf_release(&v[i].msg);
	}
	free(v);
}
