/*
 * loggen.c: a long history for preg log's benchmark. Writes a git
 * fast-import stream to stdout: on top of refs/heads/main, one commit that
 * adds CLIENTS small records (aa00000, ba00001, ...), then COMMITS - 1 commits that
 * each change one record the way "preg client set ID next_contact=..."
 * does (a new next_contact and next_action, with preg's summary and
 * trailers). Client k is changed by commits i with i % CLIENTS == k, so
 * each has about COMMITS / CLIENTS commits spread over the whole history.
 *
 * Usage: loggen COMMITS CLIENTS
 * Deterministic: fixed times, one minute apart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#define T0 1767247200L /* 2026-01-01T06:00:00Z */

static char rec[2048];

/* Ids spread over shards as real ones do: "ab01234". */
static void id(char *out, size_t n, int k)
{
	snprintf(out, n, "%c%c%05d", 'a' + k % 26, 'a' + (k / 26) % 26, k);
}

static int record(int k, int version)
{
	int day = 1 + version % 28, month = 1 + (version / 28) % 12;
	char i[16];

	id(i, sizeof(i), k);
	return snprintf(rec, sizeof(rec),
			"id: %s\n"
			"name: Client %d\n"
			"kind: external\n"
			"manager: m%d\n"
			"phase: 4\n"
			"phase_since: 2026-01-01T09:00:00+03:00\n"
			"next_contact: 2027-%02d-%02d\n"
			"next_action: call about order %d\n"
			"created: 2026-01-01T09:00:00+03:00\n"
			"history:\n"
			"  - {at: 2026-01-01T09:00:00+03:00, by: m%d, phase: 4, manager: m%d}\n",
			i, k, k % 7, month, day, version, k % 7, k % 7);
}

static void path(char *out, size_t n, int k)
{
	char i[16];

	/* The shard of layout version 2, as preg init makes registers: the
	 * top byte of the id's XXH64 (seed 0), in hex. */
	id(i, sizeof(i), k);
	snprintf(out, n, "clients/%02x/%s.yaml", (unsigned)(XXH64(i, strlen(i), 0) >> 56), i);
}

int main(int argc, char **argv)
{
	long commits, clients;
	char p[64], msg[256];

	if (argc != 3 || (commits = atol(argv[1])) < 2 || (clients = atol(argv[2])) < 1 || clients > 99999) {
		fprintf(stderr, "usage: loggen COMMITS CLIENTS\n");
		return 2;
	}
	printf("commit refs/heads/main\ncommitter bench <bench@example.com> %ld +0300\n", T0);
	snprintf(msg, sizeof(msg), "import: %ld clients\n", clients);
	printf("data %zu\n%s\nfrom refs/heads/main^0\n", strlen(msg), msg);
	for (int k = 0; k < clients; k++) {
		int n = record(k, 0);

		path(p, sizeof(p), k);
		printf("M 100644 inline %s\ndata %d\n%s\n", p, n, rec);
	}
	for (long i = 1; i < commits; i++) {
		int k = (int)(i % clients), n = record(k, (int)(i / clients) + 1);

		path(p, sizeof(p), k);
		char cid[16];

		id(cid, sizeof(cid), k);
		snprintf(msg, sizeof(msg), "set: %s next_contact, next_action\n\nPreg-Client: %s\nPreg-Action: set\n",
			 cid, cid);
		printf("commit refs/heads/main\nauthor bench <bench@example.com> %ld +0300\n"
		       "committer bench <bench@example.com> %ld +0300\n",
		       T0 + 60 * i, T0 + 60 * i);
		printf("data %zu\n%s\nM 100644 inline %s\ndata %d\n%s\n", strlen(msg), msg, p, n, rec);
	}
	return 0;
}
