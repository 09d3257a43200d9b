/* helpers shared by the codec unit tests: hex to bytes, one truncation
 * sweep, one expected-refusal check; with vectors.h included first, also
 * sample packets, one mutation round trip and random addresses; with
 * msg_roundtrip.h, a tl_codec per message family. include after cmocka.h. */
#ifndef LOCID_TEST_TESTLIB_H
#define LOCID_TEST_TESTLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "buf.h"
#include "msg.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * a codec under test. decode fills the struct m points to and returns 0, or
 * -1 with a reason rendered into why[0..len); encode writes a decoded
 * struct back and returns its length (0 if it did not fit); same names the
 * first field that differs.
 */
struct tl_codec {
	const char	*name;
	int		(*decode)(struct rbuf *, void *m, char *why, size_t len);
	size_t		(*encode)(const void *m, uint8_t *, size_t);
	const char	*(*same)(const void *, const void *);
};

/* hex string (spaces ignored) to bytes; returns the length */
static inline size_t
tl_unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned int v;

	while (*s != '\0') {
		if (*s == ' ') {
			s++;
			continue;
		}
		assert_true(n < cap);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* p[0..n) holds exactly the octets the hex string spells */
static inline void
tl_assert_hex(const uint8_t *p, size_t n, const char *hex)
{
	uint8_t want[1024];

	assert_int_equal(tl_unhex(hex, want, sizeof(want)), n);
	assert_memory_equal(p, want, n);
}

/* decoding p[0..n) fails with a reason, and this reason if not NULL,
 * and leaves the cursor alone */
static inline void
tl_expect_fail(const struct tl_codec *c, void *m, const uint8_t *p, size_t n,
    const char *reason)
{
	struct rbuf b;
	char why[MSG_ERR_LEN] = "";

	rbuf_init(&b, p, n);
	if (c->decode(&b, m, why, sizeof(why)) != -1)
		fail_msg("%s decoded", c->name);
	assert_true(strlen(why) > 0);
	if (reason != NULL)
		assert_string_equal(why, reason);
	assert_ptr_equal(b.p, p);
	assert_int_equal(b.len, n);
}

/*
 * decode every proper prefix of p[0..n), each from a heap copy of exactly
 * its length (so ASan sees any over-read). a refusal must give a reason and
 * leave the cursor alone; an accepted prefix is handed to accept (with m
 * decoded), which asserts it may be, or fails the test if accept is NULL.
 * returns the number of accepted prefixes.
 */
static inline size_t
tl_truncations(const struct tl_codec *c, void *m, const uint8_t *p, size_t n,
    void (*accept)(void *m, size_t k))
{
	uint8_t *cut;
	struct rbuf b;
	char why[MSG_ERR_LEN];
	size_t k, ok = 0;

	for (k = 0; k < n; k++) {
		cut = malloc(k > 0 ? k : 1);
		assert_non_null(cut);
		memcpy(cut, p, k);
		rbuf_init(&b, cut, k);
		why[0] = '\0';
		if (c->decode(&b, m, why, sizeof(why)) == -1) {
			assert_true(strlen(why) > 0);
			assert_ptr_equal(b.p, cut);
			assert_int_equal(b.len, k);
		} else {
			if (accept == NULL)
				fail_msg("%s cut at %zu decoded", c->name, k);
			accept(m, k);
			ok++;
		}
		free(cut);
	}
	return ok;
}

/* a decode failure as text, in a buffer that lives to the end of the
 * enclosing block */
#define TL_ERR_STR(e)	msg_err_str((e), (char[MSG_ERR_LEN]){ 0 }, MSG_ERR_LEN)

/* a decoder's result with its reason rendered into why[0..len) */
static inline int
tl_why(int rc, const char *reason, char *why, size_t len)
{
	if (rc == -1)
		snprintf(why, len, "%s", reason != NULL ? reason : "");
	return rc;
}

static inline int
tl_err(int rc, const struct msg_err *err, char *why, size_t len)
{
	if (rc == -1)
		msg_err_str(err, why, len);
	return rc;
}

static inline int
tl_addr_decode(struct rbuf *b, void *a, char *why, size_t len)
{
	const char *w = NULL;
	int rc = addr_decode(b, a, 0, &w);

	return tl_why(rc, w, why, len);
}

/* addresses and LCAFs: decode only */
static const struct tl_codec tl_addr_codec = {
	"address", tl_addr_decode, NULL, NULL
};

/* a decode-only codec */
#define TL_DECODER(var, label, type, dec)				\
static inline int							\
var##_decode(struct rbuf *b, void *m, char *why, size_t len)		\
{									\
	struct msg_err err;						\
									\
	return tl_err(dec(b, (type *)m, &err), &err, why, len);	\
}									\
static const struct tl_codec var = { label, var##_decode, NULL, NULL }

TL_DECODER(tl_ecm_codec, "ecm", struct lisp_ecm, ecm_decode);

static inline int
tl_data_hdr_decode(struct rbuf *b, void *h, char *why, size_t len)
{
	const char *w = NULL;
	int rc = data_hdr_decode(b, h, &w);

	return tl_why(rc, w, why, len);
}
static const struct tl_codec tl_data_hdr_codec = {
	"data header", tl_data_hdr_decode, NULL, NULL
};

#ifdef LOCID_TEST_VECTORS_H
/* the sample packet of vectors.h with this name */
static inline size_t
tl_sample(const char *name, uint8_t *buf, size_t cap)
{
	const struct test_vector *tv = test_vector_find(name);
	size_t n;

	assert_non_null(tv);
	n = tv->build(buf, cap);
	assert_true(n > 0);
	return n;
}

/*
 * random mutations of a sample: each fails with a reason, or decodes to a
 * message that re-encodes (to n octets if same_len), decodes again to the
 * same fields and re-encodes to the same octets, which decode once more.
 * m, m2 and m3 are three decoded structs of the codec. returns how many of
 * the iters mutations decoded.
 */
static inline int
tl_mutations(const struct tl_codec *c, void *m, void *m2, void *m3,
    const char *sample, uint64_t *s, int iters, int same_len)
{
	static uint8_t buf[1024], out[2048], out2[2048];
	struct rbuf b;
	char why[MSG_ERR_LEN];
	const char *diff;
	size_t n, len;
	int i, j, ok = 0;

	for (i = 0; i < iters; i++) {
		n = tl_sample(sample, buf, sizeof(buf));
		for (j = 1 + (int)(tv_rand(s) % 4); j > 0; j--)
			n = tv_mutate(buf, n, sizeof(buf), s);
		why[0] = '\0';
		rbuf_init(&b, buf, n);
		if (c->decode(&b, m, why, sizeof(why)) == -1) {
			assert_true(strlen(why) > 0);
			continue;
		}
		ok++;
		len = c->encode(m, out, sizeof(out));
		assert_true(len > 0);
		if (same_len)
			assert_int_equal(len, n);
		rbuf_init(&b, out, len);
		if (c->decode(&b, m2, why, sizeof(why)) == -1)
			fail_msg("mutation %d: re-decode: %s", i, why);
		if ((diff = c->same(m, m2)) != NULL)
			fail_msg("mutation %d: %s differs", i, diff);
		assert_int_equal(c->encode(m2, out2, sizeof(out2)), len);
		assert_memory_equal(out2, out, len);
		rbuf_init(&b, out2, len);
		assert_int_equal(c->decode(&b, m3, why, sizeof(why)), 0);
	}
	print_message("%s mutations: %d of %d decoded\n", sample, ok, iters);
	assert_true(ok > 0);
	return ok;
}

/* a random address of the first kinds of: IPv4, IPv6, MAC, none; an
 * instance-id on about a third */
static inline void
tl_rand_addr(struct lisp_addr *a, uint64_t *s, int kinds)
{
	uint64_t r = tv_rand(s);
	uint8_t x[16];
	int k;

	for (k = 0; k < 16; k++)
		x[k] = (uint8_t)(tv_rand(s) >> 24);
	switch (r % (uint64_t)kinds) {
	case 0:
		addr_set_v4(a, x);
		break;
	case 1:
		addr_set_v6(a, x);
		break;
	case 2:
		addr_set_mac(a, x);
		break;
	default:
		addr_set_none(a);
		return;
	}
	if ((r >> 8) % 3 == 0)
		addr_set_iid(a, (uint32_t)(r >> 16));
}

/* a random EID-record header with fewer than max_rlocs locators */
static inline void
tl_rand_record(struct lisp_record *r, uint64_t *s, int max_rlocs, int kinds)
{
	memset(r, 0, sizeof(*r));
	r->ttl = (uint32_t)tv_rand(s);
	r->nrlocs = (uint8_t)(tv_rand(s) % (uint64_t)max_rlocs);
	r->act = (uint8_t)(tv_rand(s) % 8);
	r->auth = tv_rand(s) & 1;
	r->version = (uint16_t)(tv_rand(s) & 0xfff);
	tl_rand_addr(&r->eid, s, kinds);
	r->eid_mlen = (uint8_t)(tv_rand(s) % (addr_bits(&r->eid) + 1));
}

static inline void
tl_rand_rloc(struct lisp_rloc *l, uint64_t *s, int kinds)
{
	l->priority = (uint8_t)tv_rand(s);
	l->weight = (uint8_t)tv_rand(s);
	l->mpriority = (uint8_t)tv_rand(s);
	l->mweight = (uint8_t)tv_rand(s);
	l->flags = (uint16_t)tv_rand(s);
	tl_rand_addr(&l->addr, s, kinds);
}
#endif	/* LOCID_TEST_VECTORS_H */

#ifdef LOCID_TEST_MSG_ROUNDTRIP_H
/* a decoded record header has the fields it was encoded with */
static inline void
tl_assert_record(const struct lisp_record *got, const struct lisp_record *want)
{
	assert_int_equal(got->ttl, want->ttl);
	assert_int_equal(got->nrlocs, want->nrlocs);
	assert_int_equal(got->eid_mlen, want->eid_mlen);
	assert_int_equal(got->act, want->act);
	assert_int_equal(got->auth, want->auth);
	assert_int_equal(got->version, want->version);
	assert_true(rt_addr_same(&got->eid, &want->eid));
}

static inline void
tl_assert_rloc(const struct lisp_rloc *got, const struct lisp_rloc *want)
{
	assert_int_equal(got->priority, want->priority);
	assert_int_equal(got->weight, want->weight);
	assert_int_equal(got->mpriority, want->mpriority);
	assert_int_equal(got->mweight, want->mweight);
	assert_int_equal(got->flags, want->flags);
	assert_true(rt_addr_same(&got->addr, &want->addr));
}

/* the library codec of one message family behind the tl_codec hooks */
#define TL_CODEC(var, label, type, dec, enc, same)			\
static inline int							\
var##_decode(struct rbuf *b, void *m, char *why, size_t len)		\
{									\
	struct msg_err err;						\
									\
	return tl_err(dec(b, (type *)m, &err), &err, why, len);	\
}									\
static inline size_t							\
var##_encode(const void *m, uint8_t *buf, size_t cap)			\
{									\
	return enc((const type *)m, buf, cap);				\
}									\
static inline const char *						\
var##_same(const void *a, const void *b)				\
{									\
	return same((const type *)a, (const type *)b);			\
}									\
static const struct tl_codec var = {					\
	label, var##_decode, var##_encode, var##_same			\
}

TL_CODEC(tl_map_request_codec, "map-request", struct lisp_map_request,
    map_request_decode, rt_map_request_encode, rt_map_request_same);
TL_CODEC(tl_map_reply_codec, "map-reply", struct lisp_map_reply,
    map_reply_decode, rt_map_reply_encode, rt_map_reply_same);
TL_CODEC(tl_map_register_codec, "map-register", struct lisp_map_register,
    map_register_decode, rt_map_register_encode, rt_map_register_same);
TL_CODEC(tl_map_referral_codec, "map-referral", struct lisp_map_referral,
    map_referral_decode, rt_map_referral_encode, rt_map_referral_same);
TL_CODEC(tl_info_codec, "info", struct lisp_info, info_decode,
    rt_info_encode, rt_info_same);
#endif	/* LOCID_TEST_MSG_ROUNDTRIP_H */

#endif
