/*
 * sha1: the SHA-1 digest of a byte string (FIPS 180-4), for the register
 * layout's shards: the same digest `sha1sum` prints, so that a person can
 * find a record's shard with the tools at hand. Not for security.
 */
#ifndef PREG_SHA1_H
#define PREG_SHA1_H

#include <stddef.h>

#define SHA1_LEN 20

/* The digest of the n bytes at p into out. */
void sha1(unsigned char out[SHA1_LEN], const void *p, size_t n);

#endif
