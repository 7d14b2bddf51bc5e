/*
 * team: the managers of preg.yaml at work (SPEC §3, issue 14): whose
 * reminders go to whom while a manager is away, and the one commit that
 * sends a manager away or brings them back.
 *
 * A manager away has, in preg.yaml,
 *     managers:
 *       ivanov: {name: ..., email: ..., away: {until: 2026-12-20, standin: petrov}}
 * Until that day (inclusive) the reminders of ivanov's clients go to petrov,
 * marked as for ivanov; from the day after they go to ivanov again without
 * anyone changing anything. The clients stay ivanov's: reports are not
 * affected.
 */
#ifndef PREG_TEAM_H
#define PREG_TEAM_H

#include <stdint.h>

#include "phases.h"
#include "register.h"

/* Who receives handle's reminders on day: the stand-in while handle is
 * away, following a stand-in who is away too (never round in a circle);
 * handle itself otherwise. Lent (from p, or handle). */
const char *team_recipient(const struct phases *p, const char *handle, int32_t day);

/* The text of preg.yaml (yaml, len bytes) with manager m away until the day
 * until with stand-in n (n NULL: back, the away entry removed). *out is the
 * caller's. PREG_EINVAL: m or n not listed in managers ("unknown manager
 * 'M'"), n equal to m, until before today, m not away when brought back, or
 * a preg.yaml with comments, which the rewrite would lose. */
int team_settings_away(char **out, const char *yaml, size_t len, const char *m, const char *n,
		       int32_t until, int32_t today);

/* Send m away (n the stand-in) or, with n NULL, bring m back: one commit
 * of preg.yaml by the acting user ("manager: ivanov away until
 * 2026-12-20, petrov stands in"; Preg-Action: manager). Errors as above,
 * or those of reg_write. */
int team_away(struct reg *r, const char *m, const char *n, int32_t until, int32_t today);

#endif
