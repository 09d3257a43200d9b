/* libFuzzer target: RFC 9300 data-plane header; decode, re-encode and
 * decode again to the same fields (tests/unit/decode_all.h) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../unit/decode_all.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_stats st;
	const char *err;

	memset(&st, 0, sizeof(st));
	if ((err = da_data(data, size, &st)) != NULL) {
		fprintf(stderr, "invariant broken: %s\n", err);
		abort();
	}
	return 0;
}
