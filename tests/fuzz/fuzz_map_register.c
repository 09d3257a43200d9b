/* Map-Register, Map-Notify and Map-Notify-Ack decoder: decode; on success
 * re-encode with the encoders, decode again and compare fields; a second
 * re-encode must give the same octets */
#include <stdint.h>
#include <stdlib.h>

#include "msg.h"
#include "../unit/msg_roundtrip.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[8192], out2[8192];
	static struct lisp_map_register m, m2;
	struct rbuf b;
	struct msg_err err;
	char why[MSG_ERR_LEN];
	size_t len;

	rbuf_init(&b, data, size);
	if (map_register_decode(&b, &m, &err) == -1) {
		/* a refusal always says why */
		if (err.reason == NULL ||
		    msg_err_str(&err, why, sizeof(why))[0] == '\0')
			abort();
		return 0;
	}
	if ((len = rt_map_register_encode(&m, out, sizeof(out))) == 0)
		abort();
	rbuf_init(&b, out, len);
	if (map_register_decode(&b, &m2, &err) == -1)
		abort();
	if (rt_map_register_same(&m, &m2) != NULL)
		abort();
	if (rt_map_register_encode(&m2, out2, sizeof(out2)) != len ||
	    memcmp(out, out2, len) != 0)
		abort();
	return 0;
}
