#!/usr/bin/env bash
# screenshot: the demo register's HTML pages (preg report --format html,
# and the management page of every report with --all), rendered by
# headless Chromium into build/register.png and build/management.png for
# people to look at (README shows docs/management.png, a copy of the
# second). Needs chromium (Debian's package).
set -euo pipefail
PREG=${PREG:-$(pwd)/preg}
OUT=${OUT:-$(pwd)/build}
DEMO=${PREG_DEMO_DIR:-${TMPDIR:-/tmp}/preg-demo}
command -v chromium >/dev/null || { echo "screenshot: chromium is not installed (apt-get install chromium)" >&2; exit 1; }
mkdir -p "$OUT"
PREG="$PREG" PREG_DEMO_DIR="$DEMO" bash "$(dirname "$0")/demo.sh" >/dev/null
PREG_NOW=2026-11-22T09:00:00+05:00 "$PREG" -C "$DEMO" report --format html >"$OUT/register.html"
# A profile of its own, so that it runs as root and beside a desktop Chromium.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
PREG_NOW=2026-11-22T09:00:00+05:00 "$PREG" -C "$DEMO" report --format html --all --since 2026-10-01 \
	>"$OUT/management.html"
shot() { # NAME HEIGHT
	timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
		--window-size=1400,"$2" --screenshot="$OUT/$1.png" "file://$OUT/$1.html" 2>/dev/null
	echo "screenshot: $OUT/$1.png (from $OUT/$1.html)"
}
shot register 900
shot management 2400
