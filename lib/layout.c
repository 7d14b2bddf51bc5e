/*
 * layout: record paths by register version (see layout.h).
 *
 * Paths are built only from valid ids and parsed back strictly: a path
 * that is not exactly what layout_path would make of its id is no record.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "err.h"
#include "layout.h"
#include "slug.h"
#include "xalloc.h"

#define CLIENTS "clients/"
#define SUFFIX ".yaml"

static bool known(unsigned version)
{
	return version == LAYOUT_V1 || version == LAYOUT_V2;
}

static void shard_of(char out[LAYOUT_SHARD_SIZE], unsigned version, const char *id)
{
	static const char hex[] = "0123456789abcdef";

	if (version == LAYOUT_V1) {
		out[0] = id[0];
		out[1] = id[1] ? id[1] : '_';
	} else {
		/* The top byte of the hash: the first two hex digits of its
		 * canonical (big-endian) form, as `xxhsum -H1` prints it. */
		unsigned top = (unsigned)(XXH64(id, strlen(id), 0) >> 56);

		out[0] = hex[top >> 4];
		out[1] = hex[top & 0xf];
	}
	out[2] = '\0';
}

int layout_shard(char out[LAYOUT_SHARD_SIZE], unsigned version, const char *id)
{
	out[0] = '\0';
	if (!known(version))
		return preg_error_set(PREG_EINVAL, "unknown register version %u", version);
	if (!slug_valid(id))
		return preg_error_set(PREG_EINVAL, "invalid id '%s'", id ? id : "");
	shard_of(out, version, id);
	return 0;
}

char *layout_path(unsigned version, const char *id)
{
	char shard[LAYOUT_SHARD_SIZE];

	if (!known(version) || !slug_valid(id))
		return NULL;
	shard_of(shard, version, id);
	return xasprintf(CLIENTS "%s/%s" SUFFIX, shard, id);
}

bool layout_shard_name(unsigned version, const char *name)
{
	if (!name || strlen(name) != 2)
		return false;
	if (version == LAYOUT_V1)
		/* The first character of an id, then a second one or '_'. */
		return ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9')) &&
		       ((name[1] >= 'a' && name[1] <= 'z') || (name[1] >= '0' && name[1] <= '9') ||
			name[1] == '-' || name[1] == '_');
	if (version == LAYOUT_V2)
		for (int i = 0; i < 2; i++)
			if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
				return false;
	return version == LAYOUT_V2;
}

char *layout_id(unsigned version, const char *path)
{
	size_t clen = strlen(CLIENTS), slen = strlen(SUFFIX), len;
	char shard[LAYOUT_SHARD_SIZE], want[LAYOUT_SHARD_SIZE], *id;

	if (!known(version) || !path || strncmp(path, CLIENTS, clen))
		return NULL;
	path += clen;
	/* "<two characters>/<id>.yaml", nothing more. */
	len = strlen(path);
	if (len < 3 + slen + 1 || path[2] != '/' || strcmp(path + len - slen, SUFFIX))
		return NULL;
	memcpy(shard, path, 2);
	shard[2] = '\0';
	if (!layout_shard_name(version, shard))
		return NULL;
	id = xstrndup(path + 3, len - 3 - slen);
	if (!slug_valid(id)) {
		free(id);
		return NULL;
	}
	shard_of(want, version, id);
	if (strcmp(shard, want)) {
		free(id);
		return NULL;
	}
	return id;
}

const char *layout_pattern(unsigned version)
{
	return version == LAYOUT_V1 ? CLIENTS "<first two characters of the id>/<id>" SUFFIX
				    : CLIENTS "<first two hex digits of the id's XXH64>/<id>" SUFFIX;
}

char *layout_id_any(const char *path)
{
	for (unsigned v = LAYOUT_LATEST; v >= LAYOUT_V1; v--) {
		char *id = layout_id(v, path);

		if (id)
			return id;
	}
	return NULL;
}

unsigned layout_fits(const char *path)
{
	unsigned mask = 0;

	for (unsigned v = LAYOUT_V1; v <= LAYOUT_LATEST; v++) {
		char *id = layout_id(v, path);

		if (id)
			mask |= 1u << v;
		free(id);
	}
	return mask;
}

int layout_version(unsigned *out, const char *text)
{
	unsigned long v = 0;
	const char *p = text;

	*out = 0;
	/* Plain decimal digits, no sign, no leading zero: YAML's 1, not 01 or +1. */
	if (!p || !*p || (*p == '0' && p[1]) || strspn(p, "0123456789") != strlen(p) ||
	    strlen(p) > 9)
		return preg_error_set(PREG_EINVAL, "invalid register version '%s'", p ? p : "");
	for (; *p; p++)
		v = v * 10 + (unsigned long)(*p - '0');
	if (v < LAYOUT_V1)
		return preg_error_set(PREG_EINVAL, "invalid register version '%s'", text);
	if (v > LAYOUT_LATEST)
		return preg_error_set(PREG_EINVAL,
				      "register version %lu is newer than this preg knows (%u); "
				      "update preg",
				      v, LAYOUT_LATEST);
	*out = (unsigned)v;
	return 0;
}
