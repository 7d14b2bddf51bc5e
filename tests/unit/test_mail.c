/* test_mail: the MIME encoders, addresses, mbox quoting and sendmail. */
#include "unit.h"
#include "buf.h"
#include "mail.h"

/* ---- decoders written apart from the encoders, to read them back ---- */

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decode quoted-printable; fails the test on a malformed =XX. */
static char *qp_decode(const char *s)
{
	struct buf b = BUF_INIT;

	for (; *s; s++) {
		if (*s != '=') {
			buf_addc(&b, *s);
			continue;
		}
		if (s[1] == '\n') {
			s++;
			continue;
		}
		assert_true(hexval(s[1]) >= 0 && hexval(s[2]) >= 0);
		buf_addc(&b, (char)(hexval(s[1]) * 16 + hexval(s[2])));
		s += 2;
	}
	buf_addc(&b, 0);
	return b.p;
}

static char *b64_decode(const char *s, size_t n)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct buf b = BUF_INIT;
	unsigned v = 0;
	int bits = 0;

	for (size_t i = 0; i < n && s[i] != '='; i++) {
		const char *p;

		if (s[i] == '\n')
			continue;
		p = strchr(al, s[i]);
		assert_non_null(p);
		v = v << 6 | (unsigned)(p - al);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(&b, (char)(v >> bits & 255));
		}
	}
	buf_addc(&b, 0);
	return b.p;
}

/* The longest line of s. */
static size_t longest(const char *s)
{
	size_t max = 0, len = 0;

	for (; *s; s++)
		if (*s == '\n') {
			max = len > max ? len : max;
			len = 0;
		} else
			len++;
	return len > max ? len : max;
}

/* Decode a header field written by mail_header: unfold, then each
 * encoded word; the whitespace between two words is dropped (RFC 2047 6.2). */
static char *header_decode(const char *field)
{
	struct buf b = BUF_INIT;
	const char *p = strchr(field, ':') + 1;
	bool last_word = false;

	while (*p) {
		const char *sp = p;

		while (*p == ' ' || *p == '\n')
			p++;
		if (!strncmp(p, "=?UTF-8?B?", 10)) {
			const char *end = strstr(p + 10, "?=");
			char *d;

			assert_non_null(end);
			d = b64_decode(p + 10, (size_t)(end - p - 10));
			buf_adds(&b, d);
			free(d);
			p = end + 2;
			last_word = true;
			continue;
		}
		if (!*p)
			break;
		if (b.len || (last_word && p > sp))
			buf_addc(&b, ' ');
		while (*p && *p != ' ' && *p != '\n')
			buf_addc(&b, *p++);
		last_word = false;
	}
	buf_addc(&b, 0);
	return b.p;
}

static void test_qp(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	mail_qp(&b, "a=b \nend\t", 9);
	assert_string_equal(buf_str(&b), "a=3Db=20\nend=09");
	buf_reset(&b);
	mail_qp(&b, "Ж", strlen("Ж"));
	assert_string_equal(buf_str(&b), "=D0=96");
	buf_reset(&b);
	mail_qp(&b, "one\r\ntwo\rthree", 14);
	assert_string_equal(buf_str(&b), "one\ntwo=0Dthree");
	buf_release(&b);
}

static void test_qp_long_lines(void **state)
{
	const char *text = "ООО «Транспортная компания Северо-Западного федерального округа»: "
			   "звонок по договору поставки, обсудить условия и сроки первой перевозки\n"
			   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n";
	struct buf b = BUF_INIT;
	char *d;

	(void)state;
	mail_qp(&b, text, strlen(text));
	assert_true(longest(buf_str(&b)) <= 76);
	d = qp_decode(buf_str(&b));
	assert_string_equal(d, text);
	free(d);
	buf_release(&b);
}

static void test_base64(void **state)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const want[] = { "", "Zg==\n", "Zm8=\n", "Zm9v\n", "Zm9vYg==\n", "Zm9vYmE=\n",
					    "Zm9vYmFy\n" };
	struct buf b = BUF_INIT;
	char data[300], *d;

	(void)state;
	for (size_t i = 0; i < 7; i++) {
		buf_reset(&b);
		mail_base64(&b, in[i], strlen(in[i]));
		assert_string_equal(buf_str(&b), want[i]);
	}
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + 1);
	data[sizeof(data) - 1] = 0;
	buf_reset(&b);
	mail_base64(&b, data, sizeof(data) - 1);
	assert_int_equal(longest(buf_str(&b)), 76);
	assert_int_equal(b.p[b.len - 1], '\n');
	d = b64_decode(b.p, b.len);
	assert_string_equal(d, data);
	free(d);
	buf_release(&b);
}

static void test_header_plain(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	mail_header(&b, "Subject", "preg: 3 reminders");
	assert_string_equal(buf_str(&b), "Subject: preg: 3 reminders\n");
	buf_reset(&b);
	mail_header(&b, "Subject", "one two three four five six seven eight nine ten eleven twelve thirteen "
				   "fourteen");
	assert_string_equal(buf_str(&b), "Subject: one two three four five six seven eight nine ten eleven twelve\n"
					 " thirteen fourteen\n");
	buf_release(&b);
}

static void test_header_encoded(void **state)
{
	const char *subject = "Напоминания: ООО «Ромашка»";
	struct buf b = BUF_INIT;
	char *d;

	(void)state;
	mail_header(&b, "Subject", subject);
	assert_string_equal(buf_str(&b), "Subject: =?UTF-8?B?0J3QsNC/0L7QvNC40L3QsNC90LjRjzog0J7QntCeIMKr0KDQvtC80LA=?=\n"
					 " =?UTF-8?B?0YjQutCwwrs=?=\n");
	d = header_decode(buf_str(&b));
	assert_string_equal(d, subject);
	free(d);
	buf_release(&b);
}

/* A long subject: every line within 78, every word within 75, each word
 * whole UTF-8 characters, and the whole reads back. */
static void test_header_long(void **state)
{
	struct buf b = BUF_INIT, s = BUF_INIT;
	char *d;
	const char *p;

	(void)state;
	for (int i = 0; i < 20; i++)
		buf_adds(&s, "Ж€𝄞a");
	mail_header(&b, "Subject", buf_str(&s));
	assert_true(longest(buf_str(&b)) <= 78);
	for (p = buf_str(&b); (p = strstr(p, "=?UTF-8?B?")); p++) {
		const char *end = strstr(p, "?=");
		char *w = b64_decode(p + 10, (size_t)(end - p - 10));

		assert_true(end + 2 - p <= 75);
		/* whole characters: a word never starts with a continuation byte */
		assert_true(((unsigned char)w[0] & 0xc0) != 0x80);
		free(w);
	}
	d = header_decode(buf_str(&b));
	assert_string_equal(d, buf_str(&s));
	free(d);
	buf_release(&b);
	buf_release(&s);
}

/* A line break in a value never starts a header of its own. */
static void test_header_injection(void **state)
{
	struct buf b = BUF_INIT;
	char *d;

	(void)state;
	mail_header(&b, "Subject", "hi\nBcc: victim@example.com");
	assert_null(strstr(buf_str(&b), "\nBcc"));
	d = header_decode(buf_str(&b));
	assert_string_equal(d, "hi\nBcc: victim@example.com");
	free(d);
	buf_reset(&b);
	mail_header(&b, "Subject", "=?UTF-8?B?Zm9v?=");
	d = header_decode(buf_str(&b));
	assert_string_equal(d, "=?UTF-8?B?Zm9v?=");
	free(d);
	buf_release(&b);
}

static void test_addr(void **state)
{
	(void)state;
	assert_true(mail_addr_valid("ivanov@example.com"));
	assert_true(mail_addr_valid("i.ivanov+preg@mail.example.ru"));
	assert_false(mail_addr_valid("ivanov"));
	assert_false(mail_addr_valid("@example.com"));
	assert_false(mail_addr_valid("ivanov@"));
	assert_false(mail_addr_valid("a@b@c"));
	assert_false(mail_addr_valid("iva nov@example.com"));
	assert_false(mail_addr_valid("ivanov@example.com\nBcc: x@y"));
	assert_false(mail_addr_valid("<ivanov@example.com>"));
	assert_false(mail_addr_valid("a@b.c, d@e.f"));
	assert_false(mail_addr_valid("иванов@example.com"));
}

static void test_address(void **state)
{
	struct buf b = BUF_INIT;
	char *d;

	(void)state;
	mail_address(&b, "To", "Ivan Ivanov", "ivanov@example.com");
	assert_string_equal(buf_str(&b), "To: Ivan Ivanov <ivanov@example.com>\n");
	buf_reset(&b);
	mail_address(&b, "To", "Ivanov, Ivan", "ivanov@example.com");
	assert_string_equal(buf_str(&b), "To: \"Ivanov, Ivan\"\n <ivanov@example.com>\n");
	buf_reset(&b);
	mail_address(&b, "To", NULL, "ivanov@example.com");
	assert_string_equal(buf_str(&b), "To: ivanov@example.com\n");
	buf_reset(&b);
	mail_address(&b, "To", "Иван Иванов", "ivanov@example.com");
	assert_string_equal(buf_str(&b), "To: =?UTF-8?B?0JjQstCw0L0g0JjQstCw0L3QvtCy?= <ivanov@example.com>\n");
	d = header_decode(buf_str(&b));
	assert_string_equal(d, "Иван Иванов <ivanov@example.com>");
	free(d);
	buf_release(&b);
}

static void test_date(void **state)
{
	struct buf b = BUF_INIT;
	struct ptime t;

	(void)state;
	assert_int_equal(ptime_parse(&t, "2026-12-07T09:05:03+03:00"), 0);
	mail_date(&b, t);
	assert_string_equal(buf_str(&b), "Mon, 07 Dec 2026 09:05:03 +0300");
	buf_reset(&b);
	assert_int_equal(ptime_parse(&t, "2026-01-01T00:00:00-03:30"), 0);
	mail_date(&b, t);
	assert_string_equal(buf_str(&b), "Thu, 01 Jan 2026 00:00:00 -0330");
	buf_release(&b);
}

static void test_mbox(void **state)
{
	const char *msg = "Subject: x\n\nFrom here\n>From there\nnot From\n>>From x";
	struct buf b = BUF_INIT;

	(void)state;
	mail_mbox(&b, "preg@host", 1796634000, msg, strlen(msg));
	assert_string_equal(buf_str(&b), "From preg@host Mon Dec  7 09:00:00 2026\n"
					 "Subject: x\n\n>From here\n>>From there\nnot From\n>>>From x\n\n");
	buf_release(&b);
}

static void test_build(void **state)
{
	struct buf b = BUF_INIT;
	struct mail m;
	const char *p;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.from = "preg@host";
	m.to = "ivanov@example.com";
	m.to_name = "Иван Иванов";
	m.subject = "preg: 1 reminder";
	assert_int_equal(ptime_parse(&m.date, "2026-12-07T09:00:00+03:00"), 0);
	m.msgid = "1.2@host";
	m.text = "ООО «Ромашка»\n";
	m.html = "<p>ООО «Ромашка»</p>\n";
	m.att = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
	m.att_len = strlen(m.att);
	m.att_type = "text/calendar; charset=UTF-8; method=PUBLISH";
	m.att_name = "reminders.ics";
	mail_build(&b, &m);
	p = buf_str(&b);
	assert_true(longest(p) <= 78);
	assert_non_null(strstr(p, "\nDate: Mon, 07 Dec 2026 09:00:00 +0300\n"));
	assert_non_null(strstr(p, "\nMessage-ID: <1.2@host>\n"));
	assert_non_null(strstr(p, "\nMIME-Version: 1.0\n"));
	assert_non_null(strstr(p, "Content-Type: multipart/mixed; boundary=\"=_preg_mixed\"\n"));
	assert_non_null(strstr(p, "\n--=_preg_alt\nContent-Type: text/plain; charset=UTF-8\n"));
	assert_non_null(strstr(p, "\n--=_preg_alt\nContent-Type: text/html; charset=UTF-8\n"));
	assert_non_null(strstr(p, "\n--=_preg_alt--\n"));
	assert_non_null(strstr(p, "filename=\"reminders.ics\"\n\nQkVHSU46VkNBTEVOREFSDQpFTkQ6VkNBTEVOREFSDQo=\n"));
	assert_non_null(strstr(p, "\n--=_preg_mixed--\n"));
	/* Nothing but ASCII goes out. */
	for (; *p; p++)
		assert_true((unsigned char)*p < 128);
	buf_release(&b);
}

static void test_split(void **state)
{
	char **v = NULL;

	(void)state;
	assert_int_equal(mail_split(&v, "  /usr/sbin/sendmail -t   -i "), 0);
	assert_string_equal(v[0], "/usr/sbin/sendmail");
	assert_string_equal(v[1], "-t");
	assert_string_equal(v[2], "-i");
	assert_null(v[3]);
	mail_split_free(v);
	assert_int_equal(mail_split(&v, "'/opt/my mail/send' \"a b\"c '' x\\ y"), 0);
	assert_string_equal(v[0], "/opt/my mail/send");
	assert_string_equal(v[1], "a bc");
	assert_string_equal(v[2], "");
	assert_string_equal(v[3], "x y");
	assert_null(v[4]);
	mail_split_free(v);
	assert_error(mail_split(&v, "send 'x"), PREG_EINVAL, "unclosed quote in 'send 'x'");
	assert_null(v);
	assert_error(mail_split(&v, "  "), PREG_EINVAL, "no command in '  '");
}

static void test_send(void **state)
{
	char path[PATH_MAX + 16], cmd[PATH_MAX + 96];
	struct buf got = BUF_INIT;

	(void)state;
	assert_int_equal(unit_home_setup("mail"), 0);
	snprintf(path, sizeof(path), "%s/out.eml", unit_root());
	snprintf(cmd, sizeof(cmd), "sh -c 'cat > \"$0\"' '%s'", path);
	assert_int_equal(mail_send(cmd, "Subject: x\n\nhello\n", 19), 0);
	assert_int_equal(buf_read_file(&got, path, 1000, NULL), 0);
	assert_string_equal(buf_str(&got), "Subject: x\n\nhello\n");
	buf_release(&got);
	assert_error(mail_send("sh -c 'exit 75'", "x\n", 2), PREG_ERR, "'sh' exited with status 75");
	assert_error(mail_send("sh -c 'kill -TERM $$'", "x\n", 2), PREG_ERR, "'sh' was killed by signal 15");
	assert_error(mail_send("/nonexistent/sendmail -t", "x\n", 2), PREG_ERR,
		     "could not run '/nonexistent/sendmail': No such file or directory");
	/* A command that reads nothing and exits 0: preg survives the closed pipe. */
	assert_int_equal(mail_send("true", "x\n", 2), 0);
	unit_home_teardown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qp),
		cmocka_unit_test(test_qp_long_lines),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_header_plain),
		cmocka_unit_test(test_header_encoded),
		cmocka_unit_test(test_header_long),
		cmocka_unit_test(test_header_injection),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_address),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_mbox),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_send),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
