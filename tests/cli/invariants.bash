# invariants.bash: what must hold on a register after any sequence of preg
# commands (issue 10), for the tests that load it after helper.bash. The
# model test (tests/model/run) checks the same after every step.

# verify and check pass on register $1.
assert_verify_check() {
	local dir=${1:-$R} cmd
	for cmd in verify check; do
		run --separate-stderr "$PREG" -C "$dir" "$cmd"
		if [ "$status" -ne 0 ]; then
			echo "preg $cmd failed (exit $status):"
			echo "$output"
			echo "$stderr"
			return 1
		fi
	done
}

# preg log ID lists exactly the commits that changed the record's file
# (git log -- PATH), newest first, each by the acting user $2 when given.
assert_log_is_git_log() {
	local dir=$1 id=$2 user=${3:-} path want got authors
	path=$(git -C "$dir" ls-tree -r --name-only HEAD clients | grep "/$id\.yaml$")
	want=$(git -C "$dir" log --format=%H -- "$path")
	got=$("$PREG" -C "$dir" log "$id" --format tsv | tail -n +2 | cut -f1)
	if [ "$got" != "$want" ]; then
		echo "preg log $id is not git log -- $path:"
		diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
		return 1
	fi
	if [ -n "$user" ]; then
		authors=$("$PREG" -C "$dir" log "$id" --format tsv | tail -n +2 | cut -f3,5 | grep -v "^$user	" || true)
		if [ -n "$authors" ]; then
			echo "preg log $id names another author than the acting user $user:"
			echo "$authors" | sed 's/^/    /'
			return 1
		fi
	fi
}

# assert_log_is_git_log for every record at HEAD.
assert_every_log_is_git_log() {
	local dir=$1 user=${2:-} p failed=0
	for p in $(git -C "$dir" ls-tree -r --name-only HEAD clients); do
		p=${p##*/}
		assert_log_is_git_log "$dir" "${p%.yaml}" "$user" || failed=1
	done
	return $failed
}

# How many times the note or event text $2 is in the history and notes of
# the records at HEAD of register $1 (as a whole value: "text: T" or
# "note: T", ended by "}" or ",").
count_text() {
	local dir=$1 text=$2
	git -C "$dir" grep -h -F -e "text: $text}" -e "note: $text}" -e "text: $text," -e "note: $text," \
		HEAD -- clients | grep -c '^  - ' || true
}
