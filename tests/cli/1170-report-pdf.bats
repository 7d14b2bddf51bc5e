#!/usr/bin/env bats
# The HTML reports on paper: headless chromium prints the page to PDF and
# poppler's pdfinfo and pdftotext read it back. A4 landscape (@page), every
# client and every chart on the one --all page, the register's header again
# on each printed page, and the managers table's last column on the page
# (nothing cut off at the right edge). The charts are inline SVG: no
# script, nothing from the network.

load helper

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine" i m
	"$PREG" init "$P" >/dev/null
	printf 'managers:\n  ivanov: {name: Иван Иванов}\n  petrov: {name: Петр Петров}\n  smirnova: {name: Анна Смирнова}\n' >>"$P/preg.yaml"
	git -C "$P" commit -qam managers
	# 60 clients over three managers, spread over the phases: the register
	# runs over several printed pages.
	for i in $(seq 1 60); do
		m=$(printf 'ivanov\npetrov\nsmirnova\n' | sed -n "$((i % 3 + 1))p")
		PREG_NOW=2026-09-01T10:00:00+05:00 "$PREG" -C "$P" client add "ООО «Клиент $i»" --id "k$i" \
			--manager "$m" >/dev/null
		((i % 10 < 8)) && PREG_NOW=2026-09-$((10 + i % 15))T10:00:00+05:00 "$PREG" -C "$P" \
			phase set "k$i" $((2 + i % 8)) --force >/dev/null
		((i % 10 == 9)) && PREG_NOW=2026-10-$((10 + i % 15))T10:00:00+05:00 "$PREG" -C "$P" \
			phase set "k$i" ended --reason "price & terms" --force >/dev/null
	done
	true
}

setup() {
	common_setup
	R=$BATS_FILE_TMPDIR/pristine
	for tool in chromium pdfinfo pdftotext; do
		command -v $tool >/dev/null || {
			echo "$tool is not installed (apt-get install chromium poppler-utils)"
			return 1
		}
	done
}

# Print FILE.html to FILE.pdf as chromium's "Save as PDF" would.
print_pdf() {
	local profile=$BATS_TEST_TMPDIR/chromium
	mkdir -p "$profile"
	timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$profile" \
		--no-pdf-header-footer --print-to-pdf="$1.pdf" "file://$1.html" 2>/dev/null
	[ -s "$1.pdf" ]
}

pages() {
	pdfinfo "$1" | awk '/^Pages:/ { print $2 }'
}

@test "--all: one page with the register and every chart; no script, nothing loaded" {
	local page=$BATS_TEST_TMPDIR/all
	preg -C "$R" report --format html --all >"$page.html"
	# The funnel, the durations, the managers, and activity's two (what
	# was done; the next contacts that fell due).
	[ "$(grep -c '<svg class="chart"' "$page.html")" -eq 5 ]
	! grep -qiE '<script|<link|<img|<iframe|https?://[^"]*\.(js|css)' "$page.html"
	grep -qF '@page{size:A4 landscape' "$page.html"
	# The register's tables, then the five reports under their titles.
	same "$(grep -oE '<h2>The [a-z ]+</h2>|<h2>(Where|Why|What) [a-z ]+</h2>' "$page.html")" "<h2>The funnel</h2>
<h2>The managers</h2>
<h2>Where clients stall</h2>
<h2>Why collaborations ended</h2>
<h2>What the managers did</h2>"
	# The ampersand of the reason is escaped like every text.
	grep -qF '<td>price &amp; terms</td>' "$page.html"
}

@test "printed: A4 landscape, every client and chart on paper, the header again on each page" {
	local page=$BATS_TEST_TMPDIR/all
	preg -C "$R" report --format html --all >"$page.html"
	print_pdf "$page"
	pdfinfo "$page.pdf" | grep -qE '^Page size: +841\.[0-9]+ x 59[45]\.[0-9]+ pts \(A4\)'
	local n
	n=$(pages "$page.pdf")
	# 60 rows of the register, the legend and four reports: more than one
	# sheet, and not one a table row.
	[ "$n" -ge 3 ] && [ "$n" -le 12 ]
	pdftotext "$page.pdf" "$page.txt"
	# Every client, as the reader of the paper sees it (lines joined: a
	# cell may wrap).
	tr -d '\n ' <"$page.txt" >"$page.flat"
	for i in $(seq 1 60); do
		grep -qF "ООО«Клиент$i»" "$page.flat" || { echo "client $i is not on paper"; return 1; }
	done
	# Every chart, by its title (SVG text is text in the PDF).
	grep -qF 'Clientsthatreachedeachphase' "$page.flat"
	grep -qF 'Clientsofeachmanager,byphase' "$page.flat"
	grep -qF 'Daysineachphase' "$page.flat"
	# The register's header on every page it runs over: the "Client"
	# heading once per manager table and again on each continued page.
	local with=0 p
	for p in $(seq 1 "$n"); do
		pdftotext -f "$p" -l "$p" "$page.pdf" - | grep -q 'Клиент' || continue
		pdftotext -f "$p" -l "$p" "$page.pdf" - | grep -qx 'Client' && with=$((with + 1))
	done
	[ "$with" -ge 2 ]
}

@test "printed: the managers page keeps every phase column on the sheet" {
	local page=$BATS_TEST_TMPDIR/managers
	preg -C "$R" report managers --format html >"$page.html"
	print_pdf "$page"
	[ "$(pages "$page.pdf")" -eq 1 ]
	pdftotext -layout "$page.pdf" - | tr -d ' \n' >"$page.flat"
	# The last columns, and smirnova's row to its last figure.
	grep -qF 'on_' "$page.flat"
	grep -qF 'hold' "$page.flat"
	grep -qF 'analysis' "$page.flat"
	pdftotext -layout "$page.pdf" - | grep -E '^ *smirnova +Анна' | awk '{ print NF }' | {
		read -r nf
		# manager, "Анна" (the surname wraps to the next line), 10 counts,
		# the conversion, 12 phases, on_hold.
		[ "$nf" -eq 26 ]
	}
}
