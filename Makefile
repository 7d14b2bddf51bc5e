# preg: build, test, install. See README.md.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
# The completions go where each shell looks for this prefix: for /usr,
# where the shells' own packages say (their pkg-config files; Debian's zsh
# reads vendor-completions), else under PREFIX.
ifeq ($(PREFIX),/usr)
BASHCOMPDIR ?= $(or $(shell pkg-config --variable=completionsdir bash-completion 2>/dev/null),/usr/share/bash-completion/completions)
ZSHCOMPDIR ?= /usr/share/zsh/vendor-completions
FISHCOMPDIR ?= $(or $(shell pkg-config --variable=completionsdir fish 2>/dev/null),/usr/share/fish/vendor_completions.d)
else
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
endif
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
PKGS = libgit2 yaml-0.1 libxxhash libutf8proc xlsxwriter zlib nettle
PREG_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ilib $(shell pkg-config --cflags $(PKGS))
PREG_LIBS = $(shell pkg-config --libs $(PKGS)) -lcsv
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka)

# Builds go to BUILD; the tests' sanitizer build goes to build-asan, so
# that both coexist.
BUILD ?= build
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# The sanitizers' run-time libraries linked into the test build's binaries
# rather than loaded with them: a process then starts without the dynamic
# linker resolving their thousands of symbols. make check's processor time
# is mostly the start and the exit check of thousands of preg processes;
# this takes about 15% off a file of ordinary commands (0400-note and
# 0200-client-add: 49 and 44 s of CPU, then 40 and 40). A leak, an
# overflow and undefined behaviour are caught and reported as before
# (the program's own frames with file and line).
#
# And linked at a fixed address (-no-pie): the sanitizers' tables of every
# global variable (1.8 MB of data) then need no relocation when a process
# starts, which was 400 of a process's 2,200 page faults and about a tenth
# of the time of a small command (perf stat -r 20 on "preg client list").
SAN_LDFLAGS = $(SAN_FLAGS) -static-libasan -static-libubsan -no-pie

LIB_SRC := $(sort $(wildcard lib/*.c))
CMD_SRC := $(sort $(wildcard cmd/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ := $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
MAN := $(sort $(wildcard man/*.1 man/*.5))
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

PREG_BIN ?= preg

all: $(PREG_BIN)

$(PREG_BIN): $(CMD_OBJ) $(BUILD)/libpreg.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJ) $(BUILD)/libpreg.a $(PREG_LIBS)

$(BUILD)/libpreg.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

# Each object depends on the headers it includes, as the compiler found
# them (-MMD writes build/x.d; -MP keeps a deleted header from stopping
# make): a change to one header rebuilds only what includes it.
# An object without its .d (built before the dependencies were tracked, or
# the .d lost) cannot say what it includes: the empty rule below makes the
# missing .d count as changed, so the object is built again.
$(BUILD)/%.o: %.c $(BUILD)/%.d VERSION
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PREG_CFLAGS) -MMD -MP -DPREG_VERSION='"$(VERSION)"' -c -o $@ $<

$(BUILD)/%.d: ;
.PRECIOUS: $(BUILD)/%.d

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libpreg.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $(PREG_CFLAGS) $(CMOCKA_CFLAGS) -MMD -MP -MF $@.d -Itests/unit -o $@ $< $(BUILD)/libpreg.a $(PREG_LIBS) $(CMOCKA_LIBS)

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(UNIT_BIN:=.d)

units: $(UNIT_BIN)

# Every test (unit, CLI, docs) on a build with AddressSanitizer and UBSan,
# so that one run shows both a wrong answer and a memory error: this is
# what CI runs. Ends with one line "N passed, N failed". The test files
# run side by side: PREG_TEST_JOBS at once (default: one more than the
# number of processors), the longest first (tests/run).
# LeakSanitizer checks at the exit of every preg process (about 25 ms
# each), except in the files that run the same ordinary commands hundreds
# of times (tests/cli: the model and soak runs, the kill test's writers,
# the completions' calls and every option's try in the docs test;
# each says so) and the init of a test's register: every command is run
# with the check in its own file, and the unit tests also under valgrind
# (check-valgrind).
# The random runs are sized for CI: PREG_MODEL_STEPS=200 and
# PREG_SOAK_N=1000 make them longer, make soak runs new seeds.
check:
	$(MAKE) BUILD=build-asan PREG_BIN=build-asan/preg CFLAGS="-O1 -g -fno-pie $(SAN_FLAGS)" LDFLAGS="$(SAN_LDFLAGS)" check-plain

# The same tests on the plain build (./preg), faster where no sanitizer is
# wanted.
check-plain: $(PREG_BIN) units
	@PREG="$(abspath $(PREG_BIN))" UNIT_DIR="$(BUILD)/tests" tests/run

# The name the sanitizer run had before it became make check.
check-asan: check

# Unit tests under valgrind (memcheck, leaks are errors), VALGRIND_JOBS
# at once (default: the number of processors): valgrind runs a program
# on one processor, and the binaries are independent. Every binary runs;
# each failure is shown with its log, and the target fails if any did.
# PREG_UNIT_QUICK: the two tests of a million rows or keys take a sample
# (tests/unit/unit.h); make check runs them whole.
VALGRIND_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check-valgrind: units
	@printf '%s\n' $(UNIT_BIN) | xargs -P $(VALGRIND_JOBS) -I{} sh -c '\
		t={}; log=$(BUILD)/valgrind-$$(basename $$t).log; \
		if PREG_UNIT_QUICK=1 valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
			--log-file=$$log $$t >/dev/null 2>&1; then \
			echo "valgrind: $$(basename $$t) clean"; \
		else \
			echo "valgrind: $$t failed"; cat $$log; exit 1; \
		fi'

# clang's warnings over lib/, cmd/ and the fuzz harnesses, as errors: its
# -Wunsequenced sees a variable changed twice without a sequence point where
# gcc's -Wall does not. Compiles nothing.
LINT_CC ?= clang
lint:
	$(LINT_CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wunsequenced -Werror -fsyntax-only \
		-Ilib $(shell pkg-config --cflags $(PKGS)) $(LIB_SRC) $(CMD_SRC) tests/fuzz/fuzz_*.c

# The fuzz harnesses (tests/fuzz/README.md) under libFuzzer with ASan and
# UBSan, all at once, each for FUZZ_SECONDS: "make fuzz FUZZ_SECONDS=600".
# Exits 1 and names the reproducer when one finds something.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= record scalar phases csv merge date
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TARGETS="$(FUZZ_TARGETS)" PREG_PKGS="$(PKGS)" tests/fuzz/run

bench: $(PREG_BIN)
	bench/run

# The same at 1,000,000 clients, one run of each (REPS=1 unless given): not
# in CI. About an hour on 2 cores; the registers, the CSV and the import
# take about 15 GB of disk under bench/out.
bench-1m: $(PREG_BIN)
	N=1000000 REPS=$${REPS:-1} bench/run

# The model-based random test, with new seeds, as long as asked:
# make soak SECONDS=3600, or make soak STEPS=10000. Ends with a summary.
soak: $(PREG_BIN)
	@PREG="$(abspath $(PREG_BIN))" tests/model/run --soak --seconds $(or $(SECONDS),0) \
		--total-steps $(or $(STEPS),$(if $(SECONDS),0,1000))

demo: $(PREG_BIN)
	@bash demo/demo.sh

# The register's HTML page of the demo, rendered by headless Chromium.
screenshot: $(PREG_BIN)
	@PREG="$(abspath $(PREG_BIN))" bash demo/screenshot.sh

install: $(PREG_BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(PREG_BIN) $(DESTDIR)$(BINDIR)/preg
	install -m 644 $(filter %.1,$(MAN)) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(filter %.5,$(MAN)) $(DESTDIR)$(MANDIR)/man5
	install -m 644 completions/preg.bash $(DESTDIR)$(BASHCOMPDIR)/preg
	install -m 644 completions/_preg $(DESTDIR)$(ZSHCOMPDIR)/_preg
	install -m 644 completions/preg.fish $(DESTDIR)$(FISHCOMPDIR)/preg.fish

# What install put there, and only that (the directories may hold others').
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/preg $(DESTDIR)$(BASHCOMPDIR)/preg $(DESTDIR)$(ZSHCOMPDIR)/_preg \
		$(DESTDIR)$(FISHCOMPDIR)/preg.fish \
		$(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(filter %.1,$(MAN)))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(filter %.5,$(MAN))))

clean:
	rm -rf build build-asan preg

.PHONY: all units check check-plain check-asan check-valgrind lint fuzz bench bench-1m soak demo screenshot install uninstall clean
