/* register: the core of the register module, which every other part of it
 * uses and which uses none of them: libgit2's set-up, errors, what a
 * register is (its directories, phases, layout, acting user and git
 * identity). Opening is in register_open.c, writing in register_write.c
 * (see register.h and register_priv.h). */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <mbedtls/x509_crt.h>

#include "err.h"
#include "layout.h"
#include "mergedrv.h"
#include "register_priv.h"
#include "xalloc.h"

static int libgit2_users;

int reg_git_error(int code, const char *fmt, ...)
{
	const git_error *e = git_error_last();
	char what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* On libgit2 1.5 the last error can be NULL. */
	return preg_error_set(code, "%s: %s", what, e && e->message ? e->message : "unknown git error");
}

/* Turn a failed system call into an error naming the register problem. */
int reg_ioerr(const struct reg *r, const char *what, const char *path)
{
	int e = errno;

	if (e == EROFS || e == EACCES || e == EPERM)
		return preg_error_set(PREG_EIO, "register '%.*s' is read-only (%s: %s)",
				      (int)strlen(r->workdir) - 1, r->workdir, path, strerror(e));
	if (e == ENOSPC || e == EDQUOT || e == EFBIG)
		return preg_error_set(PREG_EIO, "no space left for the register (%s %s: %s)", what,
				      path, strerror(e));
	return preg_error_set(PREG_EIO, "cannot %s %s: %s", what, path, strerror(e));
}

/* libgit2 reports a full disk or a read-only directory in its own words;
 * say what it means for the user. */
int reg_write_err(const struct reg *r, const char *what)
{
	const git_error *e = git_error_last();
	const char *m = e && e->message ? e->message : "";

	if (strstr(m, "No space left") || strstr(m, "File too large") || strstr(m, "Disk quota"))
		return preg_error_set(PREG_EIO, "no space left for the register (%s: %s)", what, m);
	if (e && e->klass == GIT_ERROR_INDEX && strstr(m, "locked"))
		return preg_error_set(PREG_ERR, "%s: .git/index.lock exists (git or an editor is using the index)",
				      what);
	if (strstr(m, "Read-only file system") || strstr(m, "Permission denied"))
		return preg_error_set(PREG_EIO, "register '%.*s' is read-only (%s: %s)",
				      (int)strlen(r->workdir) - 1, r->workdir, what, m);
	return reg_git_error(PREG_ERR, "%s", what);
}

/*
 * libgit2 as Debian builds it (with mbedTLS) parses the whole system CA
 * bundle in git_libgit2_init, for HTTPS transports: 290 certificates, 88%
 * of the instructions of a command as small as `client list` on a small
 * register (callgrind: 107 M of 122 M), and under AddressSanitizer most of
 * every test's preg run. preg never talks to a network through libgit2:
 * fetch and push are git's own (SPEC §8). So this definition, which the
 * dynamic linker prefers to mbedTLS's own for libgit2's call, loads none.
 * A libgit2 built with OpenSSL never calls it; nothing else in preg does.
 */
int mbedtls_x509_crt_parse_file(mbedtls_x509_crt *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

void reg_lib_init(void)
{
	if (libgit2_users++ == 0) {
		git_libgit2_init();
		/* Objects and refs reach the disk before the branch names them. */
		git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
		/* libgit2 maps a whole pack in one window by default; a report
		 * over 100,000 records would keep all of it resident. Smaller
		 * windows under a limit keep the peak RSS within 64 MB. */
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)16 << 20);
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)40 << 20);
		/* libgit2 re-hashes every object it reads; git does not, and at
		 * 100,000 records it is a quarter of reading them. */
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
		/* The trees of a large register pass libgit2's cache limit for
		 * one object (4 KB): a walk over many commits (a sync's replay,
		 * verify) would read them back and inflate them each time. */
		git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)1 << 20);
		/* Records merge record by record in libgit2's merges too. */
		mergedrv_register();
	}
}

void reg_lib_shutdown(void)
{
	if (--libgit2_users == 0)
		git_libgit2_shutdown();
}

const char *reg_dir(const struct reg *r)
{
	return r->workdir;
}

const struct phases *reg_phases(const struct reg *r)
{
	return r->phases;
}

unsigned reg_layout(const struct reg *r)
{
	return r->phases->version;
}

char *reg_record_path(const struct reg *r, const char *id)
{
	char *path = layout_path(r->phases->version, id);

	return path ? path : xasprintf("clients/%s.yaml", id ? id : "");
}

int reg_user(struct reg *r, const char **out)
{
	const char *u = getenv("PREG_USER");
	git_config *cfg = NULL;
	git_buf b = { 0 };
	char *cand = NULL;

	if (r->user) {
		*out = r->user;
		return 0;
	}
	if (u && *u) {
		cand = xstrdup(u);
	} else if (!git_repository_config_snapshot(&cfg, r->repo) &&
		   !git_config_get_string_buf(&b, cfg, "preg.user")) {
		cand = xstrdup(b.ptr);
	} else {
		struct passwd *pw = getpwuid(geteuid());
		const char *login = pw ? pw->pw_name : getenv("LOGNAME");

		cand = xstrdup(login ? login : "");
		for (char *p = cand; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	git_buf_dispose(&b);
	git_config_free(cfg);
	if (!handle_valid(cand)) {
		preg_error_set(PREG_EINVAL,
			       "acting user '%s' is not a valid handle (set PREG_USER or git config preg.user)",
			       cand);
		free(cand);
		return PREG_EINVAL;
	}
	r->user = cand;
	*out = cand;
	return 0;
}

const char *reg_gitdir(const struct reg *r)
{
	return r->gitdir;
}

const char *reg_refname(const struct reg *r)
{
	return r->refname;
}

/* The author: git's identity when set (GIT_AUTHOR_* or user.name and
 * user.email), else the acting user at this host. */
int reg_identity(struct reg *r, char **name, char **email)
{
	git_config *cfg = NULL;
	git_buf gn = { 0 }, ge = { 0 };
	const char *en = getenv("GIT_AUTHOR_NAME"), *ee = getenv("GIT_AUTHOR_EMAIL"), *user;
	char host[256] = "localhost";
	int rc;

	if ((rc = reg_user(r, &user)))
		return rc;
	git_repository_config_snapshot(&cfg, r->repo);
	if (!(en && *en) && cfg)
		git_config_get_string_buf(&gn, cfg, "user.name");
	if (!(ee && *ee) && cfg)
		git_config_get_string_buf(&ge, cfg, "user.email");
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	*name = xstrdup(en && *en ? en : gn.ptr && *gn.ptr ? gn.ptr : user);
	*email = ee && *ee ? xstrdup(ee) : ge.ptr && *ge.ptr ? xstrdup(ge.ptr) : xasprintf("%s@%s", user, host);
	git_buf_dispose(&gn);
	git_buf_dispose(&ge);
	git_config_free(cfg);
	return 0;
}
