#!/usr/bin/env bats
# Never through a link (SPEC §7, issue 16 item 1): a symbolic link in the
# work tree where clients/, a shard or a record should be is never followed.
# A write that would go through one is refused before its commit, naming
# the link, with nothing written outside; records are read from the commit,
# never through a link; preg doctor names every such link and follows none.

load helper

setup() {
	common_setup
	new_register
	preg -C "$R" client add "ООО «Ромашка»" --id romashka >/dev/null
	O="$BATS_TEST_TMPDIR/outside"
	mkdir "$O"
	head0=$(git -C "$R" rev-parse HEAD)
}

# Nothing at all was written in the outside directory.
outside_empty() {
	same "$(find "$O" -mindepth 1)" ""
}

# No commit was made and no tracked file changed (the link itself is an
# untracked file for git).
unchanged() {
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	same "$(git -C "$R" status --porcelain --untracked-files=no)" ""
}

@test "a link where a new record's shard goes: client add refuses, names it, writes nothing outside" {
	ze=$(record_dir zeta)
	ln -s "$O" "$R/$ze"
	run --separate-stderr preg -C "$R" client add Zeta
	same "$status" 1
	same "$output" ""
	same "$stderr" "preg: error: '$ze' is a symbolic link; preg never writes through one (remove it)"
	outside_empty
	unchanged

	run --separate-stderr preg -C "$R" doctor
	same "$status" 1
	same "$output" "left alone: '$ze' is a symbolic link (to '$O') where a shard of client records should be; preg never follows one (remove it, then run 'preg doctor' again)"
	outside_empty
	unchanged

	# The link gone, the same write works and the register is whole.
	rm "$R/$ze"
	preg -C "$R" client add Zeta >/dev/null
	[ -f "$R/$(record_path zeta)" ] && [ ! -L "$R/$ze" ]
	assert_clean
	run preg -C "$R" doctor
	same "$status" 0
	same "$output" "ok: nothing to repair"
}

@test "clients/ itself a link: every record write refuses, names it, writes nothing outside" {
	# The records moved out and clients/ made a link to where they went,
	# as a careless colleague would to put them on a bigger disk.
	mv "$R/clients" "$O/clients"
	ln -s "$O/clients" "$R/clients"
	before=$(cd "$O" && find . -type f -print0 | sort -z | xargs -0 sha1sum)
	for cmd in "client add Zeta" "client add Acme" "note romashka called" "client set romashka manager=petrov"; do
		run --separate-stderr preg -C "$R" $cmd
		same "$status" 1
		same "$stderr" "preg: error: 'clients' is a symbolic link; preg never writes through one (remove it)"
	done
	same "$(cd "$O" && find . -type f -print0 | sort -z | xargs -0 sha1sum)" "$before"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	same "$(git -C "$R" status --porcelain --untracked-files=no)" " D $(record_path romashka)"

	run --separate-stderr preg -C "$R" doctor
	same "$status" 1
	same "$output" "left alone: 'clients' is a symbolic link (to '$O/clients') where the directory of the client records should be; preg never follows one (remove it, then run 'preg doctor' again)"
	same "$(cd "$O" && find . -type f -print0 | sort -z | xargs -0 sha1sum)" "$before"
}

@test "clients/ a link on a register with no records yet: the first client add refuses" {
	rm -rf "$R"
	new_register
	head0=$(git -C "$R" rev-parse HEAD)
	[ ! -e "$R/clients" ]
	ln -s "$O" "$R/clients"
	run --separate-stderr preg -C "$R" client add Zeta
	same "$status" 1
	same "$stderr" "preg: error: 'clients' is a symbolic link; preg never writes through one (remove it)"
	outside_empty
	unchanged
}

@test "a record's file a link: the write refuses, the file it points to is left as it was" {
	F="$(record_path romashka)"
	cp "$R/$F" "$O/romashka.yaml"
	rm "$R/$F"
	ln -s "$O/romashka.yaml" "$R/$F"
	sum=$(sha1sum <"$O/romashka.yaml")
	run --separate-stderr preg -C "$R" note romashka "called"
	same "$status" 1
	same "$stderr" "preg: error: '$F' is a symbolic link; preg never writes through one (remove it)"
	same "$(sha1sum <"$O/romashka.yaml")" "$sum"
	same "$(git -C "$R" rev-parse HEAD)" "$head0"

	run --separate-stderr preg -C "$R" doctor
	same "$status" 1
	same "$output" "left alone: '$F' is a symbolic link (to '$O/romashka.yaml') where a client record should be; preg never follows one (remove it, then run 'preg doctor' again)"
	same "$(sha1sum <"$O/romashka.yaml")" "$sum"
}

@test "records are read from the commit, never through a link" {
	# A forged record behind a link where the real one was.
	mkdir -p "$O/$(record_dir romashka)"
	sed 's/name: .*/name: Forged/' "$R/$(record_path romashka)" >"$O/$(record_path romashka)"
	rm -rf "$R/clients"
	ln -s "$O/clients" "$R/clients"
	run --separate-stderr preg -C "$R" client show romashka
	same "$status" 0
	[[ "$output" == *"ООО «Ромашка»"* ]]
	[[ "$output" != *Forged* ]]
	run --separate-stderr preg -C "$R" client list --format csv
	same "$status" 0
	[[ "$output" == *"ООО «Ромашка»"* ]]
	[[ "$output" != *Forged* ]]
}
