/*
 * find_index: the index of a record that finding reads (see find_index.h).
 * Every text of a record is folded, spelt in Latin and written once, in
 * lines of "KIND[INDEX] FOLDED\tLATIN".
 */
#include <stdlib.h>
#include <string.h>

#include "find_index.h"
#include "name.h"
#include "phone.h"
#include "slug.h"

static bool ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/*
 * Append the Latin text s with the spellings people use for the same
 * Russian sound made one: the passport table writes Белая "belaia", Хабаровск
 * "khabarovsk", Цвет "tsvet", Щука "shchuka", and people type "belaya",
 * "habarovsk", "cvet", "schuka", "yandex" for Яндекс ("iandeks"). Both the
 * query and the text go through it, so it only widens what matches.
 */
void find_loose(struct buf *out, const char *s)
{
	char tmp[256];
	size_t k = 0;

	for (; *s; s++) {
		if (k > sizeof(tmp) - 4) {
			buf_add(out, tmp, k);
			k = 0;
		}
		switch (*s) {
		case 's':
			if (!strncmp(s, "shch", 4)) {
				memcpy(tmp + k, "sch", 3);
				k += 3;
				s += 3;
				continue;
			}
			break;
		case 'k':
		case 't':
			if (s[1] == (*s == 'k' ? 'h' : 's')) {
				tmp[k++] = *s == 'k' ? 'h' : 'c';
				s++;
				continue;
			}
			break;
		case 'x':
			tmp[k++] = 'k';
			tmp[k++] = 's';
			continue;
		case 'y':
			tmp[k++] = 'i';
			continue;
		}
		tmp[k++] = *s;
	}
	buf_add(out, tmp, k);
}

struct ixw {
	struct buf *out, *s1, *s2;
};

/* Append s spelt in Latin, loosely, to w->out (s1 and s2 are scratch). */
static void add_latin(struct ixw *w, const char *folded, size_t n)
{
	if (ascii(folded, n)) {
		buf_reset(w->s2);
		buf_add(w->s2, folded, n);
	} else {
		buf_reset(w->s2);
		if (!slug_translit(w->s2, buf_str(w->s1)))
			buf_reset(w->s2);
	}
	find_loose(w->out, buf_str(w->s2));
}

/* The head of a line: its kind and index. */
static void line_head(struct ixw *w, char kind, size_t i)
{
	char num[24];
	size_t k = sizeof(num);

	buf_addc(w->out, kind);
	do
		num[--k] = (char)('0' + i % 10);
	while ((i /= 10) && k);
	buf_add(w->out, num + k, sizeof(num) - k);
	buf_addc(w->out, ' ');
}

/* One line for text s[0..n): folded, then in Latin. */
static void line(struct ixw *w, char kind, size_t i, const char *s, size_t n)
{
	if (!s || !n)
		return;
	buf_reset(w->s1);
	name_fold(w->s1, s, n);
	if (!w->s1->len)
		return;
	line_head(w, kind, i);
	buf_add(w->out, w->s1->p, w->s1->len);
	buf_addc(w->out, '\t');
	add_latin(w, w->s1->p, w->s1->len);
	buf_addc(w->out, '\n');
}

static void line_str(struct ixw *w, char kind, size_t i, const char *s)
{
	if (s)
		line(w, kind, i, s, strlen(s));
}

/* A phone: its key, then its digits folded (for a part such as "351"). */
static void line_phone(struct ixw *w, size_t i, const char *phone)
{
	char *key = phone ? phone_key(phone) : NULL;

	if (key) {
		line_head(w, 'p', i);
		buf_adds(w->out, key);
		buf_addc(w->out, '\t');
		name_fold(w->out, phone, strlen(phone));
		buf_addc(w->out, '\n');
	}
	free(key);
}

/* An e-mail: in lower case as it is, then folded and spelt in Latin. */
static void line_mail(struct ixw *w, size_t i, const char *mail)
{
	if (!mail || !*mail)
		return;
	line_head(w, 'e', i);
	for (const char *c = mail; *c; c++)
		buf_addc(w->out, *c >= 'A' && *c <= 'Z' ? (char)(*c + 32) : *c == '\t' || *c == '\n' ? ' ' : *c);
	buf_addc(w->out, '\t');
	buf_reset(w->s1);
	name_fold(w->s1, mail, strlen(mail));
	if (w->s1->len)
		add_latin(w, w->s1->p, w->s1->len);
	buf_addc(w->out, '\n');
}

static void index_into(struct ixw *w, const struct record *r, bool notes)
{
	struct name_parts p;

	buf_adds(w->out, FIND_INDEX_VERSION "\n");
	if (r->name) {
		name_split(&p, r->name);
		line(w, 'n', 0, p.core, p.core_len);
	}
	for (size_t i = 0; i < r->ncontacts; i++) {
		const struct kvlist *c = &r->contacts[i];

		line_str(w, 'c', i, kv_get(c, "name"));
		line_str(w, 'r', i, kv_get(c, "role"));
		line_phone(w, i, kv_get(c, "phone"));
		line_mail(w, i, kv_get(c, "email"));
	}
	for (size_t i = 0; i < r->fields.n; i++)
		line_str(w, 'f', i, r->fields.v[i].v);
	for (size_t i = 0; i < r->ntags; i++)
		line_str(w, 't', i, r->tags[i]);
	line_str(w, 'a', 0, r->next_action);
	if (!notes)
		return;
	for (size_t i = 0; i < r->nnotes; i++)
		line_str(w, 'o', i, kv_get(&r->notes[i], "text"));
	line_str(w, 'm', 0, r->remarks);
}

void find_index_into(struct buf *out, struct buf *s1, struct buf *s2, const struct record *r, bool notes)
{
	struct ixw w = { out, s1, s2 };

	index_into(&w, r, notes);
}

void find_index_line(struct buf *out, struct buf *s1, struct buf *s2, char kind, const char *s)
{
	struct ixw w = { out, s1, s2 };

	line_str(&w, kind, 0, s);
}

void find_index(struct buf *out, const struct record *r, bool notes)
{
	struct buf s1 = BUF_INIT, s2 = BUF_INIT;
	struct ixw w = { out, &s1, &s2 };

	index_into(&w, r, notes);
	buf_release(&s1);
	buf_release(&s2);
}
