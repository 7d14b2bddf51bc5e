/*
 * remote: the bare repository a team shares a register through, guarded
 * (preg remote, issue 14). A guarded remote
 *   - has its HEAD on preg's branch (refs/heads/main), so that a plain
 *     "git clone" checks the register out;
 *   - refuses non-fast-forward pushes and deletions
 *     (receive.denyNonFastForwards, receive.denyDeletes), so that a forced
 *     push cannot rewrite the history everyone trusts;
 *   - runs "preg remote hook" from hooks/pre-receive on every push.
 * The admin (config preg.admin) is the manager who may change preg.yaml
 * besides the heads of preg.yaml.
 */
#ifndef PREG_REMOTE_H
#define PREG_REMOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "register.h"

/* The branch a register lives on, as a remote's HEAD must name it. */
#define REMOTE_BRANCH "refs/heads/main"

/* Create the bare repository dir (or guard an existing bare one): HEAD on
 * REMOTE_BRANCH when that branch exists or nothing does, the receive
 * settings, preg.admin when admin is not NULL, and hooks/pre-receive
 * running the preg at preg_path. PREG_EEXISTS when dir exists and is not a
 * bare repository, PREG_EINVAL when its HEAD names another branch that has
 * commits while REMOTE_BRANCH has none ("'DIR' holds branch 'master', not
 * 'main'"). */
int remote_init(const char *dir, const char *admin, const char *preg_path);

/* Whether dir does not exist or is an empty directory: where remote_init
 * makes a new bare repository (preg init --remote makes one there). */
bool remote_absent(const char *dir);

/* What dir lacks to be a guarded remote, one line a finding, queued as
 * warnings (preg_warn); *problems counts them. 0, or PREG_ENOREG when dir
 * is not a bare git repository. */
int remote_check(const char *dir, int *problems);

/* The pre-receive hook (preg remote hook): text holds git's lines "OLD
 * NEW REF" for one push into the bare repository gitdir (opened from the
 * environment, so that the pushed objects in git's quarantine are seen).
 * pusher is who pushes, as the server names them (a handle or a display
 * name of preg.yaml's managers), or NULL when nobody says. Each breach is
 * queued as a warning "refused: WHAT: commit HEX (summary): why" (or
 * "refused: REF: why"), and *refused counts them; git then refuses the
 * whole push. The rules:
 *   - only REMOTE_BRANCH takes pushes, by fast-forward, never deleted;
 *   - every commit the push brings passes verify's per-commit rules
 *     (verify.h), and a preg commit names its acting user (Preg-User);
 *   - every record a commit changes passes check's rules (check.h);
 *   - nothing but records and preg.yaml changes (preg init's
 *     .gitattributes in the first commit aside), except by a head or
 *     the admin (preg.admin): with no pusher known, by nobody;
 *   - with a pusher known and preg.yaml listing managers: a manager
 *     changes only clients they have before or after each commit, and
 *     not preg.yaml; heads (role: head) and the admin anything; anyone
 *     else nothing.
 * A merge answers for what differs from all its parents. 0, or
 * PREG_EINVAL for lines git would not write, or an error reading. */
int remote_hook(const char *gitdir, const char *text, const char *pusher, int *refused);

/* preg remote serve, the command an ssh key runs (authorized_keys'
 * command="preg remote serve --user NAME [DIR]"): ssh_cmd is what the
 * client asked for (SSH_ORIGINAL_COMMAND), and only "git-receive-pack
 * 'PATH'" and "git-upload-pack 'PATH'" (git's quoting) are taken, PATH
 * being dir (the same directory, however spelt) or, with dir NULL, any
 * guarded remote. *service ("receive-pack" or "upload-pack") and *path
 * are the caller's. PREG_EINVAL naming what is refused. */
int remote_serve_parse(const char *ssh_cmd, const char *dir, char **service, char **path);

/* For preg clone and preg doctor: pull.rebase=false in the register's
 * clone when it has a remote, so that a plain "git pull" merges (through the record driver)
 * instead of refusing to choose. With report, a change made is queued as
 * a warning "fixed: ...". */
int remote_setup_pull(struct reg *r, bool report);

#endif
