/* client: add, show, list, change and remove clients (preg client). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
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

static const struct option add_opts[] = {
	{ "id", required_argument, NULL, 'i' },
	{ "manager", required_argument, NULL, 'M' },
	{ "phase", required_argument, NULL, 'p' },
	{ "kind", required_argument, NULL, 'k' },
	{ "tag", required_argument, NULL, 't' },
	{ "field", required_argument, NULL, 'F' },
	{ "contact", required_argument, NULL, 'c' },
	{ "next", required_argument, NULL, 'n' },
	{ "action", required_argument, NULL, 'a' },
	{ "remarks", required_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const add_usage[] = {
	"preg client add NAME [--id ID] [--manager M] [--phase P] [--kind external|internal] [--tag T]... [--field K=V]... [--contact 'NAME <EMAIL>; ROLE; PHONE']... [--next DATE] [--action TEXT] [--remarks TEXT]",
	"",
	"    --id ID              the id; default: derived from NAME",
	"    --manager M          who manages the client; default: you",
	"    --phase P            the starting phase (number or key); default: 1",
	"    --kind K             external (default) or internal",
	"    --tag T              a tag; repeat for more",
	"    --field K=V          a free field (direction, cargo...); repeat for more",
	"    --contact C          'Name <email>; role; phone'; repeat for more",
	"    --next DATE          when to contact the client (YYYY-MM-DD)",
	"    --action TEXT        what to do then",
	"    --remarks TEXT       free text about the client",
	NULL,
};

static const struct option show_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const show_usage[] = {
	"preg client show ID [--format text|yaml|json]",
	"",
	"    -f, --format F   text (default), yaml (the record as stored) or json",
	NULL,
};

static const struct option list_opts[] = {
	FILTER_OPTIONS,
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const list_usage[] = {
	"preg client list " FILTER_SYNOPSIS " [--format table|tsv|csv|json|id]",
	"",
	FILTER_HELP,
	"    -f, --format F   table (default on a terminal), tsv (default otherwise), csv,",
	"                     json, or id (the ids alone, one per line)",
	NULL,
};

static const struct option set_opts[] = {
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const set_usage[] = {
	"preg client set ID KEY=VALUE... [--force]",
	"",
	"    KEY              name, kind, manager, next_contact, next_action, tags (comma",
	"                     separated), remarks or fields.NAME; an empty VALUE clears",
	"    -f, --force      rewrite a record that holds comments",
	NULL,
};

static const struct option edit_opts[] = {
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const edit_usage[] = {
	"preg client edit ID [--force]",
	"",
	"    -f, --force      edit a record that holds comments (they are dropped)",
	NULL,
};

static const struct option rm_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const rm_usage[] = {
	"preg client rm ID",
	NULL,
};

static const struct option hold_opts[] = {
	{ "until", required_argument, NULL, 'u' },
	{ "reason", required_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const hold_usage[] = {
	"preg client hold ID --until DATE --reason TEXT",
	"",
	"    --until DATE     no stale reminders before DATE (YYYY-MM-DD, after today)",
	"    --reason TEXT    why the client waits: one line",
	NULL,
};

static const struct option unhold_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const unhold_usage[] = {
	"preg client unhold ID",
	NULL,
};

static const struct option reassign_opts[] = {
	{ "from", required_argument, NULL, 'F' },
	{ "to", required_argument, NULL, 'T' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const reassign_usage[] = {
	"preg client reassign --from M --to N [ID...] [--dry-run]",
	"",
	"    --from M         the manager who hands over",
	"    --to N           the manager who takes over",
	"    ID               only these clients (each must be M's); default: all of",
	"                     M's clients that have not ended",
	"    -n, --dry-run    say what would move, change nothing",
	NULL,
};

const struct cmd client_cmds[] = {
	{ "add", client_add, NEED_REGISTER | WRITES, "add a client and print its id", add_opts, add_usage,
	  NULL },
	{ "show", client_show, NEED_REGISTER, "show one client, with days in phase and what is due",
	  show_opts, show_usage, NULL },
	{ "list", client_list, NEED_REGISTER, "list clients, one per line", list_opts, list_usage, NULL },
	{ "set", client_set, NEED_REGISTER | WRITES, "change fields of a client", set_opts, set_usage,
	  NULL },
	{ "edit", client_edit, NEED_REGISTER | WRITES, "edit a client in $VISUAL or $EDITOR", edit_opts,
	  edit_usage, NULL },
	{ "rm", client_rm, NEED_REGISTER | WRITES, "remove a client (its history stays in git)", rm_opts,
	  rm_usage, NULL },
	{ "hold", client_hold, NEED_REGISTER | WRITES, "snooze stale reminders of a client until a day",
	  hold_opts, hold_usage, NULL },
	{ "unhold", client_unhold, NEED_REGISTER | WRITES, "lift the hold of a client", unhold_opts,
	  unhold_usage, NULL },
	{ "reassign", client_reassign, NEED_REGISTER | WRITES,
	  "hand a manager's clients over to another, in one commit", reassign_opts, reassign_usage, NULL },
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
	int c, code, rc;

	memset(&o, 0, sizeof(o));
	while ((c = next_opt(argc, argv, "h", ctx, &code)) != -1) {
		switch (c) {
		case 'i': o.id = optarg; break;
		case 'M': o.manager = optarg; break;
		case 'p': o.phase = optarg; break;
		case 'k': o.kind = optarg; break;
		case 't': push(&o.tags, &o.ntags, optarg); break;
		case 'F': push(&o.fields, &o.nfields, optarg); break;
		case 'c': push(&o.contacts, &o.ncontacts, optarg); break;
		case 'n': o.next = optarg; break;
		case 'a': o.action = optarg; break;
		case 'r': o.remarks = optarg; break;
		}
	}
	if (code >= 0)
		rc = code;
	else if (argc - optind != 1)
		rc = usage_error(ctx, argc - optind < 1 ? "client add needs a NAME"
							: "too many arguments (quote a name with spaces)");
	else {
		o.name = argv[optind];
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
		if ((v = kv_get(e, "force")))
			buf_adds(out, "  (forced)");
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
	int32_t day;
	int c, code;

	while ((c = next_opt(argc, argv, "hf:", ctx, &code)) != -1)
		if (c == 'f')
			format = optarg;
	if (code >= 0)
		return code;
	if (strcmp(format, "text") && strcmp(format, "yaml") && strcmp(format, "json"))
		return usage_error(ctx, "unknown format '%s' (text, yaml or json)", format);
	if (argc - optind != 1)
		return usage_error(ctx, argc - optind < 1 ? "client show needs an id" : "too many arguments");
	if (today(&day) || reg_read(ctx->reg, argv[optind], &r))
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
	struct fmt_writer w;
	struct buf out;
	int bad;
};

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
	if (!id || (!r && !s->ids)) {
		print_error(preg_error_msg());
		s->bad++;
		return 0;
	}
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
	fmt_row(&s->w, &s->out, cells, p ? p->color : NULL);
	buf_release(&words);
flush:
	if (s->out.len > 65536)
		flush_out(&s->out);
	return 0;
}

static int client_list(int argc, char **argv, struct ctx *ctx)
{
	static const struct fmt_col table_cols[] = {
		{ "id", COL_TEXT }, { "name", COL_WIDE }, { "manager", COL_TEXT }, { "phase", COL_TEXT },
		{ "days", COL_NUMBER }, { "status", COL_TEXT }, { "next_contact", COL_TEXT },
		{ "next_action", COL_WIDE },
	};
	static const struct fmt_col cols[] = {
		{ "id", COL_TEXT }, { "name", COL_TEXT }, { "kind", COL_TEXT }, { "manager", COL_TEXT },
		{ "phase", COL_NUMBER }, { "phase_key", COL_TEXT }, { "phase_since", COL_TEXT },
		{ "days_in_phase", COL_NUMBER }, { "next_contact", COL_TEXT }, { "next_action", COL_TEXT },
		{ "stale", COL_BOOL }, { "due", COL_BOOL }, { "overdue", COL_BOOL }, { "on_hold", COL_BOOL },
		{ "ended", COL_BOOL },
	};
	struct list_state s;
	bool filtered;
	int c, code, rc;

	memset(&s, 0, sizeof(s));
	s.w.fmt = stdout_tty() ? FMT_TABLE : FMT_TSV;
	while ((c = next_opt(argc, argv, "hf:", ctx, &code)) != -1) {
		if (filter_opt(&s.f, c, optarg))
			continue;
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "id")) {
				s.ids = true;
			} else if (fmt_parse(&s.w.fmt, optarg)) {
				rc = usage_error(ctx, "unknown format '%s' (table, tsv, csv, json or id)", optarg);
				goto out;
			}
			break;
		}
	}
	if ((rc = filter_args(ctx, argc, argv, code, &s.f, &s.ph)) >= 0)
		goto out;
	if (today(&s.day)) {
		rc = fail();
		goto out;
	}
	s.w.cols = s.w.fmt == FMT_TABLE ? table_cols : cols;
	s.w.ncols = s.w.fmt == FMT_TABLE ? sizeof(table_cols) / sizeof(*table_cols)
					 : sizeof(cols) / sizeof(*cols);
	s.w.color = s.w.fmt == FMT_TABLE && want_color(ctx);
	s.w.color_col = 3;
	/* Ids alone need no parsing, unless filters look into the records. */
	filtered = filter_any(&s.f);
	if (!s.ids)
		fmt_begin(&s.w, &s.out);
	rc = s.ids && !filtered ? reg_each(ctx->reg, true, list_cb, &s)
				: reg_each_summary(ctx->reg, list_cb, &s);
	if (!s.ids)
		fmt_end(&s.w, &s.out);
	flush_out(&s.out);
	buf_release(&s.out);
	if (rc < 0)
		rc = fail();
	else
		rc = s.bad ? EXIT_FAIL : EXIT_OK;
out:
	filter_release(&s.f);
	return rc;
}

/* ---- set ---- */

static int client_set(int argc, char **argv, struct ctx *ctx)
{
	unsigned flags = 0;
	bool changed;
	int c, code;

	while ((c = next_opt(argc, argv, "hf", ctx, &code)) != -1)
		if (c == 'f')
			flags |= REG_FORCE;
	if (code >= 0)
		return code;
	if (argc - optind < 2)
		return usage_error(ctx, "client set needs an id and at least one KEY=VALUE");
	if (ops_set(ctx->reg, argv[optind], argv + optind + 1, (size_t)(argc - optind - 1), flags, &changed))
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

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return buf_detach(&b);
}

static int client_edit(int argc, char **argv, struct ctx *ctx)
{
	unsigned flags = 0;
	struct record *r = NULL;
	struct buf base = BUF_INIT;
	const char *tmpdir = getenv("TMPDIR");
	char *file = NULL, *data = NULL;
	bool changed = false, keep = false;
	size_t len = 0;
	int c, code, fd, rc = EXIT_FAIL;

	while ((c = next_opt(argc, argv, "hf", ctx, &code)) != -1)
		if (c == 'f')
			flags |= REG_FORCE;
	if (code >= 0)
		return code;
	if (argc - optind != 1)
		return usage_error(ctx, argc - optind < 1 ? "client edit needs an id" : "too many arguments");
	/* Refuse before the editor opens what a write would refuse after. */
	if (reg_editable(ctx->reg, argv[optind], flags) || reg_read(ctx->reg, argv[optind], &r))
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
		int erc = run_editor(file);

		free(data);
		data = slurp(file, &len);
		/* Keep the text only when it holds something of the user's. */
		keep = data && (len != base.len || memcmp(data, base.p, len));
		if (erc) {
			rc = fail();
			break;
		}
		if (!data) {
			preg_error_set(PREG_EIO, "cannot read %s: %s", file, strerror(errno));
			rc = fail();
			break;
		}
		if (!ops_replace(ctx->reg, r->id, base.p, data, len, file, flags, &changed)) {
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
	free(data);
	free(file);
	buf_release(&base);
	record_free(r);
	return rc;
}

/* ---- rm ---- */

static int client_rm(int argc, char **argv, struct ctx *ctx)
{
	int c, code;

	while ((c = next_opt(argc, argv, "h", ctx, &code)) != -1)
		;
	if (code >= 0)
		return code;
	if (argc - optind != 1)
		return usage_error(ctx, argc - optind < 1 ? "client rm needs an id" : "too many arguments");
	if (ops_remove(ctx->reg, argv[optind]))
		return fail();
	return EXIT_OK;
}

/* ---- hold, unhold ---- */

static int client_hold(int argc, char **argv, struct ctx *ctx)
{
	const char *until = NULL, *reason = NULL;
	int c, code;

	while ((c = next_opt(argc, argv, "h", ctx, &code)) != -1) {
		if (c == 'u')
			until = optarg;
		else if (c == 'r')
			reason = optarg;
	}
	if (code >= 0)
		return code;
	if (argc - optind != 1)
		return usage_error(ctx, argc - optind < 1 ? "client hold needs an id" : "too many arguments");
	if (!until)
		return usage_error(ctx, "client hold needs --until DATE");
	if (!reason)
		return usage_error(ctx, "client hold needs --reason TEXT");
	if (ops_hold(ctx->reg, argv[optind], until, reason))
		return fail();
	return EXIT_OK;
}

static int client_unhold(int argc, char **argv, struct ctx *ctx)
{
	int c, code;

	while ((c = next_opt(argc, argv, "h", ctx, &code)) != -1)
		;
	if (code >= 0)
		return code;
	if (argc - optind != 1)
		return usage_error(ctx, argc - optind < 1 ? "client unhold needs an id" : "too many arguments");
	if (ops_unhold(ctx->reg, argv[optind]))
		return fail();
	return EXIT_OK;
}

/* ---- reassign ---- */

static int client_reassign(int argc, char **argv, struct ctx *ctx)
{
	struct reassign_opts o;
	const struct phases *ph;
	int c, code;

	memset(&o, 0, sizeof(o));
	while ((c = next_opt(argc, argv, "hn", ctx, &code)) != -1) {
		switch (c) {
		case 'F': o.from = optarg; break;
		case 'T': o.to = optarg; break;
		case 'n': o.dry_run = true; break;
		}
	}
	if (code >= 0)
		return code;
	if (!o.from || !o.to)
		return usage_error(ctx, "client reassign needs --from and --to");
	o.ids = argv + optind;
	o.nids = (size_t)(argc - optind);
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
