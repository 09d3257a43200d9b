/* libFuzzer target: one captured frame through `locictl decode -r`. the
 * first input octet picks the pcap link type (every one pcap_in.c knows and
 * one it does not), the rest is the frame: link layer, IPv4/IPv6 with
 * options and extension headers, UDP. a datagram it finds must lie inside
 * the frame; a LISP one goes on to the decoder and both renderings, as
 * frame_cb in decode.c does. */
// fuzz-sources: locictl/decode_json.c locictl/decode_text.c locictl/pcap_in.c
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../locictl/decode.h"
#include "../../locictl/pcap_in.h"
#include "msg.h"

#define FUZZ_KEY	"s3cret"

static const int dlts[] = {
	DLT_EN10MB,
	113,		/* DLT_LINUX_SLL */
	276,		/* DLT_LINUX_SLL2 */
	DLT_RAW,
	228,		/* DLT_IPV4 */
	229,		/* DLT_IPV6 */
	DLT_NULL,
	108,		/* DLT_LOOP */
	105,		/* DLT_IEEE802_11: not supported, must find nothing */
};
#define NDLTS	(sizeof(dlts) / sizeof(dlts[0]))

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static FILE *
sink(void)
{
	static FILE *f;

	if (f == NULL && (f = fopen("/dev/null", "w")) == NULL)
		abort();
	return f;
}

static void
check_inside(const uint8_t *frame, size_t len, const uint8_t *p, size_t n)
{
	if (p < frame || p > frame + len || n > (size_t)(frame + len - p))
		abort();
}

/* what frame_cb does with a datagram, with the key set when key != 0 */
static void
decode_udp(unsigned frame, const struct pkt_udp *u, int key)
{
	struct decode_opts opt = { NULL, 0 };
	char why[256], *s;
	json_t *o, *m;
	int data;

	if (key) {
		opt.key = (const uint8_t *)FUZZ_KEY;
		opt.keylen = sizeof(FUZZ_KEY) - 1;
	}
	if (u->sport == LISP_CONTROL_PORT || u->dport == LISP_CONTROL_PORT)
		data = 0;
	else if (u->sport == LISP_DATA_PORT || u->dport == LISP_DATA_PORT)
		data = 1;
	else
		return;
	m = data ? decode_data(u->payload, u->len, why, sizeof(why)) :
	    decode_control(u->payload, u->len, &opt, 0, why, sizeof(why));
	if (m == NULL) {
		if (why[0] == '\0')
			abort();
		fprintf(sink(), "frame %u: %s\n", frame, why);
		return;
	}
	o = json_object();
	json_object_set_new(o, "frame", json_integer(frame));
	json_object_set_new(o, "ip_src", json_string(u->ip.src));
	json_object_set_new(o, "ip_dst", json_string(u->ip.dst));
	json_object_set_new(o, "sport", json_integer(u->sport));
	json_object_set_new(o, "dport", json_integer(u->dport));
	json_object_update(o, m);
	json_decref(m);
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
	struct pkt_udp u;
	const uint8_t *frame;
	size_t len;
	int dlt, r;

	if (size < 1)
		return 0;
	dlt = dlts[data[0] % NDLTS];
	frame = data + 1;
	len = size - 1;
	r = pkt_udp_find(dlt, frame, len, &u);
	if (r != 1) {
		if (r != 0)
			abort();
		return 0;
	}
	if (dlt == 105)
		abort();
	if (u.ip.version != 4 && u.ip.version != 6)
		abort();
	if (u.ip.proto != 17 || u.ip.later_frag || u.len > u.wire_len)
		abort();
	check_inside(frame, len, u.ip.l4, u.ip.l4_len);
	check_inside(frame, len, u.payload, u.len);
	if (memchr(u.ip.src, '\0', sizeof(u.ip.src)) == NULL ||
	    memchr(u.ip.dst, '\0', sizeof(u.ip.dst)) == NULL)
		abort();
	decode_udp(1, &u, data[0] & 0x80);
	return 0;
}
