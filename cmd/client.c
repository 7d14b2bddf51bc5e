/* client: add, show, list, change and remove clients (preg client). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "name.h"
#include "ops.h"
#include "ptime.h"
#include "status.h"
#include "xalloc.h"

static int client_add(int argc, char **argv, struct ctx *ctx);
static int client_show(int argc, char **argv, struct ctx *ctx);
static int client_list(int argc, char **argv, struct ctx *ctx);
static int client_set(int argc, char **argv, struct ctx *ctx);
static int client_edit(int argc, char **argv, struct ctx *ctx);
static int client_rm(int argc, char **argv, struct ctx *ctx);
static int client_hold(int argc, char **argv, struct ctx *ctx);
static int client_unhold(int argc, char **argv, struct ctx *ctx);
static int client_reassign(int argc, char **argv, struct ctx *ctx);

static const struct opt add_opts[] = {
	OPERAND("NAME", VAL_NAME, 0, NULL),
	OPT_VALUE('i', "id", VAL_TEXT, "ID", 0, "the id; default: derived from NAME"),
	OPT_VALUE('M', "manager", VAL_MANAGER, "M", 0, "who manages the client; default: you"),
	OPT_VALUE('p', "phase", VAL_PHASE, "P", 0, "the starting phase (number or key); default: 1"),
	OPT_CHOICE('k', "kind", VAL_CHOICE, "K", "external|internal", 0, "external (default) or internal"),
	OPT_VALUE('t', "tag", VAL_TAG, "T", OPT_REPEAT, "a tag; repeat for more"),
	OPT_VALUE('F', "field", VAL_FIELD, "K=V", OPT_REPEAT, "a free field (direction, cargo...); repeat for more"),
	OPT_VALUE('c', "contact", VAL_TEXT, "'NAME <EMAIL>; ROLE; PHONE'", OPT_REPEAT,
		  "a contact person; repeat for more"),
	OPT_VALUE('n', "next", VAL_DATE, "DATE", 0, "when to contact the client (tomorrow, +3d, fri, 25.11.2026...)"),
	OPT_VALUE('a', "action", VAL_TEXT, "TEXT", 0, "what to do then"),
	OPT_VALUE('r', "remarks", VAL_TEXT, "TEXT", 0, "free text about the client"),
	OPT_FLAG('D', "allow-duplicate", 0,
		 "add it even when a client has the same name, e-mail, phone or INN (as preg check finds them)"),
	OPT_END,
};

static const struct opt show_opts[] = {
	OPERAND("ID", VAL_CLIENT, 0, NULL),
	OPT_CHOICE('f', "format", VAL_FORMAT, "F", "text|yaml|json", OPT_SHORT,
		   "text (default), yaml (the record as stored) or json"),
	OPT_END,
};

static const struct opt list_opts[] = {
	FILTER_OPTS,
	OPT_FLAG('w', "wide", 0, "the table as wide as its cells (default on a terminal: it fits the width)"),
	OPT_CHOICE('S', "sort", VAL_CHOICE, "KEY", "name|id|phase|manager|next_contact|since", 0,
		   "the order of the rows: name (the table's default: the legal form left out), id (the "
		   "default of the other formats), phase, manager, next_contact or since"),
	OPT_CHOICE('f', "format", VAL_FORMAT, "F", "table|tsv|csv|json|id", OPT_SHORT,
		   "table (default on a terminal), tsv (default otherwise), csv, json, or id (the ids alone, "
		   "one per line)"),
	OPT_END,
};

static const struct opt set_opts[] = {
	OPERAND("ID", VAL_CLIENT, 0, NULL),
	/* The keys as choices, for the completions; fields.NAME for each
	 * field the register uses (--list-values group). */
	{ 0, "KEY=VALUE", VAL_SETTING, NULL, "name=|kind=|manager=|next_contact=|next_action=|tags=|remarks=|fields.",
	  OPT_REPEAT,
		"KEY is name, kind, manager, next_contact, next_action, tags (comma separated), remarks or "
		"fields.NAME; an empty VALUE clears" },
	OPT_FLAG('f', "force", OPT_SHORT, "rewrite a record that holds comments"),
	OPT_END,
};

static const struct opt edit_opts[] = {
	OPERAND("ID", VAL_CLIENT, 0, NULL),
	OPT_FLAG('f', "force", OPT_SHORT, "edit a record that holds comments (they are dropped)"),
	OPT_END,
};

/* rm: the client alone. */
static const struct opt id_only[] = {
	OPERAND("ID", VAL_CLIENT, 0, NULL),
	OPT_END,
};

static const struct opt hold_opts[] = {
	OPERAND("ID", VAL_CLIENT, 0, NULL),
	OPT_VALUE('u', "until", VAL_DATE, "DATE", OPT_REQUIRED, "no stale reminders before DATE (+2w, 25.11.2026...; after today)"),
	OPT_VALUE('r', "reason", VAL_TEXT, "TEXT", OPT_REQUIRED, "why the client waits: one line"),
	OPT_VALUE('A', "at", VAL_TIME, "TIME", 0, AT_HELP),
	OPT_END,
};

static const struct opt unhold_opts[] = {
	OPERAND("ID", VAL_CLIENT, 0, NULL),
	OPT_VALUE('A', "at", VAL_TIME, "TIME", 0, AT_HELP),
	OPT_END,
};

static const struct opt reassign_opts[] = {
	OPT_VALUE('F', "from", VAL_MANAGER, "M", OPT_REQUIRED, "the manager who hands over"),
	OPT_VALUE('T', "to", VAL_MANAGER, "N", OPT_REQUIRED, "the manager who takes over"),
	OPERAND("ID", VAL_CLIENT, OPT_OPTIONAL | OPT_REPEAT,
		"only these clients (each must be M's); default: all of M's clients that have not ended"),
	OPT_VALUE('A', "at", VAL_TIME, "TIME", 0, AT_HELP),
	OPT_FLAG('n', "dry-run", OPT_SHORT, "say what would move, change nothing"),
	OPT_END,
};

const struct cmd client_cmds[] = {
	{ .name = "add", .fn = client_add, .flags = NEED_REGISTER | WRITES,
	  .summary = "add a client and print its id", .opts = add_opts },
	{ .name = "show", .fn = client_show, .flags = NEED_REGISTER,
	  .summary = "show one client, with days in phase and what is due", .opts = show_opts },
	{ .name = "list", .fn = client_list, .flags = NEED_REGISTER, .summary = "list clients, one per line",
	  .opts = list_opts },
	{ .name = "set", .fn = client_set, .flags = NEED_REGISTER | WRITES, .summary = "change fields of a client",
	  .opts = set_opts },
	{ .name = "edit", .fn = client_edit, .flags = NEED_REGISTER | WRITES,
	  .summary = "edit a client in $VISUAL or $EDITOR", .opts = edit_opts },
	{ .name = "rm", .fn = client_rm, .flags = NEED_REGISTER | WRITES,
	  .summary = "remove a client (its history stays in git)", .opts = id_only },
	{ .name = "hold", .fn = client_hold, .flags = NEED_REGISTER | WRITES,
	  .summary = "snooze stale reminders of a client until a day", .opts = hold_opts },
	{ .name = "unhold", .fn = client_unhold, .flags = NEED_REGISTER | WRITES,
	  .summary = "lift the hold of a client", .opts = unhold_opts },
	{ .name = "reassign", .fn = client_reassign, .flags = NEED_REGISTER | WRITES,
	  .summary = "hand a manager's clients over to another, in one commit", .opts = reassign_opts },
	{ 0 },
};

/* ---- add ---- */

static void push(const char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

static int client_add(int argc, char **argv, struct ctx *ctx)
{
	struct add_opts o;
	const char *arg;
	int c, rc;

	memset(&o, 0, sizeof(o));
	while ((c = opt_next(ctx, &arg)) != -1) {
		switch (c) {
		case 'i': o.id = arg; break;
		case 'M': o.manager = arg; break;
		case 'p': o.phase = arg; break;
		case 'k': o.kind = arg; break;
		case 't': push(&o.tags, &o.ntags, arg); break;
		case 'F': push(&o.fields, &o.nfields, arg); break;
		case 'c': push(&o.contacts, &o.ncontacts, arg); break;
		case 'n': o.next = arg; break;
		case 'a': o.action = arg; break;
		case 'r': o.remarks = arg; break;
		case 'D': o.allow_duplicate = true; break;
		}
	}
	if (argc != 1)
		rc = usage_error(ctx, argc < 1 ? "client add needs a NAME" : "too many arguments (quote a name with spaces)");
	else {
		o.name = argv[0];
		rc = ops_add(ctx->reg, &o) ? fail() : EXIT_OK;
		if (!rc)
			printf("%s\n", o.id_out);
	}
	free(o.tags);
	free(o.fields);
	free(o.contacts);
	return rc;
}

/* ---- show ---- */

static void show_text(struct buf *out, const struct record *r, const struct phases *ph, int32_t day,
		      bool color)
{
	const struct phase *p = phases_get(ph, r->phase);
	struct status st;
	int days;

	status_of(&st, r, NULL, ph, day);
	days = st.days_in_phase;

	fmt_addf(out, "%s  %s\n", r->id, r->name);
	fmt_addf(out, "  kind:         %s\n", r->kind);
	fmt_addf(out, "  manager:      %s\n", r->manager);
	buf_adds(out, "  phase:        ");
	if (color && p)
		fmt_color_on(out, p->color);
	fmt_addf(out, "%d %s", r->phase, p ? p->key : "?");
	if (color && p && p->color)
		fmt_color_off(out);
	fmt_addf(out, " (%s), %d day%s, since %s\n", p ? p->name : "unknown phase", days,
		 days == 1 ? "" : "s", r->phase_since);
	if (status_any(&st)) {
		buf_adds(out, "  status:       ");
		status_words(out, &st);
		buf_addc(out, '\n');
	}
	if (r->next_contact || r->next_action)
		fmt_addf(out, "  next:         %s%s%s\n", r->next_contact ? r->next_contact : "",
			 r->next_contact && r->next_action ? "  " : "", r->next_action ? r->next_action : "");
	if (r->hold_until)
		fmt_addf(out, "  on hold:      until %s%s%s\n", r->hold_until, r->hold_reason ? ": " : "",
			 r->hold_reason ? r->hold_reason : "");
	if (r->end_reason)
		fmt_addf(out, "  end reason:   %s\n", r->end_reason);
	fmt_addf(out, "  created:      %s\n", r->created);
	if (r->ntags) {
		buf_adds(out, "  tags:        ");
		for (size_t i = 0; i < r->ntags; i++)
			fmt_addf(out, " %s", r->tags[i]);
		buf_addc(out, '\n');
	}
	/* Free fields in a block of their own, so that a field named like a
	 * label above cannot pass for it. */
	if (r->fields.n)
		buf_adds(out, "  fields:\n");
	for (size_t i = 0; i < r->fields.n; i++)
		fmt_addf(out, "    %s: %s\n", r->fields.v[i].k, r->fields.v[i].v);
	for (size_t i = 0; i < r->ncontacts; i++) {
		const struct kvlist *c = &r->contacts[i];
		const char *v;

		buf_adds(out, "  contact:     ");
		if ((v = kv_get(c, "name")))
			fmt_addf(out, " %s", v);
		if ((v = kv_get(c, "email")))
			fmt_addf(out, " <%s>", v);
		if ((v = kv_get(c, "role")))
			fmt_addf(out, "; %s", v);
		if ((v = kv_get(c, "phone")))
			fmt_addf(out, "; %s", v);
		buf_addc(out, '\n');
	}
	if (r->remarks) {
		buf_adds(out, "  remarks:\n");
		for (const char *s = r->remarks; *s;) {
			size_t n = strcspn(s, "\n");

			fmt_addf(out, "    %.*s\n", (int)n, s);
			s += n + (s[n] == '\n');
		}
	}
	if (r->nhistory)
		buf_adds(out, "  history:\n");
	for (size_t i = 0; i < r->nhistory; i++) {
		const struct kvlist *e = &r->history[i];
		const char *v;

		fmt_addf(out, "    %s  %s", kv_get(e, "at"), kv_get(e, "by"));
		if ((v = kv_get(e, "phase"))) {
			const struct phase *ep = phases_get(ph, atoi(v));

			fmt_addf(out, "  phase %s %s", v, ep ? ep->key : "?");
		}
		if ((v = kv_get(e, "manager")))
			fmt_addf(out, "  manager %s", v);
		if ((v = kv_get(e, "hold_until")))
			fmt_addf(out, "  hold %s%s", strcmp(v, "none") ? "until " : "lifted",
				 strcmp(v, "none") ? v : "");
		if ((v = kv_get(e, "force")) && !strcmp(v, "true"))
			buf_adds(out, "  (forced)");
		if ((v = kv_get(e, "reopen")) && !strcmp(v, "true"))
			buf_adds(out, "  (reopened)");
		if ((v = kv_get(e, "reason")))
			fmt_addf(out, "  reason: %s", v);
		if ((v = kv_get(e, "note")))
			fmt_addf(out, "  \"%s\"", v);
		buf_addc(out, '\n');
	}
	if (r->nnotes)
		buf_adds(out, "  notes:\n");
	for (size_t i = 0; i < r->nnotes; i++) {
		const struct kvlist *n = &r->notes[i];
		const char *ch = kv_get(n, "channel");

		fmt_addf(out, "    %s  %s%s%s%s  %s\n", kv_get(n, "at"), kv_get(n, "by"), ch ? " (" : "",
			 ch ? ch : "", ch ? ")" : "", kv_get(n, "text"));
	}
}

static int client_show(int argc, char **argv, struct ctx *ctx)
{
	const char *format = "text";
	struct record *r = NULL;
	struct buf out = BUF_INIT;
	const char *arg;
	int32_t day;
	int c;

	while ((c = opt_next(ctx, &arg)) != -1)
		if (c == 'f')
			format = arg;
	if (argc != 1)
		return usage_error(ctx, argc < 1 ? "client show needs an id" : "too many arguments");
	if (today(&day) || reg_read(ctx->reg, argv[0], &r))
		return fail();
	if (!strcmp(format, "yaml"))
		record_write(&out, r);
	else if (!strcmp(format, "json")) {
		struct status st;

		status_of(&st, r, NULL, reg_phases(ctx->reg), day);
		record_json(&out, r, reg_phases(ctx->reg), &st);
		buf_addc(&out, '\n');
	} else
		show_text(&out, r, reg_phases(ctx->reg), day, want_color(ctx));
	flush_out(&out);
	buf_release(&out);
	record_free(r);
	return EXIT_OK;
}

/* ---- list ---- */

struct list_state {
	const struct phases *ph;
	struct filter f;
	int32_t day;
	bool ids;
	int sort; /* SORT_* */
	struct fmt_writer w;
	struct buf out;
	int bad;
};

enum { SORT_ID, SORT_NAME, SORT_PHASE, SORT_MANAGER, SORT_NEXT, SORT_SINCE };

/* The key that client r sorts by (fmt_sort): the value of the sort key,
 * then the name, so that equals go by name. An empty value goes last. */
static char *sort_key(const struct record *r, int sort)
{
	char *name = name_sort_key(r->name ? r->name : r->id), *key;
	const char *v = sort == SORT_MANAGER ? r->manager : sort == SORT_NEXT ? r->next_contact
						    : sort == SORT_SINCE ? r->phase_since : NULL;

	if (sort == SORT_NAME)
		return name;
	if (sort == SORT_ID)
		key = xstrdup(r->id);
	else if (sort == SORT_PHASE)
		key = xasprintf("%06d\001%s", r->phase, name);
	else
		key = xasprintf("%s\001%s", v && *v ? v : "\177", name);
	free(name);
	return key;
}

static int list_cb(void *arg, const char *id, const char *path, struct record *r)
{
	struct list_state *s = arg;
	const struct phase *p;
	struct asof a;
	struct status st;
	struct buf words = BUF_INIT;
	char phase[16], days[16], label[80];
	const char *cells[15];

	(void)path;
	if (!id || (!r && !s->ids))
		return skip_unreadable(&s->bad);
	if (s->ids && !r) {
		buf_addf(&s->out, "%s\n", id);
		goto flush;
	}
	asof_now(&a, r);
	if (!filter_match(&s->f, s->ph, r, &a, s->day))
		return 0;
	if (s->ids) {
		buf_addf(&s->out, "%s\n", id);
		goto flush;
	}
	p = phases_get(s->ph, r->phase);
	status_of(&st, r, &a, s->ph, s->day);
	snprintf(phase, sizeof(phase), "%d", r->phase);
	snprintf(days, sizeof(days), "%d", st.days_in_phase);
	if (s->w.fmt == FMT_TABLE) {
		snprintf(label, sizeof(label), "%d %s", r->phase, p ? p->key : "?");
		status_words(&words, &st);
		cells[0] = r->id;
		cells[1] = r->name;
		cells[2] = r->manager;
		cells[3] = label;
		cells[4] = days;
		cells[5] = buf_str(&words);
		cells[6] = r->next_contact;
		cells[7] = r->next_action;
	} else {
		cells[0] = r->id;
		cells[1] = r->name;
		cells[2] = r->kind;
		cells[3] = r->manager;
		cells[4] = phase;
		cells[5] = p ? p->key : NULL;
		cells[6] = r->phase_since;
		cells[7] = days;
		cells[8] = r->next_contact;
		cells[9] = r->next_action;
		cells[10] = st.stale ? "true" : "false";
		cells[11] = st.due ? "true" : "false";
		cells[12] = st.overdue ? "true" : "false";
		cells[13] = st.on_hold ? "true" : "false";
		cells[14] = st.ended ? "true" : "false";
	}
	if (s->w.sorted) {
		char *key = sort_key(r, s->sort);

		fmt_row_key(&s->w, &s->out, cells, p ? p->color : NULL, key);
		free(key);
	} else
		fmt_row(&s->w, &s->out, cells, p ? p->color : NULL);
	buf_release(&words);
flush:
	if (s->out.len > 65536)
		flush_out(&s->out);
	return 0;
}

static int client_list(int argc, char **argv, struct ctx *ctx)
{
	/* On a terminal: the next action gives way first, then the name
	 * (name_short), then the manager's handle and the phase's key, then
	 * the next contact's date (left out); the id, the days and the status
	 * words are never cut. */
	static const struct fmt_col table_cols[] = {
		{ "id", COL_TEXT }, { "name", COL_WIDE }, { "manager", COL_TEXT }, { "phase", COL_TEXT },
		{ "days", COL_NUMBER }, { "status", COL_TEXT }, { "next_contact", COL_TEXT },
		{ "next_action", COL_WIDE },
	};
	static const enum col_fit table_fits[] = {
		FIT_WHOLE, FIT_NAME, FIT_LABEL, FIT_LABEL, FIT_WHOLE, FIT_WHOLE, FIT_EXTRA, FIT_FREE,
	};
	static const char *const sorts[] = { "id", "name", "phase", "manager", "next_contact", "since" };
	static const struct fmt_col cols[] = {
		{ "id", COL_TEXT }, { "name", COL_TEXT }, { "kind", COL_TEXT }, { "manager", COL_TEXT },
		{ "phase", COL_NUMBER }, { "phase_key", COL_TEXT }, { "phase_since", COL_TEXT },
		{ "days_in_phase", COL_NUMBER }, { "next_contact", COL_TEXT }, { "next_action", COL_TEXT },
		{ "stale", COL_BOOL }, { "due", COL_BOOL }, { "overdue", COL_BOOL }, { "on_hold", COL_BOOL },
		{ "ended", COL_BOOL },
	};
	struct list_state s;
	enum fmt fmt = stdout_tty() ? FMT_TABLE : FMT_TSV;
	const char *arg;
	bool filtered, wide = false;
	int c, rc, sort = -1;

	memset(&s, 0, sizeof(s));
	while ((c = opt_next(ctx, &arg)) != -1) {
		if (filter_opt(&s.f, c, arg))
			continue;
		if (c == 'f')
			s.ids = !strcmp(arg, "id") || fmt_parse(&fmt, arg);
		else if (c == 'w')
			wide = true;
		else if (c == 'S') {
			for (size_t k = 0; k < sizeof(sorts) / sizeof(*sorts); k++)
				if (!strcmp(arg, sorts[k]))
					sort = (int)k;
			if (sort < 0) {
				rc = usage_error(ctx, "unknown sort key '%s' (name, id, phase, manager, next_contact "
						      "or since)", arg);
				goto out;
			}
		}
	}
	if ((rc = filter_args(ctx, argc, argv, &s.f, &s.ph)) >= 0)
		goto out;
	if (today(&s.day)) {
		rc = fail();
		goto out;
	}
	/* Ids alone need no parsing, unless filters look into the records. */
	filtered = filter_any(&s.f);
	if (!s.ids && fmt == FMT_TABLE) {
		fmt_start(&s.w, &s.out, fmt, table_cols, sizeof(table_cols) / sizeof(*table_cols), want_color(ctx), 3);
		fmt_fit(&s.w, table_fit(wide), table_fits);
	} else if (!s.ids)
		fmt_start(&s.w, &s.out, fmt, cols, sizeof(cols) / sizeof(*cols), false, 3);
	/* A table for people goes by name; files by id, unless --sort. */
	s.sort = sort >= 0 ? sort : fmt == FMT_TABLE ? SORT_NAME : SORT_ID;
	if (!s.ids && s.sort != SORT_ID)
		fmt_sort(&s.w);
	rc = s.ids && !filtered ? reg_each(ctx->reg, true, list_cb, &s)
				: reg_each_summary(ctx->reg, list_cb, &s);
	if (!s.ids)
		fmt_end(&s.w, &s.out);
	flush_out(&s.out);
	buf_release(&s.out);
	rc = walk_status(rc, s.bad);
out:
	filter_release(&s.f);
	return rc;
}

/* ---- set ---- */

/* REG_FORCE when --force was given (set, edit); REG_FORCE_OK always:
 * both have --force, which the refusal of a comment may advise. */
static unsigned force_flag(struct ctx *ctx)
{
	const char *arg;
	unsigned flags = REG_FORCE_OK;

	while (opt_next(ctx, &arg) == 'f')
		flags |= REG_FORCE;
	return flags;
}

static int client_set(int argc, char **argv, struct ctx *ctx)
{
	unsigned flags = force_flag(ctx);
	bool changed;

	if (argc < 2)
		return usage_error(ctx, "client set needs an id and at least one KEY=VALUE");
	if (ops_set(ctx->reg, argv[0], argv + 1, (size_t)(argc - 1), flags, &changed))
		return fail();
	return EXIT_OK;
}

/* ---- edit ---- */

static int run_editor(const char *file)
{
	const char *ed = getenv("VISUAL");
	pid_t pid;
	int st;

	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	pid = fork();
	if (pid < 0)
		return preg_error_set(PREG_ERR, "cannot start the editor: %s", strerror(errno));
	if (pid == 0) {
		/* Like git: the editor value is a shell command line, run with
		 * the file as its last argument. */
		char *line = xasprintf("%s \"$@\"", ed);

		execl("/bin/sh", "sh", "-c", line, ed, file, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return preg_error_set(PREG_ERR, "cannot wait for the editor: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return preg_error_set(PREG_ERR, "the editor '%s' failed; nothing changed", ed);
	return 0;
}

/* Ask on the terminal (else on standard input) whether to edit again. */
static bool ask_again(void)
{
	FILE *tty = fopen("/dev/tty", "r");
	char line[16] = "";
	FILE *in = tty ? tty : stdin;
	bool typed = isatty(fileno(in));

	fprintf(stderr, "Edit again? [Y/n] ");
	fflush(stderr);
	if (!fgets(line, sizeof(line), in))
		line[0] = 'n';
	if (!typed)
		fputc('\n', stderr); /* the answer did not echo a line break */
	if (tty)
		fclose(tty);
	return line[0] != 'n' && line[0] != 'N';
}

static bool same_text(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && !memcmp(buf_str(a), buf_str(b), a->len);
}

static int client_edit(int argc, char **argv, struct ctx *ctx)
{
	unsigned flags = force_flag(ctx);
	struct record *r = NULL;
	struct buf base = BUF_INIT, text = BUF_INIT;
	const char *tmpdir = getenv("TMPDIR");
	char *file = NULL;
	bool changed = false, keep = false;
	int fd, rc = EXIT_FAIL;

	if (argc != 1)
		return usage_error(ctx, argc < 1 ? "client edit needs an id" : "too many arguments");
	/* Refuse before the editor opens what a write would refuse after. */
	if (reg_editable(ctx->reg, argv[0], flags) || reg_read(ctx->reg, argv[0], &r))
		return fail();
	record_write(&base, r);
	file = xasprintf("%s/preg-%s-XXXXXX.yaml", tmpdir && *tmpdir ? tmpdir : "/tmp", r->id);
	fd = mkstemps(file, 5);
	if (fd < 0 || write(fd, base.p, base.len) != (ssize_t)base.len) {
		preg_error_set(PREG_EIO, "cannot write %s: %s", file, strerror(errno));
		if (fd >= 0)
			close(fd);
		rc = fail();
		goto out;
	}
	close(fd);
	for (;;) {
		buf_reset(&text);
		if (run_editor(file)) {
			rc = fail();
			/* Keep the text only when it holds something of the user's. */
			keep = !buf_read_file(&text, file, SIZE_MAX, NULL) && !same_text(&text, &base);
			break;
		}
		if (buf_read_file(&text, file, SIZE_MAX, NULL)) {
			rc = fail();
			break;
		}
		keep = !same_text(&text, &base);
		if (!ops_replace(ctx->reg, r->id, base.p, buf_str(&text), text.len, file, flags, &changed)) {
			if (!changed)
				fprintf(stderr, "preg: no changes\n");
			keep = false;
			rc = EXIT_OK;
			break;
		}
		rc = fail();
		if (preg_error_code() != PREG_EINVAL || !ask_again())
			break;
	}
	if (keep)
		fprintf(stderr, "preg: your text is kept in %s\n", file);
	else
		unlink(file);
out:
	buf_release(&text);
	free(file);
	buf_release(&base);
	record_free(r);
	return rc;
}

/* ---- rm ---- */

static int client_rm(int argc, char **argv, struct ctx *ctx)
{
	if (argc != 1)
		return usage_error(ctx, argc < 1 ? "client rm needs an id" : "too many arguments");
	if (ops_remove(ctx->reg, argv[0]))
		return fail();
	return EXIT_OK;
}

/* ---- hold, unhold ---- */

static int client_hold(int argc, char **argv, struct ctx *ctx)
{
	const char *until = NULL, *reason = NULL, *at = NULL, *arg;
	int c;

	while ((c = opt_next(ctx, &arg)) != -1) {
		if (c == 'u')
			until = arg;
		else if (c == 'r')
			reason = arg;
		else if (c == 'A')
			at = arg;
	}
	if (argc != 1)
		return usage_error(ctx, argc < 1 ? "client hold needs an id" : "too many arguments");
	if (!until)
		return usage_error(ctx, "client hold needs --until DATE");
	if (!reason)
		return usage_error(ctx, "client hold needs --reason TEXT");
	if (ops_hold(ctx->reg, argv[0], until, reason, at))
		return fail();
	return EXIT_OK;
}

static int client_unhold(int argc, char **argv, struct ctx *ctx)
{
	const char *at = NULL, *arg;

	while (opt_next(ctx, &arg) == 'A')
		at = arg;
	if (argc != 1)
		return usage_error(ctx, argc < 1 ? "client unhold needs an id" : "too many arguments");
	if (ops_unhold(ctx->reg, argv[0], at))
		return fail();
	return EXIT_OK;
}

/* ---- reassign ---- */

static int client_reassign(int argc, char **argv, struct ctx *ctx)
{
	struct reassign_opts o;
	const struct phases *ph;
	const char *arg;
	int c;

	memset(&o, 0, sizeof(o));
	while ((c = opt_next(ctx, &arg)) != -1) {
		switch (c) {
		case 'F': o.from = arg; break;
		case 'T': o.to = arg; break;
		case 'n': o.dry_run = true; break;
		case 'A': o.at = arg; break;
		}
	}
	if (!o.from || !o.to)
		return usage_error(ctx, "client reassign needs --from and --to");
	o.ids = argv;
	o.nids = (size_t)argc;
	if (ops_reassign(ctx->reg, &o))
		return fail();
	ph = reg_phases(ctx->reg);
	for (size_t i = 0; i < o.nmoved; i++) {
		const struct record *r = o.moved[i];
		const struct phase *p = phases_get(ph, r->phase);

		print_visible(stdout, "%s  %s  (phase %d %s)\n", r->id, r->name, r->phase, p ? p->key : "?");
	}
	print_visible(stdout, "%s %zu client%s from %s to %s\n", o.dry_run ? "would move" : "moved", o.nmoved,
	       o.nmoved == 1 ? "" : "s", o.from, o.to);
	reassign_release(&o);
	return EXIT_OK;
}
