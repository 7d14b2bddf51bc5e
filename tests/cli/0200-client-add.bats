#!/usr/bin/env bats
# preg client add: the record it writes (SPEC 4), the id it derives or takes,
# every option, the acting user and the author, and every refusal, which
# must leave the history and the files as they were.

load helper

# One register made per file (init fsyncs), copied for each test.
setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	"$PREG" init "$BATS_FILE_TMPDIR/pristine" >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	head0=$(git -C "$R" rev-parse HEAD)
}

# Nothing was committed and the work tree is as clean as before.
unchanged() {
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
	same "$(git -C "$R" ls-tree -r --name-only HEAD clients)" ""
	[ ! -e "$R/clients" ]
}

# Exactly one commit on top of the one before.
one_commit() {
	same "$(git -C "$R" rev-parse HEAD~1)" "$head0"
}

# refused EXPECTED_STDERR ARGS...: client add ARGS fails with exit 1 and
# that exact message, and changes nothing.
refused() {
	local msg=$1
	shift
	run --separate-stderr preg -C "$R" client add "$@"
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "$msg"
	unchanged
}

# Commit a new preg.yaml with plain git.
commit_settings() {
	cat >"$R/preg.yaml"
	git -C "$R" commit -qm "settings" preg.yaml
	head0=$(git -C "$R" rev-parse HEAD)
}

@test "the issue's example: the id leaves the legal form out, the name keeps it" {
	run --separate-stderr preg -C "$R" client add "ООО «Ромашка»" --manager ivanov --field cargo="steel pipes"
	[ "$status" -eq 0 ]
	same "$output" "romashka"
	same "$stderr" ""
	diff -u - "$R/$(record_path romashka)" <<'EOF'
id: romashka
name: ООО «Ромашка»
kind: external
manager: ivanov
phase: 1
phase_since: 2026-11-02T10:15:00+05:00
created: 2026-11-02T10:15:00+05:00
fields:
  cargo: steel pipes
history:
  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, phase: 1, manager: ivanov}
EOF
	one_commit
	same "$(last_message)" "add: romashka (ООО «Ромашка»)

Preg-Client: romashka
Preg-Action: add
Preg-Phase: 1
Preg-User: ivanov"
	same "$(git -C "$R" show --name-status --format= HEAD)" "A	$(record_path romashka)"
	same "$(git -C "$R" log -1 --format='%an <%ae>|%cn <%ce>|%aI')" \
		"Test User <test@example.com>|Test User <test@example.com>|2026-11-02T10:15:00+05:00"
	# The committed blob is the file in the work tree.
	git -C "$R" show HEAD:"$(record_path romashka)" | cmp - "$R/$(record_path romashka)"
	assert_clean
	assert_fsck
}

@test "every option at once gives the record of SPEC 4" {
	run --separate-stderr preg -C "$R" client add "Acme Ltd" --id acme --manager petrov \
		--phase contract --kind internal --tag china --tag steel \
		--field direction="China - Chelyabinsk" --field cargo="steel pipes" \
		--contact 'Sergey Petrov <s.petrov@example.com>; decision maker; +7 351 000-00-00' \
		--next 2026-11-25 --action "call about the first shipment" \
		--remarks $'Prefers e-mail.\nThe director decides in the last week of the month.\n'
	[ "$status" -eq 0 ]
	same "$output" "acme"
	same "$stderr" ""
	diff -u - "$R/$(record_path acme)" <<'EOF'
id: acme
name: Acme Ltd
kind: internal
manager: petrov
phase: 7
phase_since: 2026-11-02T10:15:00+05:00
next_contact: 2026-11-25
next_action: call about the first shipment
created: 2026-11-02T10:15:00+05:00
remarks: |
  Prefers e-mail.
  The director decides in the last week of the month.
tags: [china, steel]
fields:
  direction: China - Chelyabinsk
  cargo: steel pipes
contacts:
  - name: Sergey Petrov
    role: decision maker
    phone: +7 351 000-00-00
    email: s.petrov@example.com
history:
  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, phase: 7, manager: petrov}
EOF
	one_commit
	same "$(last_message)" "add: acme (Acme Ltd)

Preg-Client: acme
Preg-Action: add
Preg-Phase: 7
Preg-User: ivanov"
	assert_clean
	assert_fsck
}

@test "--phase by number" {
	run --separate-stderr preg -C "$R" client add Acme --phase 4
	[ "$status" -eq 0 ]
	grep -qx 'phase: 4' "$R/$(record_path acme)"
	grep -qxF '  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, phase: 4, manager: ivanov}' "$R/$(record_path acme)"
	[ "$(git -C "$R" log -1 --format='%(trailers:key=Preg-Phase,valueonly)')" = "4" ]
}

@test "--phase by key" {
	run --separate-stderr preg -C "$R" client add Acme --phase first-order
	[ "$status" -eq 0 ]
	grep -qx 'phase: 8' "$R/$(record_path acme)"
}

@test "--kind internal and the default external" {
	preg -C "$R" client add Inner --kind internal >/dev/null
	preg -C "$R" client add Outer >/dev/null
	grep -qx 'kind: internal' "$R/$(record_path inner)"
	grep -qx 'kind: external' "$R/$(record_path outer)"
	[ "$(commits)" -eq 3 ]
}

@test "contacts: name alone, e-mail alone, and two contacts in order" {
	run --separate-stderr preg -C "$R" client add Acme --contact 'Ann Lee' --contact 'bob@example.com; buyer'
	[ "$status" -eq 0 ]
	diff -u - <(sed -n '/^contacts:/,/^history:/p' "$R/$(record_path acme)") <<'EOF'
contacts:
  - name: Ann Lee
  - role: buyer
    email: bob@example.com
history:
EOF
}

@test "values (and keys) YAML would misread are quoted, and read back unchanged" {
	run --separate-stderr preg -C "$R" client add NO --id no-name --field code=0123 --field n=1e3 \
		--field since=2026-01-01 --field note='a: b' --field hash='x #1' --action 'yes'
	[ "$status" -eq 0 ]
	diff -u - "$R/$(record_path no-name)" <<'EOF'
id: no-name
name: "NO"
kind: external
manager: ivanov
phase: 1
phase_since: 2026-11-02T10:15:00+05:00
next_action: "yes"
created: 2026-11-02T10:15:00+05:00
fields:
  code: "0123"
  "n": "1e3"
  since: "2026-01-01"
  note: "a: b"
  hash: "x #1"
history:
  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, phase: 1, manager: ivanov}
EOF
	run preg -C "$R" client show no-name --format json
	[ "$status" -eq 0 ]
	same "$(printf '%s' "$output" | python3 -c 'import json,sys; r=json.load(sys.stdin); f=r["fields"]; print(r["name"], r["next_action"], f["code"], f["n"], f["since"], f["note"], f["hash"], sep="|")')" \
		"NO|yes|0123|1e3|2026-01-01|a: b|x #1"
}

@test "the name is trimmed of surrounding spaces" {
	run --separate-stderr preg -C "$R" client add "  Acme Trading  "
	[ "$status" -eq 0 ]
	same "$output" "acme-trading"
	grep -qx 'name: Acme Trading' "$R/$(record_path acme-trading)"
}

@test "derived ids: Cyrillic transliterated, other letters folded, the rest becomes '-'" {
	run preg -C "$R" client add "Щука & Ёж"
	same "$output" "shchuka-ezh"
	run preg -C "$R" client add "Café Müller & Söhne"
	same "$output" "cafe-muller-sohne"
	run preg -C "$R" client add "  --Acme!!  Trading--"
	same "$output" "acme-trading"
	[ -f "$R/$(record_path shchuka-ezh)" ]
	[ -f "$R/$(record_path cafe-muller-sohne)" ]
	[ "$(commits)" -eq 4 ]
}

@test "derived ids leave a legal form out, before or after the name, quoted or not" {
	run preg -C "$R" client add "ИП Иванов И.И."
	same "$output" "ivanov-i-i"
	run preg -C "$R" client add "ПАО „Северсталь“"
	same "$output" "severstal"
	run preg -C "$R" client add "«Рога и копыта», ооо"
	same "$output" "roga-i-kopyta"
	run preg -C "$R" client add "Café Müller GmbH"
	same "$output" "cafe-muller"
	run preg -C "$R" client add "Shanghai Star Co., Ltd."
	same "$output" "shanghai-star"
	run preg -C "$R" client add "Renault S.A."
	same "$output" "renault"
	# The tree is in the order of the hashes, the file names in the ids'.
	same "$(git -C "$R" ls-tree -r --name-only HEAD clients | sort -t/ -k3)" "$(record_path cafe-muller)
$(record_path ivanov-i-i)
$(record_path renault)
$(record_path roga-i-kopyta)
$(record_path severstal)
$(record_path shanghai-star)"
	# The names keep their forms.
	grep -qx 'name: ИП Иванов И.И.' "$R/$(record_path ivanov-i-i)"
	grep -qx 'name: ПАО „Северсталь“' "$R/$(record_path severstal)"
	grep -qx 'name: Shanghai Star Co., Ltd.' "$R/$(record_path shanghai-star)"
	[ "$(commits)" -eq 7 ]
	assert_clean
}

@test "the same name with another legal form gets -2" {
	run preg -C "$R" client add "ООО «Ромашка»"
	same "$output" "romashka"
	run --separate-stderr preg -C "$R" client add "АО «Ромашка»"
	[ "$status" -eq 0 ]
	same "$output" "romashka-2"
	same "$stderr" ""
	run preg -C "$R" client add "Ромашка"
	same "$output" "romashka-3"
	grep -qx 'name: АО «Ромашка»' "$R/$(record_path romashka-2)"
	same "$(last_message)" "add: romashka-3 (Ромашка)

Preg-Client: romashka-3
Preg-Action: add
Preg-Phase: 1
Preg-User: ivanov"
	[ "$(commits)" -eq 4 ]
	assert_clean
}

@test "a name that is only a legal form keeps it as the id" {
	run --separate-stderr preg -C "$R" client add "ООО"
	[ "$status" -eq 0 ]
	same "$output" "ooo"
	# (the same name made an id: a likely duplicate, added on purpose)
	run --separate-stderr preg -C "$R" client add "ООО «!!»" --allow-duplicate
	[ "$status" -eq 0 ]
	same "$output" "ooo-2"
	# What is left would be a device name: the form stays in the id.
	run --separate-stderr preg -C "$R" client add "ООО «Con»"
	[ "$status" -eq 0 ]
	same "$output" "ooo-con"
	same "$(git -C "$R" ls-tree -r --name-only HEAD clients | sort -t/ -k3)" "$(record_path ooo-2)
$(record_path ooo-con)
$(record_path ooo)"
	grep -qx 'name: ООО «!!»' "$R/$(record_path ooo-2)"
	[ "$(commits)" -eq 4 ]
	assert_clean
}

@test "a one-character id goes to its hash's shard, or in version 1 to a shard padded with '_'" {
	run --separate-stderr preg -C "$R" client add X
	[ "$status" -eq 0 ]
	same "$output" "x"
	[ -f "$R/$(record_path x)" ]
	assert_clean
	R=$BATS_TEST_TMPDIR/old
	new_register_v1
	run --separate-stderr preg -C "$R" client add X
	[ "$status" -eq 0 ]
	[ -f "$R/clients/x_/x.yaml" ]
	assert_clean
}

@test "a taken derived id gets -2, then -3" {
	run preg -C "$R" client add "Acme"
	same "$output" "acme"
	# (likely duplicates, refused unless added on purpose: 0350)
	run preg -C "$R" client add "ACME" --allow-duplicate
	same "$output" "acme-2"
	run preg -C "$R" client add "acme!" --allow-duplicate
	same "$output" "acme-3"
	same "$(git -C "$R" ls-tree -r --name-only HEAD clients | sort -t/ -k3)" "$(record_path acme-2)
$(record_path acme-3)
$(record_path acme)"
	grep -qx 'name: ACME' "$R/$(record_path acme-2)"
	grep -qx 'id: acme-3' "$R/$(record_path acme-3)"
	[ "$(commits)" -eq 4 ]
	assert_clean
}

@test "--id takes an explicit id" {
	run --separate-stderr preg -C "$R" client add "ООО «Ромашка»" --id romashka-msk
	[ "$status" -eq 0 ]
	same "$output" "romashka-msk"
	[ -f "$R/$(record_path romashka-msk)" ]
	grep -qx 'id: romashka-msk' "$R/$(record_path romashka-msk)"
	same "$(git -C "$R" ls-tree -r --name-only HEAD clients)" "$(record_path romashka-msk)"
}

@test "--id that breaks the id rule is refused" {
	msg() { printf "preg: error: invalid id '%s' (lowercase letters, digits and '-', at most 48, not a device name)" "$1"; }
	refused "$(msg Acme)" Acme --id Acme
	refused "$(msg -acme)" Acme --id=-acme
	refused "$(msg ../acme)" Acme --id ../acme
	refused "$(msg a_b)" Acme --id a_b
	refused "$(msg con)" Acme --id con
	long=$(printf 'a%.0s' {1..49})
	refused "$(msg "$long")" Acme --id "$long"
}

@test "--id of 48 characters is the longest allowed" {
	id48=$(printf 'a%.0s' {1..48})
	run --separate-stderr preg -C "$R" client add Acme --id "$id48"
	[ "$status" -eq 0 ]
	same "$output" "$id48"
}

@test "--id that is taken is refused" {
	preg -C "$R" client add Acme >/dev/null
	head0=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" client add "Another" --id acme
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'acme' already exists"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	grep -qx 'name: Acme' "$R/$(record_path acme)"
	assert_clean
}

@test "a name that gives no id, or a device name, is refused" {
	refused "preg: error: cannot derive an id from name '«»'; give one with --id" "«»"
	refused "preg: error: id 'con' is a reserved name; give another with --id" "CON"
}

@test "an unknown phase is refused" {
	refused "preg: error: unknown phase '13' (see 'preg phase list')" Acme --phase 13
	refused "preg: error: unknown phase '0' (see 'preg phase list')" Acme --phase 0
	refused "preg: error: unknown phase 'signed' (see 'preg phase list')" Acme --phase signed
}

@test "starting in an ending phase is refused" {
	refused "preg: error: a new client cannot start in phase 11 (ended), which ends a collaboration" Acme --phase 11
	refused "preg: error: a new client cannot start in phase 12 (analysis), which ends a collaboration" Acme --phase analysis
}

@test "an invalid --next date is refused" {
	refused "preg: error: --next: invalid date '2026-02-30' (February 2026 has 28 days)" Acme --next 2026-02-30
	refused "preg: error: --next: invalid date '2026-11-2' (use today, tomorrow, yesterday, +3d, -1w, a weekday such as fri, 25.11.2026 or 2026-11-25)" Acme --next 2026-11-2
	refused "preg: error: --next: invalid date '25.11.26' (a year of 2 digits is ambiguous: write all four)" Acme --next 25.11.26
}

@test "an unknown kind is refused" {
	refused "preg: error: invalid kind 'partner' (external or internal)" Acme --kind partner
}

@test "an empty or blank name is refused" {
	refused "preg: error: empty client name" ""
	refused "preg: error: empty client name" "   "
}

@test "a name with a line break or a control character is refused" {
	msg="preg: error: a client name must be one line of text (at most 1000 bytes, no control characters)"
	refused "$msg" $'Acme\nLtd'
	refused "$msg" $'Acme\tLtd'
	refused "$msg" $'Acme\e[31m'
}

@test "bad tags, fields, contacts and actions are refused" {
	refused "preg: error: invalid tag 'two words' (one word, no spaces or commas)" Acme --tag 'two words'
	refused "preg: error: invalid tag 'a,b' (one word, no spaces or commas)" Acme --tag a,b
	refused "preg: error: --field 'cargo' is not KEY=VALUE" Acme --field cargo
	refused "preg: error: invalid field name 'the cargo' (letters, digits, '_' and '-')" Acme --field 'the cargo=steel'
	refused "preg: error: empty contact ';;'" Acme --contact ';;'
	refused "preg: error: contact 'Ann; buyer; 123; extra' has more than 'Name <email>; role; phone'" Acme --contact 'Ann; buyer; 123; extra'
	refused "preg: error: --action must be one line of text (at most 4096 bytes, no control characters)" Acme --action $'call\nthem'
}

@test "a manager that is not a valid handle is refused" {
	refused "preg: error: invalid manager 'Ivan Ivanov' (a handle is lowercase letters, digits, '.', '_', '-')" Acme --manager 'Ivan Ivanov'
}

@test "with a manager list in preg.yaml, only those managers are accepted" {
	{ cat "$R/preg.yaml"; printf 'managers:\n  ivanov: {name: Ivan Ivanov, email: ivanov@example.com}\n  petrov: {name: Petr Petrov}\n'; } >"$BATS_TEST_TMPDIR/p.yaml"
	commit_settings <"$BATS_TEST_TMPDIR/p.yaml"
	run --separate-stderr preg -C "$R" client add Acme --manager sidorov
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: unknown manager 'sidorov' (preg.yaml lists ivanov (Ivan Ivanov), petrov (Petr Petrov))"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	[ ! -e "$R/clients" ]
	# The acting user is not listed either.
	PREG_USER=smirnov run --separate-stderr preg -C "$R" client add Acme
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: unknown manager 'smirnov' (preg.yaml lists ivanov (Ivan Ivanov), petrov (Petr Petrov))"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	# A listed one is.
	run --separate-stderr preg -C "$R" client add Acme --manager petrov
	[ "$status" -eq 0 ]
	grep -qx 'manager: petrov' "$R/$(record_path acme)"
	one_commit
	assert_clean
}

@test "a phase that requires contacts is refused without --contact, accepted with one" {
	sed 's/^    key: decision-maker$/&\n    requires: [contacts]/' "$R/preg.yaml" >"$BATS_TEST_TMPDIR/p.yaml"
	commit_settings <"$BATS_TEST_TMPDIR/p.yaml"
	run --separate-stderr preg -C "$R" client add Acme --phase 2
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: phase 2 (decision-maker) requires contacts"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	[ ! -e "$R/clients" ]
	run --separate-stderr preg -C "$R" client add Acme --phase 2 --contact 'Ann <ann@example.com>'
	[ "$status" -eq 0 ]
	same "$output" "acme"
	one_commit
	assert_clean
}

@test "an untracked file where the record would go is not clobbered" {
	mkdir -p "$R/$(record_dir acme)"
	echo "my draft" >"$R/$(record_path acme)"
	run --separate-stderr preg -C "$R" client add Acme
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: $(record_path acme) has uncommitted changes; commit or discard them first (git diff -- $(record_path acme))"
	same "$(cat "$R/"$(record_path acme)"")" "my draft"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
}

@test "the acting user is PREG_USER" {
	PREG_USER=smirnov run --separate-stderr preg -C "$R" client add Acme
	[ "$status" -eq 0 ]
	grep -qxF '  - {at: 2026-11-02T10:15:00+05:00, by: smirnov, phase: 1, manager: smirnov}' "$R/$(record_path acme)"
	grep -qx 'manager: smirnov' "$R/$(record_path acme)"
}

@test "PREG_USER beats git config preg.user" {
	git -C "$R" config preg.user petrov
	PREG_USER=smirnov run --separate-stderr preg -C "$R" client add Acme
	[ "$status" -eq 0 ]
	grep -qxF '  - {at: 2026-11-02T10:15:00+05:00, by: smirnov, phase: 1, manager: smirnov}' "$R/$(record_path acme)"
}

@test "without PREG_USER, the acting user is git config preg.user" {
	unset PREG_USER
	git -C "$R" config preg.user petrov
	run --separate-stderr preg -C "$R" client add Acme
	[ "$status" -eq 0 ]
	grep -qxF '  - {at: 2026-11-02T10:15:00+05:00, by: petrov, phase: 1, manager: petrov}' "$R/$(record_path acme)"
}

@test "git config --global preg.user counts too" {
	unset PREG_USER
	git config --global preg.user sidorov
	run --separate-stderr preg -C "$R" client add Acme
	[ "$status" -eq 0 ]
	grep -qx 'manager: sidorov' "$R/$(record_path acme)"
}

@test "without PREG_USER or preg.user, the acting user is the login name" {
	unset PREG_USER
	login=$(id -un | tr 'A-Z' 'a-z')
	run --separate-stderr preg -C "$R" client add Acme
	[ "$status" -eq 0 ]
	grep -qxF "  - {at: 2026-11-02T10:15:00+05:00, by: $login, phase: 1, manager: $login}" "$R/$(record_path acme)"
}

@test "an acting user that is not a valid handle is refused" {
	PREG_USER="Ivan Ivanov" run --separate-stderr preg -C "$R" client add Acme
	[ "$status" -eq 1 ]
	same "$output" ""
	same "$stderr" "preg: error: acting user 'Ivan Ivanov' is not a valid handle (set PREG_USER or git config preg.user)"
	unchanged
}

@test "the commit author is git's user.name and user.email of the register" {
	git -C "$R" config user.name "Anna Smirnova"
	git -C "$R" config user.email anna@example.com
	run --separate-stderr preg -C "$R" client add Acme
	[ "$status" -eq 0 ]
	same "$(git -C "$R" log -1 --format='%an <%ae>|%cn <%ce>')" \
		"Anna Smirnova <anna@example.com>|Anna Smirnova <anna@example.com>"
	# The acting user is still PREG_USER.
	grep -qx 'manager: ivanov' "$R/$(record_path acme)"
}

@test "without a git identity the commit is still made" {
	git config --global --unset user.name
	git config --global --unset user.email
	run --separate-stderr preg -C "$R" client add Acme
	[ "$status" -eq 0 ]
	one_commit
	[ -n "$(git -C "$R" log -1 --format=%an)" ]
	assert_fsck
}

@test "PREG_NOW sets the times of the record and of the commit" {
	PREG_NOW=2026-10-01T09:12:00+03:00 run --separate-stderr preg -C "$R" client add Acme
	[ "$status" -eq 0 ]
	grep -qx 'phase_since: 2026-10-01T09:12:00+03:00' "$R/$(record_path acme)"
	grep -qx 'created: 2026-10-01T09:12:00+03:00' "$R/$(record_path acme)"
	same "$(git -C "$R" log -1 --format=%aI)" "2026-10-01T09:12:00+03:00"
}

@test "an invalid PREG_NOW is refused" {
	PREG_NOW=yesterday run --separate-stderr preg -C "$R" client add Acme
	[ "$status" -eq 1 ]
	same "$output" ""
	[[ "$stderr" == "preg: error: "*"'yesterday'"* ]]
	unchanged
}

@test "a NAME is required, and only one" {
	run --separate-stderr preg -C "$R" client add
	[ "$status" -eq 2 ]
	same "$output" ""
	same "${stderr_lines[0]}" "preg: client add needs a NAME"
	[[ "${stderr_lines[1]}" == "usage: preg client add NAME "* ]]
	run --separate-stderr preg -C "$R" client add Acme Ltd
	[ "$status" -eq 2 ]
	same "${stderr_lines[0]}" "preg: too many arguments (quote a name with spaces)"
	unchanged
}

@test "a name that starts with '-' after --" {
	run --separate-stderr preg -C "$R" client add -- -Acme-
	[ "$status" -eq 0 ]
	same "$output" "acme"
	grep -qx 'name: "-Acme-"' "$R/$(record_path acme)"
}
