#!/usr/bin/env bash
# bench/log.sh: preg log on a long history (called by bench/run; see
# bench/README.md). Builds a register of COMMITS commits (cached in
# bench/out/logreg) with bench/loggen.c and git fast-import, then compares
# the trail of one client, `preg log ID --format tsv`, with
# `git log --format=%H -- PATH` of the same record: without a commit graph
# (what libgit2 1.5 and a fresh clone see) and, for reference, with git's
# commit graph and its changed-path Bloom filters. Also reports what
# building the index costs once. A report, not a test.
#
# Environment: PREG (default ./preg), COMMITS (default 200000), CLIENTS
# (default 2000), REPS (default 5), CC (default cc).
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

COMMITS=${COMMITS:-200000}
CLIENTS=${CLIENTS:-2000}
REPS=${REPS:-5}
CC=${CC:-cc}
PREG=${PREG:-./preg}
OUT=$root/bench/out
REG=$OUT/logreg
STAMP=$OUT/logreg.stamp

die() { echo "bench/log: $*" >&2; exit 1; }
say() { echo "bench/log: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[[ $COMMITS =~ ^[1-9][0-9]*$ && $COMMITS -ge 2 ]] || die "COMMITS must be an integer >= 2"
[[ $CLIENTS =~ ^[1-9][0-9]*$ && $CLIENTS -le 99999 ]] || die "CLIENTS must be from 1 to 99999"
[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "REPS must be a positive integer"
mkdir -p "$OUT"
[[ $PREG == */* ]] && PREG=$(cd "$(dirname "$PREG")" && pwd)/$(basename "$PREG")
"$PREG" --version >/dev/null 2>&1 || die "no working preg at $PREG (make, or set PREG)"

for t in loggen rss; do
	if [[ ! -x $OUT/$t || bench/$t.c -nt $OUT/$t ]]; then
		"$CC" -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -o "$OUT/$t" "bench/$t.c" -lxxhash || die "cannot build bench/$t.c"
	fi
done

export PREG_USER=bench PREG_NOW=2026-11-22T10:00:00+03:00 PREG_NO_GC=1 NO_COLOR=1
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
unset PREG_DIR GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

want="COMMITS=$COMMITS CLIENTS=$CLIENTS gen=$(cksum <bench/loggen.c | cut -d' ' -f1)"
if [[ -f $STAMP && -d $REG/.git && $(cat "$STAMP") == "$want" ]]; then
	setup_note="cached"
else
	say "building a register of $COMMITS commits in $REG"
	rm -rf "$REG" "$STAMP"
	t0=$(now)
	"$PREG" init "$REG" >/dev/null
	"$OUT/loggen" "$COMMITS" "$CLIENTS" | git -C "$REG" fast-import --quiet
	git -C "$REG" reset -q --hard main
	git -C "$REG" -c gc.writeCommitGraph=false gc -q
	echo "$want" >"$STAMP"
	setup_note="built in $(since "$t0") s"
fi
rm -f "$REG/.git/objects/info/commit-graph"
rm -rf "$REG/.git/objects/info/commit-graphs"
ncommits=$(git -C "$REG" rev-list --count HEAD)

# The client: the one changed by the last commit, so its trail runs over
# the whole history.
id=$(git -C "$REG" log -1 --format=%B | sed -n 's/^Preg-Client: //p')
path=$(git -C "$REG" ls-files "clients/*/$id.yaml")
[[ -n $id ]] || die "no client in the last commit"

median() { sort -n -k1,1 "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.0f\n", v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", (b > 0 ? a / b : 0) }'; }
rm -f "$OUT"/log_*.txt

# The index, built once from nothing.
rm -rf "$REG/.git/preg-cache"
"$OUT/rss" "$OUT/log_build.txt" "$PREG" -C "$REG" log "$id" --format tsv
build_ms=$(median "$OUT/log_build.txt")
index_size=$(stat -c %s "$REG/.git/preg-cache/log-index" | awk '{ printf "%.1f MB", $1 / 1048576 }')
rows=$("$PREG" -C "$REG" log "$id" --format tsv | tail -n +2 | wc -l)
git_rows=$(git -C "$REG" log --format=%H -- "$path" | wc -l)
((rows == git_rows)) || say "warning: preg log printed $rows rows, git log $git_rows commits"

say "timing: $REPS x preg log $id, git log -- $path (without, then with a commit graph)"
for ((i = 0; i < REPS; i++)); do
	"$OUT/rss" "$OUT/log_preg.txt" "$PREG" -C "$REG" log "$id" --format tsv
	"$OUT/rss" "$OUT/log_git.txt" git -C "$REG" log --format=%H -- "$path"
done
git -C "$REG" commit-graph write --reachable --changed-paths 2>/dev/null
for ((i = 0; i < REPS; i++)); do
	"$OUT/rss" "$OUT/log_git_graph.txt" git -C "$REG" log --format=%H -- "$path"
done
rm -f "$REG/.git/objects/info/commit-graph"
rm -rf "$REG/.git/objects/info/commit-graphs"

p=$(median "$OUT/log_preg.txt")
g=$(median "$OUT/log_git.txt")
gg=$(median "$OUT/log_git_graph.txt")
r=$(ratio "$p" "$g")
verdict=$(awk -v v="$r" 'BEGIN { if (v > 0.05) print " MISSED" }')
{
	echo "log: register of $ncommits commits, $CLIENTS clients ($setup_note); client $id has $rows commits"
	echo "log: preg log ID median $p ms, git log -- PATH median $g ms (no commit graph), ratio $r$verdict (target <= 0.05); git with a commit graph and Bloom filters $gg ms"
	echo "log: building the index once: $build_ms ms, index $index_size"
} | tee -a "$OUT/results.txt"
