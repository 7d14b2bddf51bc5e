/* test_phases: preg.yaml: the templates, the rules of the file, finding
 * phases by number, key and range, and the managers. */
#include "unit.h"
#include "phases.h"

static struct phases *load(const char *text)
{
	struct phases *p = NULL;

	preg_error_clear();
	if (phases_load(&p, text, strlen(text), "preg.yaml"))
		fail_msg("phases_load refused: %s\n%s", preg_error_msg(), text);
	assert_non_null(p);
	return p;
}

static struct phases *template(const char *name)
{
	const char *t = phases_template(name);

	assert_non_null(t);
	return load(t);
}

static void refuse(const char *text, const char *msg)
{
	struct phases *p = (struct phases *)1;
	int rc;

	preg_error_clear();
	rc = phases_load(&p, text, strlen(text), "preg.yaml");
	if (rc != PREG_EINVAL || strcmp(preg_error_msg(), msg)) {
		if (!rc)
			phases_free(p);
		fail_msg("want PREG_EINVAL \"%s\", got %d \"%s\"", msg, rc, preg_error_msg());
	}
	assert_null(p);
}

#define HEAD "version: 1\nphases:\n"

/* ---- templates ---- */

static void test_freight(void **state)
{
	static const char *const keys[] = {
		"research", "decision-maker", "presentation", "request", "processing", "quotation",
		"contract", "first-order", "first-carriage", "next-request", "ended", "analysis",
	};
	static const int stale[] = { 14, 14, 30, 2, 3, 14, 30, 7, 30, 60, 14, -1 };
	struct phases *p = template("freight");

	(void)state;
	assert_int_equal(p->n, 12);
	for (size_t i = 0; i < p->n; i++) {
		const struct phase *ph = &p->v[i];

		assert_int_equal(ph->id, (int)i + 1);
		assert_string_equal(ph->key, keys[i]);
		assert_int_equal(ph->stale_days, stale[i]);
		/* Reversible: exactly 4 to 7 and 10. */
		assert_int_equal(ph->reversible, (ph->id >= 4 && ph->id <= 7) || ph->id == 10);
		assert_non_null(ph->name);
		assert_true(strlen(ph->name) > 0);
		assert_non_null(ph->color);
		assert_int_equal(strlen(ph->color), 7);
		assert_int_equal(ph->color[0], '#');
		assert_int_equal(ph->nrequires, 0);
		assert_ptr_equal(phases_get(p, ph->id), ph);
	}
	/* The names of the paper register. */
	assert_string_equal(p->v[0].name, "search for general information about the client");
	assert_string_equal(p->v[0].color, "#9e9e9e");
	assert_string_equal(p->v[3].name, "receiving a request from the client");
	assert_string_equal(p->v[6].name, "contract conclusion");
	assert_string_equal(p->v[8].name, "first carriage");
	assert_string_equal(p->v[10].name, "collaboration end");
	assert_string_equal(p->v[11].name, "analysis of the causes of shutdown");
	/* 11 and 12 end a collaboration; nothing else does. */
	for (size_t i = 0; i < p->n; i++)
		assert_int_equal(p->v[i].ending, i >= 10);
	assert_int_equal(p->nmanagers, 0);
	phases_free(p);
}

static void test_other_templates(void **state)
{
	struct phases *p;
	bool ending = false;

	(void)state;
	p = template("sales");
	assert_true(p->n >= 2);
	for (size_t i = 0; i < p->n; i++) {
		assert_int_equal(p->v[i].id, (int)i + 1);
		ending |= p->v[i].ending;
	}
	assert_true(ending);
	phases_free(p);

	p = template("blank");
	assert_int_equal(p->n, 2);
	assert_string_equal(p->v[0].key, "open");
	assert_string_equal(p->v[1].key, "closed");
	assert_true(p->v[1].ending);
	assert_int_equal(p->v[0].stale_days, -1);
	phases_free(p);

	assert_null(phases_template("nope"));
	assert_null(phases_template(""));
	assert_null(phases_template("Freight"));
	/* The list names exactly the templates there are. */
	{
		size_t n = 0;

		for (; phases_templates[n]; n++)
			assert_non_null(phases_template(phases_templates[n]));
		assert_int_equal(n, 3);
	}
}

static void test_settings(void **state)
{
	struct phases *p;

	(void)state;
	p = load(HEAD
		 "  - id: 1\n"
		 "    key: lead\n"
		 "    name: new lead\n"
		 "    color: \"#A0b1C2\"\n"
		 "    stale_after: 2w\n"
		 "    reversible: true\n"
		 "  - {id: 2, key: deal, name: deal, stale_after: 0d, reversible: false,"
		 " requires: [contacts, fields.direction, next_contact, next_action, tags, remarks, fields]}\n"
		 "  - {id: 3, key: lost, name: lost, ending: true}\n");
	assert_int_equal(p->n, 3);
	assert_string_equal(p->v[0].color, "#A0b1C2");
	assert_int_equal(p->v[0].stale_days, 14);
	assert_true(p->v[0].reversible);
	assert_int_equal(p->v[1].stale_days, 0);
	assert_false(p->v[1].reversible);
	assert_null(p->v[1].color);
	assert_int_equal(p->v[1].nrequires, 7);
	assert_string_equal(p->v[1].requires[0], "contacts");
	assert_string_equal(p->v[1].requires[1], "fields.direction");
	assert_string_equal(p->v[1].requires[6], "fields");
	assert_true(p->v[2].ending);
	assert_int_equal(p->v[2].stale_days, -1);
	phases_free(p);
}

/* ---- refusals ---- */

static void test_invalid(void **state)
{
	(void)state;
	/* version */
	refuse("phases:\n  - {id: 1, key: a, name: A}\n",
	       "preg.yaml:1:1: expected 'version: 1' or 'version: 2'");
	refuse("version: 3\nphases:\n  - {id: 1, key: a, name: A}\n",
	       "preg.yaml:1:10: register version 3 is newer than this preg knows (2); update preg");
	refuse("version: [1]\nphases:\n  - {id: 1, key: a, name: A}\n",
	       "preg.yaml:1:10: expected 'version: 1' or 'version: 2'");
	refuse("version: 1.0\n", "preg.yaml:1:10: invalid register version '1.0'");
	refuse("version: 0\n", "preg.yaml:1:10: invalid register version '0'");
	refuse("", "preg.yaml:1:1: expected 'version: 1' or 'version: 2'");
	refuse("- a\n", "preg.yaml:1:1: expected a mapping with version and phases");
	/* phases */
	refuse("version: 1\n", "preg.yaml:1:1: expected a list of phases");
	refuse("version: 1\nphases: []\n", "preg.yaml:2:9: expected a list of phases");
	refuse("version: 1\nphases: x\n", "preg.yaml:2:9: expected a list of phases");
	refuse(HEAD "  - x\n", "preg.yaml:3:5: a phase must be a mapping");
	/* ids 1..n in order */
	refuse(HEAD "  - {id: 2, key: a, name: A}\n", "preg.yaml:3:10: expected phase id 1");
	refuse(HEAD "  - {id: 1, key: a, name: A}\n  - {id: 3, key: b, name: B}\n",
	       "preg.yaml:4:10: expected phase id 2");
	refuse(HEAD "  - {id: 1, key: a, name: A}\n  - {id: 1, key: b, name: B}\n",
	       "preg.yaml:4:10: expected phase id 2");
	refuse(HEAD "  - {id: 01, key: a, name: A}\n", "preg.yaml:3:10: expected phase id 1");
	refuse(HEAD "  - {id: [1], key: a, name: A}\n", "preg.yaml:3:10: expected phase id 1");
	refuse(HEAD "  - {key: a, name: A}\n", "preg.yaml:3:5: a phase needs an id");
	refuse(HEAD "  - {id: 1, name: A}\n", "preg.yaml:3:5: a phase needs a key");
	refuse(HEAD "  - {id: 1, key: a}\n", "preg.yaml:3:5: a phase needs a name");
	/* duplicate keys, at any level */
	refuse(HEAD "  - {id: 1, key: a, name: A, key: b}\n", "preg.yaml:3:30: duplicate key 'key'");
	refuse("version: 1\nversion: 1\n", "preg.yaml:2:1: duplicate key 'version'");
	refuse(HEAD "  - {id: 1, key: a, name: A}\n  - {id: 2, key: a, name: B}\n",
	       "preg.yaml:4:5: two phases have the same key");
	/* keys */
	refuse(HEAD "  - {id: 1, key: A, name: A}\n",
	       "preg.yaml:3:18: a phase key is a short lowercase word ([a-z][a-z0-9-]*)");
	refuse(HEAD "  - {id: 1, key: \"12\", name: A}\n",
	       "preg.yaml:3:18: a phase key is a short lowercase word ([a-z][a-z0-9-]*)");
	refuse(HEAD "  - {id: 1, key: -a, name: A}\n",
	       "preg.yaml:3:18: a phase key is a short lowercase word ([a-z][a-z0-9-]*)");
	refuse(HEAD "  - {id: 1, key: a b, name: A}\n",
	       "preg.yaml:3:18: a phase key is a short lowercase word ([a-z][a-z0-9-]*)");
	refuse(HEAD "  - {id: 1, key: \"\", name: A}\n",
	       "preg.yaml:3:18: a phase key is a short lowercase word ([a-z][a-z0-9-]*)");
	refuse(HEAD "  - {id: 1, key: abcdefghijabcdefghijabcdefghijabc, name: A}\n",
	       "preg.yaml:3:18: a phase key is a short lowercase word ([a-z][a-z0-9-]*)");
	/* names */
	refuse(HEAD "  - {id: 1, key: a, name: \"\"}\n", "preg.yaml:3:27: a phase name is one line of text");
	refuse(HEAD "  - {id: 1, key: a, name: \"x\\ny\"}\n",
	       "preg.yaml:3:27: a phase name is one line of text");
	/* colours */
	refuse(HEAD "  - {id: 1, key: a, name: A, color: red}\n",
	       "preg.yaml:3:37: a colour is written \"#rrggbb\"");
	refuse(HEAD "  - {id: 1, key: a, name: A, color: \"#12345\"}\n",
	       "preg.yaml:3:37: a colour is written \"#rrggbb\"");
	refuse(HEAD "  - {id: 1, key: a, name: A, color: \"#1234567\"}\n",
	       "preg.yaml:3:37: a colour is written \"#rrggbb\"");
	refuse(HEAD "  - {id: 1, key: a, name: A, color: \"#12345g\"}\n",
	       "preg.yaml:3:37: a colour is written \"#rrggbb\"");
	refuse(HEAD "  - {id: 1, key: a, name: A, color: \"123456\"}\n",
	       "preg.yaml:3:37: a colour is written \"#rrggbb\"");
	/* stale_after */
	refuse(HEAD "  - {id: 1, key: a, name: A, stale_after: 14}\n",
	       "preg.yaml:3:43: stale_after is Nd or Nw (days or weeks)");
	refuse(HEAD "  - {id: 1, key: a, name: A, stale_after: 2m}\n",
	       "preg.yaml:3:43: stale_after is Nd or Nw (days or weeks)");
	refuse(HEAD "  - {id: 1, key: a, name: A, stale_after: -1d}\n",
	       "preg.yaml:3:43: stale_after is Nd or Nw (days or weeks)");
	refuse(HEAD "  - {id: 1, key: a, name: A, stale_after: d}\n",
	       "preg.yaml:3:43: stale_after is Nd or Nw (days or weeks)");
	refuse(HEAD "  - {id: 1, key: a, name: A, stale_after: 14 d}\n",
	       "preg.yaml:3:43: stale_after is Nd or Nw (days or weeks)");
	refuse(HEAD "  - {id: 1, key: a, name: A, stale_after: 99999d}\n",
	       "preg.yaml:3:43: stale_after is Nd or Nw (days or weeks)");
	/* booleans */
	refuse(HEAD "  - {id: 1, key: a, name: A, reversible: yes}\n",
	       "preg.yaml:3:42: expected true or false");
	refuse(HEAD "  - {id: 1, key: a, name: A, ending: 1}\n", "preg.yaml:3:38: expected true or false");
	/* unknown settings */
	refuse(HEAD "  - {id: 1, key: a, name: A}\nother: 1\n", "preg.yaml:4:1: unknown setting 'other'");
	refuse(HEAD "  - {id: 1, key: a, name: A, colour: \"#123456\"}\n",
	       "preg.yaml:3:30: unknown phase setting 'colour'");
	/* requires */
	refuse(HEAD "  - {id: 1, key: a, name: A, requires: [phone]}\n",
	       "preg.yaml:3:41: requires takes next_contact, next_action, remarks, tags, fields, contacts or fields.NAME");
	refuse(HEAD "  - {id: 1, key: a, name: A, requires: [contacts, \"fields.\"]}\n",
	       "preg.yaml:3:51: requires takes next_contact, next_action, remarks, tags, fields, contacts or fields.NAME");
	refuse(HEAD "  - {id: 1, key: a, name: A, requires: [[contacts]]}\n",
	       "preg.yaml:3:41: requires takes next_contact, next_action, remarks, tags, fields, contacts or fields.NAME");
	refuse(HEAD "  - {id: 1, key: a, name: A, requires: contacts}\n",
	       "preg.yaml:3:40: requires is a list: [contacts, fields.direction]");
	/* managers */
	refuse(HEAD "  - {id: 1, key: a, name: A}\nmanagers: x\n",
	       "preg.yaml:4:11: managers is a mapping: handle: {name: ..., email: ...}");
	refuse(HEAD "  - {id: 1, key: a, name: A}\nmanagers:\n  Ivan: {}\n",
	       "preg.yaml:5:3: a manager handle is [a-z0-9][a-z0-9._-]*");
	refuse(HEAD "  - {id: 1, key: a, name: A}\nmanagers:\n  ivan: {name: I, phone: 1}\n",
	       "preg.yaml:5:19: unknown manager setting 'phone'");
	refuse(HEAD "  - {id: 1, key: a, name: A}\nmanagers:\n  ivan: x\n",
	       "preg.yaml:5:9: expected {name: ..., email: ...}");
	refuse(HEAD "  - {id: 1, key: a, name: A}\nmanagers:\n  ivan: {name: [x]}\n",
	       "preg.yaml:5:16: expected text");
	refuse(HEAD "  - {id: 1, key: a, name: A}\nmanagers:\n  ivan: {}\n  ivan: {}\n",
	       "preg.yaml:6:3: duplicate key 'ivan'");
	/* YAML input rules apply */
	refuse(HEAD "  - &p {id: 1, key: a, name: A}\n", "preg.yaml:3:5: anchor '&p' not allowed");
}

/* ---- finding ---- */

static void test_find(void **state)
{
	struct phases *p = template("freight");
	const struct phase *ph;

	(void)state;
	assert_int_equal(phases_find(p, "1")->id, 1);
	assert_int_equal(phases_find(p, "7")->id, 7);
	assert_int_equal(phases_find(p, "12")->id, 12);
	assert_int_equal(phases_find(p, "contract")->id, 7);
	assert_int_equal(phases_find(p, "first-order")->id, 8);
	assert_int_equal(phases_find(p, "next-request")->id, 10);
	assert_int_equal(phases_find(p, "analysis")->id, 12);
	assert_ptr_equal(phases_find(p, "research"), phases_get(p, 1));

	static const char *const unknown[] = { "0", "13", "99999", "Contract", "contract ", "",
					       "-1", "4-7", "x", "1.0", " 1" };
	for (size_t i = 0; i < sizeof(unknown) / sizeof(*unknown); i++) {
		char msg[128];

		preg_error_clear();
		ph = phases_find(p, unknown[i]);
		if (ph)
			fail_msg("'%s' found phase %d", unknown[i], ph->id);
		snprintf(msg, sizeof(msg), "unknown phase '%s' (see 'preg phase list')", unknown[i]);
		assert_string_equal(preg_error_msg(), msg);
		assert_int_equal(preg_error_code(), PREG_ENOTFOUND);
	}

	assert_null(phases_get(p, 0));
	assert_null(phases_get(p, 13));
	assert_null(phases_get(p, -1));
	phases_free(p);
}

static void range_is(const struct phases *p, const char *spec, int lo, int hi)
{
	int l = -1, h = -1;

	preg_error_clear();
	if (phases_range(p, spec, &l, &h))
		fail_msg("'%s' refused: %s", spec, preg_error_msg());
	if (l != lo || h != hi)
		fail_msg("'%s' gives %d-%d, want %d-%d", spec, l, h, lo, hi);
}

static void test_range(void **state)
{
	struct phases *p = template("freight");
	int lo = -1, hi = -1;

	(void)state;
	range_is(p, "4-7", 4, 7);
	range_is(p, "request-contract", 4, 7);
	range_is(p, "first-order-ended", 8, 11);
	range_is(p, "decision-maker-first-order", 2, 8);
	range_is(p, "next-request-analysis", 10, 12);
	range_is(p, "1-first-order", 1, 8);
	range_is(p, "first-order-12", 8, 12);
	range_is(p, "1-12", 1, 12);
	range_is(p, "3-3", 3, 3);
	range_is(p, "7", 7, 7);
	range_is(p, "contract", 7, 7);
	/* A key with a dash is the phase, not a range. */
	range_is(p, "first-order", 8, 8);
	range_is(p, "next-request", 10, 10);
	range_is(p, "decision-maker", 2, 2);

	assert_error(phases_range(p, "7-4", &lo, &hi), PREG_EINVAL, "empty phase range '7-4'");
	assert_error(phases_range(p, "contract-request", &lo, &hi), PREG_EINVAL,
		     "empty phase range 'contract-request'");
	assert_error(phases_range(p, "ended-first-order", &lo, &hi), PREG_EINVAL,
		     "empty phase range 'ended-first-order'");
	assert_int_equal(lo, -1);
	assert_int_equal(hi, -1);
	assert_error(phases_range(p, "4-x", &lo, &hi), PREG_EINVAL,
		     "unknown phase or range '4-x' (see 'preg phase list')");
	assert_error(phases_range(p, "x", &lo, &hi), PREG_EINVAL,
		     "unknown phase or range 'x' (see 'preg phase list')");
	assert_error(phases_range(p, "0-4", &lo, &hi), PREG_EINVAL,
		     "unknown phase or range '0-4' (see 'preg phase list')");
	assert_error(phases_range(p, "4-13", &lo, &hi), PREG_EINVAL,
		     "unknown phase or range '4-13' (see 'preg phase list')");
	assert_error(phases_range(p, "4-", &lo, &hi), PREG_EINVAL,
		     "unknown phase or range '4-' (see 'preg phase list')");
	assert_error(phases_range(p, "-4", &lo, &hi), PREG_EINVAL,
		     "unknown phase or range '-4' (see 'preg phase list')");
	assert_error(phases_range(p, "4--7", &lo, &hi), PREG_EINVAL,
		     "unknown phase or range '4--7' (see 'preg phase list')");
	assert_error(phases_range(p, "", &lo, &hi), PREG_EINVAL,
		     "unknown phase or range '' (see 'preg phase list')");
	assert_error(phases_range(p, "first-ended", &lo, &hi), PREG_EINVAL,
		     "unknown phase or range 'first-ended' (see 'preg phase list')");
	assert_int_equal(lo, -1);
	assert_int_equal(hi, -1);
	phases_free(p);
}

/* ---- managers and handles ---- */

static void test_managers(void **state)
{
	struct phases *p;

	(void)state;
	p = load(HEAD "  - {id: 1, key: a, name: A}\n"
		 "managers:\n"
		 "  ivanov: {name: Ivan Ivanov, email: ivanov@example.com}\n"
		 "  petrov:\n"
		 "  s.smirnov_2-x: {name: \"Сергей Смирнов\"}\n");
	assert_int_equal(p->nmanagers, 3);
	assert_string_equal(p->managers[0].handle, "ivanov");
	assert_string_equal(p->managers[0].name, "Ivan Ivanov");
	assert_string_equal(p->managers[0].email, "ivanov@example.com");
	assert_string_equal(p->managers[1].handle, "petrov");
	assert_null(p->managers[1].name);
	assert_null(p->managers[1].email);
	assert_string_equal(p->managers[2].name, "Сергей Смирнов");
	assert_null(p->managers[2].email);

	assert_int_equal(phases_check_manager(p, "ivanov"), 0);
	assert_int_equal(phases_check_manager(p, "petrov"), 0);
	assert_int_equal(phases_check_manager(p, "s.smirnov_2-x"), 0);
	assert_error(phases_check_manager(p, "sidorov"), PREG_EINVAL,
		     "unknown manager 'sidorov' (preg.yaml lists ivanov (Ivan Ivanov), petrov, s.smirnov_2-x (Сергей Смирнов))");
	{
		const char *h = NULL;

		/* The handle, or the display name in any case, ё as е. */
		assert_int_equal(phases_resolve_manager(p, "petrov", &h), 0);
		assert_string_equal(h, "petrov");
		assert_int_equal(phases_resolve_manager(p, "IVANOV", &h), 0);
		assert_string_equal(h, "ivanov");
		assert_int_equal(phases_resolve_manager(p, "ivan  ivanov", &h), 0);
		assert_string_equal(h, "ivanov");
		assert_int_equal(phases_resolve_manager(p, "СЕРГЕЙ смирнов", &h), 0);
		assert_string_equal(h, "s.smirnov_2-x");
		assert_error(phases_resolve_manager(p, "Сергей", &h), PREG_EINVAL,
			     "unknown manager 'Сергей' (preg.yaml lists ivanov (Ivan Ivanov), petrov, s.smirnov_2-x (Сергей Смирнов))");
		/* A name import makes a listed handle of: that manager. */
		assert_int_equal(phases_resolve_manager(p, "Петров", &h), 0);
		assert_string_equal(h, "petrov");
		assert_int_equal(phases_resolve_manager(p, "Иванов", &h), 0);
		assert_string_equal(h, "ivanov");
		assert_error(phases_resolve_manager(p, "Сидоров", &h), PREG_EINVAL,
			     "unknown manager 'Сидоров' (preg.yaml lists ivanov (Ivan Ivanov), petrov, s.smirnov_2-x (Сергей Смирнов))");
	}
	assert_error(phases_check_manager(p, "Ivanov"), PREG_EINVAL,
		     "invalid manager 'Ivanov' (a handle is lowercase letters, digits, '.', '_', '-')");
	phases_free(p);

	/* No list: any valid handle; a reader's name as import makes it a
	 * handle, a writer's refused. */
	p = load(HEAD "  - {id: 1, key: a, name: A}\nmanagers:\n");
	assert_int_equal(p->nmanagers, 0);
	{
		const char *h = NULL, *h2 = NULL;

		assert_string_equal(phases_name_handle(p, "anyone"), "anyone");
		h = phases_name_handle(p, "Иванов");
		assert_string_equal(h, "ivanov");
		/* Lent by p: the first stays while a second is made. */
		h2 = phases_name_handle(p, "Сидоров");
		assert_string_equal(h2, "sidorov");
		assert_string_equal(h, "ivanov");
		assert_null(phases_name_handle(p, "«»"));
		assert_null(phases_name_handle(p, ""));
		assert_error(phases_resolve_manager(p, "Иванов", &h), PREG_EINVAL,
			     "invalid manager 'Иванов' (a handle is lowercase letters, digits, '.', '_', '-')");
	}
	assert_int_equal(phases_check_manager(p, "anyone"), 0);
	assert_int_equal(phases_check_manager(p, "0"), 0);
	assert_error(phases_check_manager(p, ""), PREG_EINVAL,
		     "invalid manager '' (a handle is lowercase letters, digits, '.', '_', '-')");
	assert_error(phases_check_manager(p, "a b"), PREG_EINVAL,
		     "invalid manager 'a b' (a handle is lowercase letters, digits, '.', '_', '-')");
	assert_error(phases_check_manager(p, ".x"), PREG_EINVAL,
		     "invalid manager '.x' (a handle is lowercase letters, digits, '.', '_', '-')");
	phases_free(p);
}

static void test_handle_valid(void **state)
{
	char h[64];

	(void)state;
	assert_true(handle_valid("ivanov"));
	assert_true(handle_valid("i"));
	assert_true(handle_valid("0"));
	assert_true(handle_valid("i.ivanov"));
	assert_true(handle_valid("i_ivanov"));
	assert_true(handle_valid("i-ivanov"));
	assert_true(handle_valid("a."));
	assert_false(handle_valid(""));
	assert_false(handle_valid("Ivanov"));
	assert_false(handle_valid(".ivanov"));
	assert_false(handle_valid("-ivanov"));
	assert_false(handle_valid("_ivanov"));
	assert_false(handle_valid("a b"));
	assert_false(handle_valid("a/b"));
	assert_false(handle_valid("a@b"));
	assert_false(handle_valid("иван"));
	assert_false(handle_valid("a\n"));
	memset(h, 'a', 48);
	h[48] = '\0';
	assert_true(handle_valid(h));
	h[48] = 'a';
	h[49] = '\0';
	assert_false(handle_valid(h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_freight),
		cmocka_unit_test(test_other_templates),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_managers),
		cmocka_unit_test(test_handle_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
