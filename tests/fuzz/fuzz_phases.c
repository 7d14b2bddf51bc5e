/*
 * Fuzz phases_load, the reader of preg.yaml (see README.md): no crash, no
 * leak, no hang; a failure leaves "preg.yaml:LINE:COL: message" (LINE and
 * COL >= 1, no control character, valid UTF-8); a success gives phases
 * numbered 1..n, each with a key and a name, and keys that are unique.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "phases.h"
#include "fuzz_common.h"

static const char NAME[] = "preg.yaml";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct phases *p = NULL;
	int rc;

	preg_error_clear();
	rc = phases_load(&p, (const char *)data, size, NAME);
	if (rc) {
		if (p)
			fuzz_violation("api", "phases_load failed (%d) but set *out", rc);
		if (rc != PREG_EINVAL)
			fuzz_violation("api", "phases_load returned %d, not PREG_EINVAL", rc);
		fuzz_check_msg(NAME, "phases_load");
	} else {
		if (!p || p->n == 0)
			fuzz_violation("api", "phases_load succeeded with no phases");
		for (size_t i = 0; i < p->n; i++) {
			const struct phase *ph = &p->v[i];

			if (ph->id != (int)i + 1 || !ph->key || !ph->name)
				fuzz_violation("api", "phase %zu: id %d, key %s, name %s", i + 1, ph->id,
					       ph->key ? ph->key : "(none)", ph->name ? ph->name : "(none)");
			for (size_t j = 0; j < i; j++)
				if (!strcmp(p->v[j].key, ph->key))
					fuzz_violation("api", "two phases with key '%s'", ph->key);
			if (phases_get(p, (int)i + 1) != ph || phases_find(p, ph->key) != ph)
				fuzz_violation("api", "phase %zu not found by id or key", i + 1);
		}
		for (size_t i = 0; i < p->nmanagers; i++)
			if (!p->managers[i].handle || phases_check_manager(p, p->managers[i].handle))
				fuzz_violation("api", "manager %zu is not accepted", i + 1);
		phases_free(p);
	}
	preg_error_clear();
	fuzz_drop_warnings();
	return 0;
}
