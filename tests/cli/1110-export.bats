#!/usr/bin/env bats
# preg export: the paper's layout in CSV, full records in JSON, filters;
# and the round trip: export, import into an empty register, and the
# records are the same field by field.
#
# The register, built in time order:
#   romashka  ivanov; added 10-01 with tags, two fields (one named
#             "kind", which the CSV must head "fields.kind"), a contact,
#             a next contact and action, two-line remarks with quotes;
#             3 on 10-05, 7 on 10-20: Phase 1, 3 and 7 have days.
#   acme      "Acme, Inc", petrov, internal; 1 on 10-01, 4 on 10-10, 6
#             on 10-12, back to 5 on 10-15, 11 ended on 10-25 with a
#             reason. It went back from 6: Phase 6 stays empty, so that
#             the days left go forward (1, 4, 5, 11).

load helper

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine"
	"$PREG" init "$P" >/dev/null
	at() { PREG_NOW=$1 "$PREG" -C "$P" "${@:2}" >/dev/null; }
	at 2026-10-01T09:12:00+05:00 client add "ООО «Ромашка»" --tag china --tag steel \
		--field direction="China - Chelyabinsk" --field kind=road \
		--contact "Sergey Petrov <s.petrov@example.com>; decision maker; +7 351 000-00-00" \
		--next 2026-11-25 --action "call about the first shipment" \
		--remarks $'Prefers e-mail;\n"the director" decides'
	at 2026-10-05T10:00:00+05:00 phase set romashka 3
	at 2026-10-20T16:40:00+05:00 phase set romashka 7 -m "contract signed"
	at 2026-10-01T09:12:00+05:00 client add "Acme, Inc" --id acme --manager petrov --kind internal
	at 2026-10-10T09:00:00+05:00 phase set acme 4
	at 2026-10-12T09:00:00+05:00 phase set acme 6
	at 2026-10-15T09:00:00+05:00 phase set acme 5
	at 2026-10-25T11:00:00+05:00 phase set acme ended --reason "moved to a competitor" --force
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	cd "$BATS_TEST_TMPDIR"
}

@test "CSV: the paper's layout, with a BOM and CRLF, in id order" {
	run --separate-stderr preg -C "$R" export
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	printf '\xef\xbb\xbf' >expected.csv
	printf '%s\r\n' \
		'Client,Phase 1,Phase 2,Phase 3,Phase 4,Phase 5,Phase 6,Phase 7,Phase 8,Phase 9,Phase 10,Phase 11,Phase 12,Manager,id,kind,next_contact,next_action,end_reason,hold_until,hold_reason,tags,contacts,remarks,direction,fields.kind' \
		'"Acme, Inc",2026-10-01,,,2026-10-10,2026-10-15,,,,,,2026-10-25,,petrov,acme,internal,,,moved to a competitor,,,,,,,' \
		'ООО «Ромашка»,2026-10-01,,2026-10-05,,,,2026-10-20,,,,,,ivanov,romashka,external,2026-11-25,call about the first shipment,,,,"china, steel",Sergey Petrov <s.petrov@example.com>; decision maker; +7 351 000-00-00,"Prefers e-mail;' \
		>>expected.csv
	# The remarks' line break is the record's own (LF), inside quotes.
	sed -i '$ s/\r$//' expected.csv
	printf '%s\r\n' '""the director"" decides",China - Chelyabinsk,road' >>expected.csv
	preg -C "$R" export >out.csv
	cmp out.csv expected.csv
}

@test "round trip: export, import into an empty register, the same records field by field" {
	preg -C "$R" export >reg.csv
	preg init "$BATS_TEST_TMPDIR/copy" >/dev/null
	run --separate-stderr preg -C "$BATS_TEST_TMPDIR/copy" import reg.csv
	[ "$status" -eq 0 ]
	same "$output" "imported 2 clients from reg.csv"
	[ -z "$stderr" ]
	# Exported again, the same bytes.
	preg -C "$BATS_TEST_TMPDIR/copy" export | cmp - reg.csv
	# Field by field, from each register's own JSON: what the CSV holds
	# is equal; the phases reached are those the client did not go back
	# from, with their days.
	preg -C "$R" export --format json >a.json
	preg -C "$BATS_TEST_TMPDIR/copy" export --format json >b.json
	run python3 - a.json b.json <<'EOF'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
keys = ["id", "name", "kind", "manager", "phase", "next_contact", "next_action", "end_reason",
        "hold_until", "hold_reason", "remarks", "tags", "fields", "contacts"]
assert [r["id"] for r in a] == [r["id"] for r in b] == ["acme", "romashka"], "ids"
for x, y in zip(a, b):
    for k in keys:
        assert x.get(k) == y.get(k), (x["id"], k, x.get(k), y.get(k))
    assert x["phase_since"][:10] == y["phase_since"][:10], (x["id"], "phase_since")
    assert x["created"][:10] == y["created"][:10], (x["id"], "created")
reached = {r["id"]: [(e["phase"], e["at"][:10]) for e in r["history"] if "phase" in e] for r in b}
assert reached["acme"] == [(1, "2026-10-01"), (4, "2026-10-10"), (5, "2026-10-15"), (11, "2026-10-25")], reached
assert reached["romashka"] == [(1, "2026-10-01"), (3, "2026-10-05"), (7, "2026-10-20")], reached
print("same")
EOF
	same "$output" "same"
	run preg -C "$BATS_TEST_TMPDIR/copy" check
	[ "$status" -eq 0 ]
}

@test "JSON: the full records, with their history and notes" {
	run --separate-stderr preg -C "$R" export --format json
	[ "$status" -eq 0 ]
	run python3 -c '
import json, sys
d = json.load(sys.stdin)
r = d[1]
print(len(d), r["id"], r["phase"], r["phase_key"], r["days_in_phase"], len(r["history"]), r["history"][2]["note"], r["contacts"][0]["email"])
' <<<"$output"
	same "$output" "2 romashka 7 contract 13 3 contract signed s.petrov@example.com"
}

@test "filters take the clients; with none taken, only the header" {
	same "$(preg -C "$R" export --manager petrov | cut -d, -f1-3 | tail -n +2)" '"Acme, Inc",2026-10-01'
	same "$(preg -C "$R" export --format json --open | python3 -c 'import json,sys; print([r["id"] for r in json.load(sys.stdin)])')" "['romashka']"
	same "$(preg -C "$R" export --phase 4-7 --format json | python3 -c 'import json,sys; print([r["id"] for r in json.load(sys.stdin)])')" "['romashka']"
	same "$(preg -C "$R" export --tag nosuch --format json)" "[]"
	[ "$(preg -C "$R" export --tag nosuch | wc -l)" -eq 1 ]
}

@test "usage errors exit 2" {
	run --separate-stderr preg -C "$R" export --format xml
	[ "$status" -eq 2 ]
	same "$(echo "$stderr" | head -1)" "preg: unknown format 'xml' (csv, json or xlsx)"
	run --separate-stderr preg -C "$R" export --ended --open
	[ "$status" -eq 2 ]
	run --separate-stderr preg -C "$R" export --phase 99
	[ "$status" -eq 2 ]
	run --separate-stderr preg -C "$R" export extra
	[ "$status" -eq 2 ]
	same "$(echo "$stderr" | head -1)" "preg: unexpected argument 'extra'"
}

@test "a record that does not parse: named on stderr, the others exported, exit 1" {
	mkdir -p "$R/$(record_dir broken)"
	printf 'id: broken\nname: [\n' >"$R/$(record_path broken)"
	git -C "$R" add clients && git -C "$R" commit -qm broken
	run --separate-stderr preg -C "$R" export
	[ "$status" -eq 1 ]
	[[ $stderr == "preg: error: $(record_path broken):"* ]]
	[ "$(echo "$output" | wc -l)" -eq 4 ]
}
