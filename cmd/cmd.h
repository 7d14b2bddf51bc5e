/*
 * cmd.h: what the command files share: the command table, the context
 * handed to every command, and the helpers that print.
 *
 * One table per command level ({name, fn, flags, summary, options, usage,
 * sub-table}) feeds dispatch, help, usage messages, the hidden --list-cmds
 * and --list-opts that the completions ask, and the man-page checks.
 */
#ifndef PREG_CMD_H
#define PREG_CMD_H

#include <getopt.h>
#include <stdbool.h>
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

struct ctx;

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct ctx *ctx);
	unsigned flags;
	const char *summary;
	const struct option *opts;  /* long options, {0}-terminated; NULL: none */
	const char *const *usage;   /* synopsis lines, then "" and option lines; NULL-terminated */
	const struct cmd *sub;      /* a group's verbs, {0}-terminated */
};

struct ctx {
	const char *dir_opt;        /* -C DIR */
	enum color_mode color_mode;
	struct reg *reg;            /* open when the command has NEED_REGISTER */
	const struct cmd *cmd;      /* the command running */
	const char *group;          /* "client" for "preg client add", or NULL */
};

extern const struct cmd client_cmds[];
extern const struct cmd phase_cmds[];
extern const struct cmd report_cmds[];
extern const struct cmd init_cmd, note_cmd, doctor_cmd, remind_cmd;
extern const struct cmd log_cmd, review_cmd, diff_cmd, verify_cmd, undo_cmd;
extern const struct cmd import_cmd, export_cmd, check_cmd;
extern const struct cmd sync_cmd, clone_cmd, merge_file_cmd;

/* Exit codes. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Print "preg: WHY" (when fmt is not NULL) and the usage to stderr; 2. */
int usage_error(const struct ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print the usage and options of the running command to stdout; 0. */
int show_help(const struct ctx *ctx);

/* Print the usage of cmd to f. */
void print_usage(FILE *f, const struct cmd *cmd);

/* Print the error slot as "preg: error: ..." and the queued warnings; 1. */
int fail(void);

/* Print "preg: error: MSG" with control characters made visible. */
void print_error(const char *msg);

/* fprintf to f, with every control character in what it prints made
 * visible (lib/format's fmt_visible; line breaks and tabs kept): for the
 * lines that quote a record, a commit, a remote or an input file. */
void print_visible(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print queued warnings as "preg: warning: ..." to stderr. */
void print_warnings(void);

/* getopt_long over the running command's options with the house rules:
 * -h/--help prints help (*done set, returns 0); an unknown option or a
 * missing value is a usage error (returns 2). Returns the option or -1 at
 * the end. */
int next_opt(int argc, char **argv, const char *shortopts, struct ctx *ctx, int *exit_code);

/* The shared filters (SPEC §5): option entries, synopsis and help lines
 * for a command's tables, and the option handler. */
#define FILTER_OPTIONS                                                                              \
	{ "manager", required_argument, NULL, 'M' }, { "phase", required_argument, NULL, 'p' },     \
		{ "tag", required_argument, NULL, 't' }, { "kind", required_argument, NULL, 'k' },  \
		{ "field", required_argument, NULL, 'F' }, { "stale", no_argument, NULL, 's' },     \
		{ "ended", no_argument, NULL, 'e' }, { "open", no_argument, NULL, 'o' }
#define FILTER_SYNOPSIS                                                                           \
	"[--manager M] [--phase P] [--tag T]... [--kind external|internal] [--field K=V]... [--stale] " \
	"[--ended | --open]"
#define FILTER_HELP                                                                  \
	"    --manager M      clients of manager M",                                     \
		"    --phase P        in phase P: a number, a key or a range (4-7)",     \
		"    --tag T          with tag T; repeat for clients with all of them",  \
		"    --kind K         external or internal",                             \
		"    --field K=V      whose field K is V; repeat for all of them",       \
		"    --stale          longer in their phase than its stale_after",       \
		"    --ended          in an ending phase", "    --open           not in an ending phase"

/* Take option c (of FILTER_OPTIONS) into f: true when it was one. */
bool filter_opt(struct filter *f, int c, const char *arg);

/* After the option loop (code from next_opt) of a command with the
 * filters and no operands: -1 to go on, with *ph the register's phases
 * and f checked against them; else the exit status (help or a usage
 * error, printed). */
int filter_args(struct ctx *ctx, int argc, char **argv, int code, struct filter *f, const struct phases **ph);

/* Whether colour goes to stdout (--color, NO_COLOR, a terminal). */
bool want_color(const struct ctx *ctx);

/* Whether stdout is a terminal (the default format is table there). */
bool stdout_tty(void);

/* A workbook is binary: on a terminal, say where it should go (example:
 * the command with a redirection) and return EXIT_USAGE; else -1. */
int refuse_binary_tty(const char *example);

/* Write out to stdout and empty it. */
void flush_out(struct buf *out);

/* Today, as days since the epoch (PREG_NOW or the clock); -1 with the
 * error slot set when PREG_NOW is invalid. */
int today(int32_t *out);

/* preg sync: sync r with remote (NULL: its default), print what happened;
 * the exit code (cmd/sync.c). */
int sync_and_report(struct reg *r, const char *remote);

#endif
