#!/usr/bin/env bats
# 1250-sync-comeback: what the model's soak found after a sync (issue 10).
# A client removed on one clone and changed offline on another comes back
# whole with the change (SPEC §8): the commit that brings it back carries
# the events and notes other users wrote before the removal, and verify
# proves them against the version the removal took away.

load helper
load sync

setup() {
	sync_setup
}

# A bare remote; A with a client of ivanov's on which smirnova wrote a note
# and a hold; B a clone of it.
shared() {
	git init -q --bare "$REMOTE"
	at 02T09:00 ivanov "$A" init --remote "$REMOTE" "$A"
	at 02T09:30 ivanov "$A" client add "ООО «Кедр» Екатеринбург" --id kedr --manager ivanov
	at 05T10:00 smirnova "$A" note kedr "просят ставки на Китай"
	at 12T17:50 smirnova "$A" client hold kedr --until 2026-11-28 --reason "директор в отпуске"
	at 12T18:00 ivanov "$A" sync
	"$PREG" clone "$REMOTE" "$B" >/dev/null
}

@test "removed on one clone, reassigned offline on the other: the sync keeps it, verify passes on both" {
	shared
	at 14T09:00 petrov "$B" client rm kedr
	at 14T09:10 petrov "$B" sync
	at 15T12:00 ivanov "$A" client reassign --from ivanov --to sidorov kedr
	run --separate-stderr preg -C "$A" sync
	[ "$status" -eq 0 ]
	[[ "$stderr$output" == *"kedr: removed on the remote but changed here; kept"* ]]
	at 15T12:10 petrov "$B" sync
	same "$(git -C "$A" rev-parse HEAD)" "$(git -C "$B" rev-parse HEAD)"
	verified "$A" "$B"
	# Back with everything it had, smirnova's note and hold among it, and
	# the reassign on top, by ivanov.
	grep -q "by: smirnova, text: просят ставки на Китай" "$B/$(record_path kedr)"
	grep -q "by: smirnova, hold_until: 2026-11-28" "$B/$(record_path kedr)"
	grep -q "^manager: sidorov" "$B/$(record_path kedr)"
	run --separate-stderr preg -C "$B" log kedr --format tsv
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *"	ivanov	kedr	reassign	"* ]]
	[[ "${lines[2]}" == *"	petrov	kedr	rm	"* ]]
	same "$(git -C "$B" log -1 --format='%(trailers:key=Preg-User,valueonly)%(trailers:key=Preg-Client,valueonly)' | sed '/^$/d')" "ivanov
kedr"
}

@test "a client that comes back with a note by someone else than the acting user: verify still fires" {
	shared
	at 14T09:00 petrov "$A" client rm kedr
	# Put back by plain git under a preg trailer, with a note nobody wrote
	# through preg: what the removed version lacks is checked as any
	# commit's addition.
	mkdir -p "$A/$(record_dir kedr)"
	git -C "$A" show HEAD~1:"$(record_path kedr)" >"$A/$(record_path kedr)"
	printf '  - {at: 2026-11-14T10:00:00+05:00, by: smirnova, text: подделка}\n' >>"$A/$(record_path kedr)"
	git -C "$A" add "$(record_path kedr)"
	git -C "$A" -c user.name=petrov -c user.email=p@example.com commit -q \
		-m "note: kedr" -m "Preg-Client: kedr
Preg-Action: note
Preg-User: petrov"
	run --separate-stderr preg -C "$A" verify
	[ "$status" -eq 1 ]
	[[ "$output$stderr" == *"kedr: commit "*" (note: kedr): a note by smirnova in a commit by petrov"* ]]
}
