/*
 * cmd.h: what the command files share: the command tables, the option
 * tables, the context handed to every command, and the helpers that print.
 *
 * Each command has one table of its operands and options (struct opt) in
 * the order of its synopsis. From it come getopt's tables (cmd/opts.c),
 * the usage line, -h and the hidden --list-opts that the completions ask
 * (cmd/help.c): an option is written once. The commands are in tables too
 * (cmd/preg.c, and a group's verbs in its file), which feed dispatch, the
 * command list and --list-cmds.
 *
 * Adding a command
 * ----------------
 * 1. Write cmd/<name>.c; a verb of a group goes into the group's file
 *    (cmd/client.c, cmd/phase.c, cmd/report.c). It holds the table of its
 *    operands and options, each with its value kind (enum val), in the
 *    order of the synopsis; `const struct cmd name_cmd` with the function,
 *    the flags (NEED_REGISTER opens the register first, WRITES), a one-line
 *    summary and the table; and the function: the options come from
 *    `while ((c = opt_next(ctx, &arg)) != -1) switch (c) ...`, the operands
 *    are argv[0..argc). It calls lib/ and prints; lib/ decides.
 * 2. Declare name_cmd below and add it to `commands` in cmd/preg.c (a verb:
 *    to its group's table).
 * 3. Write man/preg-<name>.1 (a verb: a subsection "preg GROUP VERB" of the
 *    group's page) with the synopsis as -h prints it, every long option and
 *    EXAMPLES that run: tests/cli/0900-docs.bats checks the first two,
 *    0920-man-examples.bats runs the examples.
 * 4. Add tests/cli/NNNN-<name>.bats. The completions need nothing: they ask
 *    the binary (--list-cmds, --list-opts, --list-values) and complete each
 *    value after its kind; a new kind is a line in val_names (cmd/help.c)
 *    and a case in each completion's value switch.
 */
#ifndef PREG_CMD_H
#define PREG_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "filter.h"
#include "format.h"
#include "register.h"

enum {
	NEED_REGISTER = 1, /* opens the register before fn runs */
	WRITES = 2,        /* makes a commit */
};

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* What an option's value or an operand is: says how help names it and
 * what the completions offer for it (--list-opts prints the names). */
enum val {
	VAL_NONE,    /* an option without a value */
	VAL_TEXT,    /* free text */
	VAL_NAME,    /* a client's name */
	VAL_CLIENT,  /* a client id */
	VAL_MANAGER, /* a manager's handle */
	VAL_PHASE,   /* a phase number or key */
	VAL_TAG,
	VAL_FIELD,   /* a free field, K=V */
	VAL_SETTING, /* KEY=VALUE, the keys its choices; "fields.": the register's fields */
	VAL_CONTACT, /* a contact of the client operand before it, by number */
	VAL_DATE,    /* a day as people type it (lib/when.h) */
	VAL_TIME,    /* a time as people type it (lib/when.h) */
	VAL_DAYS,    /* Nd */
	VAL_NUMBER,
	VAL_CHOICE,  /* one of values */
	VAL_FORMAT,  /* an output format: one of values, checked by the parser */
	VAL_FILE,
	VAL_DIR,
	VAL_URL,
	VAL_REMOTE,  /* a git remote */
	VAL_REV,     /* a git revision */
	VAL_MAP,     /* COLUMN=FIELD */
	VAL_COMMAND, /* a preg command */
	VAL_VERB,    /* a verb of the command before it */
	VAL_GROUP,   /* what a report groups by: kind, tag, manager, fields.X */
};

/* struct opt flags. */
enum {
	OPT_SHORT = 1,     /* the key is also the short option -key */
	OPT_REPEAT = 2,    /* may be given more than once: "[--tag T]..." */
	OPT_REQUIRED = 4,  /* an option the command needs: no brackets */
	OPT_OPTIONAL = 8,  /* an operand that may be left out: "[DIR]" */
	OPT_OR = 16,       /* one bracket with the entry before: "[--ended | --open]" */
	OPT_HIDDEN = 32,   /* for the completions: no help, no synopsis */
	OPT_OPTVAL = 64,   /* the value is optional: --name=VALUE, or a choice as the next word */
	OPT_SYN_SHORT = 128, /* the synopsis shows -key, not --name */
	OPT_GLOBAL = 256,  /* a global option (set by the parser, for --list-opts) */
	OPT_PAST = 512,    /* a client operand that may name a removed client:
	                    * an id that matches nothing is kept as given */
};

/*
 * One entry of a command's table: an option, or an operand (key 0). The
 * table lists them in the order of the synopsis and ends with OPT_END.
 */
struct opt {
	int key;            /* what opt_next returns; 0: an operand */
	const char *name;   /* the long name ("format"), NULL for a short one
	                     * alone; an operand's name ("ID") */
	enum val val;       /* VAL_NONE: a flag */
	const char *meta;   /* the value's name in help ("DATE"); NULL: the name */
	const char *values; /* the choices, "table|tsv|json": the synopsis
	                     * shows them instead of meta */
	unsigned flags;
	const char *help;   /* one line, wrapped by help; NULL: not in help */
};

#define OPT_FLAG(key, name, flags, help) { key, name, VAL_NONE, NULL, NULL, flags, help }
#define OPT_VALUE(key, name, val, meta, flags, help) { key, name, val, meta, NULL, flags, help }
#define OPT_CHOICE(key, name, val, meta, values, flags, help) { key, name, val, meta, values, flags, help }
#define OPERAND(name, val, flags, help) { 0, name, val, NULL, NULL, flags, help }
#define OPT_END { 0, NULL, VAL_NONE, NULL, NULL, 0, NULL }

struct ctx;

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct ctx *ctx); /* argv: the operands */
	unsigned flags;
	const char *summary;        /* one line: the command list and -h */
	const struct opt *opts;     /* operands and options, OPT_END-terminated; NULL: none */
	const char *doc;            /* a paragraph for -h after the summary, or NULL */
	const struct cmd *sub;      /* a group's verbs, {0}-terminated */
	const char *dflt;           /* the verb a group runs when none is named */
};

/* The keys of the global options that have no short form. */
enum { KEY_COLOR = 0x100, KEY_VERSION, KEY_LIST_CMDS, KEY_LIST_OPTS, KEY_LIST_VALUES };

/* An option as given on the command line. */
struct given {
	int key;
	const char *arg;
};

struct ctx {
	const char *dir_opt;        /* -C DIR */
	enum color_mode color_mode;
	struct reg *reg;            /* open when the command has NEED_REGISTER */
	const struct cmd *cmd;      /* the command running */
	const char *group;          /* "client" for "preg client add", or NULL */
	struct given *given;        /* the command's options, in order */
	size_t ngiven, next;
};

extern const struct cmd client_cmds[];
extern const struct cmd phase_cmds[];
extern const struct cmd report_cmds[];
extern const struct cmd manager_cmds[];
extern const struct cmd remote_cmds[];
extern const struct cmd contact_cmds[];
extern const struct cmd init_cmd, note_cmd, doctor_cmd, remind_cmd, help_cmd;
extern const struct cmd log_cmd, review_cmd, diff_cmd, verify_cmd, undo_cmd;
extern const struct cmd import_cmd, export_cmd, check_cmd, find_cmd, upgrade_cmd;
extern const struct cmd sync_cmd, clone_cmd, merge_file_cmd;

/* The top level: "preg" with the global options, and its commands. */
extern const struct cmd preg_cmd;
extern const struct cmd *const commands[];

/* Exit codes. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Parse the options of cmd in argv[1..argc) (argv[0] is its name) after
 * its table and the global options (cmd/opts.c): the global ones go into
 * ctx, the command's into ctx->given for opt_next; the operands are moved
 * to argv[*first..argc). -h, --help, --version and the hidden --list-*
 * options are answered here. With stop_at_operand, parsing ends at the
 * first operand (the command name after the global options). Returns -1
 * to go on, else the exit code (an answer or a usage error, printed). */
int opt_parse(struct ctx *ctx, const struct cmd *cmd, int argc, char **argv, bool stop_at_operand, int *first);

/* Answer the global option key (-h, --version, --list-*) given with arg
 * for the command of ctx (cmd/help.c); the exit code. */
int answer_option(struct ctx *ctx, int key, const char *arg);

/* The next option the command was given, in the order given: its key,
 * with *arg its value (NULL for a flag); -1 after the last. */
int opt_next(struct ctx *ctx, const char **arg);

/* Print "preg: WHY" (when fmt is not NULL) and the usage to stderr; 2
 * (cmd/help.c, with the usage it prints). */
int usage_error(const struct ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print the usage and the help of the running command to stdout; 0. */
int show_help(const struct ctx *ctx);

/* Print "usage: SYNOPSIS" of cmd (under group, or NULL) to f. */
void print_usage(FILE *f, const struct cmd *cmd, const char *group);

/* Print a group's usage and verbs to f; 0 for stdout (help), else 2. */
int print_group(FILE *f, const struct cmd *g);

/* Print the usage and the command list to stderr; 2. */
int print_commands_usage(void);

/* The top-level command name, or the verb name of group; NULL if none. */
const struct cmd *find_command(const char *name);
const struct cmd *find_verb(const struct cmd *group, const char *name);

/* Print the help lines of the entries of opts to f: "    --tag T   with
 * tag T...", wrapped under one column. */
void print_opt_help(FILE *f, const struct opt *opts);

/* Print the error slot as "preg: error: ..." and the queued warnings; 1. */
int fail(void);

/* For a walk's callback given a record that does not read: print the
 * error slot, count it in *bad, and go on with the next record (0). */
int skip_unreadable(int *bad);

/* The exit status of a command that walked the register: a failed walk
 * (rc < 0) prints its error; records that did not read make it 1. */
int walk_status(int rc, int bad);

/* Turn each client operand (VAL_CLIENT in the running command's table)
 * of argv[0..argc) into an id (lib/find's find_client: an id, a name or a
 * unique part of it), replacing argv[i] with a string kept in *owned
 * (*nowned of them; the caller frees them after the command). 0, else
 * the exit code of the failure, printed ("did you mean ..."). */
int resolve_clients(struct ctx *ctx, int argc, char **argv, char ***owned, size_t *nowned);

/* Print "preg: error: MSG" with control characters made visible. */
void print_error(const char *msg);

/* Print s to f with control characters (C0, DEL, C1) shown as '?'. */
void print_safe(FILE *f, const char *s);

/* fprintf to f, with every control character in what it prints made
 * visible (lib/format's fmt_visible; line breaks and tabs kept): for the
 * lines that quote a record, a commit, a remote or an input file. */
void print_visible(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print queued warnings as "preg: warning: ..." to stderr. */
void print_warnings(void);

/* The shared filters (SPEC §5): the entries for a command's table, and
 * the option handler. */
#define FILTER_OPTS                                                                                   \
	OPT_VALUE('M', "manager", VAL_MANAGER, "M", 0, "clients of manager M"),                       \
	OPT_VALUE('p', "phase", VAL_PHASE, "P", 0, "in phase P: a number, a key or a range (4-7)"), \
	OPT_VALUE('t', "tag", VAL_TAG, "T", OPT_REPEAT, "with tag T; repeat for clients with all of them"), \
	OPT_CHOICE('k', "kind", VAL_CHOICE, "K", "external|internal", 0, "external or internal"),   \
	OPT_VALUE('F', "field", VAL_FIELD, "K=V", OPT_REPEAT, "whose field K is V; repeat for all of them"), \
	OPT_FLAG('s', "stale", 0, "longer in their phase than its stale_after"),                      \
	OPT_FLAG('e', "ended", 0, "in an ending phase"),                                              \
	OPT_FLAG('o', "open", OPT_OR, "not in an ending phase")

/* The help of --at, on every command that writes an event or a note. */
#define AT_HELP "when it happened ('yesterday 16:30', 25.11.2026 09:00, a date alone: its start); default: now"

/* The next step of a note or a move (closing the loop, lib/ops.h). */
#define NEXT_STEP_OPTS                                                                                \
	OPT_VALUE('n', "next", VAL_DATE, "DATE", OPT_SHORT,                                           \
		  "when to contact the client next (tomorrow, +3d, fri, 25.11.2026...)"),             \
	OPT_VALUE('a', "action", VAL_TEXT, "TEXT", OPT_SHORT, "what to do then"),                     \
	OPT_FLAG('K', "keep-next", 0, "leave a due next contact as it is (default: done, cleared)")

/* Take option c (of NEXT_STEP_OPTS) into s: true when it was one. */
struct next_step;
bool next_step_opt(struct next_step *s, int c, const char *arg);

/* After the option loop: -1 to go on, else the exit code of the usage
 * error (--keep-next with --next). */
int next_step_check(struct ctx *ctx, const struct next_step *s);

/* After the write: the one line that says a due contact was settled,
 * "ID: next contact DATE done; set the next with --next" (nothing when
 * none was). */
void print_step(const char *id, const struct next_step *s);

/* Take option c (of FILTER_OPTS) into f: true when it was one. */
bool filter_opt(struct filter *f, int c, const char *arg);

/* After the option loop of a command with the filters and no operands:
 * -1 to go on, with *ph the register's phases and f checked against
 * them; else the exit status of the usage error, printed. */
int filter_args(struct ctx *ctx, int argc, char **argv, struct filter *f, const struct phases **ph);

/* A command that takes no operands: -1 to go on, else the exit code of
 * the usage error ("unexpected argument"). */
int no_operands(struct ctx *ctx, int argc, char **argv);

/* A manager named on the command line, for a command that looks back
 * (review, log --manager): a handle as it is, also one preg.yaml no
 * longer lists (a manager who left), else a display name or a handle in
 * other letter case from preg.yaml's list, made its handle in *m. 0, else
 * the exit code of the usage error ("invalid manager"). */
int past_manager_arg(struct ctx *ctx, const char **m);

/* The date s of option opt, as people type it (lib/when.h), into *out:
 * 0, else the exit code of the usage error ("--since: invalid date ...",
 * naming the accepted forms). */
int date_opt(struct ctx *ctx, const char *opt, const char *s, int32_t *out);

/* Whether colour goes to stdout (--color, NO_COLOR, a terminal). */
bool want_color(const struct ctx *ctx);

/* Whether stdout is a terminal (the default format is table there). */
bool stdout_tty(void);

/* The columns of the terminal: $COLUMNS when it is a number (at least
 * 40), else the width of the terminal on stdout, else 0 (none known). */
size_t term_columns(void);

/* The width a table must fit (fmt_fit): with wide, FMT_WIDE; on a
 * terminal or with $COLUMNS set, term_columns() (80 when unknown); else 0,
 * as wide as its cells (a pipe is never cut). */
size_t table_fit(bool wide);

/* A workbook is binary: on a terminal, say where it should go (example:
 * the command with a redirection) and return EXIT_USAGE; else -1. */
int refuse_binary_tty(const char *example);

/* Write out to stdout and empty it. */
void flush_out(struct buf *out);

/* Today, as days since the epoch (PREG_NOW or the clock); -1 with the
 * error slot set when PREG_NOW is invalid. */
int today(int32_t *out);

/* The audit trail as a listing, for log and review (cmd/log.c). */
struct log_opts;
struct log_row;
struct trail {
	struct fmt_writer w;
	struct buf out;
	size_t rows;
	bool stream; /* flush long tsv and json as they grow */
};

/* --manager, --author, --since, --until and --format into o and *fmt;
 * 0, else the exit code of the usage error. */
int trail_options(struct ctx *ctx, struct log_opts *o, enum fmt *fmt);

/* Begin the listing of t in format fmt, after what t->out holds. */
void trail_start(struct trail *t, enum fmt fmt, bool stream);

/* One commit's row (a log_fn of lib/log.h, arg a struct trail). */
int trail_row(void *arg, const struct log_row *row);

/* The path of this very preg binary into self (PATH_MAX bytes), for a
 * hook that must run it whatever PATH git gives hooks (cmd/remote.c);
 * 0, else the error slot set. */
int remote_self(char *self, size_t size);

/* preg sync: sync r with remote (NULL: its default), print what happened;
 * the exit code (cmd/sync.c). */
int sync_and_report(struct reg *r, const char *remote);

#endif
