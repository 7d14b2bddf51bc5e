#!/usr/bin/env bats
# preg contact add|set|rm|list: contacts numbered from 1, one commit each
# by the acting user, told by log, accepted by verify; client set refuses
# contacts= and points here.

load helper

T0=2026-10-01T09:12:00+05:00

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	PREG_NOW=$T0 "$PREG" -C "$P" client add "ООО «Ромашка»" \
		--contact "Ivan Petrov <ivan@romashka.ru>; director; +7 351 000-00-00" >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
}

# unchanged: no commit, a clean tree.
unchanged() {
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

@test "add appends a contact, prints its number, one commit" {
	run --separate-stderr preg -C "$R" contact add ромашка "Anna Orlova <a.orlova@example.com>; chief accountant; +7 351 111-11-11"
	[ "$status" -eq 0 ]
	same "$output" "2"
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
	same "$(last_message)" "contact: romashka added 2 (Anna Orlova <a.orlova@example.com>; chief accountant; +7 351 111-11-11)

Preg-Client: romashka
Preg-Action: contact
Preg-User: ivanov"
	same "$(sed -n '/^contacts:/,/^[a-z]/p' "$R/"$(record_path romashka)"" | sed '$d')" "contacts:
  - name: Ivan Petrov
    role: director
    phone: +7 351 000-00-00
    email: ivan@romashka.ru
  - name: Anna Orlova
    role: chief accountant
    phone: +7 351 111-11-11
    email: a.orlova@example.com"
	run --separate-stderr preg -C "$R" contact list romashka
	same "$output" $'n\tname\temail\trole\tphone
1\tIvan Petrov\tivan@romashka.ru\tdirector\t+7 351 000-00-00
2\tAnna Orlova\ta.orlova@example.com\tchief accountant\t+7 351 111-11-11'
	assert_clean
}

@test "set changes one contact's keys; nothing changed, nothing committed" {
	preg -C "$R" contact add romashka "Anna Orlova;; 8 (351) 111 11 11" >/dev/null
	run --separate-stderr preg -C "$R" contact set ромашка 2 phone="+7 351 222-22-22" role="chief accountant"
	[ "$status" -eq 0 ]
	same "$output" ""
	run preg -C "$R" contact list romashka --format json
	same "${lines[2]}" '{"n":2,"name":"Anna Orlova","email":null,"role":"chief accountant","phone":"+7 351 222-22-22"}'
	local head1
	head1=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" contact set romashka 2 phone="+7 351 222-22-22"
	[ "$status" -eq 0 ]
	same "$output" "romashka: contact 2 unchanged"
	same "$(git -C "$R" rev-parse HEAD)" "$head1"
}

@test "rm removes a contact and the later ones move up" {
	preg -C "$R" contact add romashka "Anna Orlova <a.orlova@example.com>" >/dev/null
	run --separate-stderr preg -C "$R" contact rm romashka 1
	[ "$status" -eq 0 ]
	run preg -C "$R" contact list romashka
	same "$output" $'n\tname\temail\trole\tphone\n1\tAnna Orlova\ta.orlova@example.com\t\t'
	same "$(git -C "$R" log -1 --format=%s)" "contact: romashka removed 1 (Ivan Petrov <ivan@romashka.ru>; director; +7 351 000-00-00)"
}

@test "log tells which contact changed and how; verify and check accept it" {
	preg -C "$R" contact add romashka "Anna Orlova <a.orlova@example.com>" >/dev/null
	preg -C "$R" contact set romashka 2 role=accountant >/dev/null
	preg -C "$R" contact rm romashka 1 >/dev/null
	run --separate-stderr preg -C "$R" log romashka --format tsv
	[ "$status" -eq 0 ]
	# Contacts add no history event: the author is the commit's acting
	# user (its Preg-User trailer), as for client set.
	same "$(cut -f3- <<<"$output" | head -4)" "author	client	action	changes
ivanov	romashka	contact	contact 1: Ivan Petrov <ivan@romashka.ru>; director; +7 351 000-00-00 -> (none)
ivanov	romashka	contact	contact 2: Anna Orlova <a.orlova@example.com> -> Anna Orlova <a.orlova@example.com>; accountant
ivanov	romashka	contact	contact 2: (none) -> Anna Orlova <a.orlova@example.com>"
	run preg -C "$R" verify
	[ "$status" -eq 0 ]
	run preg -C "$R" check
	[ "$status" -eq 0 ]
}

@test "a contact number the client does not have, a bad key, an empty contact: exit 1, nothing written" {
	run --separate-stderr preg -C "$R" contact rm romashka 2
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'romashka' has no contact 2 (it has 1)"
	run --separate-stderr preg -C "$R" contact set romashka 1 birthday=today
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: cannot set 'birthday' of a contact (name, email, role, phone)"
	run --separate-stderr preg -C "$R" contact set romashka 1 name= email= role= phone=
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: that would leave contact 1 of 'romashka' empty; remove it with 'preg contact rm romashka 1'"
	run --separate-stderr preg -C "$R" contact add romashka $'Anna\e[31m'
	[ "$status" -eq 1 ]
	run --separate-stderr preg -C "$R" contact add nosuch "Anna"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'nosuch' not found"
	unchanged
}

@test "usage errors exit 2" {
	run --separate-stderr preg -C "$R" contact rm romashka x
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: invalid contact number 'x' (1, 2, ...: see 'preg contact list')"
	run --separate-stderr preg -C "$R" contact rm romashka 0
	[ "$status" -eq 2 ]
	run --separate-stderr preg -C "$R" contact add romashka
	[ "$status" -eq 2 ]
	run --separate-stderr preg -C "$R" contact set romashka 1
	[ "$status" -eq 2 ]
	unchanged
}

@test "client set contacts= points to preg contact" {
	run --separate-stderr preg -C "$R" client set romashka contacts=x
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: contacts change with 'preg contact add|set|rm romashka ...' (see 'preg contact list romashka')"
	unchanged
}

@test "the contact added is found by its phone in another form" {
	preg -C "$R" contact add romashka "Anna Orlova;; +7 351 111-11-11" >/dev/null
	run --separate-stderr preg -C "$R" find "8 (351) 111 11 11"
	[ "$status" -eq 0 ]
	same "${lines[1]}" $'romashka\tООО «Ромашка»\tcontact\tphone +7 351 111-11-11'
}

@test "list: the table fits the terminal, the e-mail and phone whole; --wide and a pipe show all" {
	local role="заместитель генерального директора по логистике и складскому хозяйству"
	preg -C "$R" contact add ромашка "Константин Константинопольский <k.konst@romashka.ru>; $role; +7 351 333-33-33" >/dev/null
	run --separate-stderr env COLUMNS=80 "$PREG" -C "$R" contact list ромашка --format table
	[ "$status" -eq 0 ]
	same "$stderr" ""
	[ "$(printf '%s\n' "$output" | wc -L)" -le 80 ]
	[[ ${lines[2]} == "2  "*"k.konst@romashka.ru"*"+7 351 333-33-33" ]]
	[[ $output != *"$role"* ]]
	run --separate-stderr env COLUMNS=80 "$PREG" -C "$R" contact list ромашка --format table --wide
	[[ ${lines[2]} == "2  Константин Константинопольский  k.konst@romashka.ru  $role  +7 351 333-33-33" ]]
	run --separate-stderr preg -C "$R" contact list ромашка
	same "${lines[2]}" "2	Константин Константинопольский	k.konst@romashka.ru	$role	+7 351 333-33-33"
}
