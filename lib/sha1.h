/*
 * sha1: SHA-1 (FIPS 180-4) of a byte string, for the trailer of a pack
 * that preg writes (lib/register_pack.c): libgit2 checks it, and does not
 * lend its own hash. Not for anything that needs collision resistance.
 */
#ifndef PREG_SHA1_H
#define PREG_SHA1_H

#include <stddef.h>

#define SHA1_LEN 20

void sha1(const void *data, size_t len, unsigned char out[SHA1_LEN]);

#endif
