/*
 * mail_addr: the rule for an e-mail address preg sends to. Apart from
 * mail (which builds and sends messages, above the reminders) because
 * preg.yaml's reader holds mail_from and the managers' addresses to it,
 * and that reader stands below everything mail needs.
 */
#ifndef PREG_MAIL_ADDR_H
#define PREG_MAIL_ADDR_H

#include <stdbool.h>

/* Whether addr is an address preg sends to: local@domain in printable
 * ASCII, without spaces, quotes, angle brackets, commas or a second '@',
 * at most 254 characters. */
bool mail_addr_valid(const char *addr);

#endif
