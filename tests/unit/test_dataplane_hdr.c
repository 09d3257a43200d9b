/* RFC 9300 data-plane header: table of headers, decoded fields, re-encode */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "msg.h"
#include "testlib.h"

struct dh_case {
	const char	*name;
	uint8_t		 wire[8];
	uint8_t		 flags;
	uint32_t	 nonce;
	uint16_t	 src_version, dst_version;
	uint32_t	 iid, lsb;
	uint8_t		 next_proto;
	int		 exact;		/* re-encoding gives the same octets */
};

static const struct dh_case cases[] = {
	{ "all clear", { 0, 0, 0, 0, 0, 0, 0, 0 },
	    0, 0, 0, 0, 0, 0, 0, 1 },
	{ "N nonce + L lsbs", { 0xc0, 0x12, 0x34, 0x56, 0x00, 0x00, 0x00, 0x03 },
	    LD_N | LD_L, 0x123456, 0, 0, 0, 3, 0, 1 },
	{ "N E echo nonce", { 0xa0, 0xab, 0xcd, 0xef, 0x00, 0x00, 0x00, 0x00 },
	    LD_N | LD_E, 0xabcdef, 0, 0, 0, 0, 0, 1 },
	{ "V map-versions", { 0x10, 0x12, 0x3a, 0xbc, 0x00, 0x00, 0x00, 0x00 },
	    LD_V, 0, 0x123, 0xabc, 0, 0, 0, 1 },
	{ "N and V: nonce", { 0x90, 0x12, 0x3a, 0xbc, 0x00, 0x00, 0x00, 0x00 },
	    LD_N | LD_V, 0x123abc, 0, 0, 0, 0, 0, 1 },
	{ "I iid + 8 lsbs", { 0xc8, 0x00, 0x00, 0x01, 0x00, 0x00, 0x05, 0x81 },
	    LD_N | LD_L | LD_I, 1, 0, 0, 5, 0x81, 0, 1 },
	{ "I data-map-notify iid", { 0x08, 0, 0, 0, 0xff, 0xff, 0xff, 0x00 },
	    LD_I, 0, 0, 0, 0xffffff, 0, 0, 1 },
	{ "32 lsbs", { 0x40, 0, 0, 0, 0x80, 0x00, 0x00, 0x01 },
	    LD_L, 0, 0, 0, 0, 0x80000001u, 0, 1 },
	{ "GPE next protocol", { 0x0c, 0x00, 0x00, 0x03, 0x00, 0x00, 0x07, 0x00 },
	    LD_I | LD_P, 0, 0, 0, 7, 0, 3, 1 },
	{ "KK key id", { 0x83, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00 },
	    LD_N | 3, 9, 0, 0, 0, 0, 0, 1 },
	/* N=0 V=0: bits 8-31 are ignored on receive and written as 0 */
	{ "ignored word 0 bits", { 0x40, 0xde, 0xad, 0x00, 0, 0, 0, 1 },
	    LD_L, 0, 0, 0, 0, 1, 0, 0 },
};

static void
test_table(void **state)
{
	struct lisp_data_hdr	 h;
	struct rbuf		 b;
	struct wbuf		 w;
	uint8_t			 out[16];
	const char		*why;
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct dh_case *c = &cases[i];

		print_message("case %s\n", c->name);
		rbuf_init(&b, c->wire, sizeof(c->wire));
		assert_int_equal(data_hdr_decode(&b, &h, &why), 0);
		assert_int_equal(b.len, 0);
		assert_int_equal(h.flags, c->flags);
		assert_int_equal(h.nonce, c->nonce);
		assert_int_equal(h.src_version, c->src_version);
		assert_int_equal(h.dst_version, c->dst_version);
		assert_int_equal(h.iid, c->iid);
		assert_int_equal(h.lsb, c->lsb);
		assert_int_equal(h.next_proto, c->next_proto);

		wbuf_init(&w, out, sizeof(out));
		data_hdr_encode(&w, &h);
		assert_int_equal(w.err, 0);
		assert_int_equal(w.len, 8);
		if (c->exact)
			assert_memory_equal(out, c->wire, 8);
		else
			assert_memory_equal(out, c->wire, 1);
	}
}

static void
test_payload_left(void **state)
{
	static const uint8_t pkt[] = { 0x88, 0, 0, 0x2a, 0, 0, 0x64, 0,
	    0x45, 0x00, 0x00, 0x14 };
	struct lisp_data_hdr	 h;
	struct rbuf		 b;

	rbuf_init(&b, pkt, sizeof(pkt));
	assert_int_equal(data_hdr_decode(&b, &h, NULL), 0);
	assert_int_equal(h.nonce, 42);
	assert_int_equal(h.iid, 100);
	assert_int_equal(b.len, 4);
	assert_ptr_equal(b.p, pkt + 8);
}

static void
test_truncated(void **state)
{
	static const uint8_t pkt[8] = { 0xc0, 1, 2, 3, 0, 0, 0, 1 };
	struct lisp_data_hdr	 h;

	assert_int_equal(tl_truncations(&tl_data_hdr_codec, &h, pkt,
	    sizeof(pkt), NULL), 0);
}

static void
test_encode_overflow(void **state)
{
	struct lisp_data_hdr	 h;
	struct wbuf		 w;
	uint8_t			 out[7];

	memset(&h, 0, sizeof(h));
	h.flags = LD_N;
	wbuf_init(&w, out, sizeof(out));
	data_hdr_encode(&w, &h);
	assert_int_equal(w.err, 1);
}

/* an encoder masks fields to their widths */
static void
test_encode_masks(void **state)
{
	static const uint8_t want[8] = { 0x98, 0xff, 0xff, 0xff, 0x23, 0x45, 0x67, 0x89 };
	struct lisp_data_hdr	 h;
	struct wbuf		 w;
	uint8_t			 out[8];

	memset(&h, 0, sizeof(h));
	h.flags = LD_N | LD_V | LD_I;
	h.nonce = 0xffffffff;
	h.src_version = 0xffff;
	h.iid = 0x01234567;
	h.lsb = 0x189;
	wbuf_init(&w, out, sizeof(out));
	data_hdr_encode(&w, &h);
	assert_int_equal(w.err, 0);
	assert_memory_equal(out, want, 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_payload_left),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_encode_overflow),
		cmocka_unit_test(test_encode_masks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
