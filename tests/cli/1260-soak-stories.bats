#!/usr/bin/env bats
# 1260-soak-stories: what the long random test (tests/model, make soak)
# found, each told by hand with real clones of one remote.

load helper
load sync

setup() {
	sync_setup
	C=$BATS_TEST_TMPDIR/c
}

# A bare remote, A made with init --remote, B and C clones.
three() {
	git init -q --bare "$REMOTE"
	PREG_NOW=2026-11-02T09:00:00+05:00 preg init --remote "$REMOTE" "$A" >/dev/null
	preg clone "$REMOTE" "$B" >/dev/null
	preg clone "$REMOTE" "$C" >/dev/null
}

# The trail of ID on clone DIR as "author action changes" lines.
trail() {
	preg -C "$1" log "$2" --format tsv | tail -n +2 | cut -f 3,5,6
}

@test "an id a sync renamed (cut long id, -2) is never taken for the client it was renamed from" {
	three
	# A long name: its id is cut to 47 letters, and the renamed id cuts
	# one more to make room for "-2"; "2" also starts a word of the name.
	name="ООО «Транспортно-экспедиционная компания «Уральский логистический центр»» Уфа 270"
	at 03T09:00 ivanov "$A" client add "$name"
	id=$(preg -C "$A" client list --format tsv | tail -n +2 | cut -f 1)
	same "$id" transportno-ekspeditsionnaia-kompaniia-uralskii
	at 03T09:10 petrov "$B" client add "$name" --manager petrov
	at 03T09:20 petrov "$B" note "$id" "B: тарифы на Челябинск"
	preg -C "$A" sync >/dev/null
	preg -C "$C" sync >/dev/null
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	same "${lines[0]}" "renamed: $id -> transportno-ekspeditsionnaia-kompaniia-uralski-2 (added here and on the remote under one id)"
	# C has the first client only: the renamed id is not found there,
	# neither its trail nor a note for it lands on the first client.
	at 03T10:00 sidorov "$C" note "$id" "C: встреча"
	run --separate-stderr preg -C "$C" log transportno-ekspeditsionnaia-kompaniia-uralski-2
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'transportno-ekspeditsionnaia-kompaniia-uralski-2' not found in the register or its history"
	[ -z "$output" ]
	before=$(git -C "$C" rev-parse HEAD)
	run --separate-stderr env PREG_USER=sidorov "$PREG" -C "$C" note transportno-ekspeditsionnaia-kompaniia-uralski-2 "C: не тот клиент"
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: client 'transportno-ekspeditsionnaia-kompaniia-uralski-2' not found; did you mean '$id' (ООО «Транспортно-экспедиционная компания «Уральский логисти…)?"
	same "$(git -C "$C" rev-parse HEAD)" "$before"
	# A name still finds the client, as it did.
	same "$(trail "$C" "Уральский логистический")" "sidorov	note	note added: C: встреча
ivanov	add	added ($name)"
	# Once C has synced, the renamed id is B's client with its own trail.
	preg -C "$C" sync >/dev/null
	same "$(trail "$C" transportno-ekspeditsionnaia-kompaniia-uralski-2)" "petrov	note	note added: B: тарифы на Челябинск
petrov	add	added ($name)"
	verified "$A" "$B" "$C"
}

@test "a commit made by hand that a sync replays over a removal is its git author's in the log" {
	three
	at 02T11:00 ivanov "$A" client add "ПАО «Сибирский лес» Новосибирск 782" --id sibirskii-les --phase 5
	preg -C "$A" sync >/dev/null
	preg -C "$B" sync >/dev/null
	# On B someone edits the record by hand and commits it with git,
	# under B's git identity, which is nobody's PREG_USER.
	f=$(git -C "$B" ls-files -- '*/sibirskii-les.yaml')
	sed -i 's/^kind: .*/kind: internal/' "$B/$f"
	GIT_AUTHOR_DATE=2026-11-03T09:00:00+05:00 git -C "$B" -c user.name="Рабочее место 2" \
		-c user.email=ws2@example.com commit -q -m "правка вручную: kind" -a
	# Meanwhile A removes the client and shares it first.
	at 03T10:00 smirnova "$A" client rm sibirskii-les
	preg -C "$A" sync >/dev/null
	run --separate-stderr preg -C "$B" sync
	[ "$status" -eq 0 ]
	[[ "$output" == *"sibirskii-les"*"kept"* ]] || { echo "$output"; false; }
	# The replayed commit keeps its message and author, the sync's
	# note as a trailer after a blank line; the log names its git
	# author, not ivanov, whose event the record it brings back holds.
	same "$(git -C "$B" log -1 --format='%an|%s|%(trailers:key=Preg-Conflict,valueonly)')" \
		"Рабочее место 2|правка вручную: kind|sibirskii-les removed on the remote but changed here, kept"
	same "$(trail "$B" sibirskii-les | head -3)" "Рабочее место 2	git	added (ПАО «Сибирский лес» Новосибирск 782)
smirnova	rm	removed (ПАО «Сибирский лес» Новосибирск 782)
ivanov	add	added (ПАО «Сибирский лес» Новосибирск 782)"
	preg -C "$A" sync >/dev/null
	same "$(trail "$A" sibirskii-les | head -1)" "Рабочее место 2	git	added (ПАО «Сибирский лес» Новосибирск 782)"
	verified "$A" "$B"
}

@test "an offline rm taken back by undo, of a client changed on the remote: after the sync it is one client, no -2" {
	three
	at 02T11:00 smirnova "$A" client add "ПАО «Ромашка» Омск 245" --id romashka-omsk-245
	at 02T11:10 ivanov "$A" note romashka-omsk-245 "A: первая отгрузка 20 т"
	preg -C "$A" sync >/dev/null
	preg -C "$B" sync >/dev/null
	at 03T09:00 petrov "$B" note romashka-omsk-245 "B: письмо с прайсом"
	preg -C "$B" sync >/dev/null
	# A, offline, removes the client and takes the removal back.
	at 03T10:00 ivanov "$A" client rm romashka-omsk-245
	at 03T10:05 ivanov "$A" undo
	run --separate-stderr preg -C "$A" sync
	[ "$status" -eq 0 ]
	[[ "$output" != *renamed* ]] || { echo "$output"; false; }
	# One client, with what both sides wrote; no copy under another id.
	same "$(preg -C "$A" client list --format tsv | tail -n +2 | cut -f 1)" romashka-omsk-245
	same "$(sed -n 's/.*text: //p' "$A/$(git -C "$A" ls-files -- '*/romashka-omsk-245.yaml')")" \
		"\"A: первая отгрузка 20 т\"}
\"B: письмо с прайсом\"}"
	same "$(git -C "$A" rev-parse HEAD)" "$(git -C "$REMOTE" rev-parse main)"
	preg -C "$B" sync >/dev/null
	verified "$A" "$B"
}

@test "an offline undo of a change to a client the remote has since removed: the removal stands, verify passes" {
	# Seed 820002: the sync kept the client, brought back by the undo
	# alone, and verify refused the undo (it came after the removal).
	three
	at 02T11:00 ivanov "$A" client add "ООО «Волга-Днепр» Уфа 242" --id volga-dnepr-ufa-242
	at 02T11:10 ivanov "$A" phase set volga-dnepr-ufa-242 9
	preg -C "$A" sync >/dev/null
	preg -C "$B" sync >/dev/null
	at 03T09:00 petrov "$B" client rm volga-dnepr-ufa-242
	preg -C "$B" sync >/dev/null
	# A, offline, takes its phase change back.
	at 03T10:00 ivanov "$A" undo
	run --separate-stderr preg -C "$A" sync
	[ "$status" -eq 0 ]
	same "${lines[0]}" "volga-dnepr-ufa-242: removed on the remote; the undo of a change to it is dropped"
	[[ "$output" != *merged* ]] || { echo "$output"; false; }
	[ -z "$(git -C "$A" ls-files -- '*/volga-dnepr-ufa-242.yaml')" ]
	same "$(git -C "$A" rev-parse HEAD)" "$(git -C "$REMOTE" rev-parse main)"
	preg -C "$B" sync >/dev/null
	verified "$A" "$B"
}
