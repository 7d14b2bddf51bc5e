/*
 * Fuzz the record reader and the canonical writer on arbitrary text: see
 * fuzz_record_check.h for the properties checked, README.md for the rest.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_record_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_check_record((const char *)data, size);
	return 0;
}
