/* mail_addr: the rule for an address preg sends to (see mail_addr.h). */
#include <string.h>

#include "mail_addr.h"

bool mail_addr_valid(const char *addr)
{
	const char *at = strchr(addr, '@');

	if (!at || at == addr || !at[1] || strchr(at + 1, '@') || strlen(addr) > 254)
		return false;
	for (const char *p = addr; *p; p++)
		if ((unsigned char)*p <= 32 || (unsigned char)*p > 126 || strchr("\"<>(),;:[]\\", *p))
			return false;
	return true;
}
