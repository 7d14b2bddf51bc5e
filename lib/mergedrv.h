/*
 * mergedrv: the record merge (lib/merge) as libgit2's merge driver "preg".
 *
 * libgit2 runs no merge driver from git config, so merges that libgit2
 * makes would merge record files line by line. This driver, registered
 * in-process under the name .gitattributes gives ("merge=preg"), merges
 * them with the rules of the git driver (preg merge-file): a field changed
 * differently on both sides leaves the file conflicted.
 */
#ifndef PREG_MERGEDRV_H
#define PREG_MERGEDRV_H

/* Register the driver; called once when libgit2 starts (lib/register.c, reg_lib_init). */
void mergedrv_register(void);

#endif
