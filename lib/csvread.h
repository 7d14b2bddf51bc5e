/*
 * csvread: reading a spreadsheet saved as CSV (RFC 4180), with Debian's libcsv.
 *
 * What Excel and LibreOffice write is accepted: quoted cells with doubled
 * quotes and line breaks, CRLF or LF line ends, a UTF-8 byte order mark, and
 * ';' as the separator (as Excel writes it in locales where ',' is the
 * decimal mark), detected from the header line unless given. Every row
 * remembers the line it starts on, so that messages can say FILE:LINE.
 * Rows whose cells are all empty are dropped.
 *
 * A spreadsheet holds at most CSV_MAX_COLUMNS columns and CSV_MAX_ROWS rows
 * (Excel's and LibreOffice's limits): a file with a wider row or more rows
 * came from no spreadsheet and is refused as it is read, so that neither
 * the reader nor the import behind it spends time or memory on it.
 */
#ifndef PREG_CSVREAD_H
#define PREG_CSVREAD_H

#include <stdbool.h>
#include <stddef.h>

#define CSV_MAX_COLUMNS 16384
#define CSV_MAX_ROWS 1048576

struct csv_row {
	int line;     /* 1-based line of the file where the row starts */
	char **cells; /* ncells strings, never NULL */
	size_t ncells;
};

struct csv_table {
	char sep;     /* the separator used */
	struct csv_row *rows; /* the header is rows[0] */
	size_t nrows, cap;
};

/* The separator of a CSV text: ';' when its first line (outside quotes)
 * holds more ';' than ',', a tab when it holds tabs and neither, else ','. */
char csv_detect(const char *buf, size_t len);

/* Parse buf (len bytes), named name for messages, into *out; sep 0 means
 * detect it. The text must be UTF-8 (a leading BOM is skipped).
 * Returns 0 or PREG_EINVAL ("NAME:LINE: ..."); *out is the caller's,
 * freed with csv_table_free. */
int csv_read(struct csv_table **out, const char *buf, size_t len, char sep, const char *name);

void csv_table_free(struct csv_table *t);

/*
 * Formula injection (OWASP, "CSV Injection"): a spreadsheet opening a CSV
 * takes a cell starting with '=', '+', '-', '@', a tab or a CR as a formula,
 * so that a client named =HYPERLINK(...) becomes a live link and a phone
 * +7 351 ... a sum. Every CSV writer puts a "'" before such a cell, which a
 * spreadsheet shows as text; csv_read takes exactly that "'" off again.
 * For the two to undo each other, a cell that is a "'" before such a text
 * (what the writer makes of it) is guarded too: "'=x" is written "''=x".
 * A "'" before anything else ("'abc") is left as it is both ways.
 */
/* Whether the CSV writers put a "'" before s. */
bool csv_guarded(const char *s);

#endif
