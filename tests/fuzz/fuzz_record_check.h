/*
 * The checks of a record text, shared by fuzz_record.c and fuzz_scalar.c
 * (see README.md).
 *
 *  (a) record_parse (with comment detection). On success the record is
 *      written (w1), w1 is parsed again, which must succeed, and written
 *      again (w2), which must equal w1 byte for byte; the reparse must find
 *      no comment in w1 (else preg would refuse to rewrite its own output),
 *      and a record_dup of the record must write w1 too.
 *  (b) record_parse_lent must agree with (a): both succeed and write the same
 *      bytes, or both fail with the same message.
 *  (c) a failure leaves "PATH:LINE:COL: message", LINE and COL >= 1, with no
 *      control character, in valid UTF-8.
 * A violation aborts, so libFuzzer saves the input.
 */
#ifndef PREG_FUZZ_RECORD_CHECK_H
#define PREG_FUZZ_RECORD_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "record.h"
#include "fuzz_common.h"

static const char PATH[] = "clients/fu/fuzz.yaml";
static const char PATH2[] = "clients/fu/fuzz-rewritten.yaml";

static void fuzz_check_record(const char *in, size_t size)
{
	struct record *r = NULL, *rl = NULL, *r2 = NULL, *rd = NULL;
	struct buf w1 = BUF_INIT, w2 = BUF_INIT, wl = BUF_INIT, wd = BUF_INIT;
	struct ypos cpos;
	char *msg1 = NULL;
	int rc, rcl;

	/* (a) the copying reader */
	preg_error_clear();
	rc = record_parse(&r, in, size, PATH, &cpos);
	if (rc) {
		if (r)
			fuzz_violation("api", "record_parse failed (%d) but set *out", rc);
		if (rc != PREG_EINVAL)
			fuzz_violation("api", "record_parse returned %d, not PREG_EINVAL", rc);
		fuzz_check_msg(PATH, "record_parse"); /* (c) */
		msg1 = strdup(preg_error_msg());
	} else {
		if (!r)
			fuzz_violation("api", "record_parse succeeded without a record");
		if (cpos.line < 0 || (cpos.line > 0 && cpos.col < 1))
			fuzz_violation("api", "comment position %d:%d", cpos.line, cpos.col);
		record_write(&w1, r);

		preg_error_clear();
		if (record_parse(&r2, w1.p, w1.len, PATH2, &cpos)) {
			fuzz_dump("input", in, size);
			fuzz_dump("written", w1.p, w1.len);
			fuzz_dump("error", preg_error_msg(), strlen(preg_error_msg()));
			if (!fuzz_relaxed("reread"))
				fuzz_violation("reread", "the canonical output does not parse");
		} else {
			record_write(&w2, r2);
			if ((w1.len != w2.len || memcmp(w1.p, w2.p, w1.len)) &&
			    !fuzz_relaxed("idempotent")) {
				fuzz_dump("input", in, size);
				fuzz_dump("write(r)", w1.p, w1.len);
				fuzz_dump("write(parse(write(r)))", w2.p, w2.len);
				fuzz_violation("idempotent", "write(parse(write(r))) != write(r)");
			}
			if (cpos.line && !fuzz_relaxed("comment")) {
				fuzz_dump("input", in, size);
				fuzz_dump("write(r)", w1.p, w1.len);
				fuzz_violation("comment", "the canonical output has a comment at %d:%d",
					       cpos.line, cpos.col);
			}
		}

		rd = record_dup(r);
		record_write(&wd, rd);
		if ((wd.len != w1.len || memcmp(wd.p, w1.p, w1.len)) && !fuzz_relaxed("dup")) {
			fuzz_dump("write(r)", w1.p, w1.len);
			fuzz_dump("write(dup(r))", wd.p, wd.len);
			fuzz_violation("dup", "record_dup writes differently");
		}
	}

	/* (b) the lending reader */
	preg_error_clear();
	rcl = record_parse_lent(&rl, in, size, PATH);
	if (!fuzz_relaxed("lent")) {
		if (!rc != !rcl) {
			fuzz_dump("input", in, size);
			fuzz_dump("record_parse message", msg1 ? msg1 : "", msg1 ? strlen(msg1) : 0);
			fuzz_dump("record_parse_lent message", preg_error_msg(), strlen(preg_error_msg()));
			fuzz_violation("lent", "record_parse returned %d, record_parse_lent %d", rc, rcl);
		}
		if (rcl) {
			fuzz_check_msg(PATH, "record_parse_lent");
			if (msg1 && strcmp(msg1, preg_error_msg())) {
				fuzz_dump("record_parse message", msg1, strlen(msg1));
				fuzz_dump("record_parse_lent message", preg_error_msg(),
					  strlen(preg_error_msg()));
				fuzz_violation("lent", "the two readers fail with different messages");
			}
		} else {
			record_write(&wl, rl);
			if (wl.len != w1.len || memcmp(wl.p, w1.p, w1.len)) {
				fuzz_dump("input", in, size);
				fuzz_dump("record_parse written", w1.p, w1.len);
				fuzz_dump("record_parse_lent written", wl.p, wl.len);
				fuzz_violation("lent", "the two readers write different bytes");
			}
		}
	}

	record_free(r);
	record_free(r2);
	record_free(rd);
	record_free(rl);
	buf_release(&w1);
	buf_release(&w2);
	buf_release(&wl);
	buf_release(&wd);
	free(msg1);
	preg_error_clear();
	fuzz_drop_warnings();
}

#endif
