#!/usr/bin/env bash
# bench/shards.sh: the measurement behind the register layout (bench/README.md,
# "Choosing the layout"): generated ids at each size in SIZES, spread by each
# candidate layout, with the trees a commit rewrites (bench/shards.c). A
# report; about 10 minutes with 1,000,000 on the project's machine. Output
# also in bench/out/shards.txt.
#
# Environment: SIZES (default "10000 100000 1000000"), SEED (default 1),
# NAMES (realistic, the default, or even), CC (default cc), SPREAD (1: only
# how the ids spread, no trees and no times; a minute in all).
set -euo pipefail
export LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
SIZES=${SIZES:-10000 100000 1000000}
SEED=${SEED:-1}
NAMES=${NAMES:-realistic}
CC=${CC:-cc}
SPREAD=${SPREAD:-}
OUT=$root/bench/out
die() { echo "bench/shards: $*" >&2; exit 1; }
case $NAMES in
realistic) gen_flags= ;;
even) gen_flags=--even ;;
*) die "NAMES must be realistic or even" ;;
esac
mkdir -p "$OUT"
CC=$CC bench/gen-build "$OUT/gen" || die "cannot build bench/gen.c"
# shellcheck disable=SC2046 # pkg-config's words
"$CC" -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Ilib -o "$OUT/shards" bench/shards.c \
	lib/slug.c lib/legalform.c lib/buf.c lib/err.c lib/utf8.c lib/xalloc.c \
	$(pkg-config --cflags --libs libgit2 libxxhash libutf8proc) || die "cannot build bench/shards.c"
{
	echo "== layouts, $NAMES names (seed $SEED), $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1 /proc/loadavg)"
	for n in $SIZES; do
		"$OUT/gen" $gen_flags --ids "$n" "$SEED" >"$OUT/ids.txt"
		rm -rf "$OUT/shards-repo"
		"$OUT/shards" ${SPREAD:+--spread} "$OUT/shards-repo" <"$OUT/ids.txt"
		rm -rf "$OUT/shards-repo"
	done
} | tee "$OUT/shards.txt"
