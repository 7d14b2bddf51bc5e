/*
 * Fuzz the three-way merge of records (lib/merge.c): the input is three
 * texts, base, ours and theirs, separated by NUL bytes (which no record
 * holds). merge_text runs on them as the merge driver does. Checks:
 *  (a) it returns 0, or PREG_EINVAL with "PATH:LINE:COL: message" (as
 *      fuzz_record's check (c)) and nothing in its output;
 *  (b) when the three parse and merge with no conflict, the output is a
 *      record: it parses, and holds every note and history event of ours
 *      and of theirs but those the other side took back (fewer than base);
 *  (c) when they merge with 1 to MERGE_MARK_MAX conflicts, the markers are
 *      well formed, and taking theirs in every conflict gives exactly the
 *      canonical text of merge_record (which takes theirs), and taking ours
 *      gives a text that parses: every unit went out once, on its side;
 *  (d) the conflicts are as many with ours and theirs exchanged.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "kvindex.h"
#include "merge.h"
#include "record.h"
#include "fuzz_common.h"

static const char PATH[] = "clients/fu/fuzz.yaml";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Resolve every conflict block of text, keeping side 0 (ours) or 1 (theirs).
 * False when the markers are not well formed. */
static bool resolve(const char *text, int side, struct buf *out)
{
	int in = -1; /* -1: outside; 0: in ours; 1: in theirs */

	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) + 1 : strlen(l);

		if (!strncmp(l, "<<<<<<< ours\n", len)) {
			if (in != -1)
				return false;
			in = 0;
		} else if (!strncmp(l, "=======\n", len)) {
			if (in != 0)
				return false;
			in = 1;
		} else if (!strncmp(l, ">>>>>>> theirs\n", len)) {
			if (in != 1)
				return false;
			in = -1;
		} else if (in == -1 || in == side) {
			buf_add(out, l, len);
		}
		l += len;
	}
	return in == -1;
}

/* Every entry of l[0..n) is in m's list (of the same kind), but for those
 * the other side took back: the base b has more of them than the other
 * side x (an undo there). */
static void all_kept(const struct kvlist *l, size_t n, const struct kvlist *m, size_t nm, const struct kvlist *x,
		     size_t nx, const struct kvlist *b, size_t nb, const char *what)
{
	struct kvindex ix, xx, bx;

	kvindex_init(&ix, m, nm, true);
	kvindex_init(&xx, x, nx, true);
	kvindex_init(&bx, b, nb, true);
	for (size_t i = 0; i < n; i++)
		if (!kvindex_count(&ix, &l[i]) && !(kvindex_count(&xx, &l[i]) < kvindex_count(&bx, &l[i])))
			fuzz_violation("union", "%s %zu of a side is not in the merged record", what, i + 1);
	kvindex_release(&ix);
	kvindex_release(&xx);
	kvindex_release(&bx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size, *part[3];
	size_t len[3];
	struct buf out = BUF_INIT, swapped = BUF_INIT;
	struct record *b = NULL, *o = NULL, *t = NULL, *m = NULL;
	int conflicts = -1, conflicts2 = -1, rc;

	for (int i = 0; i < 3; i++) {
		const char *z = i < 2 ? memchr(s, '\0', (size_t)(end - s)) : end;

		if (!z)
			return 0;
		part[i] = s;
		len[i] = (size_t)(z - s);
		s = z < end ? z + 1 : end;
	}
	preg_error_clear();
	rc = merge_text(&out, &conflicts, part[0], len[0], part[1], len[1], part[2], len[2], PATH);
	if (rc) {
		if (rc != PREG_EINVAL || out.len)
			fuzz_violation("api", "merge_text returned %d with %zu bytes out", rc, out.len);
		fuzz_check_msg(PATH, "merge_text"); /* (a) */
		goto out;
	}
	if (conflicts < 0)
		fuzz_violation("api", "merge_text counted %d conflicts", conflicts);
	/* The three parse (else merge_text failed, or took a short cut). */
	if (!len[0] || record_parse(&b, part[0], len[0], PATH, NULL) || record_parse(&o, part[1], len[1], PATH, NULL) ||
	    record_parse(&t, part[2], len[2], PATH, NULL))
		goto out;
	if (len[1] == len[2] && !memcmp(part[1], part[2], len[1]))
		goto out; /* ours taken as it is */
	merge_record(&m, b, o, t, NULL);
	if (!conflicts) {
		struct record *r = NULL;

		/* (b) */
		preg_error_clear();
		if (record_parse(&r, out.p, out.len, PATH, NULL)) {
			fuzz_dump("merged", out.p, out.len);
			fuzz_violation("reread", "the merged record does not parse: %s", preg_error_msg());
		}
		record_free(r);
		all_kept(o->notes, o->nnotes, m->notes, m->nnotes, t->notes, t->nnotes, b->notes, b->nnotes, "note");
		all_kept(t->notes, t->nnotes, m->notes, m->nnotes, o->notes, o->nnotes, b->notes, b->nnotes, "note");
		all_kept(o->history, o->nhistory, m->history, m->nhistory, t->history, t->nhistory, b->history,
			 b->nhistory, "event");
		all_kept(t->history, t->nhistory, m->history, m->nhistory, o->history, o->nhistory, b->history,
			 b->nhistory, "event");
	} else if (conflicts <= MERGE_MARK_MAX) {
		struct buf ours = BUF_INIT, theirs = BUF_INIT, want = BUF_INIT;
		struct record *r = NULL;

		/* (c) */
		if (!resolve(out.p, 0, &ours) || !resolve(out.p, 1, &theirs)) {
			fuzz_dump("merged", out.p, out.len);
			fuzz_violation("markers", "conflict markers out of order");
		}
		record_write(&want, m);
		if (theirs.len != want.len || memcmp(buf_str(&theirs), buf_str(&want), want.len)) {
			fuzz_dump("theirs side", buf_str(&theirs), theirs.len);
			fuzz_dump("merge_record", buf_str(&want), want.len);
			fuzz_violation("units", "theirs side of the markers is not the merged record");
		}
		preg_error_clear();
		if (record_parse(&r, buf_str(&ours), ours.len, PATH, NULL)) {
			fuzz_dump("ours side", buf_str(&ours), ours.len);
			fuzz_violation("units", "ours side of the markers does not parse: %s", preg_error_msg());
		}
		record_free(r);
		buf_release(&ours);
		buf_release(&theirs);
		buf_release(&want);
	}
	/* (d) */
	if (merge_text(&swapped, &conflicts2, part[0], len[0], part[2], len[2], part[1], len[1], PATH) ||
	    conflicts2 != conflicts)
		fuzz_violation("symmetry", "%d conflicts one way, %d the other", conflicts, conflicts2);
out:
	record_free(b);
	record_free(o);
	record_free(t);
	record_free(m);
	buf_release(&out);
	buf_release(&swapped);
	preg_error_clear();
	fuzz_drop_warnings();
	return 0;
}
