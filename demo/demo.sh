#!/usr/bin/env bash
# demo: a register of a small transport company, built with preg the way a
# manager would, then the views a head of department looks at.
set -euo pipefail
PREG=${PREG:-$(pwd)/preg}
DEMO=${PREG_DEMO_DIR:-${TMPDIR:-/tmp}/preg-demo}
rm -rf "$DEMO"
export PREG_DIR="$DEMO" PREG_NO_GC=1
# A fixed history: the register as it stood in November 2026.
at() { PREG_NOW="$1" PREG_USER="$2"; export PREG_NOW PREG_USER; }

run() {
	local line="$ preg" a
	for a in "$@"; do
		if [[ $a =~ ^[A-Za-z0-9_./=:@,+-]+$ ]]; then line+=" $a"; else line+=" \"${a//\"/\\\"}\""; fi
	done
	echo "$line"
	"$PREG" "$@"
}

at 2026-09-01T09:00:00+05:00 ivanov
git config --global user.name >/dev/null 2>&1 || export GIT_AUTHOR_NAME="Demo" GIT_AUTHOR_EMAIL="demo@example.com"
run init
run client add "ООО «Ромашка»" --manager ivanov --field cargo="steel pipes" --field direction="China - Chelyabinsk" \
	--contact "Sergey Petrov <s.petrov@example.com>; decision maker; +7 351 000-00-00" --tag china
run client add "Uralsteel" --manager petrov --field cargo=coils --tag steel
run client add "Volga Timber" --manager smirnova --field cargo=timber
run client add "Baikal Water" --manager ivanov --kind internal
at 2026-09-20T15:00:00+05:00 ivanov
run phase set romashka presentation -m "met the logistics director"
at 2026-10-05T11:00:00+05:00 petrov
run phase set uralsteel quotation -m "rates for coils sent"
at 2026-10-06T10:00:00+05:00 ivanov
run phase set romashka request
at 2026-10-10T16:30:00+05:00 ivanov
run phase set romashka quotation -m "rates to Shanghai sent"
at 2026-10-20T12:00:00+05:00 ivanov
run phase set romashka contract -m "contract signed"
at 2026-11-02T10:15:00+05:00 ivanov
run note romashka "director asked when the first truck leaves" --channel call --next 2026-11-25 --action "confirm the first shipment"
at 2026-11-10T09:00:00+05:00 smirnova
run phase set volga-timber ended --reason "moved to a competitor"
at 2026-11-22T09:00:00+05:00 ivanov
echo
run report --format table
echo
run report funnel --format table
echo
run client list --manager ivanov --open --format table
echo
run client show romashka
echo
echo "\$ git -C $DEMO log --oneline"
git -C "$DEMO" log --oneline
echo
echo "The demo register is in $DEMO; try: $PREG -C $DEMO client list"
