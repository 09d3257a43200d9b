# locid build. `make` builds, `make check` installs what is missing and runs
# every test, `make demo` runs the seed lab. SAN=1 builds with ASan+UBSan
# into build-asan/.

CC	?= cc
SAN	?= 0
ifeq ($(SAN),1)
BUILD	?= build-asan
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD	?= build
SANFLAGS =
endif

OPT	?= -O2
CFLAGS	?= $(OPT) -g
CFLAGS	+= -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter \
	   -Wshadow -Wstrict-prototypes -Wmissing-prototypes $(SANFLAGS) \
	   -Ilib -Ilocid -I$(BUILD)/locid -MMD -MP
LDFLAGS	+= $(SANFLAGS)
# the version: one place, the VERSION file; locid -V, locictl --version
# and `locictl show version` print it
VERSION	:= $(shell cat VERSION)
CFLAGS	+= -DLOCID_VERSION='"$(VERSION)"'
PKGS	 = libcrypto libevent libmnl jansson libpcap libcap-ng libbpf
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS	+= $(PKG_CFLAGS)
LIBS	 = $(PKG_LIBS) -lm

LIB_SRC	  := $(wildcard lib/*.c)
LIB_OBJ	  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBLOCID  := $(BUILD)/liblocid.a

# daemon: everything but main.c goes in a static library the tests link
D_SRC	  := $(filter-out locid/main.c,$(wildcard locid/*.c locid/dataplane/*.c))
D_GEN	  := $(BUILD)/locid/parse.o $(BUILD)/locid/lex.o
# the metrics endpoint renders OpenMetrics with locictl's own field tables
D_SHARED  := $(BUILD)/locictl/fields.o $(BUILD)/locictl/out_stats.o
D_OBJ	  := $(D_SRC:%.c=$(BUILD)/%.o) $(D_GEN) $(D_SHARED)
LIBDAEMON := $(BUILD)/libdaemon.a

C_SRC	  := $(filter-out locictl/main.c,$(wildcard locictl/*.c))
C_OBJ	  := $(C_SRC:%.c=$(BUILD)/%.o)
LIBCTL	  := $(BUILD)/libctl.a

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

# programs go in bin/: $(BUILD)/locid/ and $(BUILD)/locictl/ hold objects
PROGS	  := $(BUILD)/bin/locid $(BUILD)/bin/locictl

.PHONY: all install uninstall deps check unit unit-asan scripts-check fuzz fuzz-smoke netns bench bench-build demo clean
.SUFFIXES:

all: $(PROGS)

deps:
	@scripts/deps.sh

$(BUILD)/locid/%.o: locid/%.c $(BUILD)/locid/parse.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/locid/parse.c: locid/parse.y
	@mkdir -p $(dir $@)
	bison -Wall --defines=$(BUILD)/locid/parse.h -o $@ $<

$(BUILD)/locid/lex.c: locid/lex.l $(BUILD)/locid/parse.c
	@mkdir -p $(dir $@)
	flex -o $@ $<

$(BUILD)/locid/parse.o: $(BUILD)/locid/parse.c
	$(CC) $(CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/locid/lex.o: $(BUILD)/locid/lex.c
	$(CC) $(CFLAGS) -Wno-missing-prototypes -Wno-unused-function -Wno-sign-compare -c -o $@ $<

# the in-kernel fast path: the BPF object (clang -target bpf; asm/types.h
# lives under the multiarch include directory) and its bpftool skeleton,
# which ebpf.c includes
BPF_CLANG ?= clang
BPFTOOL	?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
BPF_CFLAGS = -target bpf -O2 -g -Wall -I/usr/include/$(shell gcc -print-multiarch) \
	     -Ilocid/dataplane/bpf

$(BUILD)/locid/dataplane/lisp.bpf.o: locid/dataplane/bpf/lisp.bpf.c locid/dataplane/bpf/lb_maps.h
	@mkdir -p $(dir $@)
	$(BPF_CLANG) $(BPF_CFLAGS) -c -o $@ $<

$(BUILD)/locid/lisp.skel.h: $(BUILD)/locid/dataplane/lisp.bpf.o
	$(BPFTOOL) gen skeleton $< name lisp_bpf >$@.tmp && mv $@.tmp $@

$(BUILD)/locid/dataplane/ebpf.o: $(BUILD)/locid/lisp.skel.h

$(LIBLOCID): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LIBDAEMON): $(D_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LIBCTL): $(C_OBJ)
	@rm -f $@
	ar rcs $@ $^

# the objects that print the version
$(BUILD)/locid/main.o $(BUILD)/locid/control.o $(BUILD)/locictl/main.o \
    $(BUILD)/locictl/ctl_show.o: VERSION

$(BUILD)/bin/locid: $(BUILD)/locid/main.o $(LIBDAEMON) $(LIBLOCID)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/bin/locictl: $(BUILD)/locictl/main.o $(C_OBJ) $(LIBLOCID)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# tests of daemon modules are named test_locid_*, of locictl test_locictl_*;
# the rest link liblocid only, so a half-written daemon never blocks them
$(BUILD)/tests/test_locid_%: tests/unit/test_locid_%.c $(LIBDAEMON) $(LIBLOCID)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(LIBDAEMON) $(LIBLOCID) $(LDFLAGS) $(LIBS) -lcmocka

# tests of the Map-Server and Map-Resolver roles against a fake core
# (tests/unit/fakecore.c implements locid.h): the two roles' objects, the
# configuration's and liblocid, none of the core, xTR, netlink or TUN
ROLE_OBJ  := $(BUILD)/locid/ms.o $(BUILD)/locid/mr.o $(BUILD)/locid/nat_ms.o \
	     $(BUILD)/locid/rtr.o $(BUILD)/locid/replay.o $(BUILD)/locid/lsec.o \
	     $(BUILD)/locid/ddt.o $(BUILD)/locid/ddtmr.o $(BUILD)/locid/pubsub.o \
	     $(BUILD)/locid/conf.o \
	     $(BUILD)/locid/parse.o $(BUILD)/locid/lex.o $(BUILD)/tests/unit/fakecore.o

$(BUILD)/tests/unit/fakecore.o: $(BUILD)/locid/parse.c

$(BUILD)/tests/test_role_%: tests/unit/test_role_%.c $(ROLE_OBJ) $(LIBLOCID)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(ROLE_OBJ) $(LIBLOCID) $(LDFLAGS) $(LIBS) -lcmocka

$(BUILD)/tests/test_locictl_%: tests/unit/test_locictl_%.c $(LIBCTL) $(LIBLOCID)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(LIBCTL) $(LIBLOCID) $(LDFLAGS) $(LIBS) -lcmocka

$(BUILD)/tests/%: tests/unit/%.c $(LIBLOCID)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(LIBLOCID) $(LDFLAGS) $(LIBS) -lcmocka

$(BUILD)/bench/%: bench/%.c $(LIBDAEMON) $(LIBLOCID)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIBDAEMON) $(LIBLOCID) $(LDFLAGS) $(LIBS)

# unit tests: run from the top so tests find tests/unit/vectors and ../shared
unit: $(UNIT_BIN) $(PROGS)
	@scripts/run-unit.sh $(BUILD) $(UNIT_BIN)

unit-asan:
	@$(MAKE) --no-print-directory SAN=1 unit

scripts-check: $(PROGS)
	@scripts/run-scripts.sh $(BUILD)

fuzz-smoke:
	@scripts/fuzz.sh smoke

fuzz:
	@scripts/fuzz.sh long

netns: $(PROGS)
	@$(MAKE) --no-print-directory SAN=1 build-asan/bin/locid build-asan/bin/locictl
	@scripts/run-netns.sh $(BUILD)

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-asan
	@$(MAKE) --no-print-directory scripts-check
	@$(MAKE) --no-print-directory fuzz-smoke
	@$(MAKE) --no-print-directory netns
	@echo "make check: all passed"

# bench-build only builds them (one: make build/bench/NAME); bench runs
# them all too
bench-build: $(BENCH_BIN) $(PROGS)

bench: deps bench-build
	@scripts/run-bench.sh $(BUILD)

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(BUILD)

# make install [PREFIX=/usr/local] [DESTDIR=staging]: the programs, the
# man pages, the examples, the systemd unit (its paths rewritten to PREFIX)
# and the bash completion. nothing goes to /etc: the sample configuration
# is in $(DOCDIR), to copy to /etc/locid.conf
PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DOCDIR	?= $(PREFIX)/share/doc/locid
UNITDIR	?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL	?= install

install: $(PROGS)
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(UNITDIR) $(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 755 $(BUILD)/bin/locid $(DESTDIR)$(SBINDIR)/locid
	$(INSTALL) -m 755 $(BUILD)/bin/locictl $(DESTDIR)$(BINDIR)/locictl
	$(INSTALL) -m 644 man/locid.8 man/locictl.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 644 man/locid.conf.5 $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 644 dist/locid.conf $(DESTDIR)$(DOCDIR)/locid.conf.sample
	$(INSTALL) -m 644 examples/*.conf $(DESTDIR)$(DOCDIR)/examples/
	$(INSTALL) -m 644 README.md $(DESTDIR)$(DOCDIR)/
	sed -e 's|/usr/local/sbin|$(SBINDIR)|g' -e 's|/usr/local/bin|$(BINDIR)|g' \
	    dist/locid.service >$(DESTDIR)$(UNITDIR)/locid.service
	chmod 644 $(DESTDIR)$(UNITDIR)/locid.service
	$(INSTALL) -m 644 dist/locictl.bash $(DESTDIR)$(BASHCOMPDIR)/locictl

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/locid $(DESTDIR)$(BINDIR)/locictl \
	    $(DESTDIR)$(MANDIR)/man8/locid.8 $(DESTDIR)$(MANDIR)/man8/locictl.8 \
	    $(DESTDIR)$(MANDIR)/man5/locid.conf.5 \
	    $(DESTDIR)$(UNITDIR)/locid.service $(DESTDIR)$(BASHCOMPDIR)/locictl
	rm -rf $(DESTDIR)$(DOCDIR)

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find build build-asan -name '*.d' 2>/dev/null)
