#!/usr/bin/env bats
# preg find TEXT: names, ids, contacts, phones in any form, e-mails,
# fields and (with --notes) notes; ranked, one line per client with what
# matched; tsv, json, table; exit 1 with suggestions when nothing matches.

load helper

T0=2026-10-01T09:12:00+05:00

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	export PREG_NOW=$T0
	"$PREG" -C "$P" client add "ООО «Ромашка»" --field cargo="steel pipes" \
		--contact "Ivan Petrov <ivan@romashka.ru>; director; +7 351 000-00-00" >/dev/null
	"$PREG" -C "$P" client add "ООО «Ромашка-Трейд»" >/dev/null
	"$PREG" -C "$P" client add "АО «Белая Дача»" --tag ural \
		--contact "Anna Orlova <A.Orlova@Example.com>; chief accountant; 8 (351) 111 11 11" >/dev/null
	"$PREG" -C "$P" client add "ИП Ёлкин Пётр" --id elkin --action "send the price list" >/dev/null
	PREG_NOW=2026-10-05T14:00:00+05:00 "$PREG" -C "$P" note romashka "agreed the first truck" >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
}

# finds TEXT LINES...: "preg find TEXT" (tsv) prints the header and LINES.
finds() {
	local q=$1 want
	shift
	want=$(printf 'id\tname\tmatch\tmatched'; printf '\n%s' "$@")
	run --separate-stderr preg -C "$R" find "$q"
	[ "$status" -eq 0 ] || { echo "find '$q': exit $status: $stderr"; return 1; }
	same "$output" "$want"
}

@test "a phone in any form finds its client" {
	local line=$'romashka\tООО «Ромашка»\tcontact\tphone +7 351 000-00-00'
	finds "+7 351 000-00-00" "$line"
	finds "8 (351) 000 00 00" "$line"
	finds "83510000000" "$line"
	finds "000-00-00" "$line"
	finds "+7 (351) 111-11-11" $'belaia-dacha\tАО «Белая Дача»\tcontact\tphone 8 (351) 111 11 11'
}

@test "a part of the Cyrillic name, or its Latin spelling, finds the client" {
	finds "дача" $'belaia-dacha\tАО «Белая Дача»\tname\tАО «Белая Дача»'
	finds "belaya dacha" $'belaia-dacha\tАО «Белая Дача»\tname\tАО «Белая Дача»'
	finds "елкин" $'elkin\tИП Ёлкин Пётр\tname\tИП Ёлкин Пётр'
}

@test "ranked: the id first, then the name, then contacts" {
	finds "romashka" \
		$'romashka\tООО «Ромашка»\tid\tromashka' \
		$'romashka-treid\tООО «Ромашка-Трейд»\tname\tООО «Ромашка-Трейд»'
	# The whole name before a name that only starts with it.
	finds "ромашка" \
		$'romashka\tООО «Ромашка»\tname\tООО «Ромашка»' \
		$'romashka-treid\tООО «Ромашка-Трейд»\tname\tООО «Ромашка-Трейд»'
}

@test "contacts' names, roles and e-mails, fields, tags and the next action" {
	finds "orlova" $'belaia-dacha\tАО «Белая Дача»\tcontact\tcontact Anna Orlova'
	finds "a.orlova@example.com" $'belaia-dacha\tАО «Белая Дача»\tcontact\te-mail A.Orlova@Example.com'
	finds "accountant" $'belaia-dacha\tАО «Белая Дача»\tcontact\trole chief accountant'
	finds "steel" $'romashka\tООО «Ромашка»\tfield\tfield cargo: steel pipes'
	finds "ural" $'belaia-dacha\tАО «Белая Дача»\tfield\ttag ural'
	finds "price list" $'elkin\tИП Ёлкин Пётр\tfield\tnext action: send the price list'
}

@test "notes are searched with --notes" {
	run --separate-stderr preg -C "$R" find truck
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: client 'truck' not found
hint: notes and remarks were not searched: 'preg find --notes TEXT' reads them too"
	run --separate-stderr preg -C "$R" find truck --notes
	[ "$status" -eq 0 ]
	same "$output" $'id\tname\tmatch\tmatched\nromashka\tООО «Ромашка»\tnote\tnote 2026-10-05: agreed the first truck'
}

@test "nothing found exits 1 with the names spelt nearly so" {
	run --separate-stderr preg -C "$R" find ромшка --notes
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: client 'ромшка' not found; did you mean 'romashka' (ООО «Ромашка»)?"
}

@test "--format json and table" {
	run --separate-stderr preg -C "$R" find orlova --format json
	[ "$status" -eq 0 ]
	same "$output" '[
{"id":"belaia-dacha","name":"АО «Белая Дача»","match":"contact","matched":"contact Anna Orlova"}
]'
	run --separate-stderr preg -C "$R" find orlova --format table
	[ "$status" -eq 0 ]
	same "$output" "id            name             match    matched
belaia-dacha  АО «Белая Дача»  contact  contact Anna Orlova"
}

@test "find writes nothing, and refuses bad input" {
	run --separate-stderr preg -C "$R" find
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: find needs a text"
	run --separate-stderr preg -C "$R" find '«»'
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: nothing to find in '«»': give a name, an id, a phone or a word"
	run --separate-stderr preg -C "$R" find $'a\e[31m'
	[ "$status" -eq 1 ]
	[[ "$stderr" != *$'\e'* ]]
	run --separate-stderr preg -C "$R" find xx --format csv
	[ "$status" -eq 2 ]
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

@test "the cache answers as the records do" {
	rm -rf "$R/.git/preg-cache"
	finds "83510000000" $'romashka\tООО «Ромашка»\tcontact\tphone +7 351 000-00-00'
	[ -d "$R/.git/preg-cache" ]
	finds "83510000000" $'romashka\tООО «Ромашка»\tcontact\tphone +7 351 000-00-00'
	PREG_NO_CACHE=1 finds "83510000000" $'romashka\tООО «Ромашка»\tcontact\tphone +7 351 000-00-00'
}

@test "the table fits the terminal: ids whole, names by their distinctive part; --wide and a pipe show all" {
	local long="ООО «Транспортная Компания Северный Путь Урал-Сибирь 🚚»"
	PREG_NOW=$T0 preg -C "$R" client add "$long" --id severnyi-put-ural-sibir \
		--contact "Мария Константинопольская <m.konstantinopolskaia@severnyi-put.example.com>; логист" >/dev/null
	run --separate-stderr env COLUMNS=80 "$PREG" -C "$R" find ооо --format table
	[ "$status" -eq 0 ]
	same "$stderr" ""
	[ "${#lines[@]}" -eq 4 ]
	local line
	for line in "${lines[@]}"; do
		[ "$(printf '%s' "$line" | wc -L)" -le 80 ] || { echo "wider than 80: $line"; false; }
	done
	[[ ${lines[0]} == "id "* ]]
	# The id whole, the name by its distinctive part, not by the legal form.
	grep -q '^severnyi-put-ural-sibir  .*Северный' <<<"$output"
	[[ $output != *"ООО «Транспо…"* ]]
	# The contact's long e-mail matches; the match word stays whole.
	run --separate-stderr env COLUMNS=80 "$PREG" -C "$R" find konstantinopolskaia --format table
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -L)" -le 80 ]
	[[ ${lines[1]} == "severnyi-put-ural-sibir  "*"  contact"* ]]
	# --wide, and a pipe, cut nothing.
	run --separate-stderr env COLUMNS=80 "$PREG" -C "$R" find ооо --format table --wide
	[[ $output == *"$long  name   $long"* ]]
	run --separate-stderr preg -C "$R" find ооо
	[[ $output == *"severnyi-put-ural-sibir	$long	name	$long"* ]]
}
