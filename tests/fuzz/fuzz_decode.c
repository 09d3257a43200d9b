/* libFuzzer target: `locictl decode` on one LISP message. the input is a
 * UDP payload; it is decoded to the JSON model as a control message without
 * and with a key (the auth check), and as a data packet, and every model
 * built is rendered both ways (compact JSON and the text tree) the way
 * decode.c does. the same octets, read as hex text, go through hex_parse
 * (the command-line input) and, when they parse, to the decoder as well.
 * everything is freed: LeakSanitizer checks the model. */
// fuzz-sources: locictl/decode_json.c locictl/decode_text.c locictl/pcap_in.c
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../locictl/decode.h"

#define FUZZ_KEY	"s3cret"	/* the key the seeds are signed with */
#define HEX_MAX		2048

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static FILE *
sink(void)
{
	static FILE *f;

	if (f == NULL && (f = fopen("/dev/null", "w")) == NULL)
		abort();
	return f;
}

/* both renderings of a model, then free it */
static void
render(json_t *o, const char *why)
{
	char *s;

	if (o == NULL) {
		/* a refusal always says why */
		if (why[0] == '\0')
			abort();
		return;
	}
	if (!json_is_object(o) || !json_is_string(json_object_get(o, "type")))
		abort();
	if ((s = json_dumps(o, JSON_COMPACT)) == NULL)
		abort();
	fputs(s, sink());
	free(s);
	decode_text(sink(), o);
	json_decref(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decode_opts nokey = { NULL, 0 };
	struct decode_opts key = { (const uint8_t *)FUZZ_KEY,
	    sizeof(FUZZ_KEY) - 1 };
	uint8_t msg[HEX_MAX];
	const char *hwhy;
	char why[256], *text;
	size_t len;

	render(decode_control(data, size, &nokey, 0, why, sizeof(why)), why);
	render(decode_control(data, size, &key, 0, why, sizeof(why)), why);
	render(decode_data(data, size, why, sizeof(why)), why);

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	hwhy = NULL;
	if (hex_parse(text, msg, sizeof(msg), &len, &hwhy) == 0) {
		if (len == 0 || len > sizeof(msg) || len > size / 2)
			abort();
		render(decode_control(msg, len, &key, 0, why, sizeof(why)),
		    why);
	} else if (hwhy == NULL)
		abort();
	free(text);
	return 0;
}
