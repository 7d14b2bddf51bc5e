#!/usr/bin/env bats
# preg import: the paper's layout becomes records with history, in one
# commit; every problem of every row is listed as FILE:LINE and nothing is
# written; Excel's and LibreOffice's spellings of CSV; --dry-run, --map,
# --manager, --separator; usage errors.
#
# The clock is PREG_NOW = 2026-11-02T10:15:00+05:00: a date in a phase
# column becomes midnight of that day at +05:00, and a row without dates
# is at PREG_NOW itself.

load helper

setup() {
	common_setup
	new_register
	cd "$BATS_TEST_TMPDIR"
}

# The paper register: Client, Phase 1..4, Manager, two free columns, tags.
#   line 2  ООО «Ромашка»: 1 on 01.10.2026 (DD.MM.YYYY), 2 on 2026-10-05,
#           3 marked "x" (no date: it takes the date before it, 10-05);
#           current phase 3 since 10-05; manager Иванов -> ivanov.
#   line 3  Acme: 1 on 2026-09-01; manager petrov (a handle already).
#   line 4  Say "hi" Ltd: nothing reached: phase 1 now, manager: the
#           acting user (ivanov).
paper() {
	printf '%s\r\n' \
		'Client,Phase 1,Phase 2,Phase 3,Phase 4,Manager,Direction,Cargo type,tags' \
		'"ООО «Ромашка»",01.10.2026,2026-10-05,x,,Иванов,China - Chelyabinsk,steel pipes,"china, steel"' \
		'Acme,2026-09-01,,,,petrov,,,' \
		'"Say ""hi"" Ltd",,,,,,,,' >paper.csv
}

@test "the paper's layout: records with history, one commit, notes on stderr" {
	paper
	run --separate-stderr preg -C "$R" import paper.csv
	[ "$status" -eq 0 ]
	same "$output" "imported 3 clients from paper.csv"
	same "$stderr" "preg: column 'Cargo type' imported as field 'cargo-type' (--map 'Cargo type=NAME' to choose)
preg: manager 'Иванов' imported as 'ivanov'"
	same "$(cat "$R/"$(record_path romashka)"")" "id: romashka
name: ООО «Ромашка»
kind: external
manager: ivanov
phase: 3
phase_since: 2026-10-05T00:00:00+05:00
created: 2026-10-01T00:00:00+05:00
tags: [china, steel]
fields:
  Direction: China - Chelyabinsk
  cargo-type: steel pipes
history:
  - {at: 2026-10-01T00:00:00+05:00, by: ivanov, phase: 1, manager: ivanov}
  - {at: 2026-10-05T00:00:00+05:00, by: ivanov, phase: 2}
  - {at: 2026-10-05T00:00:00+05:00, by: ivanov, phase: 3}"
	same "$(cat "$R/"$(record_path acme)"")" "id: acme
name: Acme
kind: external
manager: petrov
phase: 1
phase_since: 2026-09-01T00:00:00+05:00
created: 2026-09-01T00:00:00+05:00
history:
  - {at: 2026-09-01T00:00:00+05:00, by: ivanov, phase: 1, manager: petrov}"
	same "$(cat "$R/"$(record_path say-hi)"")" "id: say-hi
name: Say \"hi\" Ltd
kind: external
manager: ivanov
phase: 1
phase_since: 2026-11-02T10:15:00+05:00
created: 2026-11-02T10:15:00+05:00
history:
  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, phase: 1, manager: ivanov}"
	[ "$(commits)" -eq 2 ]
	same "$(last_message)" "import: 3 clients from paper.csv

Preg-Client: acme
Preg-Client: romashka
Preg-Client: say-hi
Preg-Action: import
Preg-User: ivanov"
	same "$(git -C "$R" show --name-only --format= HEAD | sort -t/ -k3)" "$(record_path acme)
$(record_path romashka)
$(record_path say-hi)"
	assert_clean
	assert_fsck
	# What preg itself reads back agrees.
	run preg -C "$R" check
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "--dry-run shows what would be created and writes nothing" {
	paper
	run --separate-stderr preg -C "$R" import paper.csv --dry-run
	[ "$status" -eq 0 ]
	same "$output" "add romashka: ООО «Ромашка» (phase 3 presentation, manager ivanov)
add acme: Acme (phase 1 research, manager petrov)
add say-hi: Say \"hi\" Ltd (phase 1 research, manager ivanov)
3 clients would be imported; nothing written (--dry-run)"
	[ "$(commits)" -eq 1 ]
	[ ! -e "$R/clients" ]
	assert_clean
}

@test "all or nothing: every problem of every row as FILE:LINE, exit 1, no commit" {
	preg -C "$R" client add Existing >/dev/null
	# line 2 no name; 3 good; 4 no such day; 5 a date going back; 6 no
	# such phase; 7 the name of a client there; 8-9 a name on two lines;
	# 10 a date after PREG_NOW; 11 the name of line 3 again; 12 an id
	# taken; 13 a cell past the header; 14 good (a mark, then a date,
	# and the phase column agrees); 15 the phase column disagrees; 16 a
	# bad id.
	printf '%s\n' 'Client,Phase 1,Phase 2,phase,Manager,id' \
		',2026-10-01,,,,' 'Good,2026-10-01,,,,' 'Bad date,2026-02-30,,,,' \
		'Back,2026-10-05,2026-10-01,,,' 'Unknown phase,,,nine,,' 'Existing,,,,,' \
		'"Two' 'lines",,,,,' 'Future,2026-12-01,,,,' 'Good,,,,,' 'Taken,,,,,existing' \
		'Extra,,,,,,surplus' 'Ok,x,2026-10-02,2,,' 'Mismatch,2026-10-01,,3,,' \
		'Bad id,,,,,Bad_Id' >bad.csv
	local head
	head=$(git -C "$R" rev-parse HEAD)
	run --separate-stderr preg -C "$R" import bad.csv
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	same "$stderr" "bad.csv:2: empty client name
bad.csv:4: bad date '2026-02-30' in column 'Phase 1' (YYYY-MM-DD or DD.MM.YYYY)
bad.csv:5: '2026-10-01' in column 'Phase 2' is earlier than '2026-10-05' in column 'Phase 1'
bad.csv:6: unknown phase 'nine' (see 'preg phase list')
bad.csv:7: 'Existing' is already client 'existing' (the same name); give an id to import it anyway
bad.csv:8: the client name must be one line of text (at most 1000 bytes, no control characters)
bad.csv:10: '2026-12-01' in column 'Phase 1' is in the future
bad.csv:11: 'Good' has the same name as line 3; give an id to import both
bad.csv:12: client 'existing' already exists
bad.csv:13: 7 cells, but the header has 6 columns
bad.csv:15: the phase column says 3 (presentation), but the last phase column filled is 1
bad.csv:16: invalid id 'Bad_Id' (lowercase letters, digits and '-', at most 48)
preg: error: 12 problems in bad.csv; nothing imported"
	[ "$(git -C "$R" rev-parse HEAD)" = "$head" ]
	same "$(ls "$R/clients")" "$(basename "$(record_dir existing)")"
	assert_clean
	# --dry-run lists the same and fails the same way.
	run --separate-stderr preg -C "$R" import bad.csv --dry-run
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$(echo "$stderr" | wc -l)" -eq 13 ]
}

@test "importing the same file twice: the second time every row is a duplicate" {
	paper
	preg -C "$R" import paper.csv >/dev/null 2>&1
	run --separate-stderr preg -C "$R" import paper.csv
	[ "$status" -eq 1 ]
	same "$(echo "$stderr" | grep -v '^preg: [cm]')" "paper.csv:2: 'ООО «Ромашка»' is already client 'romashka' (the same name); give an id to import it anyway
paper.csv:3: 'Acme' is already client 'acme' (the same name); give an id to import it anyway
paper.csv:4: 'Say \"hi\" Ltd' is already client 'say-hi' (the same name); give an id to import it anyway
preg: error: 3 problems in paper.csv; nothing imported"
	[ "$(commits)" -eq 2 ]
}

@test "Excel in a Russian locale: BOM, ';', CRLF, DD.MM.YYYY, a line break in a cell" {
	printf '\xef\xbb\xbf' >ru.csv
	printf '%s\r\n' 'Клиент;Фаза 1;Фаза 2;Менеджер;remarks;next_contact;contacts' \
		'ООО «Ромашка»;01.10.2026;;Петров;"Звонить утром' 'директор — ""Пётр""";25.11.2026;"Пётр <p@example.com>; директор; +7 351 000-00-00' \
		'Анна; ; +7 351 111-11-11"' \
		';;;;;;' >>ru.csv
	run --separate-stderr preg -C "$R" import ru.csv
	[ "$status" -eq 0 ]
	same "$output" "imported 1 client from ru.csv"
	same "$stderr" "preg: manager 'Петров' imported as 'petrov'"
	same "$(cat "$R/"$(record_path romashka)"")" "id: romashka
name: ООО «Ромашка»
kind: external
manager: petrov
phase: 1
phase_since: 2026-10-01T00:00:00+05:00
next_contact: 2026-11-25
created: 2026-10-01T00:00:00+05:00
remarks: |-
  Звонить утром
  директор — \"Пётр\"
contacts:
  - name: Пётр
    role: директор
    phone: +7 351 000-00-00
    email: p@example.com
  - name: Анна
    phone: +7 351 111-11-11
history:
  - {at: 2026-10-01T00:00:00+05:00, by: ivanov, phase: 1, manager: petrov}"
	assert_clean
}

@test "--map names columns; '-' skips one; --manager fills empty Manager cells" {
	printf '%s\n' 'Компания,Этап 2,Направление,Комментарий,Manager' \
		'Alpha,2026-10-10,China - Moscow,ignore me,' 'Beta,,,,smirnov' >map.csv
	run --separate-stderr preg -C "$R" import map.csv --map 'Компания=name' \
		--map 'Направление=direction' --map 'Комментарий=-' --manager petrov
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	same "$(preg -C "$R" client list --format tsv | cut -f1,4,5,7)" "id	manager	phase	phase_since
alpha	petrov	2	2026-10-10T00:00:00+05:00
beta	smirnov	1	2026-11-02T10:15:00+05:00"
	same "$(grep -A1 '^fields:' "$R/"$(record_path alpha)"")" "fields:
  direction: China - Moscow"
	! grep -q 'ignore me' "$R/$(record_path alpha)"
}

@test "the header's problems: no client column, a phase the register lacks, a --map for no column" {
	printf '%s\n' 'Company,Phase 13,,Manager' 'Alpha,,x,' >h.csv
	run --separate-stderr preg -C "$R" import h.csv --map 'Notes=remarks' --map 'Manager=no such key'
	[ "$status" -eq 1 ]
	same "$stderr" "h.csv:1: column 'Phase 13': the register has no phase 13
h.csv:1: column 3 has no name but holds values; name it or --map it
h.csv:1: --map 'Manager=no such key': 'no such key' is neither a record key nor a field name
h.csv:1: --map 'Notes=remarks': the header has no such column
h.csv:1: no client column: name one 'Client' (or 'name'), or --map it
preg: error: 5 problems in h.csv; nothing imported"
	[ "$(commits)" -eq 1 ]
}

@test "managers listed in preg.yaml: a full name finds its handle, others are refused" {
	printf 'managers:\n  ivanov: {name: Ivan Ivanov}\n  petrov: {name: Petr Petrov}\n' >>"$R/preg.yaml"
	git -C "$R" commit -qam managers
	printf '%s\n' 'Client,Manager' 'Alpha,Petr Petrov' 'Beta,Сидоров' >m.csv
	run --separate-stderr preg -C "$R" import m.csv
	[ "$status" -eq 1 ]
	same "$stderr" "preg: manager 'Сидоров' imported as 'sidorov'
m.csv:3: unknown manager 'sidorov' (preg.yaml lists ivanov (Ivan Ivanov), petrov (Petr Petrov))
preg: error: 1 problem in m.csv; nothing imported"
	printf '%s\n' 'Client,Manager' 'Alpha,Petr Petrov' >m.csv
	run --separate-stderr preg -C "$R" import m.csv
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	grep -qx 'manager: petrov' "$R/$(record_path alpha)"
}

@test "files that are not CSV as expected: one clear error, nothing written" {
	run --separate-stderr preg -C "$R" import missing.csv
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: cannot read 'missing.csv': No such file or directory"
	printf 'Client\n\xca\xeb\xe8\xe5\xed\xf2\n' >cp1251.csv
	run --separate-stderr preg -C "$R" import cp1251.csv
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: cp1251.csv:2: not UTF-8 text (save the spreadsheet as \"CSV UTF-8\")"
	printf 'Client,Phase 1\nAlpha,"2026-10-01\nBeta,x\n' >open.csv
	run --separate-stderr preg -C "$R" import open.csv
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: open.csv:2: a quoted cell is not closed before the end of the file"
	printf 'Client\n' >empty.csv
	run --separate-stderr preg -C "$R" import empty.csv
	[ "$status" -eq 1 ]
	same "$stderr" "empty.csv:1: no clients below the header
preg: error: 1 problem in empty.csv; nothing imported"
	: >nothing.csv
	run --separate-stderr preg -C "$R" import nothing.csv
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: nothing.csv: empty file"
	[ "$(commits)" -eq 1 ]
	assert_clean
}

@test "--separator and the standard input; tab-separated text" {
	printf 'Client|tags\nAlpha|a b\n' | preg -C "$R" import - --separator '|' >/dev/null
	printf 'Client\tkind\nBeta\tinternal\n' >tab.tsv
	preg -C "$R" import tab.tsv >/dev/null
	same "$(preg -C "$R" client list --format tsv | cut -f1,3)" "id	kind
alpha	external
beta	internal"
	grep -qx 'tags: \[a, b\]' "$R/$(record_path alpha)"
}

@test "usage errors exit 2 and write nothing" {
	run --separate-stderr preg -C "$R" import
	[ "$status" -eq 2 ]
	same "$(echo "$stderr" | head -1)" "preg: import needs a CSV file"
	run --separate-stderr preg -C "$R" import a.csv b.csv
	[ "$status" -eq 2 ]
	run --separate-stderr preg -C "$R" import a.csv --map nothing
	[ "$status" -eq 2 ]
	same "$(echo "$stderr" | head -1)" "preg: --map takes COLUMN=FIELD"
	run --separate-stderr preg -C "$R" import a.csv --separator x
	[ "$status" -eq 2 ]
	same "$(echo "$stderr" | head -1)" "preg: invalid --separator 'x' (',', ';', '|' or 'tab')"
	[ "$(commits)" -eq 1 ]
}

@test "rows with their own ids; an id from a name that is taken gets -2" {
	preg -C "$R" client add "Alpha Old" --id alpha >/dev/null
	printf '%s\n' 'id,Client' 'beta,Beta' ',Alpha' >ids.csv
	run preg -C "$R" import ids.csv
	[ "$status" -eq 0 ]
	same "$(preg -C "$R" client list --format id)" "alpha
alpha-2
beta"
}

@test "ids leave the legal form out; the same name under another form is another client, -2" {
	preg -C "$R" client add "ООО «Ромашка»" >/dev/null
	printf '%s\n' 'Client' 'АО «Ромашка»' '"«Рога и копыта», ЗАО"' 'ИП Иванов И.И.' \
		'"Shanghai Star Co., Ltd."' 'ООО' >forms.csv
	run --separate-stderr preg -C "$R" import forms.csv --dry-run
	[ "$status" -eq 0 ]
	same "$output" "add romashka-2: АО «Ромашка» (phase 1 research, manager ivanov)
add roga-i-kopyta: «Рога и копыта», ЗАО (phase 1 research, manager ivanov)
add ivanov-i-i: ИП Иванов И.И. (phase 1 research, manager ivanov)
add shanghai-star: Shanghai Star Co., Ltd. (phase 1 research, manager ivanov)
add ooo: ООО (phase 1 research, manager ivanov)
5 clients would be imported; nothing written (--dry-run)"
	run preg -C "$R" import forms.csv
	[ "$status" -eq 0 ]
	same "$(git -C "$R" show --name-only --format= HEAD | sort -t/ -k3)" "$(record_path ivanov-i-i)
$(record_path ooo)
$(record_path roga-i-kopyta)
$(record_path romashka-2)
$(record_path shanghai-star)"
	grep -qx 'name: АО «Ромашка»' "$R/$(record_path romashka-2)"
	grep -qx 'name: ООО «Ромашка»' "$R/$(record_path romashka)"
	assert_clean
}

@test "the same name twice, legal form and all, is still one client named twice" {
	printf '%s\n' 'Client' 'ООО «Ромашка»' '"ООО ""Ромашка"""' >twice.csv
	run --separate-stderr preg -C "$R" import twice.csv
	[ "$status" -eq 1 ]
	same "$stderr" "twice.csv:3: 'ООО \"Ромашка\"' has the same name as line 2; give an id to import both
preg: error: 1 problem in twice.csv; nothing imported"
	[ "$(commits)" -eq 1 ]
}

@test "a large import is one commit whose objects are one pack, and the work tree is clean" {
	{
		echo 'Client,Phase 1,Phase 2,Manager'
		for i in $(seq 1 300); do echo "Client $i,2026-10-01,2026-10-02,petrov"; done
	} >many.csv
	run preg -C "$R" import many.csv
	[ "$status" -eq 0 ]
	same "$output" "imported 300 clients from many.csv"
	[ "$(commits)" -eq 2 ]
	[ "$(git -C "$R" ls-files clients | wc -l)" -eq 300 ]
	# 300 blobs, the trees and the commit in one pack; no loose objects
	# but the 4 of preg init (2 blobs, a tree, a commit).
	same "$(git -C "$R" count-objects -v | grep -E '^(count|packs):')" "count: 4
packs: 1"
	assert_fsck
	# The files are written by several threads, each entered in the index
	# with the stat data of the file in place: git, which compares them
	# without reading a file (diff-files does not refresh), sees none
	# changed; and no temporary file is left.
	same "$(git -C "$R" diff-files --name-only)" ""
	same "$(find "$R" -name '*preg-tmp*' -o -name '*.preg-*.tmp')" ""
	assert_clean
	same "$(git -C "$R" show HEAD:$(record_path client-300) | sed -n 4,5p)" "manager: petrov
phase: 2"
	run preg -C "$R" check
	[ "$status" -eq 0 ]
}

@test "a progress line on a terminal for a large file, none when stderr is not one" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	{
		echo Client
		for i in $(seq 1 6000); do echo "Client $i"; done
	} >big.csv
	run script -qec "'$PREG' -C '$R' import big.csv --dry-run >/dev/null" /dev/null
	[ "$status" -eq 0 ]
	[[ $output == *$'\r'"preg: reading rows:  16% (1000/6000)"$'\r'* ]]
	[[ $output == *"preg: reading rows: 100% (6000/6000)"* ]]
	run --separate-stderr preg -C "$R" import big.csv --dry-run
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "an import killed at any instant: the register is as before or holds the whole import, and heals" {
	{
		echo 'Client,Phase 1,Phase 2,Manager'
		for i in $(seq 1 2000); do echo "\"ООО «Ромашка $i»\",2026-10-01,2026-10-02,petrov"; done
	} >kill.csv
	# How long one import takes here, to kill within it.
	local t0 t1 span i reg rc n before=0 whole=0
	t0=$(date +%s%N)
	preg -C "$R" import kill.csv >/dev/null
	t1=$(date +%s%N)
	span=$(((t1 - t0) / 1000000 + 1))
	for i in $(seq 1 8); do
		reg=$BATS_TEST_TMPDIR/k$i
		preg init "$reg" >/dev/null
		"$PREG" -C "$reg" import kill.csv >/dev/null 2>&1 &
		local pid=$!
		local ms=$((span * i / 8 + RANDOM % (span / 8 + 1)))
		sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
		kill -KILL "$pid" 2>/dev/null || true
		rc=0
		wait "$pid" 2>/dev/null || rc=$?
		assert_fsck "$reg"
		n=$(git -C "$reg" ls-tree -r --name-only HEAD clients | wc -l)
		case $(commits "$reg") in
		1) [ "$n" -eq 0 ]; before=$((before + 1)) ;;
		2) [ "$n" -eq 2000 ]; whole=$((whole + 1)) ;;
		*) echo "run $i: $(commits "$reg") commits"; return 1 ;;
		esac
		# The next command finishes what the kill left; a register the
		# kill left as before takes the import whole.
		run preg -C "$reg" doctor
		if [ "$n" -eq 0 ]; then
			run preg -C "$reg" import kill.csv
			[ "$status" -eq 0 ]
		fi
		assert_clean "$reg"
		[ "$(git -C "$reg" ls-files clients | wc -l)" -eq 2000 ]
		run preg -C "$reg" verify
		[ "$status" -eq 0 ]
		run preg -C "$reg" check
		[ "$status" -eq 0 ]
		echo "run $i after $ms ms (exit $rc): $(commits "$reg") commits"
	done
	echo "before: $before, whole: $whole"
}
