/* libFuzzer target: map-referral decoder; an accepted input is walked with
 * every iterator and re-encoded (tests/unit/decode_all.h), any broken
 * invariant aborts */
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
	if ((err = da_decode_as(LISP_MAP_REFERRAL, data, size, 0, &st)) != NULL) {
		fprintf(stderr, "invariant broken: %s\n", err);
		abort();
	}
	return 0;
}
