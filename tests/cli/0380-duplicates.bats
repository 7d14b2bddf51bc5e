#!/usr/bin/env bats
# client add refuses a likely duplicate of an existing client, by the
# rules of preg check (the same name made an id, e-mail, phone, INN),
# naming it; --allow-duplicate adds anyway.

load helper

T0=2026-10-01T09:12:00+05:00

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	PREG_NOW=$T0 "$PREG" -C "$P" client add "ООО «Ромашка»" --field inn=7701234567 \
		--contact "Ivan Petrov <Ivan@Romashka.ru>; director; +7 351 000-00-00" >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
}

# refused ARGS... WHY: client add ARGS exits 1 naming romashka for WHY,
# and nothing is written.
refused() {
	local why=${*: -1}
	run --separate-stderr preg -C "$R" client add "${@:1:$#-1}"
	[ "$status" -eq 1 ] || { echo "exit $status: $output $stderr"; return 1; }
	same "$output" ""
	same "$stderr" "preg: error: likely duplicate of 'romashka' (ООО «Ромашка»): $why; add it anyway with --allow-duplicate"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

@test "the same name is refused, naming the client it duplicates" {
	refused "ООО «Ромашка»" "the same name 'ooo-romashka'"
	refused 'ооо "ромашка"' "the same name 'ooo-romashka'"
}

@test "the same e-mail, phone or INN is refused" {
	refused "Ромашка-Урал" --contact "ivan@romashka.ru" "the same e-mail 'ivan@romashka.ru'"
	refused "Ромашка-Урал" --contact "Ivan;; 8 (351) 000-00-00" "the same phone '+73510000000'"
	refused "Ромашка-Урал" --field INN="77 0123 4567" "the same inn '7701234567'"
}

@test "--allow-duplicate adds anyway, and check still reports the pair" {
	run --separate-stderr preg -C "$R" client add "ООО «Ромашка»" --allow-duplicate
	[ "$status" -eq 0 ]
	same "$output" "romashka-2"
	run preg -C "$R" check
	# A warning: the record is valid, so the exit status is 0.
	[ "$status" -eq 0 ]
	same "$output" "$(record_path romashka-2): warning: likely duplicate of 'romashka' (the same name 'ooo-romashka')"
}

@test "a client that shares nothing is added" {
	run --separate-stderr preg -C "$R" client add "АО «Белая Дача»" --contact "Anna <a@example.com>;; +7 351 111-11-11"
	[ "$status" -eq 0 ]
	same "$output" "belaia-dacha"
}
