/*
 * gen.c: benchmark data for preg. Writes a git fast-import stream to stdout:
 * one commit on refs/heads/main, on top of its current tip, that adds N
 * realistic client records (about 1 KB each, in preg's canonical record form,
 * SPEC section 4) at clients/<shard>/<id>.yaml.
 *
 * Usage: gen N [SEED]
 * The output depends only on N and SEED (own xorshift generator, fixed times).
 * Import with: gen 100000 | git -C REG fast-import --quiet
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(a) ((a)[rn(NELEM(a))])
#define MAX_ID 48
#define HIST 6
#define MAX_NOTES 4

/* ---- random numbers: xorshift64*, seeded through splitmix64 ---- */

static uint64_t rng;

static void seed_rng(uint64_t seed)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	rng = z ^ (z >> 31);
	if (rng == 0)
		rng = 1;
}

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* 0 .. n-1 */
static unsigned rn(size_t n)
{
	return (unsigned)((rnd() >> 11) % n);
}

/* true with the given percent probability */
static int chance(unsigned pct)
{
	return rn(100) < pct;
}

/* ---- output buffer for one record ---- */

static char rec[16384];
static size_t rec_len;

static void put(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void put(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rec + rec_len, sizeof(rec) - rec_len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rec) - rec_len) {
		fprintf(stderr, "gen: record too long\n");
		exit(1);
	}
	rec_len += (size_t)n;
}

/* Would YAML read this plain scalar as something else, or fail on it? */
static int needs_quotes(const char *s, int flow)
{
	static const char *const special[] = {
		"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~",
	};
	size_t len = strlen(s);

	if (len == 0 || s[0] == ' ' || s[len - 1] == ' ' || s[len - 1] == ':')
		return 1;
	if (strchr("-?:,[]{}#&*!|>'\"%@`+.0123456789", s[0]))
		return 1;
	if (strstr(s, ": ") || strstr(s, " #") || strpbrk(s, "\"\\\t\n"))
		return 1;
	if (flow && strpbrk(s, ",[]{}"))
		return 1;
	for (size_t i = 0; i < NELEM(special); i++)
		if (strcasecmp(s, special[i]) == 0)
			return 1;
	return 0;
}

/* Append a scalar, double-quoted when YAML could misread it. */
static void put_str(const char *s, int flow)
{
	if (!needs_quotes(s, flow)) {
		put("%s", s);
		return;
	}
	put("\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			put("\\%c", *s);
		else if (*s == '\n')
			put("\\n");
		else if (*s == '\t')
			put("\\t");
		else
			put("%c", *s);
	}
	put("\"");
}

/* ---- calendar (proleptic Gregorian, days since 1970-01-01) ---- */

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long long)yoe + era * 400 + (*m <= 2);
}

/* RFC 3339 time of UTC seconds t shown at offset off (minutes east) */
static void fmt_time(char *out, size_t n, long long t, int off)
{
	long long lt = t + off * 60LL, y;
	long long day = lt >= 0 ? lt / 86400 : (lt - 86399) / 86400;
	long long sec = lt - day * 86400;
	unsigned m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(out, n, "%04lld-%02u-%02uT%02lld:%02lld:%02lld%c%02d:%02d",
		y, m, d, sec / 3600, sec / 60 % 60, sec % 60,
		off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
}

static void fmt_date(char *out, size_t n, long long day)
{
	long long y;
	unsigned m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(out, n, "%04lld-%02u-%02u", y, m, d);
}

/* UTC seconds of local day, hour and minute at offset off */
static long long local_time(long long day, unsigned h, unsigned min, int off)
{
	return day * 86400 + h * 3600LL + min * 60LL - off * 60LL;
}

/* ---- vocabulary ---- */

/* A sound with its Latin transliteration and Cyrillic lower/upper case. */
struct ph {
	const char *lat, *lo, *up;
};

static const struct ph cons[] = {
	{"b", "б", "Б"}, {"v", "в", "В"}, {"g", "г", "Г"}, {"d", "д", "Д"},
	{"zh", "ж", "Ж"}, {"z", "з", "З"}, {"k", "к", "К"}, {"l", "л", "Л"},
	{"m", "м", "М"}, {"n", "н", "Н"}, {"p", "п", "П"}, {"r", "р", "Р"},
	{"s", "с", "С"}, {"t", "т", "Т"}, {"f", "ф", "Ф"}, {"kh", "х", "Х"},
	{"ts", "ц", "Ц"}, {"ch", "ч", "Ч"}, {"sh", "ш", "Ш"}, {"k", "к", "К"},
	{"r", "р", "Р"}, {"t", "т", "Т"}, {"s", "с", "С"}, {"m", "м", "М"},
};
static const struct ph vows[] = {
	{"a", "а", "А"}, {"o", "о", "О"}, {"u", "у", "У"}, {"i", "и", "И"},
	{"e", "е", "Е"}, {"a", "а", "А"}, {"o", "о", "О"},
};
/* How a name starts, chosen so that the shards (the first two characters of
 * the id) spread: a single consonant and one of five vowels, a cluster or a
 * digraph (which takes every vowel after it into one shard), or a vowel. */
static const struct ph onsets[] = {
	{"b", "б", "Б"}, {"v", "в", "В"}, {"g", "г", "Г"}, {"d", "д", "Д"},
	{"z", "з", "З"}, {"k", "к", "К"}, {"l", "л", "Л"}, {"m", "м", "М"},
	{"n", "н", "Н"}, {"p", "п", "П"}, {"r", "р", "Р"}, {"s", "с", "С"},
	{"t", "т", "Т"}, {"f", "ф", "Ф"},
};
static const struct ph onset_vows[] = {
	{"a", "а", "А"}, {"o", "о", "О"}, {"u", "у", "У"}, {"i", "и", "И"},
	{"e", "е", "Е"},
};
static const struct ph clusters[] = {
	{"zh", "ж", "Ж"}, {"kh", "х", "Х"}, {"ts", "ц", "Ц"}, {"ch", "ч", "Ч"},
	{"sh", "ш", "Ш"}, {"st", "ст", "Ст"}, {"pr", "пр", "Пр"},
	{"tr", "тр", "Тр"}, {"kr", "кр", "Кр"}, {"gr", "гр", "Гр"},
	{"br", "бр", "Бр"}, {"sv", "св", "Св"}, {"pl", "пл", "Пл"},
	{"sk", "ск", "Ск"}, {"dr", "др", "Др"}, {"bl", "бл", "Бл"},
	{"gl", "гл", "Гл"}, {"kl", "кл", "Кл"}, {"sl", "сл", "Сл"},
	{"sm", "см", "См"}, {"sp", "сп", "Сп"}, {"zv", "зв", "Зв"},
	{"vl", "вл", "Вл"}, {"fr", "фр", "Фр"}, {"sn", "сн", "Сн"},
};
static const struct ph first_vows[] = {
	{"a", "а", "А"}, {"o", "о", "О"}, {"u", "у", "У"}, {"i", "и", "И"},
	{"e", "э", "Э"}, {"a", "а", "А"}, {"o", "о", "О"}, {"e", "э", "Э"},
	{"ya", "я", "Я"}, {"yu", "ю", "Ю"},
};
static const struct ph finals[] = {
	{"n", "н", "Н"}, {"r", "р", "Р"}, {"l", "л", "Л"}, {"s", "с", "С"},
	{"k", "к", "К"}, {"t", "т", "Т"}, {"m", "м", "М"},
};

static const char *const legal[] = {"ООО", "ООО", "ООО", "АО", "ПАО", "ЗАО"};
static const struct ph suffixes[] = {
	{"trans", "Транс", NULL}, {"logistik", "Логистик", NULL},
	{"metall", "Металл", NULL}, {"grupp", "Групп", NULL},
	{"agro", "Агро", NULL}, {"import", "Импорт", NULL},
	{"ural", "Урал", NULL}, {"terminal", "Терминал", NULL},
	{"servis", "Сервис", NULL}, {"prom", "Пром", NULL},
};
static const char *const latin_kind[] = {
	"Logistics", "Trading", "Cargo", "Steel", "Industries", "Freight",
};
static const char *const latin_form[] = {"Ltd", "LLC", "GmbH", "Co. Ltd", "Inc."};

static const char *const managers[] = {
	"ivanov", "petrov", "smirnova", "kuznetsov", "popova", "vasiliev",
	"sokolova", "mikhailov", "novikova", "fedorov", "morozova", "volkov",
};

struct person {
	const char *cyr, *lat;
	int female;
};

static const struct person first_names[] = {
	{"Сергей", "s", 0}, {"Анна", "a", 1}, {"Ольга", "o", 1},
	{"Дмитрий", "d", 0}, {"Елена", "e", 1}, {"Алексей", "a", 0},
	{"Мария", "m", 1}, {"Игорь", "i", 0}, {"Наталья", "n", 1},
	{"Андрей", "a", 0}, {"Татьяна", "t", 1}, {"Михаил", "m", 0},
	{"Юлия", "yu", 1}, {"Павел", "p", 0}, {"Ирина", "i", 1},
	{"Виктор", "v", 0},
};
static const struct ph surnames[] = {
	{"petrov", "Петров", NULL}, {"smirnov", "Смирнов", NULL},
	{"kuznetsov", "Кузнецов", NULL}, {"sokolov", "Соколов", NULL},
	{"popov", "Попов", NULL}, {"lebedev", "Лебедев", NULL},
	{"kozlov", "Козлов", NULL}, {"novikov", "Новиков", NULL},
	{"morozov", "Морозов", NULL}, {"volkov", "Волков", NULL},
	{"egorov", "Егоров", NULL}, {"pavlov", "Павлов", NULL},
	{"orlov", "Орлов", NULL}, {"zaitsev", "Зайцев", NULL},
	{"belov", "Белов", NULL}, {"titov", "Титов", NULL},
};
static const char *const roles[] = {
	"director", "decision maker", "logistics manager", "chief accountant",
	"purchasing manager", "deputy director", "supply specialist",
	"sales director", "head of logistics",
};
static const char *const latin_people[] = {
	"John Miller", "Li Wei", "Zhang Min", "Anna Schmidt", "Mehmet Kaya",
	"Chen Jing", "Thomas Weber", "Aigul Sarsenova",
};
static const unsigned area_codes[] = {
	351, 351, 351, 343, 495, 499, 812, 383, 347, 342, 912, 922, 908, 3519,
};
static const char *const origins[] = {
	"China", "Kazakhstan", "Moscow", "Saint Petersburg", "Novosibirsk",
	"Yekaterinburg", "Uzbekistan", "Turkey", "Germany", "Vladivostok",
	"Chelyabinsk", "Magnitogorsk", "Belarus", "Novorossiysk",
};
static const char *const destinations[] = {
	"Chelyabinsk", "Magnitogorsk", "Moscow", "Yekaterinburg", "Almaty",
	"Tashkent", "Kazan", "Perm", "Ufa", "Tyumen", "Kurgan", "Orenburg",
	"Chelyabinsk", "Chelyabinsk",
};
static const char *const cargos[] = {
	"steel pipes", "rolled metal", "equipment", "timber", "fertilizers",
	"chemicals", "food products", "auto parts", "building materials",
	"consumer goods", "grain", "coal", "furniture", "textiles",
	"oversized machinery", "paper rolls",
};
static const char *const transports[] = {
	"rail", "rail", "truck", "truck", "truck", "sea container", "multimodal",
	"air", "refrigerated truck", "flatbed",
};
static const char *const intensities[] = {
	"about 20 t a month", "one wagon a month", "weekly truck",
	"two trucks a week", "occasional", "seasonal in autumn",
	"about 5 containers a month", "one shipment a quarter", "daily",
	"up to 300 t a month",
};
static const char *const tags_all[] = {
	"china", "steel", "rail", "auto", "export", "import", "key", "tender",
	"seasonal", "vip", "containers", "chemicals", "timber", "grain",
	"dangerous-goods", "oversized",
};
static const char *const actions[] = {
	"call about the first shipment", "send the quotation",
	"agree the contract terms", "meet the director", "send the presentation",
	"clarify the cargo volume", "ask for feedback on rates",
	"send the draft contract", "confirm the loading date",
	"call the logistics manager", "prepare a tariff for the new route",
	"remind about the unpaid invoice",
};
static const char *const end_reasons[] = {
	"moved to a competitor", "price too high", "project cancelled",
	"company closed", "seasonal cargo ended", "switched to own transport",
	"unhappy with delivery times", "no more cargo on this route",
};
static const char *const hold_reasons[] = {
	"the director is on holiday", "waiting for the tender results",
	"budget approval next quarter", "the plant is under reconstruction",
	"waiting for customs clearance rules", "contact person on sick leave",
};
static const char *const note_channels[] = {"call", "call", "email", "meeting"};
static const char *const note_texts[] = {
	"presentation to the director", "sent the price list",
	"discussed rates for the next quarter", "asked for a quotation",
	"called the logistics manager", "agreed on a meeting next week",
	"sent the draft contract", "client asked for a discount",
	"confirmed the first loading", "no answer and will call again",
	"discussed the delay at the border", "sent documents for the contract",
	"the director is interested in rail delivery",
	"received a request for two containers",
	"clarified the cargo dimensions", "got feedback on the last shipment",
};
static const char *const remark_lines[] = {
	"Prefers e-mail; the director decides in the last week of the month.",
	"Pays on time. Asks for photos of the loading.",
	"Works with two carriers and compares rates every quarter.",
	"Large volumes in autumn; quiet in summer.",
	"The chief accountant wants the original documents by post.",
	"Sensitive to delays: keep them informed about every stop.",
	"Met at the transport exhibition in Moscow.",
	"Recommended by a partner from Yekaterinburg.",
	"Needs a tail lift truck for the warehouse in the city centre.",
	"Decisions take long: the owner approves every contract personally.",
};

/* ---- ids ---- */

static char **ids;
static size_t ids_cap;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Record id as taken; returns 0 if it already was. */
static int id_take(const char *id)
{
	size_t i = (size_t)hash_str(id) & (ids_cap - 1);

	for (; ids[i]; i = (i + 1) & (ids_cap - 1))
		if (strcmp(ids[i], id) == 0)
			return 0;
	ids[i] = strdup(id);
	if (!ids[i]) {
		perror("gen");
		exit(1);
	}
	return 1;
}

/* Make id from base, adding -2, -3... when taken (as preg client add does). */
static void unique_id(char *id, const char *base)
{
	snprintf(id, MAX_ID + 1, "%.*s", MAX_ID, base);
	for (unsigned k = 2; !id_take(id); k++) {
		char sfx[16];
		size_t n = (size_t)snprintf(sfx, sizeof(sfx), "-%u", k);
		size_t b = strlen(base);

		if (b + n > MAX_ID)
			b = MAX_ID - n;
		snprintf(id, MAX_ID + 1, "%.*s%s", (int)b, base, sfx);
	}
}

/* A made-up word: Latin transliteration in lat, Cyrillic (capitalised) in cyr. */
static void make_word(char *lat, size_t nlat, char *cyr, size_t ncyr)
{
	unsigned syl = 2 + rn(2);

	lat[0] = cyr[0] = 0;
	for (unsigned i = 0; i < syl; i++) {
		const struct ph *parts[3];
		unsigned np = 0;

		unsigned r = rn(100);

		if (i > 0) {
			parts[np++] = &PICK(cons);
			parts[np++] = &PICK(vows);
		} else if (r < 70) {
			parts[np++] = &PICK(onsets);
			parts[np++] = &PICK(onset_vows);
		} else if (r < 88) {
			parts[np++] = &PICK(clusters);
			parts[np++] = &PICK(vows);
		} else {
			parts[np++] = &PICK(first_vows);
		}
		if (chance(i + 1 == syl ? 35 : 20))
			parts[np++] = &PICK(finals);
		for (unsigned j = 0; j < np; j++) {
			size_t l = strlen(lat), c = strlen(cyr);

			snprintf(lat + l, nlat - l, "%s", parts[j]->lat);
			snprintf(cyr + c, ncyr - c, "%s",
				l == 0 ? parts[j]->up : parts[j]->lo);
		}
	}
	if (chance(25)) {
		size_t l = strlen(lat), c = strlen(cyr);

		snprintf(lat + l, nlat - l, "ka");
		snprintf(cyr + c, ncyr - c, "ка");
	}
}

/* ---- one record ---- */

struct event {
	long long at;
	const char *by;
	int phase;		/* 0: none */
	const char *manager;	/* NULL: none */
};

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* Which manager had the client at time t. */
static const char *manager_at(const struct event *ev, long long t)
{
	const char *m = ev[0].manager;

	for (int i = 1; i < HIST; i++)
		if (ev[i].manager && ev[i].at <= t)
			m = ev[i].manager;
	return m;
}

static void gen_record(char *id, long long nowday)
{
	char wlat[64], wcyr[128], base[96], name[256], ts[80], ts2[80];
	struct event ev[HIST];
	const char *legal_form = PICK(legal);
	const char *kind = "external", *domain_tld = ".ru";
	int off = chance(80) ? 300 : 180;
	unsigned form = rn(100);

	/* the name and the id */
	make_word(wlat, sizeof(wlat), wcyr, sizeof(wcyr));
	if (form < 2) {		/* "ООО «5 Океанов»" */
		unsigned num = 1 + (rn(3) ? rn(9) : rn(99));

		snprintf(base, sizeof(base), "%u-%s", num, wlat);
		snprintf(name, sizeof(name), "%s «%u %s»", legal_form, num, wcyr);
	} else if (form < 45) {
		snprintf(base, sizeof(base), "%s", wlat);
		snprintf(name, sizeof(name), "%s «%s»", legal_form, wcyr);
	} else if (form < 60) {
		unsigned num = 1 + rn(999);

		snprintf(base, sizeof(base), "%s-%u", wlat, num);
		snprintf(name, sizeof(name), "%s «%s-%u»", legal_form, wcyr, num);
	} else if (form < 75) {
		const struct ph *s = &PICK(suffixes);

		snprintf(base, sizeof(base), "%s-%s", wlat, s->lat);
		snprintf(name, sizeof(name), "%s «%s %s»", legal_form, wcyr, s->lo);
	} else if (form < 85) {
		const struct person *p = &PICK(first_names);
		const char *ends_lat[] = {"ov", "in", "ev"};
		const char *ends_m[] = {"ов", "ин", "ев"};
		const char *ends_f[] = {"ова", "ина", "ева"};
		unsigned e = rn(3);

		snprintf(base, sizeof(base), "%s%s%s", wlat, ends_lat[e],
			p->female ? "a" : "");
		/* the initial of the first name: one Cyrillic letter, 2 bytes */
		snprintf(name, sizeof(name), "ИП %s%s %.2s.", wcyr,
			p->female ? ends_f[e] : ends_m[e], p->cyr);
	} else if (form < 95) {
		const char *k = PICK(latin_kind);
		char cap[64];

		snprintf(cap, sizeof(cap), "%s", wlat);
		cap[0] = (char)(cap[0] - 'a' + 'A');
		snprintf(base, sizeof(base), "%s-%s", wlat, k);
		for (char *c = base; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		snprintf(name, sizeof(name), "%s %s %s", cap, k, PICK(latin_form));
		domain_tld = ".com";
	} else {
		kind = "internal";
		snprintf(base, sizeof(base), "%s-filial", wlat);
		snprintf(name, sizeof(name), "Филиал %s", wcyr);
	}
	unique_id(id, base);

	/* history: created with phase 1, then 5 events (one may be a handover) */
	const char *mgr = PICK(managers);
	int handover = chance(35) ? 1 + (int)rn(HIST - 1) : -1;
	int moves = handover > 0 ? HIST - 2 : HIST - 1;
	long long gaps[HIST], total = 0;

	for (int i = 1; i < HIST; i++) {
		unsigned r = rn(100);

		gaps[i] = r < 40 ? rn(4) : r < 80 ? 4 + rn(17) : 21 + rn(25);
		total += gaps[i];
	}
	/* created since mid-2023, half of them in the last year */
	long long first = chance(50) ? days_from_civil(2023, 6, 1) : nowday - 365;
	long long day = first + rn((size_t)(nowday - 30 - first));

	if (day + total > nowday - 1)
		day = nowday - 1 - total;
	int phase = 1;

	for (int i = 0; i < HIST; i++) {
		if (i > 0)
			day += gaps[i];
		long long t = local_time(day, 9 + rn(10), rn(60), off);

		if (i > 0 && t <= ev[i - 1].at)
			t = ev[i - 1].at + (10 + rn(110)) * 60;
		ev[i].at = t;
		ev[i].phase = 0;
		ev[i].manager = NULL;
		if (i == 0) {
			ev[i].by = mgr;
			ev[i].phase = 1;
			ev[i].manager = mgr;
		} else if (i == handover) {
			const char *m2;

			do
				m2 = PICK(managers);
			while (m2 == mgr);
			ev[i].by = chance(50) ? mgr : PICK(managers);
			ev[i].manager = m2;
			mgr = m2;
		} else {
			int left = moves--;	/* moves still to make, this one included */
			int maxstep = 12 - phase - (left - 1);
			unsigned r = rn(100);
			int step = r < 70 ? 1 : r < 90 ? 2 : 3;

			if (step > maxstep)
				step = maxstep;
			phase += step;
			ev[i].by = mgr;
			ev[i].phase = phase;
		}
	}
	long long phase_since = 0;

	for (int i = 0; i < HIST; i++)
		if (ev[i].phase)
			phase_since = ev[i].at;
	int ended = phase >= 11;

	/* notes, oldest first */
	/* notes, oldest first: working hours from creation to a month after the
	 * last event */
	unsigned nnotes = 2 + rn(3);
	long long nt[MAX_NOTES];
	long long day0 = (ev[0].at + off * 60LL) / 86400 + 1, dayn = day + 30;

	if (dayn > nowday - 1)
		dayn = nowday - 1;
	if (dayn < day0)
		dayn = day0;
	for (unsigned i = 0; i < nnotes; i++)
		nt[i] = local_time(day0 + rn((size_t)(dayn - day0 + 1)), 9 + rn(10), rn(60), off);
	qsort(nt, nnotes, sizeof(nt[0]), cmp_ll);
	for (unsigned i = 1; i < nnotes; i++)
		if (nt[i] <= nt[i - 1])
			nt[i] = nt[i - 1] + (5 + rn(60)) * 60;

	/* the record, keys in canonical order */
	rec_len = 0;
	put("id: %s\nname: ", id);
	put_str(name, 0);
	put("\nkind: %s\nmanager: %s\nphase: %d\n", kind, mgr, phase);
	fmt_time(ts, sizeof(ts), phase_since, off);
	put("phase_since: %s\n", ts);
	if (!ended && chance(75)) {
		fmt_date(ts, sizeof(ts), nowday - 20 + rn(51));
		put("next_contact: %s\n", ts);
		if (chance(85)) {
			put("next_action: ");
			put_str(PICK(actions), 0);
			put("\n");
		}
	} else if (!ended && chance(10)) {
		put("next_action: ");
		put_str(PICK(actions), 0);
		put("\n");
	}
	if (ended) {
		put("end_reason: ");
		put_str(PICK(end_reasons), 0);
		put("\n");
	}
	if (!ended && chance(5)) {
		fmt_date(ts, sizeof(ts), nowday + 5 + rn(60));
		put("hold_until: %s\nhold_reason: ", ts);
		put_str(PICK(hold_reasons), 0);
		put("\n");
	}
	fmt_time(ts, sizeof(ts), ev[0].at, off);
	put("created: %s\n", ts);
	if (chance(30)) {
		unsigned a = rn(NELEM(remark_lines));

		put("remarks: |\n  %s\n", remark_lines[a]);
		if (chance(40))
			put("  %s\n", remark_lines[(a + 1 + rn(NELEM(remark_lines) - 1)) % NELEM(remark_lines)]);
	}
	if (chance(70)) {
		unsigned nt_ = 1 + rn(3), t0 = rn(NELEM(tags_all));

		put("tags: [");
		for (unsigned i = 0; i < nt_; i++)
			put("%s%s", i ? ", " : "", tags_all[(t0 + i * 5) % NELEM(tags_all)]);
		put("]\n");
	}
	put("fields:\n");
	int route = chance(95);

	if (route) {
		const char *o = PICK(origins), *d;

		do
			d = PICK(destinations);
		while (strcmp(o, d) == 0);
		put("  direction: %s - %s\n", o, d);
	}
	if (chance(90) || !route)	/* never an empty fields: */
		put("  cargo: %s\n", PICK(cargos));
	if (chance(85))
		put("  transport: %s\n", PICK(transports));
	if (chance(60))
		put("  intensity: %s\n", PICK(intensities));

	put("contacts:\n");
	for (unsigned c = 0, nc = chance(60) ? 1 : 2; c < nc; c++) {
		char phone[32];
		unsigned ac = PICK(area_codes);

		if (form >= 85 && form < 95 && chance(60)) {
			const char *who = PICK(latin_people);
			const char *sp = strchr(who, ' ');

			put("  - name: %s\n", who);
			put("    role: %s\n", PICK(roles));
			snprintf(phone, sizeof(phone), "+%u %u %u %u", 86, 10 + rn(90),
				1000 + rn(9000), 1000 + rn(9000));
			put("    phone: \"%s\"\n", phone);
			put("    email: %c.", who[0] + 'a' - 'A');
			for (const char *q = sp + 1; *q; q++)
				put("%c", *q >= 'A' && *q <= 'Z' ? *q + 'a' - 'A' : *q);
			put("@%s%s\n", wlat, domain_tld);
			continue;
		}
		const struct person *p = &PICK(first_names);
		const struct ph *s = &PICK(surnames);

		put("  - name: %s %s%s\n", p->cyr, s->lo, p->female ? "а" : "");
		if (chance(90))
			put("    role: %s\n", PICK(roles));
		if (ac >= 1000)
			snprintf(phone, sizeof(phone), "+7 %u %02u-%02u-%02u", ac,
				rn(100), rn(100), rn(100));
		else
			snprintf(phone, sizeof(phone), "+7 %u %03u-%02u-%02u", ac,
				rn(1000), rn(100), rn(100));
		put("    phone: \"%s\"\n", phone);
		if (chance(85))
			put("    email: %s.%s%s@%s%s\n", p->lat, s->lat,
				p->female ? "a" : "", wlat, domain_tld);
	}

	put("history:\n");
	for (int i = 0; i < HIST; i++) {
		fmt_time(ts, sizeof(ts), ev[i].at, off);
		put("  - {at: %s, by: %s", ts, ev[i].by);
		if (ev[i].phase)
			put(", phase: %d", ev[i].phase);
		if (ev[i].manager)
			put(", manager: %s", ev[i].manager);
		put("}\n");
	}
	put("notes:\n");
	for (unsigned i = 0; i < nnotes; i++) {
		fmt_time(ts2, sizeof(ts2), nt[i], off);
		put("  - {at: %s, by: %s, channel: %s, text: ", ts2,
			manager_at(ev, nt[i]), PICK(note_channels));
		put_str(PICK(note_texts), 1);
		put("}\n");
	}
}

int main(int argc, char **argv)
{
	char *end;
	unsigned long long n, seed = 1;
	static char obuf[1 << 20];

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: gen N [SEED]\n");
		return 2;
	}
	errno = 0;
	n = strtoull(argv[1], &end, 10);
	if (errno || *end || end == argv[1] || n == 0 || n > 50000000) {
		fprintf(stderr, "gen: N must be 1..50000000\n");
		return 2;
	}
	if (argc == 3) {
		seed = strtoull(argv[2], &end, 10);
		if (errno || *end || end == argv[2]) {
			fprintf(stderr, "gen: bad SEED\n");
			return 2;
		}
	}
	seed_rng(seed);
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));

	for (ids_cap = 1024; ids_cap < n * 2; ids_cap *= 2)
		;
	ids = calloc(ids_cap, sizeof(*ids));
	if (!ids) {
		perror("gen");
		return 1;
	}

	/* PREG_NOW of the benchmark: 2026-11-22T10:00:00+03:00 */
	long long nowday = days_from_civil(2026, 11, 22);
	long long now = local_time(nowday, 10, 0, 180);
	char msg[128];
	int ml = snprintf(msg, sizeof(msg), "bench: add %llu generated clients\n", n);

	printf("commit refs/heads/main\n");
	printf("author bench <bench@example.com> %lld +0300\n", now - 86400);
	printf("committer bench <bench@example.com> %lld +0300\n", now - 86400);
	printf("data %d\n%s", ml, msg);
	printf("from refs/heads/main^0\n");
	for (unsigned long long i = 0; i < n; i++) {
		char id[MAX_ID + 1];
		char shard[3];

		gen_record(id, nowday);
		shard[0] = id[0];
		shard[1] = id[1] ? id[1] : '_';
		shard[2] = 0;
		printf("M 100644 inline clients/%s/%s.yaml\ndata %zu\n", shard, id, rec_len);
		fwrite(rec, 1, rec_len, stdout);
		putchar('\n');
	}
	printf("\n");
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("gen: write");
		return 1;
	}
	for (size_t i = 0; i < ids_cap; i++)
		free(ids[i]);
	free(ids);
	return 0;
}
