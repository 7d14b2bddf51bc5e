/*
 * gen_collide: write a YAML mapping of N keys (default 110000, about 1 MiB)
 * whose FNV-1a hashes agree in their low 20 bits, so that they all fall in
 * one cluster of the open-addressing table that yaml_load's duplicate-key
 * check builds for a large map (lib/yamlio.c, keyset_has). Each new key then
 * probes every key before it: N*N/2 comparisons, where random keys cost N.
 *
 *     cc -O2 -o /tmp/gen_collide tests/fuzz/gen_collide.c
 *     /tmp/gen_collide >> clients/ro/romashka.yaml   # in a test register
 *     git commit -qam 'many keys' && time preg client show romashka
 *
 * With 110000 keys (990 KB, under the 1 MiB limit) the read took 33 s where
 * as many random keys take 0.2 s (Debian 12, libyaml 0.2.5, preg of
 * 2026-11-22): the SPEC §4 "well under a second" does not hold.
 *
 * FNV-1a's low bits depend only on the low bits of its state (xor with a
 * byte, multiply by an odd constant), and each step can be undone, so the
 * last two characters of a key are looked up in a table that maps a state to
 * the suffix that takes it to the target.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BITS 20
#define MASK ((1u << BITS) - 1)

static const char ALPHA[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.";
static const uint64_t PRIME = 1099511628211ULL, BASIS = 1469598103934665603ULL;

static uint32_t step(uint32_t s, unsigned char b)
{
	return (uint32_t)(((uint64_t)(s ^ b) * PRIME) & MASK);
}

int main(int argc, char **argv)
{
	static int32_t suffix[1u << BITS];
	long n = argc > 1 ? atol(argv[1]) : 110000, made = 0;
	uint64_t inv = PRIME;
	const uint32_t target = 12345;

	for (int i = 0; i < 6; i++) /* Newton: the inverse of PRIME mod 2^64 */
		inv *= 2 - PRIME * inv;
	memset(suffix, -1, sizeof(suffix));
	for (int a = 0; a < 64; a++)
		for (int b = 0; b < 64; b++) {
			uint32_t u = (uint32_t)(((uint64_t)target * inv) & MASK) ^ (unsigned char)ALPHA[b];

			u = (uint32_t)(((uint64_t)u * inv) & MASK) ^ (unsigned char)ALPHA[a];
			suffix[u] = a * 64 + b;
		}
	for (long pre = 0; made < n; pre++) {
		char k[8];
		long x = pre;
		uint32_t s = (uint32_t)(BASIS & MASK);

		k[0] = ALPHA[x % 52]; /* a letter first: a plain key */
		x /= 52;
		k[1] = ALPHA[x % 64];
		x /= 64;
		k[2] = ALPHA[x % 64];
		for (int i = 0; i < 3; i++)
			s = step(s, (unsigned char)k[i]);
		for (int c = 0; c < 64 && made < n; c++)
			for (int d = 0; d < 64; d++) {
				uint32_t t = step(step(s, (unsigned char)ALPHA[c]), (unsigned char)ALPHA[d]);

				if (suffix[t] < 0)
					continue;
				k[3] = ALPHA[c];
				k[4] = ALPHA[d];
				k[5] = ALPHA[suffix[t] / 64];
				k[6] = ALPHA[suffix[t] % 64];
				k[7] = '\0';
				printf("%s:\n", k);
				made++;
				break; /* one key per (prefix, c): all distinct */
			}
	}
	return 0;
}
