#!/usr/bin/env bats
# preg report --format html, rendered by a real browser: Debian's chromium,
# headless. The DOM it builds must hold the register's table, one row per
# client and every client's name exactly (HTML-escaped in the page, plain
# text in the DOM), the legend with every phase, and nothing the page tried
# to load from anywhere.

load helper

setup() {
	common_setup
	command -v chromium >/dev/null || {
		echo "chromium is not installed (apt-get install chromium)"
		return 1
	}
	new_register
	printf 'managers:\n  ivanov: {name: "Ivan <b>Ivanov</b>"}\n  petrov: {name: Петр Петров}\n' >>"$R/preg.yaml"
	git -C "$R" commit -qam managers
	at() { PREG_NOW=${1}T10:00:00+03:00 preg -C "$R" "${@:2}" >/dev/null; }
	at 2026-10-01 client add "ООО «Ромашка»" --id romashka --manager ivanov --next 2026-10-20
	at 2026-10-01 client add "Tom & Jerry <Logistics>" --id tom-jerry --manager petrov
	at 2026-10-01 client add "<script>alert(1)</script>" --id xss --manager petrov
	at 2026-10-01 client add "O'Brien \"Freight\"" --id obrien --manager ivanov
	at 2026-10-15 phase set romashka 4
	at 2026-10-20 phase set tom-jerry ended --reason "price & terms"
	export PREG_NOW=2026-11-01T12:00:00+03:00
}

# The DOM chromium builds from FILE, on stdout.
render() {
	local profile=$BATS_TEST_TMPDIR/chromium
	mkdir -p "$profile"
	timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$profile" \
		--dump-dom "file://$1" 2>/dev/null
}

@test "the register page, as chromium renders it: the table, every client, the legend" {
	local page=$BATS_TEST_TMPDIR/register.html dom
	preg -C "$R" report --format html >"$page"
	render "$page" >"$BATS_TEST_TMPDIR/dom.html"
	[ -s "$BATS_TEST_TMPDIR/dom.html" ]
	# Read the DOM as the browser built it (python's html.parser) and
	# compare its text with the register's own list of names.
	preg -C "$R" client list --format json >"$BATS_TEST_TMPDIR/clients.json"
	python3 - "$BATS_TEST_TMPDIR" <<'PY'
import html.parser, json, os, sys
d = sys.argv[1]
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.names, self.rows, self.tables, self.scripts = [], [], 0, 0, 0
        self.legend, self.h2, self.in_li, self.li = [], [], False, ""
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script": self.scripts += 1
        if tag == "table" and a.get("class") == "register": self.tables += 1
        if tag == "tr" and "client" in (a.get("class") or "").split(): self.rows += 1
        if tag == "td" and a.get("class") == "client": self.stack.append(["name", ""])
        elif tag == "span" and self.stack: self.stack.append(["span", ""])
        if tag == "li": self.in_li, self.li = True, ""
        if tag == "h2": self.h2.append("")
    def handle_endtag(self, tag):
        if tag == "span" and self.stack and self.stack[-1][0] == "span": self.stack.pop()
        elif tag == "td" and self.stack: self.names.append(self.stack.pop()[1])
        if tag == "li": self.in_li = False; self.legend.append(self.li.strip())
    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "name": self.stack[-1][1] += data
        if self.in_li: self.li += data
        if self.h2 and self.lasttag == "h2": self.h2[-1] += data
p = P()
p.feed(open(os.path.join(d, "dom.html"), encoding="utf-8").read())
clients = json.load(open(os.path.join(d, "clients.json")))
want = sorted(c["name"] for c in clients)
assert p.tables == 2, p.tables                  # one table per manager
assert p.rows == len(clients) == 4, (p.rows, len(clients))
assert sorted(p.names) == want, (sorted(p.names), want)
assert p.scripts == 0, "a script element in the DOM"
assert len(p.legend) == 12, p.legend
assert p.legend[3].startswith("4 request"), p.legend[3]
assert [h.strip() for h in p.h2] == ["ivanov: Ivan <b>Ivanov</b>", "petrov: Петр Петров"], p.h2
PY
}

@test "every report renders as a page with its table; a screenshot is an image" {
	local k page dom
	for k in funnel managers durations reasons; do
		page=$BATS_TEST_TMPDIR/$k.html
		preg -C "$R" report $k --format html >"$page"
		dom=$(render "$page")
		echo "$dom" | grep -q '<table>'
		echo "$dom" | grep -q '<th class="n">'
	done
	echo "$dom" | grep -qF '<td>price &amp; terms</td>'
	run timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$BATS_TEST_TMPDIR/chromium" \
		--screenshot="$BATS_TEST_TMPDIR/shot.png" --window-size=1200,800 "file://$BATS_TEST_TMPDIR/funnel.html"
	[ "$(head -c 8 "$BATS_TEST_TMPDIR/shot.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ]
}
