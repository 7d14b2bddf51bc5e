/* filteropt: the client filter options that client list and export share. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "filter.h"

static void push(const char ***v, size_t *n, const char *s)
{
	*v = realloc(*v, (*n + 1) * sizeof(**v));
	if (!*v)
		abort();
	(*v)[(*n)++] = s;
}

int filter_opt(struct ctx *ctx, struct filter *f, int c, const char *arg)
{
	switch (c) {
	case 'M': f->manager = arg; break;
	case 'p': f->phase = arg; break;
	case 't': push(&f->tags, &f->ntags, arg); break;
	case 's': f->stale = true; break;
	case 'e': f->ended = true; break;
	case 'o': f->open = true; break;
	case 'k':
		if (strcmp(arg, "external") && strcmp(arg, "internal"))
			return usage_error(ctx, "invalid kind '%s' (external or internal)", arg);
		f->kind = arg;
		break;
	case 'F':
		if (!strchr(arg, '=') || arg[0] == '=')
			return usage_error(ctx, "--field takes KEY=VALUE");
		push(&f->fields, &f->nfields, arg);
		break;
	}
	return 0;
}

int filter_finish(struct ctx *ctx, struct filter *f, const struct phases *ph)
{
	if (f->ended && f->open)
		return usage_error(ctx, "--ended and --open exclude each other");
	if (filter_ready(f, ph))
		return usage_error(ctx, "%s", preg_error_msg());
	return 0;
}

void filter_opts_release(struct filter *f)
{
	free(f->tags);
	free(f->fields);
	f->tags = f->fields = NULL;
	f->ntags = f->nfields = 0;
}
