#!/usr/bin/env bash
# bench/import.sh: how long "preg import" takes for N rows of the paper's
# layout (default 100,000; target < 10 s), into an empty register; then, on
# the register the import made (one commit that adds N records), how long
# "preg verify" takes against "preg check" (target: verify <= 3x check) and
# "preg log ID" against "git log --format=%H -- PATH". Called by bench/run;
# prints two summary lines on stdout, progress on stderr.
#
# The CSV (bench/out/import.csv) is generated here, deterministically:
# Cyrillic names, Phase 1..12 with ascending dates up to a phase that
# varies by row, one of three managers by Russian surname, and two free
# columns. Environment: PREG (default ./preg), N, REPS (default 3).
set -euo pipefail
export LC_ALL=C.UTF-8

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
N=${N:-100000}
REPS=${REPS:-3}
PREG=${PREG:-./preg}
OUT=$root/bench/out
CSV=$OUT/import.csv
mkdir -p "$OUT"

export PREG_USER=bench PREG_NOW=2026-11-22T10:00:00+03:00 PREG_NO_GC=1 NO_COLOR=1
CC=${CC:-cc}
if [[ ! -x $OUT/rss || bench/rss.c -nt $OUT/rss ]]; then
	"$CC" -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -o "$OUT/rss" bench/rss.c ||
		{ echo "bench: cannot build bench/rss.c" >&2; exit 1; }
fi
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com

if [[ ! -s $CSV || $(($(wc -l <"$CSV") - 1)) -ne $N ]]; then
	echo "bench: writing $N rows to $CSV" >&2
	awk -v n="$N" 'BEGIN {
		split("Ромашка Кедр Берёза Сосна Волга Урал Байкал Север Тайга Орион", w, " ")
		split("Иванов Петров Сидоров", m, " ")
		printf "Client,Phase 1,Phase 2,Phase 3,Phase 4,Phase 5,Phase 6,Phase 7,Phase 8,Phase 9,Phase 10,Phase 11,Phase 12,Manager,Direction,Cargo\r\n"
		for (i = 1; i <= n; i++) {
			reached = 1 + (i * 7) % 10
			printf "\"ООО «%s %d»\"", w[1 + i % 10], i
			for (p = 1; p <= 12; p++)
				printf ",%s", p <= reached ? sprintf("2025-%02d-%02d", p, 1 + (i % 28)) : ""
			printf ",%s,\"Китай, маршрут %d\",steel\r\n", m[1 + i % 3], i % 97
		}
	}' >"$CSV"
fi

# Each run imports into a register of its own, and all are removed at the
# end: ext4 makes new files slower for a while after many were deleted, and
# that would be measured instead.
rm -rf "$OUT"/import-reg-*
best=
for ((k = 1; k <= REPS; k++)); do
	reg=$OUT/import-reg-$k
	"$PREG" init "$reg" >/dev/null
	sync
	start=$(date +%s.%N)
	"$PREG" -C "$reg" import "$CSV" >/dev/null 2>"$OUT/import.err" || {
		echo "import: preg import FAILED: $(tail -3 "$OUT/import.err")"
		exit 0
	}
	t=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	echo "bench: import run $k: $t s" >&2
	if [[ -z $best ]] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
		best=$t
	fi
done
files=$(git -C "$OUT/import-reg-1" ls-files clients | wc -l)
missed=$(awk -v t="$best" 'BEGIN { if (t >= 10) print " MISSED" }')
echo "import: $N rows into an empty register in $best s (best of $REPS; $files records, one commit)$missed (target < 10 s)"

# ---- reading back the import: verify, check, log ID ----

median() {	# FILE: median of column 1, in seconds
	sort -n -k1,1 "$1" | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f\n", m / 1000 }'
}
failed() { awk '$3 != 0 { n++ } END { print n + 0 }' "$@"; }
reg=$OUT/import-reg-1
half=$((N / 2 > 0 ? N / 2 : 1))
path=$(git -C "$reg" ls-tree -r --name-only HEAD clients | awk -v n="$half" 'NR == n { print }')
id=$(basename "$path" .yaml)
rm -f "$OUT"/readback_*.txt
# The first verify builds the log index (as the first reader after an
# import does); the runs measured find it built, as log ID does.
"$PREG" -C "$reg" verify >/dev/null 2>"$OUT/readback.err" || true
for ((k = 1; k <= REPS; k++)); do
	echo "bench: read back run $k: verify, check, log $id, git log" >&2
	"$OUT/rss" "$OUT/readback_verify.txt" "$PREG" -C "$reg" verify 2>>"$OUT/readback.err" || true
	"$OUT/rss" "$OUT/readback_check.txt" "$PREG" -C "$reg" check 2>>"$OUT/readback.err" || true
	"$OUT/rss" "$OUT/readback_log.txt" "$PREG" -C "$reg" log "$id" --format tsv 2>>"$OUT/readback.err" || true
	"$OUT/rss" "$OUT/readback_git.txt" git -C "$reg" log --format=%H -- "$path" 2>>"$OUT/readback.err" || true
done
fails=$(failed "$OUT"/readback_{verify,check,log,git}.txt)
v=$(median "$OUT/readback_verify.txt")
c=$(median "$OUT/readback_check.txt")
l=$(median "$OUT/readback_log.txt")
g=$(median "$OUT/readback_git.txt")
ratio=$(awk -v a="$v" -v b="$c" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
missed=$(awk -v r="$ratio" 'BEGIN { if (r > 3) print " MISSED" }')
if ((fails)); then
	echo "import read-back: FAILED $fails times: $(tail -3 "$OUT/readback.err")"
else
	echo "import read-back: verify $v s, check $c s, ratio $ratio$missed (target <= 3); log $id $l s, git log -- PATH $g s (medians of $REPS)"
fi
rm -rf "$OUT"/import-reg-*
