/*
 * yamlio: YAML in and out with preg's input rules (see yamlio.h).
 *
 * libyaml 0.2.5 checks none of the rules of SPEC §4 itself, and on deeply
 * nested input it takes minutes, so the rules are checked here as the events
 * arrive: the parse stops at the first violation. Encoding problems are found
 * by a scan of the raw bytes first, because libyaml reports them without a
 * usable position.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "err.h"
#include "utf8.h"
#include "xalloc.h"
#include "yamlio.h"

/* A map's keys, for the duplicate check: a linear scan while the map is
 * small, an open-addressing hash table once it grows. */
struct keyset {
	struct ynode **slot;
	size_t cap;
};

/* The nodes and strings of a loaded tree live in one arena, freed at once:
 * a record has some 150 nodes, and a report parses 100,000 records. */
struct arena {
	struct arena *next;
	size_t used, cap;
	char data[];
};

static void *arena_alloc(struct arena **a, size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (!*a || (*a)->used + n > (*a)->cap) {
		size_t cap = n > 16384 ? n : 16384;
		struct arena *c = xmalloc(sizeof(*c) + cap);

		c->next = *a;
		c->used = 0;
		c->cap = cap;
		*a = c;
	}
	p = (*a)->data + (*a)->used;
	(*a)->used += n;
	return p;
}

static void arena_free(struct arena *a)
{
	while (a) {
		struct arena *next = a->next;

		free(a);
		a = next;
	}
}

struct frame {
	struct ynode *node;
	struct keyset keys;
};

static void put_pos(int *line, int *col, const yaml_mark_t *m)
{
	*line = (int)m->line + 1;
	*col = (int)m->column + 1;
}

static int fail_at(const char *name, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail_at(const char *name, int line, int col, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return preg_error_set(PREG_EINVAL, "%s:%d:%d: %s", name, line, col, msg);
}

/* Shorten a user string for a message: at most 40 bytes, whole characters. */
static void shorten(char *out, size_t outsz, const char *s)
{
	size_t n = strlen(s), max = 40;

	if (n <= max) {
		snprintf(out, outsz, "%s", s);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	snprintf(out, outsz, "%.*s...", (int)max, s);
}

/* Characters a value may not hold: C0 controls but tab and line feed, DEL,
 * C1 controls, and the non-characters U+FFFE and U+FFFF. They would reach a
 * manager's terminal as escape sequences. */
static bool forbidden_char(uint32_t c)
{
	return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f ||
	       (c >= 0x80 && c <= 0x9f) || c == 0xfffe || c == 0xffff;
}

/* Line and column (1-based, in characters) of byte offset off. */
static void locate(const unsigned char *p, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (p[i] == '\n' || (p[i] == '\r' && p[i + 1] != '\n')) {
			(*line)++;
			*col = 1;
		} else if ((p[i] & 0xc0) != 0x80 && p[i] != '\r') {
			(*col)++;
		}
	}
}

/* Scan the raw text: valid UTF-8, no NUL or control characters (CR is
 * allowed as part of a line break). Plain ASCII goes by in a tight loop;
 * positions are worked out only for the message. */
static int scan_text(const char *name, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char b = p[i];
		uint32_t c;
		size_t len;
		int line, col;

		if (b >= 0x20 && b < 0x7f) {
			i++;
			continue;
		}
		if (b == '\n' || b == '\t' || b == '\r') {
			i++;
			continue;
		}
		len = utf8_decode(p + i, n - i, &c);
		if (len && c >= 0x80 && !forbidden_char(c)) {
			i += len;
			continue;
		}
		locate(p, i, &line, &col);
		if (!len)
			return fail_at(name, line, col, "invalid UTF-8");
		if (c == 0)
			return fail_at(name, line, col, "NUL byte");
		return fail_at(name, line, col, "control character U+%04X", (unsigned)c);
	}
	return 0;
}

/* FNV-1a from a per-process random start, then a finaliser that spreads
 * every bit into the low ones the table uses: without the seed, keys that
 * all collide can be computed in advance, and a 1 MiB record of them took
 * half a minute to read (found with tests/fuzz/gen_collide.c). */
static uint64_t hash_str(const char *s, size_t n)
{
	static _Atomic uint64_t seed;
	uint64_t h, sd = atomic_load(&seed);

	if (!sd) {
		/* Set once: threads parsing at once agree on it. */
		uint64_t fresh = 0, none = 0;

		if (getrandom(&fresh, sizeof(fresh), GRND_NONBLOCK) != (ssize_t)sizeof(fresh))
			fresh = (uint64_t)(uintptr_t)&seed ^ (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid();
		fresh |= 1;
		sd = atomic_compare_exchange_strong(&seed, &none, fresh) ? fresh : none;
	}
	h = 1469598103934665603ULL ^ sd;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static bool same_key(const struct ynode *a, const struct ynode *b)
{
	return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

static void keyset_insert(struct keyset *ks, struct ynode *k)
{
	size_t i = hash_str(k->s, k->len) & (ks->cap - 1);

	while (ks->slot[i])
		i = (i + 1) & (ks->cap - 1);
	ks->slot[i] = k;
}

/* Whether map m (whose keys are in m->v at even places) has key k already. */
static bool keyset_has(struct keyset *ks, const struct ynode *m, struct ynode *k)
{
	size_t nkeys = m->n / 2;

	if (nkeys < 16) {
		for (size_t i = 0; i < m->n; i += 2)
			if (same_key(m->v[i], k))
				return true;
		return false;
	}
	if (!ks->slot || (nkeys + 1) * 2 > ks->cap) {
		free(ks->slot);
		ks->cap = 64;
		while (ks->cap < nkeys * 4)
			ks->cap *= 2;
		ks->slot = xcalloc(ks->cap, sizeof(*ks->slot));
		for (size_t i = 0; i < m->n; i += 2)
			keyset_insert(ks, m->v[i]);
	}
	for (size_t i = hash_str(k->s, k->len) & (ks->cap - 1); ks->slot[i];
	     i = (i + 1) & (ks->cap - 1))
		if (same_key(ks->slot[i], k))
			return true;
	/* Not there: it is about to join the map, so it joins the set too. */
	keyset_insert(ks, k);
	return false;
}

static void node_append(struct arena **a, struct ynode *parent, struct ynode *child, size_t *cap)
{
	if (parent->n + 1 > *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		struct ynode **v = arena_alloc(a, c * sizeof(*v));

		if (parent->n)
			memcpy(v, parent->v, parent->n * sizeof(*v));
		parent->v = v;
		*cap = c;
	}
	parent->v[parent->n++] = child;
}

void ynode_free(struct ynode *n)
{
	if (!n)
		return;
	if (n->arena) {
		arena_free(n->arena);
		return;
	}
	if (!n->owned)
		return; /* inside an arena: freed with its tree */
	for (size_t i = 0; i < n->n; i++)
		ynode_free(n->v[i]);
	free(n->v);
	free(n->s);
	free(n);
}

struct ynode *ynode_dup(const struct ynode *n)
{
	struct ynode *d = xmalloc(sizeof(*d));

	*d = *n;
	d->arena = NULL;
	d->owned = true;
	d->s = n->s ? xstrndup(n->s, n->len) : NULL;
	d->v = n->n ? xmalloc(n->n * sizeof(*d->v)) : NULL;
	for (size_t i = 0; i < n->n; i++)
		d->v[i] = ynode_dup(n->v[i]);
	return d;
}

const struct ynode *ymap_get(const struct ynode *map, const char *key)
{
	size_t klen = strlen(key);

	if (!map || map->type != YN_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (map->v[i]->len == klen && memcmp(map->v[i]->s, key, klen) == 0)
			return map->v[i + 1];
	return NULL;
}

bool ynode_is_null(const struct ynode *n)
{
	return n && n->type == YN_SCALAR && n->plain &&
	       (n->len == 0 || !strcmp(n->s, "~") || !strcmp(n->s, "null") ||
		!strcmp(n->s, "Null") || !strcmp(n->s, "NULL"));
}

/* Whether any '#' that starts a comment lies outside the scalars' spans.
 * libyaml's marks count characters (a BOM not included), so the scan counts
 * characters too. */
static bool find_comment(const unsigned char *p, size_t n, const size_t *spans,
			 const bool *block, size_t nspans, struct ypos *pos)
{
	size_t ci = 0, s = 0;
	int ln = 1, col = 1;
	bool header = false; /* on the indicator line of a block scalar */
	unsigned char prev = '\n';

	for (size_t i = 0; i < n; i++) {
		if ((p[i] & 0xc0) == 0x80)
			continue;
		while (s < nspans && spans[2 * s + 1] <= ci)
			s++;
		/* A literal or folded scalar's span starts at its '|' or '>';
		 * a comment may follow on that line. */
		if (s < nspans && block[s] && ci == spans[2 * s])
			header = true;
		if (p[i] == '#' && (prev == ' ' || prev == '\t' || prev == '\n' || prev == '\r') &&
		    (header || !(s < nspans && spans[2 * s] <= ci && ci < spans[2 * s + 1]))) {
			pos->line = ln;
			pos->col = col;
			return true;
		}
		if (p[i] == '\n') {
			ln++;
			col = 0;
			header = false;
		}
		prev = p[i];
		ci++;
		col++;
	}
	return false;
}

int yaml_load(struct ynode **out, const char *buf, size_t len, const char *name,
	      struct ypos *comment)
{
	const unsigned char *text = (const unsigned char *)buf;
	yaml_parser_t parser;
	yaml_event_t ev;
	struct frame stack[YAML_MAX_DEPTH + 1];
	size_t caps[YAML_MAX_DEPTH + 1];
	size_t depth = 0, nspans = 0, spancap = 0, *spans = NULL;
	bool *block = NULL; /* per span: a literal or folded scalar */
	struct ynode *root = NULL;
	struct arena *arena = NULL;
	int docs = 0, rc = PREG_EINVAL, done = 0;
	char shortkey[64];

	*out = NULL;
	if (comment)
		comment->line = comment->col = 0;
	if (len > YAML_MAX_DOC) {
		return preg_error_set(PREG_EINVAL, "%s:1:1: larger than 1 MiB (%zu bytes)",
				      name, len);
	}
	if (len >= 3 && text[0] == 0xef && text[1] == 0xbb && text[2] == 0xbf) {
		text += 3;
		len -= 3;
	}
	if (scan_text(name, text, len))
		return PREG_EINVAL;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, text, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

	while (!done) {
		struct ynode *node = NULL;
		int line, col;

		if (!yaml_parser_parse(&parser, &ev)) {
			if (parser.error == YAML_MEMORY_ERROR)
				fail_at(name, 1, 1, "out of memory");
			else
				fail_at(name, (int)parser.problem_mark.line + 1,
					(int)parser.problem_mark.column + 1, "%s",
					parser.problem ? parser.problem : "invalid YAML");
			goto out;
		}
		put_pos(&line, &col, &ev.start_mark);
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (docs > 0) {
				fail_at(name, line, col, "more than one document");
				goto out_ev;
			}
			break;
		case YAML_DOCUMENT_END_EVENT:
			docs++;
			break;
		case YAML_ALIAS_EVENT:
			fail_at(name, line, col, "alias '*%s' not allowed",
				(const char *)ev.data.alias.anchor);
			goto out_ev;
		case YAML_SCALAR_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT: {
			const yaml_char_t *anchor, *tag;

			if (ev.type == YAML_SCALAR_EVENT) {
				anchor = ev.data.scalar.anchor;
				tag = ev.data.scalar.tag;
			} else if (ev.type == YAML_SEQUENCE_START_EVENT) {
				anchor = ev.data.sequence_start.anchor;
				tag = ev.data.sequence_start.tag;
			} else {
				anchor = ev.data.mapping_start.anchor;
				tag = ev.data.mapping_start.tag;
			}
			if (anchor) {
				fail_at(name, line, col, "anchor '&%s' not allowed", (const char *)anchor);
				goto out_ev;
			}
			if (tag) {
				/* Say it as it was written: !!str, not its long form. */
				const char *t = (const char *)tag;
				bool core = !strncmp(t, "tag:yaml.org,2002:", 18);

				fail_at(name, line, col, "tag '%s%s' not allowed", core ? "!!" : "", core ? t + 18 : t);
				goto out_ev;
			}
			node = arena_alloc(&arena, sizeof(*node));
			memset(node, 0, sizeof(*node));
			node->line = line;
			node->col = col;
			if (ev.type == YAML_SCALAR_EVENT) {
				size_t n = ev.data.scalar.length;
				const unsigned char *v = ev.data.scalar.value;

				if (n > YAML_MAX_SCALAR) {
					ynode_free(node);
					fail_at(name, line, col, "value longer than 64 KiB");
					goto out_ev;
				}
				/* Only escapes in double quotes can make characters
				 * the raw-text scan did not see. */
				for (size_t i = 0; ev.data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && i < n;) {
					uint32_t c;
					size_t l = utf8_decode(v + i, n - i, &c);

					if (!l || c == 0 || forbidden_char(c)) {
						ynode_free(node);
						fail_at(name, line, col, "control character U+%04X in value",
							l ? (unsigned)c : 0xfffdU);
						goto out_ev;
					}
					i += l;
				}
				node->type = YN_SCALAR;
				node->s = arena_alloc(&arena, n + 1);
				memcpy(node->s, v, n);
				node->s[n] = '\0';
				node->len = n;
				node->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
				if (comment) {
					size_t bcap = spancap;

					block = xgrow(block, &bcap, 2 * nspans + 2, sizeof(*block));
					block[nspans] = ev.data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
							ev.data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
					spans = xgrow(spans, &spancap, 2 * nspans + 2, sizeof(*spans));
					spans[2 * nspans] = ev.start_mark.index;
					spans[2 * nspans + 1] = ev.end_mark.index;
					nspans++;
				}
			} else {
				node->type = ev.type == YAML_MAPPING_START_EVENT ? YN_MAP : YN_SEQ;
				node->flow = ev.type == YAML_MAPPING_START_EVENT
						     ? ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
						     : ev.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
			}
			if (depth > 0) {
				struct frame *f = &stack[depth - 1];
				struct ynode *parent = f->node;

				if (parent->type == YN_MAP && parent->n % 2 == 0) {
					if (node->type != YN_SCALAR) {
						ynode_free(node);
						fail_at(name, line, col, "complex keys are not allowed");
						goto out_ev;
					}
					/* libyaml reads no simple key past 1024
					 * characters, and a written key may grow
					 * fourfold with escapes: a longer key could
					 * not be written back readable. */
					if (node->len > YAML_MAX_KEY) {
						fail_at(name, line, col, "key longer than %d bytes", YAML_MAX_KEY);
						goto out_ev;
					}
					if (node->plain && !strcmp(node->s, "<<")) {
						ynode_free(node);
						fail_at(name, line, col, "merge key '<<' not allowed");
						goto out_ev;
					}
					if (keyset_has(&f->keys, parent, node)) {
						shorten(shortkey, sizeof(shortkey), node->s);
						ynode_free(node);
						fail_at(name, line, col, "duplicate key '%s'", shortkey);
						goto out_ev;
					}
				}
				node_append(&arena, parent, node, &caps[depth - 1]);
			} else if (!root) {
				root = node;
			} else {
				ynode_free(node);
				fail_at(name, line, col, "more than one document");
				goto out_ev;
			}
			if (node->type != YN_SCALAR) {
				if (depth >= YAML_MAX_DEPTH) {
					fail_at(name, line, col, "nested deeper than %d levels",
						YAML_MAX_DEPTH);
					goto out_ev;
				}
				stack[depth].node = node;
				stack[depth].keys.slot = NULL;
				stack[depth].keys.cap = 0;
				caps[depth] = 0;
				depth++;
			}
			break;
		}
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			free(stack[depth].keys.slot);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (root && root->type == YN_SCALAR && root->plain && root->len == 0)
		root = NULL; /* "---" alone: an empty document */
	if (!root) {
		root = arena_alloc(&arena, sizeof(*root));
		memset(root, 0, sizeof(*root));
		root->type = YN_MAP;
		root->line = root->col = 1;
	}
	if (comment)
		find_comment(text, len, spans, block, nspans, comment);
	root->arena = arena;
	arena = NULL;
	*out = root;
	root = NULL;
	rc = 0;
	goto out;
out_ev:
	yaml_event_delete(&ev);
out:
	while (depth > 0)
		free(stack[--depth].keys.slot);
	yaml_parser_delete(&parser);
	arena_free(arena);
	free(spans);
	free(block);
	return rc;
}

/* ---- writing ---- */

static const char *const ambiguous_words[] = {
	"~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No",
	"NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off",
	"Off", "OFF", ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", "+.Inf",
	"+.INF", ".nan", ".NaN", ".NAN", "=", "<<",
};

bool yaml_ambiguous(const char *s)
{
	const char *p = s;

	if (!*s)
		return true;
	/* Every word above is at most six bytes and starts with one of
	 * these: most scalars are ruled out without comparing (an import
	 * writes a hundred of them a record). */
	if (strchr("~nNyYtTfFoO.+-=<", *s) && strnlen(s, 7) <= 6)
		for (size_t i = 0; i < sizeof(ambiguous_words) / sizeof(*ambiguous_words); i++)
			if (!strcmp(s, ambiguous_words[i]))
				return true;
	/* Four digits and a dash: a date or a time. */
	if (strlen(s) >= 5 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
	    s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9' && s[4] == '-')
		return true;
	/* Anything number-like: ints in any base, floats, sexagesimals. Wider
	 * than YAML's own patterns, which costs only a pair of quotes. */
	if (*p == '+' || *p == '-')
		p++;
	if (!((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')))
		return false;
	for (; *p; p++)
		if (!strchr("0123456789abcdefABCDEFxXoObB_.:eE+-", *p))
			return false;
	return true;
}

/* Whether s can be written plain in context ctx and read back unchanged. */
static bool plain_ok(const char *s, enum yctx ctx, bool text)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	if (n == 0)
		return false;
	if (p[0] == ' ' || p[n - 1] == ' ' || p[0] == '\t' || p[n - 1] == '\t')
		return false;
	if (strchr("-?:,[]{}#&*!|>'\"%@`", p[0]))
		return false;
	if (p[n - 1] == ':')
		return false;
	/* Document markers, when a key starts a line. */
	if (n >= 3 && (!strncmp(s, "---", 3) || !strncmp(s, "...", 3)))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c < 0x20 || c == 0x7f)
			return false;
		/* In flow context libyaml 0.2.5 also ends a plain scalar at a ':'
		 * before a flow indicator or a '?' (checked against libyaml). */
		if (c == ':' && (p[i + 1] == ' ' || (ctx == YCTX_FLOW && p[i + 1] && strchr(",[]{}?", p[i + 1]))))
			return false;
		if (c == '#' && i > 0 && p[i - 1] == ' ')
			return false;
		if (ctx == YCTX_FLOW && (c == ',' || c == '[' || c == ']' || c == '{' || c == '}'))
			return false;
		/* NEL, LS, PS are line breaks to YAML 1.1; BOM is special. */
		if (c == 0xc2 && p[i + 1] == 0x85)
			return false;
		if (c == 0xe2 && p[i + 1] == 0x80 && (p[i + 2] == 0xa8 || p[i + 2] == 0xa9))
			return false;
		if (c == 0xef && p[i + 1] == 0xbb && p[i + 2] == 0xbf)
			return false;
	}
	return !(text && yaml_ambiguous(s));
}

static void put_quoted(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	buf_addc(out, '"');
	for (size_t i = 0; i < n;) {
		uint32_t c;
		size_t len = utf8_decode(p + i, n - i, &c);

		if (!len) { /* cannot happen for checked input; keep the byte visible */
			buf_addf(out, "\\x%02X", p[i]);
			i++;
			continue;
		}
		switch (c) {
		case '"': buf_adds(out, "\\\""); break;
		case '\\': buf_adds(out, "\\\\"); break;
		case '\n': buf_adds(out, "\\n"); break;
		case '\t': buf_adds(out, "\\t"); break;
		case '\r': buf_adds(out, "\\r"); break;
		case 0x85: buf_adds(out, "\\N"); break;
		case 0x2028: buf_adds(out, "\\L"); break;
		case 0x2029: buf_adds(out, "\\P"); break;
		default:
			if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
				buf_addf(out, "\\x%02X", (unsigned)c);
			else if (c == 0xfeff || c == 0xfffe || c == 0xffff)
				buf_addf(out, "\\u%04X", (unsigned)c);
			else
				buf_add(out, p + i, len);
		}
		i += len;
	}
	buf_addc(out, '"');
}

void yaml_put_scalar(struct buf *out, const char *s, enum yctx ctx, bool text)
{
	if (plain_ok(s, ctx, text))
		buf_adds(out, s);
	else
		put_quoted(out, s);
}

static void indent_to(struct buf *out, int indent)
{
	for (int i = 0; i < indent; i++)
		buf_addc(out, ' ');
}

void yaml_put_text(struct buf *out, const char *s, int indent)
{
	size_t n = strlen(s), trail = 0;
	bool literal = strchr(s, '\n') != NULL;

	/* A literal block cannot start with a space or a line break (its
	 * indentation would be misread) nor hold what needs an escape. */
	if (literal && (s[0] == ' ' || s[0] == '\n' || s[0] == '\t'))
		literal = false;
	for (const unsigned char *p = (const unsigned char *)s; literal && *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f || (*p == 0xc2 && p[1] == 0x85) ||
		    (*p == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) ||
		    (*p == 0xef && p[1] == 0xbb && p[2] == 0xbf))
			literal = false;
	if (!literal) {
		buf_addc(out, ' ');
		yaml_put_scalar(out, s, YCTX_BLOCK, true);
		buf_addc(out, '\n');
		return;
	}
	while (trail < n && s[n - 1 - trail] == '\n')
		trail++;
	buf_adds(out, trail == 0 ? " |-\n" : trail == 1 ? " |\n" : " |+\n");
	for (const char *line = s; line < s + n - trail;) {
		const char *nl = memchr(line, '\n', (size_t)(s + n - trail - line));
		size_t l = nl ? (size_t)(nl - line) : (size_t)(s + n - trail - line);

		if (l) {
			indent_to(out, indent);
			buf_add(out, line, l);
		}
		buf_addc(out, '\n');
		line += l + 1;
	}
	for (size_t i = 1; i < trail; i++)
		buf_addc(out, '\n');
}

static void put_generic_scalar(struct buf *out, const struct ynode *n, enum yctx ctx)
{
	/* A scalar the user wrote plain stays plain, so an unknown key keeps
	 * its meaning for other YAML readers (5 stays a number). */
	if (n->plain && plain_ok(n->s, ctx, false))
		buf_adds(out, n->s);
	else
		yaml_put_scalar(out, n->s, ctx, true);
}

void yaml_put_node(struct buf *out, const struct ynode *n, int indent)
{
	switch (n->type) {
	case YN_SCALAR:
		if (n->plain && n->len == 0) {
			buf_addc(out, '\n'); /* "key:" with no value stays so */
			return;
		}
		if (strchr(n->s, '\n')) {
			yaml_put_text(out, n->s, indent);
			return;
		}
		buf_addc(out, ' ');
		put_generic_scalar(out, n, YCTX_BLOCK);
		buf_addc(out, '\n');
		return;
	case YN_MAP:
		if (n->n == 0) {
			buf_adds(out, " {}\n");
			return;
		}
		buf_addc(out, '\n');
		for (size_t i = 0; i + 1 < n->n; i += 2) {
			indent_to(out, indent);
			put_generic_scalar(out, n->v[i], YCTX_BLOCK);
			buf_addc(out, ':');
			yaml_put_node(out, n->v[i + 1], indent + 2);
		}
		return;
	case YN_SEQ:
		if (n->n == 0) {
			buf_adds(out, " []\n");
			return;
		}
		buf_addc(out, '\n');
		for (size_t i = 0; i < n->n; i++) {
			const struct ynode *item = n->v[i];

			indent_to(out, indent);
			buf_addc(out, '-');
			if (item->type == YN_MAP && item->n > 0) {
				for (size_t j = 0; j + 1 < item->n; j += 2) {
					if (j == 0)
						buf_addc(out, ' ');
					else
						indent_to(out, indent + 2);
					put_generic_scalar(out, item->v[j], YCTX_BLOCK);
					buf_addc(out, ':');
					yaml_put_node(out, item->v[j + 1], indent + 4);
				}
			} else {
				yaml_put_node(out, item, indent + 2);
			}
		}
		return;
	}
}
