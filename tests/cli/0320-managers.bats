#!/usr/bin/env bats
# Managers (issue 11, item 6 of the issue): preg.yaml's managers: gives each
# handle a display name; --manager takes the handle or the display name (any
# letter case, ё as е); with a list, an unknown manager is an error naming
# the known ones; without one, remind and report --manager for a manager who
# has no client and never had one fail, so that a typo in a crontab shows.

load helper

setup() {
	common_setup
	new_register
	at() { PREG_NOW=${1}T09:00:00+05:00 "$PREG" -C "$R" "${@:2}" >/dev/null; }
	at 2026-10-20 client add "ООО «Ромашка»" --id romashka --next 2026-10-30 --action "call the director"
	at 2026-10-20 client add "ООО «Кедр»" --id kedr --manager petrov --next 2026-11-02
}

with_managers() {
	printf 'managers:\n  ivanov: {name: Семён Иванов, email: ivanov@example.com}\n  petrov: {name: Пётр Петров}\n' >>"$R/preg.yaml"
	git -C "$R" commit -qam "managers"
}

@test "no list: a manager who never had a client is an error for remind and report, exit 1" {
	run --separate-stderr preg -C "$R" remind --manager ivanvo
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: no client has or had manager 'ivanvo'"
	run --separate-stderr preg -C "$R" report register --manager ivanvo --format tsv
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: no client has or had manager 'ivanvo'"
	# A manager with clients and nothing due: silent, exit 0.
	PREG_NOW=2026-10-21T09:00:00+05:00 run --separate-stderr preg -C "$R" remind --manager petrov
	[ "$status" -eq 0 ]
	same "$output" ""
	same "$stderr" ""
}

@test "no list: a manager who had clients once still counts (the history)" {
	preg -C "$R" client reassign --from petrov --to ivanov >/dev/null
	run --separate-stderr preg -C "$R" remind --manager petrov
	[ "$status" -eq 0 ]
	same "$output" ""
	run --separate-stderr preg -C "$R" report managers --manager petrov --format tsv
	[ "$status" -eq 0 ]
}

@test "with a list: --manager takes the handle or the display name, any case, ё as е" {
	with_managers
	for m in ivanov "Семён Иванов" "семен иванов" "СЕМЁН ИВАНОВ" IVANOV; do
		run --separate-stderr preg -C "$R" remind --manager "$m" --format tsv
		[ "$status" -eq 0 ]
		same "$stderr" ""
		same "$(cut -f1,2 <<<"$output")" "manager	id
ivanov	romashka"
	done
	run --separate-stderr preg -C "$R" client list --manager "Петр Петров" --format tsv
	same "$(cut -f1 <<<"$output" | tail -n +2)" "kedr"
	run --separate-stderr preg -C "$R" report register --manager "пётр петров" --format tsv
	[ "$status" -eq 0 ]
	[[ "$output" == *kedr* ]]
	[[ "$output" != *romashka* ]]
}

@test "with a list: the writes take the display name too and store the handle" {
	with_managers
	preg -C "$R" client add "ООО «Вектор»" --id vektor --manager "Пётр Петров" >/dev/null
	grep -qx 'manager: petrov' "$R/$(cd "$R" && git ls-files '*vektor.yaml')"
	preg -C "$R" client set vektor manager="семён иванов"
	grep -qx 'manager: ivanov' "$R/$(cd "$R" && git ls-files '*vektor.yaml')"
	run --separate-stderr preg -C "$R" client reassign --from "Семён Иванов" --to "Пётр Петров" vektor
	[ "$status" -eq 0 ]
	same "${lines[-1]}" "moved 1 client from ivanov to petrov"
}

@test "with a list: an unknown manager is an error naming the known ones" {
	with_managers
	run --separate-stderr preg -C "$R" remind --manager sidorov
	[ "$status" -eq 2 ]
	same "${stderr%%$'\n'*}" "preg: unknown manager 'sidorov' (preg.yaml lists ivanov (Семён Иванов), petrov (Пётр Петров))"
	head0=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" client add "ООО «Вектор»" --manager "Иван Иванов"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: unknown manager 'Иван Иванов' (preg.yaml lists ivanov (Семён Иванов), petrov (Пётр Петров))"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}

@test "a name as import makes it a handle: --manager Иванов is ivanov, with a list or without" {
	# No list: import takes the Manager cell Иванов as ivanov; so does
	# every --manager.
	printf 'Name;Manager\nООО «Липа»;Иванов\n' >"$BATS_TEST_TMPDIR/clients.csv"
	PREG_NOW=2026-10-21T09:00:00+05:00 preg -C "$R" import "$BATS_TEST_TMPDIR/clients.csv" >/dev/null 2>&1
	run --separate-stderr preg -C "$R" client list --manager Иванов --format id
	[ "$status" -eq 0 ]
	same "$stderr" ""
	same "$output" "lipa
romashka"
	run --separate-stderr preg -C "$R" remind --manager Иванов --format tsv
	[ "$status" -eq 0 ]
	[[ ${lines[1]} == ivanov$'\t'romashka$'\t'* ]]
	# A write without a list takes a handle only: a name typed wrong
	# coins no manager.
	run --separate-stderr preg -C "$R" client add "ООО «Вектор»" --manager Петров
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: invalid manager 'Петров' (a handle is lowercase letters, digits, '.', '_', '-')"
	[ ! -e "$R/$(record_path vektor)" ]
	# A name that makes the handle of no client is the typo it was.
	run --separate-stderr preg -C "$R" remind --manager Иваново
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: no client has or had manager 'ivanovo'"
	# With a list: the handle it makes must be listed.
	with_managers
	run --separate-stderr preg -C "$R" report managers --manager Петров --format tsv
	[ "$status" -eq 0 ]
	same "$(cut -f 1 <<<"${lines[1]}")" "petrov"
	PREG_NOW=2026-10-21T09:00:00+05:00 run --separate-stderr preg -C "$R" client add "ООО «Вектор»" --manager Петров
	[ "$status" -eq 0 ]
	grep -qx 'manager: petrov' "$R/$(record_path vektor)"
	run --separate-stderr preg -C "$R" client list --manager Сидоров
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: unknown manager 'Сидоров' (preg.yaml lists ivanov (Семён Иванов), petrov (Пётр Петров))"
}
