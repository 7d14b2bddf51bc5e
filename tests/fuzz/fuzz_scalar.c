/*
 * Fuzz the canonical writer's quoting: the input is one string S, placed in
 * a valid record at the spot its first byte chooses, and the record text is
 * then checked like fuzz_record's input (fuzz_record_check.h). Most slots
 * write S as a double-quoted scalar with every byte below 0x20, '"' and '\'
 * escaped, so S reaches the record as any string at all (libyaml's own rules
 * then decide what is accepted); some place S raw, as the user would type it.
 * Arbitrary text seldom makes a valid record, so this reaches the writer's
 * choice of plain, quoted or literal for far more strings than fuzz_record.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "fuzz_record_check.h"

static const char HEAD[] = "id: fz\nname: N\nmanager: m\nphase: 2\n"
			   "phase_since: 2026-01-01T00:00:00Z\ncreated: 2026-01-01T00:00:00Z\n";
static const char AT[] = "at: 2026-01-01T00:00:00Z, by: m";

/* S as a double-quoted YAML scalar. */
static void put_dq(struct buf *b, const char *s, size_t n)
{
	buf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
		} else if (c < 0x20) {
			buf_addf(b, "\\x%02X", c);
		} else {
			buf_addc(b, (char)c);
		}
	}
	buf_addc(b, '"');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b = BUF_INIT;
	const char *s = (const char *)data + 1;
	size_t n;
	unsigned slot;

	if (size < 1)
		return 0;
	slot = data[0] % 20;
	n = size - 1;
	buf_adds(&b, HEAD);
	switch (slot) {
	case 0: buf_adds(&b, "next_action: "); put_dq(&b, s, n); break;
	case 1: buf_adds(&b, "remarks: "); put_dq(&b, s, n); break;
	case 2: buf_adds(&b, "tags: [a, "); put_dq(&b, s, n); buf_adds(&b, "]"); break;
	case 3: buf_adds(&b, "fields: {f: "); put_dq(&b, s, n); buf_adds(&b, "}"); break;
	case 4: buf_adds(&b, "contacts: [{name: "); put_dq(&b, s, n); buf_adds(&b, ", x: y}]"); break;
	case 5: buf_adds(&b, "contacts: [{"); put_dq(&b, s, n); buf_adds(&b, ": y}]"); break;
	case 6: buf_addf(&b, "history: [{%s, force: ", AT); put_dq(&b, s, n); buf_adds(&b, "}]"); break;
	case 7: buf_addf(&b, "history: [{%s, ", AT); put_dq(&b, s, n); buf_adds(&b, ": y}]"); break;
	case 8: buf_addf(&b, "history: [{%s, note: ", AT); put_dq(&b, s, n); buf_adds(&b, "}]"); break;
	case 9: buf_addf(&b, "notes: [{%s, text: ", AT); put_dq(&b, s, n); buf_adds(&b, "}]"); break;
	case 10: buf_addf(&b, "notes: [{%s, text: t, phase: ", AT); put_dq(&b, s, n); buf_adds(&b, "}]"); break;
	case 11: put_dq(&b, s, n); buf_adds(&b, ": x"); break;
	case 12: buf_adds(&b, "? "); put_dq(&b, s, n); buf_adds(&b, "\n: x"); break;
	case 13: buf_adds(&b, "x: "); put_dq(&b, s, n); break;
	case 14: buf_adds(&b, "x: {k: ["); put_dq(&b, s, n); buf_adds(&b, "], "); put_dq(&b, s, n); buf_adds(&b, ": v}"); break;
	case 15: buf_adds(&b, "x:\n  - - "); put_dq(&b, s, n); buf_adds(&b, "\n  - k: "); put_dq(&b, s, n); break;
	/* raw: as typed */
	case 16: buf_adds(&b, "x: "); buf_add(&b, s, n); break;
	case 17: buf_adds(&b, "x: ["); buf_add(&b, s, n); buf_adds(&b, "]"); break;
	case 18: buf_adds(&b, "remarks: "); buf_add(&b, s, n); break;
	case 19: buf_add(&b, s, n); buf_adds(&b, ": x"); break;
	}
	buf_addc(&b, '\n');
	fuzz_check_record(b.p, b.len);
	buf_release(&b);
	return 0;
}
