/*
 * gen.c: benchmark data for preg. Writes a git fast-import stream to stdout:
 * one commit on refs/heads/main, on top of its current tip, that adds N
 * realistic client records (about 1 KB each, in preg's canonical record form,
 * SPEC section 4) at clients/<shard>/<id>.yaml, the shard as layout version 2
 * has it (lib/layout.c, linked in), as preg init makes registers.
 *
 * Usage: gen [--even] [--ids] [--v1] N [SEED]
 *   --even  made-up names whose ids spread evenly (the first generator);
 *           the default is realistic names (see name_real)
 *   --ids   print "ID<TAB>NAME" per client instead of the stream
 *   --v1    the paths of layout version 1 (the first two characters of
 *           the id), for a register to upgrade
 * The output depends only on the options, N and SEED (own xorshift
 * generator, fixed times). Ids are derived by preg's own rule (lib/slug.c,
 * linked in). Import with: gen 100000 | git -C REG fast-import --quiet
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "layout.h"
#include "slug.h"

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
		char *s = slug_with_suffix(base, k);

		snprintf(id, MAX_ID + 1, "%s", s);
		free(s);
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

/* ---- realistic names (the default) ---- */

/*
 * What real registers hold: about three quarters Russian names, of which
 * about 80% are ООО «...», then ИП (a person), АО, ЗАО, ПАО; a quarter
 * foreign partners (Chinese suppliers, English, German and other European
 * companies) with their own legal forms. The words are drawn from
 * vocabularies ordered from the most to the least common, with weights
 * 1/(rank + offset), so that popular names recur (there are thousands of
 * ООО «Вектор» in Russia) and their ids collide as real ones do: the id is
 * what preg derives (slug_client_id), -2, -3... when taken.
 */

struct vocab {
	const char *const *w;
	size_t n;
	double offset;		/* larger: flatter */
	double *cum;		/* cumulative weights, made on first use */
};

#define VOCAB(a, off) { (a), NELEM(a), (off), NULL }

/* A word of v, the first ones more often. */
static const char *vpick(struct vocab *v)
{
	double u, total;
	size_t lo = 0, hi;

	if (!v->cum) {
		double s = 0;

		v->cum = malloc(v->n * sizeof(*v->cum));
		if (!v->cum) {
			perror("gen");
			exit(1);
		}
		for (size_t i = 0; i < v->n; i++)
			v->cum[i] = s += 1.0 / ((double)i + v->offset);
	}
	total = v->cum[v->n - 1];
	u = (double)(rnd() >> 11) * 0x1p-53 * total;
	for (hi = v->n - 1; lo < hi;) {
		size_t mid = (lo + hi) / 2;

		if (v->cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return v->w[lo];
}

/* Brand words of Russian companies, roughly by how often they are used. */
static const char *const ru_brand_w[] = {
	"Вектор", "Альфа", "Гранит", "Прогресс", "Стандарт", "Лидер",
	"Меридиан", "Альянс", "Партнёр", "Восток", "Ромашка", "Сибирь",
	"Феникс", "Атлант", "Орион", "Импульс", "Регион", "Ресурс", "Гарант",
	"Эталон", "Магистраль", "Континент", "Горизонт", "Олимп", "Вега",
	"Сигма", "Омега", "Дельта", "Спектр", "Квант", "Кристалл", "Алмаз",
	"Рубин", "Янтарь", "Малахит", "Кедр", "Берёза", "Тайга", "Байкал",
	"Волга", "Енисей", "Ангара", "Амур", "Кама", "Нева", "Арктика",
	"Полюс", "Азимут", "Компас", "Маяк", "Парус", "Фрегат", "Якорь",
	"Гавань", "Сокол", "Беркут", "Орёл", "Пеликан", "Медведь", "Барс",
	"Зубр", "Мустанг", "Пегас", "Титан", "Атлас", "Гермес", "Геркулес",
	"Арсенал", "Бастион", "Монолит", "Фундамент", "Опора", "Основа",
	"Надежда", "Удача", "Успех", "Победа", "Триумф", "Держава",
	"Традиция", "Престиж", "Элита", "Премьер", "Фаворит", "Чемпион",
	"Старт", "Пилот", "Штурман", "Навигатор", "Экспедитор", "Транзит",
	"Маршрут", "Курс", "Терминал", "Контейнер", "Перевал", "Рассвет",
	"Заря", "Радуга", "Светлана", "Виктория", "Ирбис", "Соболь", "Тундра",
	"Урожай", "Колос", "Нива", "Жемчуг", "Самоцвет", "Аврора", "Каскад",
	"Ладога", "Онега", "Сапсан", "Стрела", "Вымпел", "Кварц", "Платина",
	"Эверест", "Эльбрус", "Казбек", "Ока", "Дон", "Обь", "Иртыш", "Лена",
};
static struct vocab ru_brand = VOCAB(ru_brand_w, 20);

/* The first and second halves of compound names: Стройинвест, Промснаб. */
static const char *const ru_head_w[] = {
	"Строй", "Пром", "Техно", "Агро", "Транс", "Энерго", "Нефте", "Газ",
	"Метал", "Электро", "Авто", "Мега", "Евро", "Рос", "Сиб", "Урал",
	"Волго", "Дальн", "Спец", "Мед", "Эко", "Лес", "Хим", "Маш", "Торг",
	"Инвест", "Интер", "Гео", "Мостро", "Тепло", "Водо", "Кран", "Бетон",
	"Сталь", "Нефть", "Уголь", "Руда", "Зерно", "Мяс", "Молоко",
};
static struct vocab ru_head = VOCAB(ru_head_w, 6);
static const char *const ru_tail_w[] = {
	"инвест", "сервис", "снаб", "торг", "комплект", "маш", "пласт", "хим",
	"лес", "тех", "строй", "ресурс", "трейд", "групп", "логистик",
	"монтаж", "проект", "импорт", "экспорт", "капитал", "холдинг", "ком",
	"систем", "опт", "мир", "лайн", "трак", "карго", "транс", "пром",
	"сбыт", "поставка", "альянс", "профи", "мастер", "плюс", "центр",
};
static struct vocab ru_tail = VOCAB(ru_tail_w, 6);

/* What follows a brand after a hyphen: Вектор-М, Альфа-Трейд. */
static const char *const ru_suffix_w[] = {
	"М", "Трейд", "Групп", "Строй", "Сервис", "Транс", "Логистик", "Плюс",
	"Урал", "Сибирь", "Юг", "Центр", "Инвест", "Торг", "Пром", "Авто",
	"Агро", "Металл", "Терминал", "Экспресс", "Карго", "Профи", "Т", "К",
	"С", "Н", "2000", "XXI",
};
static struct vocab ru_suffix = VOCAB(ru_suffix_w, 4);

/* Two-word names: Северный путь, Деловой союз (masculine nouns). */
static const char *const ru_adj_w[] = {
	"Северный", "Первый", "Новый", "Южный", "Восточный", "Западный",
	"Единый", "Главный", "Русский", "Сибирский", "Уральский", "Волжский",
	"Балтийский", "Транспортный", "Промышленный", "Строительный",
	"Деловой", "Золотой", "Серебряный", "Белый", "Зелёный", "Красный",
	"Синий", "Торговый", "Технический", "Региональный", "Таёжный",
};
static struct vocab ru_adj = VOCAB(ru_adj_w, 5);
static const char *const ru_noun_w[] = {
	"путь", "дом", "ветер", "мост", "берег", "город", "край", "двор",
	"стандарт", "альянс", "терминал", "порт", "регион", "ресурс",
	"капитал", "союз", "поток", "экспресс", "груз", "транзит", "центр",
	"проект", "экспедитор", "склад", "маршрут", "караван", "базис",
};
static struct vocab ru_noun = VOCAB(ru_noun_w, 4);

/* Where a company is: Вектор Урал, Филиал в Казани. */
static const char *const ru_city_w[] = {
	"Москва", "Екатеринбург", "Челябинск", "Новосибирск", "Казань",
	"Самара", "Пермь", "Уфа", "Тюмень", "Омск", "Красноярск",
	"Владивосток", "Иркутск", "Хабаровск", "Магнитогорск", "Курган",
	"Оренбург", "Сургут", "Нижний Тагил", "Златоуст",
};
static struct vocab ru_city = VOCAB(ru_city_w, 4);
static const char *const ru_city_in[] = {	/* the same, "in ..." */
	"Москве", "Екатеринбурге", "Челябинске", "Новосибирске", "Казани",
	"Самаре", "Перми", "Уфе", "Тюмени", "Омске", "Красноярске",
	"Владивостоке", "Иркутске", "Хабаровске", "Магнитогорске", "Кургане",
	"Оренбурге", "Сургуте", "Нижнем Тагиле", "Златоусте",
};

/* Surnames, the most common first; the feminine form is derived. */
static const char *const ru_surname_w[] = {
	"Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров",
	"Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков",
	"Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
	"Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
	"Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев",
	"Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров",
	"Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов",
	"Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев",
	"Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров",
	"Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров",
	"Матвеев", "Титов", "Марков", "Миронов", "Крылов", "Куликов",
	"Карпов", "Власов", "Мельников", "Денисов", "Гаврилов", "Тихонов",
	"Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин",
	"Чернов", "Абрамов", "Мартынов", "Ефимов", "Федотов", "Щербаков",
	"Назаров", "Калинин", "Исаев", "Чернышёв", "Быков", "Маслов",
	"Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов",
	"Пономарёв", "Голубев", "Кудрявцев", "Прохоров", "Наумов", "Потапов",
	"Журавлёв", "Овчинников", "Трофимов", "Леонов", "Соболев", "Ермаков",
	"Колесников", "Гончаров", "Емельянов", "Никифоров", "Грачёв", "Котов",
	"Гришин", "Ефремов", "Архипов", "Громов", "Кириллов", "Малышев",
	"Панов", "Моисеев", "Румянцев", "Акимов", "Кондратьев", "Бирюков",
	"Горбунов", "Анисимов", "Ерёмин", "Тихомиров", "Галкин", "Лукьянов",
	"Михеев", "Скворцов", "Юдин", "Белоусов", "Нестеров", "Симонов",
	"Прокофьев", "Харитонов", "Князев", "Цветков", "Левин", "Митрофанов",
	"Воронцов", "Аксёнов", "Софронов", "Мальцев", "Логинов", "Горшков",
	"Савин", "Краснов", "Майоров", "Демидов", "Елисеев", "Рыбаков",
	"Сафонов", "Плотников", "Демин", "Хохлов", "Фадеев", "Молчанов",
	"Игнатов", "Литвинов", "Ершов", "Ушаков", "Дементьев", "Рябов",
	"Мухин", "Калашников", "Леонтьев", "Лобанов", "Кузин", "Корнилов",
	"Евдокимов", "Бородин", "Платонов", "Некрасов", "Балашов", "Бобров",
	"Жданов", "Блинов", "Игнатьев", "Коротков", "Муравьёв", "Крюков",
	"Беляков", "Богомолов", "Дроздов", "Лавров", "Зуев", "Петухов",
	"Ларин", "Никулин", "Серов", "Терентьев", "Зотов", "Устинов",
	"Фокин", "Самойлов", "Константинов", "Сахаров", "Шишкин", "Самсонов",
	"Черкасов", "Чистяков", "Носов", "Шевчук", "Черных", "Ким", "Шульц",
	"Гарипов", "Хабибуллин", "Шарипов", "Валиев", "Сафин", "Латыпов",
	"Абдуллаев", "Алиев", "Мамедов", "Гасанов", "Ковальчук", "Бондаренко",
	"Ткаченко", "Кравченко", "Шевченко", "Коваленко", "Бойко", "Савченко",
	"Руденко", "Марченко", "Белоусько", "Луценко", "Высоцкий",
	"Покровский", "Вишневский", "Островский", "Добровольский",
};
static struct vocab ru_surname = VOCAB(ru_surname_w, 25);

struct first_name {
	const char *name, *patronymic_m, *patronymic_f;
	int female;
};

/* First names with the patronymics made from them. */
static const struct first_name ru_first[] = {
	{"Александр", "Александрович", "Александровна", 0},
	{"Сергей", "Сергеевич", "Сергеевна", 0},
	{"Дмитрий", "Дмитриевич", "Дмитриевна", 0},
	{"Андрей", "Андреевич", "Андреевна", 0},
	{"Алексей", "Алексеевич", "Алексеевна", 0},
	{"Владимир", "Владимирович", "Владимировна", 0},
	{"Игорь", "Игоревич", "Игоревна", 0},
	{"Михаил", "Михайлович", "Михайловна", 0},
	{"Николай", "Николаевич", "Николаевна", 0},
	{"Евгений", "Евгеньевич", "Евгеньевна", 0},
	{"Юрий", "Юрьевич", "Юрьевна", 0},
	{"Виктор", "Викторович", "Викторовна", 0},
	{"Павел", "Павлович", "Павловна", 0},
	{"Олег", "Олегович", "Олеговна", 0},
	{"Пётр", "Петрович", "Петровна", 0},
	{"Иван", "Иванович", "Ивановна", 0},
	{"Елена", NULL, NULL, 1}, {"Ольга", NULL, NULL, 1},
	{"Наталья", NULL, NULL, 1}, {"Татьяна", NULL, NULL, 1},
	{"Ирина", NULL, NULL, 1}, {"Светлана", NULL, NULL, 1},
	{"Анна", NULL, NULL, 1}, {"Мария", NULL, NULL, 1},
	{"Юлия", NULL, NULL, 1}, {"Екатерина", NULL, NULL, 1},
	{"Людмила", NULL, NULL, 1}, {"Галина", NULL, NULL, 1},
};
#define N_RU_MALE 16	/* the first 16 of ru_first; they also make patronymics */

/* Foreign partners. */
static const char *const en_brand_w[] = {
	"Global", "Star", "Pacific", "Golden", "Eastern", "United", "Prime",
	"Dragon", "Silk Road", "Northern", "Royal", "Atlas", "Orient",
	"Eagle", "Blue Ocean", "Great Wall", "Sunrise", "Fortune", "Jade",
	"Pearl", "Lotus", "Crown", "Unity", "Bright", "Grand", "Swift",
	"Phoenix", "Summit", "Apex", "Harbor", "Bridge", "Evergreen",
	"Silver", "Delta", "Omega", "Alpha", "Horizon", "Vision", "Lion",
	"Falcon", "Titan", "Meridian", "Compass", "Anchor", "Coastal",
	"Continental", "Trans Asia", "Euro", "Sino", "Nord", "Baltic",
	"Caspian", "Red Sea", "Black Sea", "Central", "Western",
};
static struct vocab en_brand = VOCAB(en_brand_w, 8);
static const char *const en_trade_w[] = {
	"Logistics", "Trading", "Shipping", "Freight", "Steel", "Machinery",
	"Chemicals", "Industries", "Electronics", "Textile", "Foods", "Timber",
	"Metals", "Plastics", "Packaging", "Equipment", "Import Export",
	"Supply", "Transport", "Cargo", "Materials", "Technology", "Energy",
	"Agro", "Auto Parts", "Holdings", "Group", "International",
	"Solutions", "Forwarding",
};
static struct vocab en_trade = VOCAB(en_trade_w, 5);
static const char *const cn_city_w[] = {
	"Shanghai", "Ningbo", "Qingdao", "Shenzhen", "Guangzhou", "Tianjin",
	"Xiamen", "Dalian", "Yiwu", "Harbin", "Suzhou", "Hangzhou", "Wuhan",
	"Chengdu", "Urumqi", "Zhengzhou", "Hebei", "Shandong", "Jiangsu",
	"Zhejiang", "Foshan", "Dongguan", "Wenzhou", "Xi'an", "Shenyang",
};
static struct vocab cn_city = VOCAB(cn_city_w, 4);
static const char *const de_surname_w[] = {
	"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer",
	"Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein",
	"Wolf", "Schröder", "Neumann", "Braun", "Krüger", "Hartmann", "Lange",
	"Werner", "Köhler", "Günther", "Vogel", "Jäger",
};
static struct vocab de_surname = VOCAB(de_surname_w, 4);
static const char *const de_first_w[] = {
	"Hans", "Peter", "Klaus", "Thomas", "Michael", "Stefan", "Andreas",
	"Jürgen", "Frank", "Uwe", "Dieter", "Wolfgang", "Karl", "Heinz",
};
static struct vocab de_first = VOCAB(de_first_w, 4);
static const char *const en_place_w[] = {
	"London", "Dubai", "Singapore", "Hong Kong", "Istanbul", "Manchester",
	"Rotterdam", "Hamburg", "Riga", "Tallinn", "Almaty", "Tashkent",
	"Mumbai", "Seoul", "Busan", "Tokyo", "Ulaanbaatar", "Baku", "Minsk",
	"Vilnius", "Helsinki", "Antwerp", "Gdansk", "Mersin",
};
static struct vocab en_place = VOCAB(en_place_w, 6);
static const char *const de_trade_w[] = {
	"Logistik", "Spedition", "Maschinenbau", "Handel", "Stahl",
	"Transporte", "Technik", "Anlagenbau", "Chemie", "Verpackung",
};
static struct vocab de_trade = VOCAB(de_trade_w, 3);
static const char *const en_form_w[] = {
	"Ltd", "LLC", "Inc.", "Limited", "Ltd.", "PLC", "Corp.",
};
static struct vocab en_form = VOCAB(en_form_w, 2);
static const char *const eu_form_w[] = {
	"B.V.", "S.A.", "Sp. z o.o.", "s.r.o.", "A/S", "S.r.l.", "AB", "Oy",
	"N.V.", "S.p.A.", "SARL", "AG",
};
static struct vocab eu_form = VOCAB(eu_form_w, 3);

/* The name of a client, and what the rest of its record needs of it. */
struct client_name {
	char name[256];
	char base[96];		/* the id before -2, -3... */
	char domain[128];	/* of its e-mail addresses */
	const char *kind;
	int latin;		/* a foreign partner: foreign contacts */
};

/* Kinds of company that prefix a name: ТК «Вектор», ПКФ «Гранит». */
static const char *const ru_abbr_w[] = {
	"ТК", "ТД", "ПКФ", "ТПК", "СК", "ГК", "НПП", "ПК", "ТЭК", "НПО",
	"ТСК", "ПСК", "ЛК", "УК",
};
static struct vocab ru_abbr = VOCAB(ru_abbr_w, 3);

/* w with its first letter, a Russian capital, in lower case. */
static void lower_first(char *out, size_t n, const char *w)
{
	const unsigned char *u = (const unsigned char *)w;
	unsigned cp;

	if (u[0] != 0xd0 || u[1] < 0x90 || u[1] > 0xaf) {
		snprintf(out, n, "%s", w);
		return;
	}
	cp = 0x400 + (u[1] & 0x3f) + 0x20;	/* А..Я -> а..я */
	snprintf(out, n, "%c%c%s", 0xc0 | (cp >> 6), 0x80 | (cp & 0x3f), w + 2);
}

/* A made-up word (most real names are): Ролмакс, Тексимпорт. */
static void ru_invented(char *out, size_t n)
{
	char lat[64], cyr[128];

	make_word(lat, sizeof(lat), cyr, sizeof(cyr));
	snprintf(out, n, "%s%s", cyr, chance(30) ? vpick(&ru_tail) : "");
}

/*
 * A Russian company name without its form: Вектор, Стройинвест. Each
 * word is drawn in its own statement: the order in which C evaluates the
 * arguments of a call is unspecified, and the output must not depend on it.
 */
static void ru_company(char *out, size_t n)
{
	unsigned r = rn(100);
	const char *a, *b;
	char w[128];

	/* The common words first, then the made-up ones (over 40%). */
	if (r < 6) {
		snprintf(out, n, "%s", vpick(&ru_brand));
	} else if (r < 16) {
		a = vpick(&ru_head);
		snprintf(out, n, "%s%s", a, vpick(&ru_tail));
	} else if (r < 22) {	/* Сибагроторг */
		a = vpick(&ru_head);
		lower_first(w, sizeof(w), vpick(&ru_head));
		snprintf(out, n, "%s%s%s", a, w, vpick(&ru_tail));
	} else if (r < 30) {
		a = vpick(&ru_brand);
		snprintf(out, n, "%s-%s", a, vpick(&ru_suffix));
	} else if (r < 33) {
		a = vpick(&ru_adj);
		snprintf(out, n, "%s %s", a, vpick(&ru_noun));
	} else if (r < 36) {
		a = vpick(&ru_brand);
		snprintf(out, n, "%s-%u", a, 1 + (rn(3) ? rn(9) : rn(99)));
	} else if (r < 40) {
		a = vpick(&ru_brand);
		snprintf(out, n, "%s %s", a, vpick(&ru_city));
	} else if (r < 42) {
		snprintf(out, n, "Торговый дом %s", vpick(&ru_brand));
	} else if (r < 46) {
		a = vpick(&ru_abbr);
		snprintf(out, n, "%s %s", a, vpick(&ru_brand));
	} else if (r < 51) {
		a = vpick(&ru_abbr);
		b = vpick(&ru_head);
		snprintf(out, n, "%s %s%s", a, b, vpick(&ru_tail));
	} else if (r < 54) {
		a = vpick(&ru_head);
		b = vpick(&ru_tail);
		snprintf(out, n, "%s%s %s", a, b, vpick(&ru_city));
	} else if (r < 98) {
		ru_invented(w, sizeof(w));
		if (chance(20))
			snprintf(out, n, "%s %s", vpick(&ru_abbr), w);
		else
			snprintf(out, n, "%s", w);
	} else {
		a = vpick(&ru_brand);
		snprintf(out, n, "%u %s", 2 + rn(9), a);
	}
}

/* A surname in the form for a man or a woman. */
static void ru_surname_for(char *out, size_t n, int female)
{
	const char *s = vpick(&ru_surname);
	size_t len = strlen(s);

	/* -ов, -ев, -ёв, -ин take -а; -ский takes -ская; the rest stay. */
	if (!female)
		snprintf(out, n, "%s", s);
	else if (len > 8 && strcmp(s + len - 8, "ский") == 0)
		snprintf(out, n, "%.*sая", (int)(len - 4), s);
	else if (len > 4 && (strcmp(s + len - 4, "ов") == 0 ||
	    strcmp(s + len - 4, "ев") == 0 || strcmp(s + len - 4, "ёв") == 0 ||
	    strcmp(s + len - 4, "ин") == 0))
		snprintf(out, n, "%sа", s);
	else
		snprintf(out, n, "%s", s);
}

/* ИП Иванов И.И., ИП Смирнова Анна Петровна */
static void ru_person(char *out, size_t n)
{
	const struct first_name *f = &ru_first[rn(NELEM(ru_first))];
	const struct first_name *father = &ru_first[rn(N_RU_MALE)];
	char sur[96];

	ru_surname_for(sur, sizeof(sur), f->female);
	if (chance(70))		/* initials: one Cyrillic letter is 2 bytes */
		snprintf(out, n, "ИП %s %.2s.%.2s.", sur, f->name,
		    father->patronymic_m);
	else
		snprintf(out, n, "ИП %s %s %s", sur, f->name,
		    f->female ? father->patronymic_f : father->patronymic_m);
}

static void name_real(struct client_name *c)
{
	unsigned r = rn(1000);
	int person = 0;

	c->kind = "external";
	c->latin = 0;
	if (r < 725) {			/* Russian companies */
		char co[160];
		unsigned f = rn(1000);
		const char *form = f < 800 ? "ООО" : f < 910 ? "ИП" :
		    f < 960 ? "АО" : f < 985 ? "ЗАО" : "ПАО";

		if (strcmp(form, "ИП") == 0) {
			ru_person(c->name, sizeof(c->name));
			person = 1;
		} else {
			ru_company(co, sizeof(co));
			if (chance(3))	/* as some lists write it */
				snprintf(c->name, sizeof(c->name), "«%s», %s", co, form);
			else if (chance(4))
				snprintf(c->name, sizeof(c->name), "%s \"%s\"", form, co);
			else
				snprintf(c->name, sizeof(c->name), "%s «%s»", form, co);
		}
	} else if (r < 750) {		/* the company's own branches */
		/* numbered, as a company numbers its own units */
		static unsigned unit[NELEM(ru_city_in)];
		unsigned city = rn(NELEM(ru_city_in));

		c->kind = "internal";
		snprintf(c->name, sizeof(c->name), "Филиал в %s, отдел %u",
		    ru_city_in[city], ++unit[city]);
	} else {			/* foreign partners */
		unsigned k = rn(100);
		const char *w1, *w2, *w3;

		c->latin = 1;
		if (k < 35) {		/* Chinese suppliers */
			w1 = vpick(&cn_city);
			w2 = vpick(&en_brand);
			w3 = vpick(&en_trade);
			snprintf(c->name, sizeof(c->name), "%s %s %s Co., Ltd.",
			    w1, w2, w3);
		} else if (k < 70) {
			w1 = vpick(&en_brand);
			w2 = vpick(&en_trade);
			w3 = chance(50) ? vpick(&en_place) : NULL;
			snprintf(c->name, sizeof(c->name), "%s %s%s%s %s", w1, w2,
			    w3 ? " " : "", w3 ? w3 : "", vpick(&en_form));
		} else if (k < 85) {
			w1 = chance(50) ? vpick(&de_first) : NULL;
			w2 = vpick(&de_surname);
			w3 = vpick(&de_trade);
			snprintf(c->name, sizeof(c->name), "%s%s%s %s %s",
			    w1 ? w1 : "", w1 ? " " : "", w2, w3,
			    chance(70) ? "GmbH" : "GmbH & Co. KG");
		} else {
			w1 = vpick(&en_brand);
			w2 = vpick(&en_trade);
			snprintf(c->name, sizeof(c->name), "%s %s %s", w1, w2,
			    vpick(&eu_form));
		}
	}

	char *id = NULL;

	if (slug_client_id(&id, c->name)) {
		fprintf(stderr, "gen: no id for '%s': %s\n", c->name,
		    preg_error_msg());
		exit(1);
	}
	snprintf(c->base, sizeof(c->base), "%s", id);
	free(id);
	if (person)
		snprintf(c->domain, sizeof(c->domain), "%s",
		    chance(50) ? "mail.ru" : chance(50) ? "yandex.ru" : "gmail.com");
	else
		snprintf(c->domain, sizeof(c->domain), "%s%s", c->base,
		    c->latin ? ".com" : ".ru");
}

/*
 * The even mode (gen --even), as the generator was first written: made-up
 * words, ids without the legal form spread evenly over the first two
 * letters. It draws from the random numbers as it always did, so that
 * its registers stay the same for the same N and SEED.
 */
static void name_even(struct client_name *c, int *off)
{
	char wlat[64], wcyr[128];
	const char *legal_form = PICK(legal);
	const char *domain_tld = ".ru";
	char *base = c->base, *name = c->name;
	unsigned form;

	*off = chance(80) ? 300 : 180;
	form = rn(100);
	c->kind = "external";
	c->latin = 0;

	make_word(wlat, sizeof(wlat), wcyr, sizeof(wcyr));
	if (form < 2) {		/* "ООО «5 Океанов»" */
		unsigned num = 1 + (rn(3) ? rn(9) : rn(99));

		snprintf(base, sizeof(c->base), "%u-%s", num, wlat);
		snprintf(name, sizeof(c->name), "%s «%u %s»", legal_form, num, wcyr);
	} else if (form < 45) {
		snprintf(base, sizeof(c->base), "%s", wlat);
		snprintf(name, sizeof(c->name), "%s «%s»", legal_form, wcyr);
	} else if (form < 60) {
		unsigned num = 1 + rn(999);

		snprintf(base, sizeof(c->base), "%s-%u", wlat, num);
		snprintf(name, sizeof(c->name), "%s «%s-%u»", legal_form, wcyr, num);
	} else if (form < 75) {
		const struct ph *s = &PICK(suffixes);

		snprintf(base, sizeof(c->base), "%s-%s", wlat, s->lat);
		snprintf(name, sizeof(c->name), "%s «%s %s»", legal_form, wcyr, s->lo);
	} else if (form < 85) {
		const struct person *p = &PICK(first_names);
		const char *ends_lat[] = {"ov", "in", "ev"};
		const char *ends_m[] = {"ов", "ин", "ев"};
		const char *ends_f[] = {"ова", "ина", "ева"};
		unsigned e = rn(3);

		snprintf(base, sizeof(c->base), "%s%s%s", wlat, ends_lat[e],
			p->female ? "a" : "");
		/* the initial of the first name: one Cyrillic letter, 2 bytes */
		snprintf(name, sizeof(c->name), "ИП %s%s %.2s.", wcyr,
			p->female ? ends_f[e] : ends_m[e], p->cyr);
	} else if (form < 95) {
		const char *k = PICK(latin_kind);
		char cap[64];

		snprintf(cap, sizeof(cap), "%s", wlat);
		cap[0] = (char)(cap[0] - 'a' + 'A');
		snprintf(base, sizeof(c->base), "%s-%s", wlat, k);
		for (char *q = base; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q - 'A' + 'a');
		snprintf(name, sizeof(c->name), "%s %s %s", cap, k, PICK(latin_form));
		domain_tld = ".com";
		c->latin = 1;
	} else {
		c->kind = "internal";
		snprintf(base, sizeof(c->base), "%s-filial", wlat);
		snprintf(name, sizeof(c->name), "Филиал %s", wcyr);
	}
	snprintf(c->domain, sizeof(c->domain), "%s%s", wlat, domain_tld);
}

static int even;	/* gen --even */

/* One client: its id into id, its name into *cn, its record into rec. */
static void gen_record(char *id, struct client_name *pcn, long long nowday)
{
	char ts[80], ts2[80];
	struct event ev[HIST];
	struct client_name cn;
	const char *kind;
	int off;

	/* the name and the id */
	if (even) {
		name_even(&cn, &off);
	} else {
		name_real(&cn);
		off = chance(80) ? 300 : 180;
	}
	kind = cn.kind;
	unique_id(id, cn.base);
	*pcn = cn;

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
	put_str(cn.name, 0);
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

		if (cn.latin && chance(60)) {
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
			put("@%s\n", cn.domain);
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
			put("    email: %s.%s%s@%s\n", p->lat, s->lat,
				p->female ? "a" : "", cn.domain);
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

static int usage(void)
{
	fprintf(stderr, "usage: gen [--even] [--ids] [--v1] N [SEED]\n");
	return 2;
}

int main(int argc, char **argv)
{
	char *end;
	unsigned long long n, seed = 1;
	static char obuf[1 << 20];
	int only_ids = 0, i;
	unsigned layout = LAYOUT_V2;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--even") == 0)
			even = 1;
		else if (strcmp(argv[i], "--ids") == 0)
			only_ids = 1;
		else if (strcmp(argv[i], "--v1") == 0)
			layout = LAYOUT_V1;
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else
			return usage();
	}
	argc -= i - 1;
	argv += i - 1;
	if (argc < 2 || argc > 3)
		return usage();
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

	if (!only_ids) {
		printf("commit refs/heads/main\n");
		printf("author bench <bench@example.com> %lld +0300\n", now - 86400);
		printf("committer bench <bench@example.com> %lld +0300\n", now - 86400);
		printf("data %d\n%s", ml, msg);
		printf("from refs/heads/main^0\n");
	}
	for (unsigned long long k = 0; k < n; k++) {
		char id[MAX_ID + 1];
		char shard[LAYOUT_SHARD_SIZE];
		struct client_name cn;

		gen_record(id, &cn, nowday);
		if (only_ids) {
			printf("%s\t%s\n", id, cn.name);
			continue;
		}
		if (layout_shard(shard, layout, id)) {
			fprintf(stderr, "gen: %s\n", preg_error_msg());
			return 1;
		}
		printf("M 100644 inline clients/%s/%s.yaml\ndata %zu\n", shard, id, rec_len);
		fwrite(rec, 1, rec_len, stdout);
		putchar('\n');
	}
	if (!only_ids)
		printf("\n");
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("gen: write");
		return 1;
	}
	for (size_t j = 0; j < ids_cap; j++)
		free(ids[j]);
	free(ids);
	return 0;
}
