#!/usr/bin/env bats
# The scenario of issue 4: a year of work in 2026 for three managers
# (ivanov, petrov, sidorov), each with their own git identity; on
# 2026-12-01 ivanov leaves and the head of department (smirnov) runs
# review, log, diff, reassign, log ID, verify and undo. Every answer below
# is worked out by hand from the timeline; then a history edited by hand
# and committed with plain git is caught by verify.
#
# The timeline (10:00 +05:00 each day):
#   01-12 ivanov   add acme (Acme Ltd)                         phase 1
#   01-20 petrov   add romashka --manager petrov
#   02-03 sidorov  add vasilek --manager sidorov
#   02-10 ivanov   add lotos
#   03-02 ivanov   phase acme 1 -> 3 presentation
#   04-15 ivanov   phase acme 3 -> 6 quotation -m "rates to Shanghai"
#   05-05 ivanov   phase lotos 1 -> 11 ended, reason "moved to a competitor"
#   06-01 petrov   phase romashka 1 -> 7 contract
#   07-01 sidorov  reassign vasilek sidorov -> ivanov
#   08-10 ivanov   phase vasilek 1 -> 4 request
#   09-01 ivanov   phase acme 6 -> 7 contract
#   11-03 ivanov   note acme (call) "first shipment planned", next 11-20
#   11-10 ivanov   set vasilek fields.cargo=timber (adds no event; Preg-User says who)
#   11-15 petrov   note romashka (email) "asked for rates"

load helper

# as WHO: the acting user and git identity of a manager, for one command.
as() {
	local who=$1
	shift
	PREG_USER=$who GIT_AUTHOR_NAME="${who^} (git)" GIT_AUTHOR_EMAIL=$who@example.com "$@"
}

day() { echo "2026-$1T10:00:00+05:00"; }

setup_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR common_setup
	local P="$BATS_FILE_TMPDIR/pristine" p="$PREG"
	PREG_NOW=$(day 01-09) as smirnov "$p" init "$P" >/dev/null
	PREG_NOW=$(day 01-12) as ivanov "$p" -C "$P" client add "Acme Ltd" --id acme >/dev/null
	PREG_NOW=$(day 01-20) as petrov "$p" -C "$P" client add Romashka --id romashka --manager petrov >/dev/null
	PREG_NOW=$(day 02-03) as sidorov "$p" -C "$P" client add Vasilek --id vasilek --manager sidorov >/dev/null
	PREG_NOW=$(day 02-10) as ivanov "$p" -C "$P" client add Lotos --id lotos >/dev/null
	PREG_NOW=$(day 03-02) as ivanov "$p" -C "$P" phase set acme presentation >/dev/null
	PREG_NOW=$(day 04-15) as ivanov "$p" -C "$P" phase set acme quotation -m "rates to Shanghai" >/dev/null
	PREG_NOW=$(day 05-05) as ivanov "$p" -C "$P" phase set lotos ended --reason "moved to a competitor" >/dev/null
	PREG_NOW=$(day 06-01) as petrov "$p" -C "$P" phase set romashka contract >/dev/null
	PREG_NOW=$(day 07-01) as sidorov "$p" -C "$P" client reassign --from sidorov --to ivanov vasilek >/dev/null
	PREG_NOW=$(day 08-10) as ivanov "$p" -C "$P" phase set vasilek request >/dev/null
	PREG_NOW=$(day 09-01) as ivanov "$p" -C "$P" phase set acme contract >/dev/null
	PREG_NOW=$(day 11-03) as ivanov "$p" -C "$P" note acme "first shipment planned" --channel call --next 2026-11-20 >/dev/null
	PREG_NOW=$(day 11-10) as ivanov "$p" -C "$P" client set vasilek fields.cargo=timber >/dev/null
	PREG_NOW=$(day 11-15) as petrov "$p" -C "$P" note romashka "asked for rates" --channel email >/dev/null
}

setup() {
	common_setup
	cp -a "$BATS_FILE_TMPDIR/pristine" "$R"
	export PREG_NOW=2026-12-01T10:00:00+05:00 PREG_USER=smirnov
	export GIT_AUTHOR_NAME="Smirnov (git)" GIT_AUTHOR_EMAIL=smirnov@example.com
	# c N: the commit of timeline line N (1: acme added ... 14: the note on romashka).
	C=()
	for n in $(seq 1 14); do
		C[n]=$(git -C "$R" rev-parse "HEAD~$((14 - n))")
	done
	c() { echo "${C[$1]}"; }
	LOG_HDR="commit	time	author	client	action	changes"
}

@test "review ivanov: every client he had, where each stands, what he did" {
	run --separate-stderr preg -C "$R" review ivanov --since 2026-01-01
	[ "$status" -eq 0 ]
	same "$stderr" ""
	# acme: 7 since 09-01, 91 days (limit 30d); next contact 11-20, 11 days
	# overdue; taken when added (phase 1). lotos: ended (11) since 05-05,
	# 210 days (limit 14d). vasilek: 4 since 08-10, 113 days (limit 2d);
	# taken from sidorov on 07-01 in phase 1.
	same "$output" "id	name	holds	manager	phase	phase_key	days_in_phase	next_contact	days_overdue	stale	taken	changed	due	overdue	on_hold	ended
acme	Acme Ltd	true	ivanov	7	contract	91	2026-11-20	11	true	2026-01-12	phase 1 (research) -> 7 (contract); 1 note	false	true	false	false
lotos	Lotos	true	ivanov	11	ended	210			true	2026-02-10	phase 1 (research) -> 11 (ended)	false	false	false	true
vasilek	Vasilek	true	ivanov	4	request	113			true	2026-07-01	phase 1 (research) -> 4 (request)	false	false	false	false

$LOG_HDR
$(c 13)	$(day 11-10)	ivanov	vasilek	set	fields.cargo: (none) -> timber
$(c 12)	$(day 11-03)	ivanov	acme	note	next_contact: (none) -> 2026-11-20; note added: call: first shipment planned
$(c 11)	$(day 09-01)	ivanov	acme	phase	phase 6 (quotation) -> 7 (contract)
$(c 10)	$(day 08-10)	ivanov	vasilek	phase	phase 1 (research) -> 4 (request)
$(c 7)	$(day 05-05)	ivanov	lotos	phase	phase 1 (research) -> 11 (ended); end_reason: (none) -> moved to a competitor
$(c 6)	$(day 04-15)	ivanov	acme	phase	phase 3 (presentation) -> 6 (quotation)
$(c 5)	$(day 03-02)	ivanov	acme	phase	phase 1 (research) -> 3 (presentation)
$(c 4)	$(day 02-10)	ivanov	lotos	add	added (Lotos)
$(c 1)	$(day 01-12)	ivanov	acme	add	added (Acme Ltd)"
}

@test "log --manager ivanov: commit by commit, including the handover to him" {
	run --separate-stderr preg -C "$R" log --manager ivanov --since 2026-06-01
	[ "$status" -eq 0 ]
	same "$output" "$LOG_HDR
$(c 13)	$(day 11-10)	ivanov	vasilek	set	fields.cargo: (none) -> timber
$(c 12)	$(day 11-03)	ivanov	acme	note	next_contact: (none) -> 2026-11-20; note added: call: first shipment planned
$(c 11)	$(day 09-01)	ivanov	acme	phase	phase 6 (quotation) -> 7 (contract)
$(c 10)	$(day 08-10)	ivanov	vasilek	phase	phase 1 (research) -> 4 (request)
$(c 9)	$(day 07-01)	sidorov	vasilek	reassign	manager sidorov -> ivanov"
}

@test "diff --since 2026-11-01: what changed this month, in words" {
	run --separate-stderr preg -C "$R" diff --since 2026-11-01
	[ "$status" -eq 0 ]
	same "$output" "changed  acme (Acme Ltd)
  next_contact: (none) -> 2026-11-20
  note added: call: first shipment planned
changed  romashka (Romashka)
  note added: email: asked for rates
changed  vasilek (Vasilek)
  fields.cargo: (none) -> timber"
}

@test "reassign, log ID, verify, undo: the handover and its proof" {
	run --separate-stderr preg -C "$R" client reassign --from ivanov --to petrov
	[ "$status" -eq 0 ]
	same "$output" "acme  Acme Ltd  (phase 7 contract)
vasilek  Vasilek  (phase 4 request)
moved 2 clients from ivanov to petrov"
	handover=$(git -C "$R" rev-parse HEAD)
	# The ended client stays with ivanov, and review says who has what.
	grep -qx "manager: ivanov" "$R/$(record_path lotos)"
	run preg -C "$R" review ivanov --since 2026-12-01
	same "$output" "id	name	holds	manager	phase	phase_key	days_in_phase	next_contact	days_overdue	stale	taken	changed	due	overdue	on_hold	ended
acme	Acme Ltd	false	petrov	7	contract	91	2026-11-20	11	true	2026-01-12	phase 1 (research) -> 7 (contract); 1 note; to petrov on 2026-12-01	false	true	false	false
lotos	Lotos	true	ivanov	11	ended	210			true	2026-02-10	phase 1 (research) -> 11 (ended)	false	false	false	true
vasilek	Vasilek	false	petrov	4	request	113			true	2026-07-01	phase 1 (research) -> 4 (request); to petrov on 2026-12-01	false	false	false	false

$LOG_HDR"

	run preg -C "$R" log acme
	[ "$status" -eq 0 ]
	same "$output" "$LOG_HDR
$handover	$(day 12-01)	smirnov	acme	reassign	manager ivanov -> petrov
$(c 12)	$(day 11-03)	ivanov	acme	note	next_contact: (none) -> 2026-11-20; note added: call: first shipment planned
$(c 11)	$(day 09-01)	ivanov	acme	phase	phase 6 (quotation) -> 7 (contract)
$(c 6)	$(day 04-15)	ivanov	acme	phase	phase 3 (presentation) -> 6 (quotation)
$(c 5)	$(day 03-02)	ivanov	acme	phase	phase 1 (research) -> 3 (presentation)
$(c 1)	$(day 01-12)	ivanov	acme	add	added (Acme Ltd)"

	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 0 ]
	same "$output" "verified 16 commits and 4 records: every history only grew by appending"

	# ivanov's last change (vasilek's cargo) was handed over since: refused.
	run --separate-stderr as ivanov "$PREG" -C "$R" undo
	[ "$status" -eq 1 ]
	same "$stderr" "preg: error: cannot undo $(c 13 | cut -c 1-7) (set: vasilek fields.cargo): commit ${handover:0:7} (reassign: 2 clients ivanov -> petrov) changed client 'vasilek' after it"
	# petrov's last change is his own note: undone with a new commit.
	run --separate-stderr as petrov "$PREG" -C "$R" undo
	[ "$status" -eq 0 ]
	same "$output" "undid $(c 14 | cut -c 1-7) (note: romashka (email))"
	! grep -q "asked for rates" "$R/$(record_path romashka)"
	# And the head's own last change, the handover, can be undone whole.
	run preg -C "$R" undo
	[ "$status" -eq 0 ]
	same "$output" "undid ${handover:0:7} (reassign: 2 clients ivanov -> petrov)"
	grep -qx "manager: ivanov" "$R/$(record_path acme)"
	run preg -C "$R" verify
	[ "$status" -eq 0 ]
	same "$output" "verified 18 commits and 4 records: every history only grew by appending"
	assert_clean
	assert_fsck
}

@test "verify catches a history edited by hand and committed with plain git" {
	sed -i 's/note: rates to Shanghai/note: rates to Shanghai and Ningbo/' "$R/$(record_path acme)"
	GIT_AUTHOR_DATE=$PREG_NOW git -C "$R" commit -qam "add Ningbo"
	run --separate-stderr preg -C "$R" verify
	[ "$status" -eq 1 ]
	same "$output" "acme: commit $(git -C "$R" rev-parse --short=7 HEAD) (add Ningbo): history event 3 of 4 was changed"
	same "$stderr" "preg: error: 1 problem found in 16 commits"
	# log shows the same commit for what it is.
	run preg -C "$R" log acme --since 2026-12-01
	same "$output" "$LOG_HDR
$(git -C "$R" rev-parse HEAD)	$(day 12-01)	Smirnov (git)	acme	git	event: a history event removed or changed"
}
