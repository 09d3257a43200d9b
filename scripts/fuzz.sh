#!/bin/sh
# build every tests/fuzz/fuzz_*.c as a libFuzzer target (clang, ASan+UBSan)
# and run it: `smoke` for FUZZ_SMOKE seconds each (default 10), `long` for
# FUZZ_SECONDS each (default 600). seeds: tests/fuzz/corpus/<name>/.
set -e
mode=${1:-smoke}
out=build-fuzz
mkdir -p $out
[ "$mode" = smoke ] && secs=${FUZZ_SMOKE:-10} || secs=${FUZZ_SECONDS:-600}
FLAGS="-g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Ilib -Ilocid -Ibuild-fuzz/locid"
PKG="$(pkg-config --cflags --libs libcrypto jansson libevent libmnl libpcap) -lm"
libsrc=$(ls lib/*.c)
# the config parser's generated sources, for fuzz_conf
mkdir -p $out/locid
bison --defines=$out/locid/parse.h -o $out/locid/parse.c locid/parse.y
flex -o $out/locid/lex.c locid/lex.l
for f in tests/fuzz/fuzz_*.c; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .c)
	extra=""
	# a target may name extra sources on a line "// fuzz-sources: a.c b.c"
	extra=$(sed -n 's|^// fuzz-sources: ||p' "$f")
	clang $FLAGS -o $out/$name "$f" $libsrc $extra $PKG
	corpus=tests/fuzz/corpus/${name#fuzz_}
	work=$out/corpus-${name#fuzz_}
	mkdir -p "$work"
	echo "fuzz: $name for ${secs}s"
	if [ -d "$corpus" ]; then
		$out/$name -max_total_time="$secs" -max_len=2048 -print_final_stats=0 "$work" "$corpus" >$out/$name.log 2>&1 || { tail -40 $out/$name.log; exit 1; }
	else
		$out/$name -max_total_time="$secs" -max_len=2048 "$work" >$out/$name.log 2>&1 || { tail -40 $out/$name.log; exit 1; }
	fi
	grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units' $out/$name.log | tail -1 || true
done
