/* test_team: managers' roles, away and stand-ins in preg.yaml, the
 * routing of reminders, and one message per recipient. */
#include "unit.h"
#include "buf.h"
#include "mail.h"
#include "record.h"
#include "register.h"
#include "remind.h"
#include "team.h"

#define HEAD "version: 1\nphases:\n  - id: 1\n    key: research\n    name: research\n    stale_after: 14d\n"
#define TEAM HEAD "managers:\n" \
	"  ivanov: {name: Иван Иванов, email: ivanov@example.com}\n" \
	"  petrov: {name: Пётр Петров, email: petrov@example.com, role: head}\n" \
	"  sidorov: {name: Сидор Сидоров}\n"

static struct phases *load(const char *text)
{
	struct phases *p = NULL;

	if (phases_load(&p, text, strlen(text), "preg.yaml"))
		fail_msg("phases_load: %s", preg_error_msg());
	return p;
}

static void test_load(void **state)
{
	struct phases *p;
	const struct manager *m;

	(void)state;
	p = load(HEAD "managers:\n  ivanov: {name: I, away: {until: 2026-12-20, standin: petrov}}\n"
		      "  petrov: {role: head}\nmail: {from: register@example.com}\n");
	m = phases_manager(p, "ivanov");
	assert_non_null(m);
	assert_string_equal(m->standin, "petrov");
	assert_int_equal(m->away_until, unit_day("2026-12-20"));
	assert_false(m->head);
	m = phases_manager(p, "petrov");
	assert_true(m->head);
	assert_null(m->standin);
	assert_int_equal(m->away_until, INT32_MIN);
	assert_string_equal(p->mail_from, "register@example.com");
	assert_null(phases_manager(p, "nobody"));
	phases_free(p);
}

static void refuse(const char *text, const char *msg)
{
	struct phases *p = (struct phases *)1;

	assert_error(phases_load(&p, text, strlen(text), "preg.yaml"), PREG_EINVAL, msg);
	assert_null(p);
}

static void test_load_refused(void **state)
{
	(void)state;
	refuse(HEAD "managers:\n  ivanov: {role: boss}\n", "preg.yaml:8:18: a role is head or manager");
	refuse(HEAD "managers:\n  ivanov: {away: {until: 2026-12-20}}\n",
	       "preg.yaml:8:18: expected away: {until: YYYY-MM-DD, standin: HANDLE}");
	refuse(HEAD "managers:\n  ivanov: {away: {until: 20.12.2026, standin: petrov}}\n  petrov: {}\n",
	       "preg.yaml:8:26: expected a date YYYY-MM-DD");
	refuse(HEAD "managers:\n  ivanov: {away: {until: 2026-12-20, standin: petrov}}\n",
	       "preg.yaml:8:3: manager 'ivanov' has stand-in 'petrov', who is not in managers");
	refuse(HEAD "managers:\n  ivanov: {away: {until: 2026-12-20, standin: ivanov}}\n",
	       "preg.yaml:8:3: manager 'ivanov' has stand-in 'ivanov', themselves");
	refuse(HEAD "mail: {from: not an address}\n", "preg.yaml:7:14: mail.from is an address, local@domain");
	refuse(HEAD "mail: {to: x@y}\n", "preg.yaml:7:7: expected mail: {from: ADDRESS}");
}

static void test_recipient(void **state)
{
	struct phases *p;

	(void)state;
	p = load(HEAD "managers:\n"
		      "  ivanov: {away: {until: 2026-12-20, standin: petrov}}\n"
		      "  petrov: {away: {until: 2026-12-10, standin: sidorov}}\n"
		      "  sidorov: {away: {until: 2026-12-31, standin: ivanov}}\n");
	/* petrov is away too until the 10th: ivanov's go on to sidorov,
	 * who is away as well, but back to ivanov would be a circle. */
	assert_string_equal(team_recipient(p, "ivanov", unit_day("2026-12-07")), "sidorov");
	assert_string_equal(team_recipient(p, "ivanov", unit_day("2026-12-11")), "petrov");
	assert_string_equal(team_recipient(p, "ivanov", unit_day("2026-12-20")), "petrov");
	assert_string_equal(team_recipient(p, "ivanov", unit_day("2026-12-21")), "ivanov");
	assert_string_equal(team_recipient(p, "unlisted", unit_day("2026-12-07")), "unlisted");
	phases_free(p);
}

static void test_settings_away(void **state)
{
	char *out = NULL, *back = NULL;
	struct phases *p;
	int32_t today = unit_day("2026-12-07");

	(void)state;
	assert_int_equal(team_settings_away(&out, TEAM, strlen(TEAM), "ivanov", "petrov", unit_day("2026-12-20"),
					    today),
			 0);
	assert_string_equal(out, HEAD "managers:\n"
				      "  ivanov:\n    name: Иван Иванов\n    email: ivanov@example.com\n"
				      "    away:\n      until: 2026-12-20\n      standin: petrov\n"
				      "  petrov:\n    name: Пётр Петров\n    email: petrov@example.com\n    role: head\n"
				      "  sidorov:\n    name: Сидор Сидоров\n");
	p = load(out);
	assert_string_equal(phases_manager(p, "ivanov")->standin, "petrov");
	phases_free(p);
	/* Back: the away entry goes, the rest stays. */
	assert_int_equal(team_settings_away(&back, out, strlen(out), "ivanov", NULL, 0, today), 0);
	assert_string_equal(back, HEAD "managers:\n"
				       "  ivanov:\n    name: Иван Иванов\n    email: ivanov@example.com\n"
				       "  petrov:\n    name: Пётр Петров\n    email: petrov@example.com\n    role: head\n"
				       "  sidorov:\n    name: Сидор Сидоров\n");
	free(out);
	free(back);
	/* The last day may be today. */
	assert_int_equal(team_settings_away(&out, TEAM, strlen(TEAM), "ivanov", "sidorov", today, today), 0);
	free(out);
}

static void test_settings_refused(void **state)
{
	char *out = (char *)1;
	int32_t today = unit_day("2026-12-07"), until = unit_day("2026-12-20");

	(void)state;
	assert_error(team_settings_away(&out, TEAM, strlen(TEAM), "kuznetsov", "petrov", until, today), PREG_EINVAL,
		     "unknown manager 'kuznetsov' (preg.yaml lists the managers)");
	assert_null(out);
	assert_error(team_settings_away(&out, TEAM, strlen(TEAM), "ivanov", "kuznetsov", until, today), PREG_EINVAL,
		     "unknown manager 'kuznetsov' (preg.yaml lists the managers)");
	assert_error(team_settings_away(&out, TEAM, strlen(TEAM), "ivanov", "ivanov", until, today), PREG_EINVAL,
		     "manager 'ivanov' cannot stand in for themselves");
	assert_error(team_settings_away(&out, TEAM, strlen(TEAM), "ivanov", "petrov", today - 1, today),
		     PREG_EINVAL, "date 2026-12-06 is in the past");
	assert_error(team_settings_away(&out, TEAM, strlen(TEAM), "ivanov", NULL, 0, today), PREG_EINVAL,
		     "manager 'ivanov' is not away");
	assert_error(team_settings_away(&out, TEAM "# the team\n", strlen(TEAM) + 11, "ivanov", "petrov", until,
					today),
		     PREG_EINVAL, "preg.yaml has a comment (line 11) that rewriting it would lose: move it out, "
				  "then try again");
	assert_null(out);
}

/* A client of manager m in phase 1 since 2026-10-01, due on next. */
static struct record *rec(const char *id, const char *name, const char *m, const char *next)
{
	struct record *r = NULL;
	char text[2048];

	snprintf(text, sizeof(text),
		 "id: %s\nname: %s\nmanager: %s\nphase: 1\nphase_since: 2026-12-01T09:00:00+03:00\n"
		 "next_contact: %s\nnext_action: позвонить\ncreated: 2026-12-01T09:00:00+03:00\n"
		 "history:\n  - {at: 2026-12-01T09:00:00+03:00, by: %s, phase: 1, manager: %s}\n",
		 id, name, m, next, m, m);
	if (record_parse(&r, text, strlen(text), "x.yaml", NULL))
		fail_msg("record_parse: %s", preg_error_msg());
	return r;
}

static void test_route_and_mail(void **state)
{
	static const char *const clients[][3] = {
		{ "romashka", "ООО «Ромашка»", "ivanov" },
		{ "vasilek", "ООО «Василёк»", "petrov" },
		{ "lyutik", "АО «Лютик»", "sidorov" },
	};
	struct phases *p = load(HEAD "managers:\n"
				     "  ivanov: {name: Иван Иванов, email: ivanov@example.com, "
				     "away: {until: 2026-12-20, standin: petrov}}\n"
				     "  petrov: {name: Пётр Петров, email: petrov@example.com}\n"
				     "  sidorov: {name: Сидор Сидоров}\n");
	struct remind_list l = { 0 };
	struct remind_opts o = { .day = unit_day("2026-12-07"), .within = -1 };
	struct buf text = BUF_INIT;
	struct mail_out *v = NULL;
	struct ptime now;
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct record *r = rec(clients[i][0], clients[i][1], clients[i][2], "2026-12-05");

		remind_add(&l, r, p, &o);
		record_free(r);
	}
	remind_route(&l, p, o.day);
	remind_sort(&l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].id, "vasilek");
	assert_null(l.v[0].to);
	assert_string_equal(l.v[1].id, "romashka");
	assert_string_equal(l.v[1].to, "petrov");
	assert_string_equal(l.v[1].manager, "ivanov");
	assert_string_equal(l.v[2].id, "lyutik");
	remind_text(&text, &l, p);
	assert_string_equal(buf_str(&text),
			    "petrov: Пётр Петров <petrov@example.com>\n"
			    /* ids padded to the widest of the mail (romashka) */
			    "  overdue   2026-12-05  2 days ago    vasilek   ООО «Василёк»: позвонить\n"
			    "  for ivanov (away until 2026-12-20):\n"
			    "  overdue   2026-12-05  2 days ago    romashka  ООО «Ромашка»: позвонить\n"
			    "\nsidorov: Сидор Сидоров\n"
			    "  overdue   2026-12-05  2 days ago    lyutik  АО «Лютик»: позвонить\n");
	assert_int_equal(ptime_parse(&now, "2026-12-07T08:00:00+03:00"), 0);
	mail_reminders(&v, &n, &l, p, o.day, now, "host.example", "1.0");
	assert_int_equal(n, 2);
	assert_string_equal(v[0].to, "petrov");
	assert_string_equal(v[0].addr, "petrov@example.com");
	assert_int_equal(v[0].items, 2);
	assert_non_null(strstr(buf_str(&v[0].msg), "From: preg <preg@host.example>\n"));
	assert_non_null(strstr(buf_str(&v[0].msg), "\nMessage-ID: <preg.1796619600."));
	/* sidorov has no address: no message, for the caller to warn about. */
	assert_string_equal(v[1].to, "sidorov");
	assert_null(v[1].addr);
	assert_int_equal(v[1].items, 1);
	assert_int_equal(v[1].msg.len, 0);
	mail_outs_free(v, n);
	buf_release(&text);
	remind_list_release(&l);
	phases_free(p);
}

static int put_settings(struct txn *t, void *arg)
{
	txn_put_file(t, "preg.yaml", arg, strlen(arg));
	txn_message(t, "settings: the team", "settings", NULL);
	return 0;
}

/* The write: one commit of preg.yaml, by the acting user, that the
 * register then reads; nothing written when refused. */
static void test_away_commit(void **state)
{
	char dir[PATH_MAX + 8];
	struct reg *r = NULL;
	struct buf on_disk = BUF_INIT;
	git_repository *repo;
	git_commit *c;
	git_oid head;
	int32_t today = unit_day("2026-12-07");

	(void)state;
	assert_int_equal(unit_home_setup("team"), 0);
	setenv("PREG_NOW", "2026-12-07T09:00:00+03:00", 1);
	setenv("PREG_USER", "petrov", 1);
	snprintf(dir, sizeof(dir), "%s/reg", unit_root());
	assert_int_equal(reg_init(dir, "freight"), 0);
	assert_int_equal(reg_open(&r, dir), 0);
	assert_int_equal(reg_write(r, 0, put_settings, (void *)(TEAM)), 0);
	assert_int_equal(team_away(r, "ivanov", "petrov", unit_day("2026-12-20"), today), 0);
	assert_error(team_away(r, "ivanov", "ivanov", unit_day("2026-12-20"), today), PREG_EINVAL,
		     "manager 'ivanov' cannot stand in for themselves");
	reg_free(r);
	r = NULL;
	assert_int_equal(reg_open(&r, dir), 0);
	assert_string_equal(phases_manager(reg_phases(r), "ivanov")->standin, "petrov");
	/* libgit2 straight, as a witness beside the register. */
	assert_int_equal(git_repository_open(&repo, dir), 0);
	assert_int_equal(git_reference_name_to_id(&head, repo, reg_refname(r)), 0);
	assert_int_equal(git_commit_lookup(&c, repo, &head), 0);
	assert_non_null(strstr(git_commit_message(c), "manager: ivanov away until 2026-12-20, petrov stands in\n\n"));
	assert_non_null(strstr(git_commit_message(c), "Preg-Action: manager\n"));
	assert_non_null(strstr(git_commit_message(c), "Preg-User: petrov\n"));
	git_commit_free(c);
	git_repository_free(repo);
	/* The work tree has it too. */
	snprintf(dir + strlen(dir), 12, "/preg.yaml");
	assert_int_equal(buf_read_file(&on_disk, dir, 1 << 20, NULL), 0);
	assert_non_null(strstr(buf_str(&on_disk), "standin: petrov"));
	buf_release(&on_disk);
	assert_int_equal(team_away(r, "ivanov", NULL, 0, today), 0);
	reg_free(r);
	unit_home_teardown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_refused),
		cmocka_unit_test(test_recipient),
		cmocka_unit_test(test_settings_away),
		cmocka_unit_test(test_settings_refused),
		cmocka_unit_test(test_route_and_mail),
		cmocka_unit_test(test_away_commit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
