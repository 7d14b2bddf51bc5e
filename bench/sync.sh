#!/usr/bin/env bash
# bench/sync.sh: how long `preg sync` takes to replay 1,000 local commits
# onto a remote that has 1,000 others, all touching different records, in a
# register of N generated clients (default 100,000). Target: under 5 s.
# Called by bench/run; a report, not a test (it exits 0 when the target is
# missed and marks the figure MISSED).
#
# Setup (not timed): a register from bench/gen.c (as bench/run makes it),
# a bare clone as the remote, a clone made with `preg clone`; then 1,000
# commits on the remote and 1,000 in the clone, each adding an unknown key to
# one record, written with git fast-import (preg keeps unknown keys, and
# making 2,000 commits through preg would take minutes of setup).
#
# Environment: PREG (default ./preg), N (default 100000), K (commits per
# side, default 1000), SEED (default 1), CC (default cc).
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
N=${N:-100000}
K=${K:-1000}
SEED=${SEED:-1}
CC=${CC:-cc}
PREG=${PREG:-./preg}
OUT=$root/bench/out/sync
die() { echo "bench/sync: $*" >&2; exit 1; }
say() { echo "bench/sync: $*" >&2; }

[[ $N =~ ^[1-9][0-9]*$ && $K =~ ^[1-9][0-9]*$ ]] || die "N and K must be positive integers"
((2 * K <= N)) || die "N must be at least 2 K"
preg_bin=$(cd "$(dirname "$PREG")" && pwd)/$(basename "$PREG")
[[ -x $preg_bin ]] || die "no preg at $PREG (run make)"
command -v python3 >/dev/null || die "python3 is needed"
mkdir -p "$OUT"
CC=$CC bench/gen-build "$OUT/gen" || die "cannot build bench/gen.c"

export PREG_USER=bench PREG_NOW=2026-11-22T10:00:00+03:00 PREG_NO_GC=1 NO_COLOR=1
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
unset PREG_DIR GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

# The base register, cached by N and SEED.
base=$OUT/base
stamp="N=$N SEED=$SEED gen=$(bench/gen-build --sum)"
if [[ ! -f $OUT/base.stamp || $(cat "$OUT/base.stamp") != "$stamp" ]]; then
	say "building a register of $N clients"
	rm -rf "$base" "$OUT/base.stamp"
	"$preg_bin" init "$base" >/dev/null
	"$OUT/gen" "$N" "$SEED" | git -C "$base" fast-import --quiet --depth=0
	git -C "$base" reset -q --hard main
	git -C "$base" gc -q
	echo "$stamp" >"$OUT/base.stamp"
fi

# A fresh remote and clone for each run.
rm -rf "$OUT/remote.git" "$OUT/clone"
git clone -q --bare "$base" "$OUT/remote.git"
"$preg_bin" clone "$OUT/remote.git" "$OUT/clone" >/dev/null

# 2 K distinct records: the first K change on the remote, the others here.
git -C "$base" ls-tree -r --name-only main clients |
	shuf -n $((2 * K)) --random-source=<(yes "sync $SEED") >"$OUT/paths"
commits() {	# REPO FIRST LAST WHO: a fast-import stream of one commit per record
	python3 - "$@" "$OUT/paths" <<'PY'
import subprocess, sys
repo, first, last, who = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
paths = open(sys.argv[5]).read().split()[first:last]
cat = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"], stdin=subprocess.PIPE,
                       stdout=subprocess.PIPE)
out = sys.stdout.buffer
out.write(b"reset refs/heads/main\nfrom refs/heads/main^0\n")
for i, p in enumerate(paths):
    cat.stdin.write(b"main:" + p.encode() + b"\n")
    cat.stdin.flush()
    size = int(cat.stdout.readline().split()[2])
    data = cat.stdout.read(size) + b"x_bench: " + who.encode() + b"-" + str(i).encode() + b"\n"
    cat.stdout.read(1)
    cid = p.rsplit("/", 1)[1][:-5]
    msg = ("set: %s x_bench\n\nPreg-Client: %s\nPreg-Action: set\n" % (cid, cid)).encode()
    t = 1795330800 + i
    out.write(b"commit refs/heads/main\n")
    out.write(b"author %s <%s@example.com> %d +0300\n" % (who.encode(), who.encode(), t))
    out.write(b"committer %s <%s@example.com> %d +0300\n" % (who.encode(), who.encode(), t))
    out.write(b"data %d\n%s" % (len(msg), msg))
    out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (p.encode(), len(data), data))
cat.stdin.close()
cat.wait()
PY
}
commits "$OUT/remote.git" 0 "$K" remote | git -C "$OUT/remote.git" fast-import --quiet --depth=0
commits "$OUT/clone/.git" "$K" $((2 * K)) local | git -C "$OUT/clone" fast-import --quiet --depth=0
git -C "$OUT/clone" reset -q --hard main
sync # let the writeback settle before timing

# Wall time, and the CPU time (user + system) of preg and the git it runs:
# on a loaded machine the wall time says little, the CPU time still says
# what the sync itself costs.
/usr/bin/time -f '%e %U %S' -o "$OUT/sync.time" \
	"$preg_bin" -C "$OUT/clone" sync >"$OUT/sync.out" 2>"$OUT/sync.err" || { cat "$OUT/sync.err" >&2; die "preg sync failed"; }
read -r secs usr sys <"$OUT/sync.time"
cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')

# It did what it says: linear, both sides' commits, a clean work tree.
[[ $(git -C "$OUT/clone" rev-parse main) == $(git -C "$OUT/remote.git" rev-parse main) ]] || die "remote not updated"
[[ -z $(git -C "$OUT/clone" rev-list --merges main) ]] || die "history is not linear"
[[ -z $(git -C "$OUT/clone" status --porcelain) ]] || die "work tree not clean after sync"
n=$(git -C "$OUT/clone" log --format=%an main | grep -cx -e remote -e local)
((n == 2 * K)) || die "expected $((2 * K)) commits, found $n"

verdict=$(awk -v v="$secs" 'BEGIN { if (v > 5) print " MISSED" }')
echo "sync: $K local commits onto $K remote ones at $N clients: preg sync $secs s$verdict (target < 5 s), CPU $cpu s (user $usr, sys $sys); $(cat "$OUT/sync.out")"
