/* libFuzzer target: any UDP payload, dispatched on the type nibble to
 * every control decoder (ECMs recurse into their inner message) and also
 * read as a data packet; accepted input is walked with every iterator and
 * re-encoded (tests/unit/decode_all.h) */
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
	if ((err = da_decode_any(data, size, &st)) == NULL)
		err = da_data(data, size, &st);
	if (err != NULL) {
		fprintf(stderr, "invariant broken: %s\n", err);
		abort();
	}
	return 0;
}
