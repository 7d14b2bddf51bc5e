/*
 * ics: iCalendar (RFC 5545) output: content lines ending in CRLF, folded
 * at 75 octets without splitting a UTF-8 character, TEXT values escaped;
 * and the calendar of reminders, one VTODO per item.
 */
#ifndef PREG_ICS_H
#define PREG_ICS_H

#include <stdint.h>

#include "buf.h"
#include "remind.h"

/* Append s escaped as an RFC 5545 TEXT value: backslash, semicolon and
 * comma get a backslash, a line feed becomes "\n", a carriage return is
 * dropped. */
void ics_escape(struct buf *out, const char *s);

/* Append one content line (without its line end) folded: at most 75
 * octets a line, continuation lines start with one space, a UTF-8
 * character is never split; every line ends with CRLF. */
void ics_line(struct buf *out, const char *line);

/* Append a VCALENDAR with one VTODO per item of l. version goes into
 * PRODID ("-//preg//preg VERSION//EN"); now (seconds since the epoch) is
 * the DTSTAMP. UIDs are stable across runs: ID-due-YYYYMMDD@preg for a
 * next contact (due, overdue or upcoming alike: the same todo as its day
 * comes and goes), ID-stale-YYYYMMDD@preg for a stale client. */
void ics_calendar(struct buf *out, const struct remind_list *l, const char *version, int64_t now);

#endif
