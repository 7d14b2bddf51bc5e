/* ics: iCalendar output (see ics.h). */
#include <stdio.h>
#include <string.h>

#include "ics.h"
#include "ptime.h"

void ics_escape(struct buf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\': buf_adds(out, "\\\\"); break;
		case ';': buf_adds(out, "\\;"); break;
		case ',': buf_adds(out, "\\,"); break;
		case '\n': buf_adds(out, "\\n"); break;
		case '\r': break;
		default: buf_addc(out, *s);
		}
	}
}

void ics_line(struct buf *out, const char *line)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t len = strlen(line), max = 75;

	while (len > max) {
		size_t n = max;

		/* Back up to the start of a character: never split one. */
		while (n > 0 && (s[n] & 0xc0) == 0x80)
			n--;
		buf_add(out, s, n);
		buf_adds(out, "\r\n ");
		s += n;
		len -= n;
		max = 74; /* the leading space counts */
	}
	buf_add(out, s, len);
	buf_adds(out, "\r\n");
}

static void prop(struct buf *out, struct buf *line, const char *name, const char *text)
{
	buf_reset(line);
	buf_adds(line, name);
	buf_addc(line, ':');
	ics_escape(line, text);
	ics_line(out, buf_str(line));
}

void ics_calendar(struct buf *out, const struct remind_list *l, const char *version, int64_t now)
{
	struct buf line = BUF_INIT, text = BUF_INIT;
	struct ptime t = { now, 0 };
	char stamp[PTIME_LEN], date[DATE_LEN], dtstamp[32], due[16];

	ptime_format(stamp, t); /* 2026-11-02T05:15:00+00:00 */
	snprintf(dtstamp, sizeof(dtstamp), "%.4s%.2s%.2sT%.2s%.2s%.2sZ", stamp, stamp + 5, stamp + 8,
		 stamp + 11, stamp + 14, stamp + 17);
	ics_line(out, "BEGIN:VCALENDAR");
	ics_line(out, "VERSION:2.0");
	buf_addf(&line, "PRODID:-//preg//preg %s//EN", version);
	ics_line(out, buf_str(&line));
	ics_line(out, "CALSCALE:GREGORIAN");
	for (size_t i = 0; i < l->n; i++) {
		const struct remind_item *it = &l->v[i];
		bool stale = it->kind == REMIND_STALE;

		date_format(date, it->date);
		snprintf(due, sizeof(due), "%.4s%.2s%.2s", date, date + 5, date + 8);
		ics_line(out, "BEGIN:VTODO");
		buf_reset(&line);
		buf_addf(&line, "UID:%s-%s-%s@preg", it->id, stale ? "stale" : "due", due);
		ics_line(out, buf_str(&line));
		buf_reset(&line);
		buf_addf(&line, "DTSTAMP:%s", dtstamp);
		ics_line(out, buf_str(&line));
		buf_reset(&line);
		buf_addf(&line, "DUE;VALUE=DATE:%s", due);
		ics_line(out, buf_str(&line));
		buf_reset(&text);
		if (stale)
			buf_addf(&text, "%s: stalled in %d %s", it->name, it->phase,
				 it->phase_key ? it->phase_key : "?");
		else
			buf_addf(&text, "%s: %s", it->name, it->next_action ? it->next_action : "contact");
		prop(out, &line, "SUMMARY", buf_str(&text));
		buf_reset(&text);
		buf_addf(&text, "%s: client %s, manager %s, phase %d %s, %d day%s in the phase", remind_kind_name(it->kind),
			 it->id, it->manager, it->phase, it->phase_key ? it->phase_key : "?", it->days_in_phase,
			 it->days_in_phase == 1 ? "" : "s");
		if (stale)
			buf_addf(&text, " (limit %dd)", it->stale_after);
		if (!stale && it->next_action)
			buf_addf(&text, "\nnext action: %s", it->next_action);
		prop(out, &line, "DESCRIPTION", buf_str(&text));
		buf_reset(&line);
		buf_addf(&line, "CATEGORIES:%s", remind_kind_name(it->kind));
		ics_line(out, buf_str(&line));
		ics_line(out, "STATUS:NEEDS-ACTION");
		ics_line(out, "END:VTODO");
	}
	ics_line(out, "END:VCALENDAR");
	buf_release(&line);
	buf_release(&text);
}
