#!/usr/bin/env bash
# bench/import.sh: how long "preg import" takes for N rows of the paper's
# layout (default 100,000; target < 10 s), into an empty register. Called
# by bench/run; prints one summary line on stdout, progress on stderr.
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

export PREG_USER=bench PREG_NOW=2026-11-22T10:00:00+03:00 PREG_NO_GC=1
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
rm -rf "$OUT"/import-reg-*
missed=$(awk -v t="$best" 'BEGIN { if (t >= 10) print " MISSED" }')
echo "import: $N rows into an empty register in $best s (best of $REPS; $files records, one commit)$missed (target < 10 s)"
