#!/usr/bin/env bats
# Every command that takes a client id takes a name or a unique part of
# it: case, ё/е, legal form and quotes ignored, Cyrillic or Latin; an
# ambiguous or unknown one exits 1 naming the candidates, nothing written.

load helper

T0=2026-10-01T09:12:00+05:00

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	PREG_NOW=$T0 "$PREG" -C "$P" client add "ООО «Ромашка»" >/dev/null
	PREG_NOW=$T0 "$PREG" -C "$P" client add "АО «Белая Дача Трейдинг»" --id belaya-dacha >/dev/null
	PREG_NOW=$T0 "$PREG" -C "$P" client add "ООО «Белая Берёза»" --id beryoza >/dev/null
	PREG_NOW=$T0 "$PREG" -C "$P" client add "Acme Ltd" --id acme >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
}

# first_line TEXT: the line client show starts with, for the client given.
shown_id() {
	run --separate-stderr preg -C "$R" client show "$1"
	[ "$status" -eq 0 ] || { echo "client show '$1': $status $stderr"; return 1; }
	same "${lines[0]%%  *}" "$2"
}

@test "the whole name, legal form and quotes and all, finds the client" {
	shown_id "ООО «Ромашка»" romashka
	shown_id 'ООО "Ромашка"' romashka
	shown_id "Ромашка" romashka
}

@test "a part of the name, in any case, with ё as е or in Latin, finds it" {
	shown_id ромашка romashka
	shown_id РОМАШ romashka
	shown_id romashka romashka
	shown_id "дача" belaya-dacha
	shown_id "береза" beryoza
	shown_id "dacha bel" belaya-dacha
	shown_id ACME acme
}

@test "an exact id wins over a name" {
	shown_id acme acme
	shown_id beryoza beryoza
}

@test "note and phase take a name and write to that client" {
	run --separate-stderr preg -C "$R" note ромашка "agreed the first truck"
	[ "$status" -eq 0 ]
	same "$(git -C "$R" diff --name-only "$head0" HEAD)" "$(record_path romashka)"
	run --separate-stderr preg -C "$R" phase next "Белая Дача" -m "sent the offer"
	[ "$status" -eq 0 ]
	same "$(git -C "$R" diff --name-only HEAD~1 HEAD)" "$(record_path belaya-dacha)"
	grep -q '^phase: 2$' "$R/$(record_path belaya-dacha)"
	run --separate-stderr preg -C "$R" log ромашка --format tsv
	[ "$status" -eq 0 ]
	[[ "$output" == *"romashka	note	note added: agreed the first truck"* ]]
	run preg -C "$R" verify
	[ "$status" -eq 0 ]
}

@test "an ambiguous name exits 1 listing the candidates, and writes nothing" {
	run --separate-stderr preg -C "$R" note белая "called"
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: 'белая' matches 2 clients: 'beryoza' (ООО «Белая Берёза»), 'belaya-dacha' (АО «Белая Дача Трейдинг»); give one of their ids"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

@test "an unknown name exits 1 with what is near, and writes nothing" {
	run --separate-stderr preg -C "$R" client set ромшка remarks=x
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'ромшка' not found; did you mean 'romashka' (ООО «Ромашка»)?"
	run --separate-stderr preg -C "$R" client rm nothing-like-it
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'nothing-like-it' not found"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

@test "the log of a removed client is still found by its id" {
	preg -C "$R" client rm acme >/dev/null
	run --separate-stderr preg -C "$R" log acme --format tsv
	[ "$status" -eq 0 ]
	[[ "$output" == *"acme	rm	removed (Acme Ltd)"* ]]
}
