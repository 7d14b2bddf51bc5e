#!/usr/bin/env bats
# make install: the binary, every man page and the three completions land
# under DESTDIR/PREFIX, and the installed binary runs.

load helper

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

@test "make install honours PREFIX and DESTDIR" {
	local dest="$BATS_TEST_TMPDIR/dest" bin
	# Install the binary under test as it is (-o: never remade here).
	bin=$(realpath "$PREG")
	run make -s -C "$ROOT" -o "$bin" install DESTDIR="$dest" PREFIX=/opt/preg PREG_BIN="$bin"
	[ "$status" -eq 0 ]
	[ -x "$dest/opt/preg/bin/preg" ]
	for page in "$ROOT"/man/*.1; do
		[ -f "$dest/opt/preg/share/man/man1/$(basename "$page")" ]
	done
	[ -f "$dest/opt/preg/share/man/man5/preg-register.5" ]
	[ -f "$dest/opt/preg/share/bash-completion/completions/preg" ]
	[ -f "$dest/opt/preg/share/zsh/site-functions/_preg" ]
	[ -f "$dest/opt/preg/share/fish/vendor_completions.d/preg.fish" ]
	run "$dest/opt/preg/bin/preg" --version
	[ "$status" -eq 0 ]
	[[ "$output" == "preg "* ]]
	# Nothing outside DESTDIR.
	[ ! -e /opt/preg ]
}
