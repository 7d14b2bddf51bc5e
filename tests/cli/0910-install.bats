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

# The verbs of "preg manager" as the completion of shell $1, installed at
# $2, offers them with the installed binary $3.
offers() {
	case $1 in
	bash) (
		set +eu
		# shellcheck source=/dev/null
		source "$2" || exit 1
		COMP_WORDS=("$3" manager '')
		COMP_CWORD=2 COMP_LINE="$3 manager " COMP_POINT=${#COMP_LINE}
		_preg preg '' manager
		printf '%s\n' "${COMPREPLY[@]}"
	) ;;
	zsh) zsh -f -c 'source "$1"; shift; words=("$@"); CURRENT=${#words}; _preg__candidates; print -rl -- $reply' \
		_ "$2" "$3" manager '' ;;
	fish) fish --no-config -c 'source $argv[1]; __preg_candidates $argv[2..-1]' "$2" "$3" manager '' | cut -f 1 ;;
	esac
}

@test "make install with PREFIX=/usr: completions where Debian's shells look; each runs from there; uninstall leaves nothing" {
	local dest="$BATS_TEST_TMPDIR/dest" bin bashdir fishdir sh
	bin=$(realpath "$PREG")
	bashdir=$(pkg-config --variable=completionsdir bash-completion 2>/dev/null) || true
	fishdir=$(pkg-config --variable=completionsdir fish 2>/dev/null) || true
	run make -s -C "$ROOT" -o "$bin" install DESTDIR="$dest" PREFIX=/usr PREG_BIN="$bin"
	[ "$status" -eq 0 ]
	[ -x "$dest/usr/bin/preg" ]
	[ -f "$dest${bashdir:-/usr/share/bash-completion/completions}/preg" ]
	[ -f "$dest/usr/share/zsh/vendor-completions/_preg" ]
	[ -f "$dest${fishdir:-/usr/share/fish/vendor_completions.d}/preg.fish" ]
	[ -f "$dest/usr/share/man/man1/preg-remote.1" ]
	want=$("$dest/usr/bin/preg" manager --list-cmds)
	[ -n "$want" ]
	for sh in bash zsh fish; do
		command -v $sh >/dev/null || { echo "$sh is not installed"; return 1; }
	done
	same "$(offers bash "$dest${bashdir:-/usr/share/bash-completion/completions}/preg" "$dest/usr/bin/preg")" "$want"
	same "$(offers zsh "$dest/usr/share/zsh/vendor-completions/_preg" "$dest/usr/bin/preg")" "$want"
	same "$(offers fish "$dest${fishdir:-/usr/share/fish/vendor_completions.d}/preg.fish" "$dest/usr/bin/preg")" "$want"
	run make -s -C "$ROOT" -o "$bin" uninstall DESTDIR="$dest" PREFIX=/usr PREG_BIN="$bin"
	[ "$status" -eq 0 ]
	same "$(find "$dest" ! -type d)" ""
}

@test "make install with another prefix: completions under it; uninstall leaves nothing" {
	local dest="$BATS_TEST_TMPDIR/dest" bin sh
	bin=$(realpath "$PREG")
	make -s -C "$ROOT" -o "$bin" install DESTDIR="$dest" PREFIX=/usr/local PREG_BIN="$bin"
	same "$(cd "$dest/usr/local/share" && find . -type f \( -name preg -o -name _preg -o -name preg.fish \) | sort)" "./bash-completion/completions/preg
./fish/vendor_completions.d/preg.fish
./zsh/site-functions/_preg"
	same "$(offers zsh "$dest/usr/local/share/zsh/site-functions/_preg" "$dest/usr/local/bin/preg")" \
		"$("$dest/usr/local/bin/preg" manager --list-cmds)"
	make -s -C "$ROOT" -o "$bin" uninstall DESTDIR="$dest" PREFIX=/usr/local PREG_BIN="$bin"
	same "$(find "$dest" ! -type d)" ""
}
