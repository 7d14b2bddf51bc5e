#!/usr/bin/env bats
# One tag rule (lib/schema.h, record_tag_check) from every door: client add
# --tag, client set tags=, client edit, import's tags column, a record
# written by hand and checked by preg check. What one door refuses, every
# door refuses, with the same words, and nothing is committed.

load helper

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
	new_register
	preg -C "$R" client add "ООО «Ромашка»" --id romashka --tag china >/dev/null
	head0=$(git -C "$R" rev-parse HEAD)
}

unchanged() {
	[ "$(git -C "$R" rev-parse HEAD)" = "$head0" ]
	assert_clean
}

@test "client add and client set refuse a tag of two words, a comma or brackets" {
	run -1 preg -C "$R" client add "ИП Иванов" --tag 'two words'
	same "$output" "preg: error: invalid tag 'two words' (one word, no spaces or commas)"
	run -1 preg -C "$R" client add "ИП Иванов" --tag '{x}'
	same "$output" "preg: error: invalid tag '{x}' (one word, no spaces or commas)"
	run -1 preg -C "$R" client set romashka 'tags=ok,[x]'
	same "$output" "preg: error: invalid tag '[x]' (one word, no spaces or commas)"
	unchanged
}

@test "import refuses the same tag with the same words, naming the line" {
	printf 'Client,tags\nАльфа,ok\nБета,{x}\n' >in.csv
	run -1 preg -C "$R" import in.csv
	[[ "$output" == *"in.csv:3"*"invalid tag '{x}' (one word, no spaces or commas)"* ]]
	unchanged
}

@test "client edit refuses a record whose tag has two words, and keeps the file" {
	cat >"$BATS_TEST_TMPDIR/ed" <<-'SH'
	#!/bin/sh
	sed -i 's/^tags: .*/tags: [china, "two words"]/' "$1"
	SH
	chmod +x "$BATS_TEST_TMPDIR/ed"
	EDITOR="$BATS_TEST_TMPDIR/ed" run -1 preg -C "$R" client edit romashka </dev/null
	[[ "$output" == *"invalid tag 'two words' (one word, no spaces or commas)"* ]]
	unchanged
}

@test "a record written by hand with such a tag is invalid for preg check, as for the reader" {
	sed -i 's/^tags: .*/tags: [china, "two words"]/' "$R/$(record_path romashka)"
	git -C "$R" commit -qam "by hand"
	run -1 preg -C "$R" check
	[[ "$output" == *"$(record_path romashka):"*"invalid tag 'two words' (one word, no spaces or commas)"* ]]
	run -1 preg -C "$R" client show romashka
	[[ "$output" == *"invalid tag 'two words'"* ]]
}

@test "a tag of one word in any script is one tag from every door" {
	preg -C "$R" client set romashka 'tags=china,сталь,鋼' >/dev/null
	grep -qx 'tags: \[china, сталь, 鋼\]' "$R/$(record_path romashka)"
	printf 'Client,tags\nАльфа,сталь\n' >in.csv
	preg -C "$R" import in.csv >/dev/null
	run -0 preg -C "$R" client list --tag сталь --format csv
	[ "$(grep -c 'сталь\|romashka\|alfa' <<<"$output")" -ge 2 ]
	run -0 preg -C "$R" check
	run -0 preg -C "$R" verify
}
