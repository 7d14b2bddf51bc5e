/*
 * yamlio: YAML in and out, with preg's input rules.
 *
 * yaml_load parses one document into a small tree of strings, enforcing the
 * rules of SPEC §4 while libyaml produces events: UTF-8 only (a BOM and CRLF
 * accepted), one document, no anchors, aliases, tags, merge keys or complex
 * keys, no duplicate keys (plain and quoted spellings are the same key),
 * keys of at most YAML_MAX_KEY bytes,
 * nesting at most YAML_MAX_DEPTH, scalars at most YAML_MAX_SCALAR bytes and a
 * document at most YAML_MAX_DOC bytes. Every scalar is kept as a string; what
 * it means is decided by the caller. Errors read "NAME:LINE:COLUMN: message".
 *
 * The writer side gives the canonical spelling of a scalar: plain where YAML
 * cannot misread it, double-quoted otherwise.
 */
#ifndef PREG_YAMLIO_H
#define PREG_YAMLIO_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define YAML_MAX_DEPTH 16
#define YAML_MAX_SCALAR (64 * 1024)
#define YAML_MAX_DOC (1024 * 1024)
#define YAML_MAX_KEY 200

enum ynode_type { YN_SCALAR, YN_MAP, YN_SEQ };

struct ynode {
	enum ynode_type type;
	int line, col;   /* 1-based position of the node */
	bool plain;      /* scalar written without quotes or block style */
	bool flow;       /* collection written in flow style */
	char *s;         /* scalar value (NUL-terminated) */
	size_t len;      /* its length in bytes */
	struct ynode **v; /* map: key, value, key, value...; seq: items */
	size_t n;        /* number of entries in v */
	struct arena *arena; /* the root of a loaded tree: where all of it lives */
	bool owned;      /* allocated on its own (ynode_dup), not in an arena */
};

/* A place in a text: 1-based line and column; line 0 means none. */
struct ypos {
	int line, col;
};

/* Parse buf (len bytes) named name (for messages) into *out, which the caller
 * frees with ynode_free. When comment is not NULL, it receives where the
 * first comment is (line 0: none): libyaml drops comments, so a rewrite would
 * lose them. An empty document gives an empty map. Returns 0 or PREG_EINVAL. */
int yaml_load(struct ynode **out, const char *buf, size_t len, const char *name,
	      struct ypos *comment);

/* Free a tree: a loaded one (its root) or one made by ynode_dup. */
void ynode_free(struct ynode *n);

/* In a map, the value for key, or NULL; lent. */
const struct ynode *ymap_get(const struct ynode *map, const char *key);

/* Whether a plain scalar means "no value" (empty, ~, null). */
bool ynode_is_null(const struct ynode *n);

/* A deep copy that owns its memory (it outlives the tree it came from). */
struct ynode *ynode_dup(const struct ynode *n);

enum yctx {
	YCTX_BLOCK, /* a value in block style */
	YCTX_FLOW,  /* inside [ ] or { } */
};

/* Append s to out in canonical form for context ctx: plain when YAML would
 * read it back as the same string (and, when text is true, would not take it
 * for a number, boolean, null, date or time), double-quoted otherwise. */
void yaml_put_scalar(struct buf *out, const char *s, enum yctx ctx, bool text);

/* Append a multi-line block value: a literal block (|, |-, |+) at the given
 * indentation when the text allows, else a quoted scalar. Starts right after
 * "key:" (it writes the separating space itself). */
void yaml_put_text(struct buf *out, const char *s, int indent);

/* Append a generic node in block style at the given indentation, starting
 * right after "key:" (it writes the separating space or newline itself). */
void yaml_put_node(struct buf *out, const struct ynode *n, int indent);

/* Whether a plain scalar s could be read as something other than a string
 * (null, boolean, number, date or time under YAML 1.1 or 1.2). */
bool yaml_ambiguous(const char *s);

#endif
