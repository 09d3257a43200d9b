/* feed one packet to a decoder and, when it is accepted, to every record,
 * locator, signature and LCAF iterator, then re-encode and decode again.
 * shared by tests/unit/test_mutate.c and tests/fuzz/fuzz_any.c.
 *
 * a refused packet is fine; what must never happen once a decoder accepted
 * a packet: an iterator failing or walking a different count, a validated
 * LCAF (known = 1) that its typed decoder refuses, or a re-encoded message
 * that does not decode to the same fields. those return a description. */
#ifndef LOCID_TEST_DECODE_ALL_H
#define LOCID_TEST_DECODE_ALL_H

#include <stdint.h>
#include <string.h>

#include "addr.h"
#include "lcaf.h"
#include "msg.h"
#include "msrtr.h"
#include "msg_roundtrip.h"

#define DA_BUF		4096
#define DA_ECM_DEPTH	2

struct da_stats {
	unsigned long	 tried[16], ok[16];
	unsigned long	 data_tried, data_ok;
};

static const char *da_addr(const struct lisp_addr *, int depth);

static inline const char *
da_addr2(const struct lisp_addr *a, const struct lisp_addr *b, int depth)
{
	const char *e;

	if ((e = da_addr(a, depth)) != NULL)
		return e;
	return da_addr(b, depth);
}

/* format the address and walk/decode a validated LCAF body */
static const char *
da_addr(const struct lisp_addr *a, int depth)
{
	char		 s[ADDR_STRLEN];
	struct lisp_addr it;
	int		 r, i;

	addr_fmt(a, s, sizeof(s));
	if (a->afi != AFI_LCAF || !a->known || depth > ADDR_DEPTH_MAX)
		return NULL;
	switch (a->lcaf_type) {
	case LCAF_AFI_LIST: {
		struct lcaf_list l;

		if (lcaf_list_decode(a, &l) == -1)
			return "known afi-list refused";
		while ((r = lcaf_list_next(&l, &it)) == 1)
			if (da_addr(&it, depth + 1) != NULL)
				return "afi-list item";
		return r == 0 ? NULL : "afi-list iterator failed";
	}
	case LCAF_ASN: {
		struct lcaf_asn x;

		if (lcaf_asn_decode(a, &x) == -1)
			return "known asn refused";
		return da_addr(&x.addr, depth + 1);
	}
	case LCAF_GEO: {
		struct lcaf_geo x;

		if (lcaf_geo_decode(a, &x) == -1)
			return "known geo refused";
		return da_addr(&x.addr, depth + 1);
	}
	case LCAF_NAT: {
		struct lcaf_nat x;

		if (lcaf_nat_decode(a, &x) == -1)
			return "known nat refused";
		for (i = 0; i < x.nrtr; i++)
			addr_fmt(&x.rtr[i], s, sizeof(s));
		return da_addr2(&x.global_etr, &x.private_etr, depth + 1);
	}
	case LCAF_MCAST: {
		struct lcaf_mcast x;

		if (lcaf_mcast_decode(a, &x) == -1)
			return "known mcast refused";
		return da_addr2(&x.src, &x.grp, depth + 1);
	}
	case LCAF_ELP: {
		struct lcaf_elp x;
		struct lcaf_elp_hop h;

		if (lcaf_elp_decode(a, &x) == -1)
			return "known elp refused";
		while ((r = lcaf_elp_next(&x, &h)) == 1)
			if (da_addr(&h.addr, depth + 1) != NULL)
				return "elp hop";
		return r == 0 ? NULL : "elp iterator failed";
	}
	case LCAF_SECKEY: {
		struct lcaf_seckey x;

		if (lcaf_seckey_decode(a, &x) == -1)
			return "known security key refused";
		return da_addr(&x.addr, depth + 1);
	}
	case LCAF_SRCDST: {
		struct lcaf_srcdst x;

		if (lcaf_srcdst_decode(a, &x) == -1)
			return "known source/dest refused";
		return da_addr2(&x.src, &x.dst, depth + 1);
	}
	case LCAF_RLE: {
		struct lcaf_rle x;
		struct lcaf_rle_entry e;

		if (lcaf_rle_decode(a, &x) == -1)
			return "known rle refused";
		while ((r = lcaf_rle_next(&x, &e)) == 1)
			if (da_addr(&e.addr, depth + 1) != NULL)
				return "rle entry";
		return r == 0 ? NULL : "rle iterator failed";
	}
	case LCAF_JSON: {
		struct lcaf_json x;

		if (lcaf_json_decode(a, &x) == -1)
			return "known json refused";
		return da_addr(&x.addr, depth + 1);
	}
	case LCAF_KV: {
		struct lcaf_kv x;

		if (lcaf_kv_decode(a, &x) == -1)
			return "known key/value refused";
		return da_addr2(&x.key, &x.value, depth + 1);
	}
	case LCAF_APPDATA: {
		struct lcaf_app x;

		if (lcaf_app_decode(a, &x) == -1)
			return "known application data refused";
		return da_addr(&x.addr, depth + 1);
	}
	case LCAF_NULL:		/* no body to decode */
		return NULL;
	default:
		return lcaf_type_known(a->lcaf_type) ?
		    "known LCAF type not walked here" : NULL;
	}
}

/* walk n records (referral: Map-Referral records) with their locators and
 * signatures; the list must hold exactly n */
static inline const char *
da_records(struct rbuf recs, unsigned n, int referral)
{
	struct lisp_record	 r;
	struct lisp_rloc	 rl;
	struct lisp_ref_sig	 sg;
	struct rbuf		 rls, sigs;
	unsigned		 i, k, bad;
	int			 e;
	const char		*err;

	for (i = 0; i < n; i++) {
		e = referral ? referral_record_next(&recs, &r) :
		    record_next(&recs, &r);
		if (e != 1)
			return "record iterator failed after decode";
		if ((err = da_addr(&r.eid, 0)) != NULL)
			return err;
		rls = r.rlocs;
		bad = 0;
		for (k = 0; k < r.nrlocs; k++) {
			if (rloc_next_all(&rls, &rl) != 1)
				return "rloc iterator failed after decode";
			if (rl.malformed) {	/* kept opaque, skipped by rloc_next */
				bad++;
				continue;
			}
			if ((err = da_addr(&rl.addr, 0)) != NULL)
				return err;
		}
		if (rloc_next_all(&rls, &rl) != 0)
			return "rloc list longer than its count";
		if (bad != r.nbad)
			return "malformed locators miscounted";
		sigs = r.sigs;
		for (k = 0; k < r.sigcnt; k++)
			if (ref_sig_next(&sigs, &sg) != 1)
				return "signature iterator failed after decode";
		if (ref_sig_next(&sigs, &sg) != 0)
			return "signature list longer than sigcnt";
	}
	e = referral ? referral_record_next(&recs, &r) : record_next(&recs, &r);
	return e == 0 ? NULL : "record list longer than its count";
}

static const char *da_decode_as(unsigned type, const uint8_t *p, size_t n,
    int depth, struct da_stats *st);

static inline const char *
da_ecm(const uint8_t *p, size_t n, int depth, struct da_stats *st)
{
	static _Thread_local uint8_t out[DA_BUF];
	struct lisp_ecm		 e, e2;
	struct rbuf		 b;
	struct wbuf		 w;
	const char		*err;

	rbuf_init(&b, p, n);
	if (ecm_decode(&b, &e, NULL) == -1)
		return NULL;
	st->ok[LISP_ECM]++;
	/* MS-RTR authentication data: what the decoder took stays inside
	 * the AD the ECM decoder framed */
	if (e.sec.len > 0) {
		struct msrtr_ad	 ad;
		const char	*why;

		if (msrtr_ad_decode(&e.sec, &ad, &why) == 0 &&
		    (ad.auth.p < e.sec.p ||
		    ad.auth.p + ad.auth.len > e.sec.p + e.sec.len))
			return "ms-rtr auth data outside the ecm's";
	}
	if (e.inner.len > DA_BUF - 100)
		return NULL;
	wbuf_init(&w, out, sizeof(out));
	ecm_encode(&w, e.flags, &e.src, &e.dst, e.sport, e.dport, e.inner.p,
	    e.inner.len);
	if (w.err)
		return "ecm re-encode failed";
	rbuf_init(&b, out, w.len);
	if (ecm_decode(&b, &e2, NULL) == -1)
		return "re-encoded ecm refused";
	if (e2.flags != (e.flags & ~ECM_S) || e2.ip_version != e.ip_version ||
	    !addr_equal(&e2.src, &e.src) || !addr_equal(&e2.dst, &e.dst) ||
	    e2.sport != e.sport || e2.dport != e.dport || e2.ttl != 64 ||
	    e2.inner.len != e.inner.len ||
	    memcmp(e2.inner.p, e.inner.p, e.inner.len) != 0)
		return "re-encoded ecm differs";
	if (udp_cksum(&e2.src, &e2.dst, e2.ip.p + (e2.ip_version == 4 ? 20 : 40),
	    e2.inner.len + 8) != 0)
		return "re-encoded ecm udp checksum wrong";
	if (depth < DA_ECM_DEPTH && e.inner.len > 0 &&
	    (err = da_decode_as(e.inner.p[0] >> 4, e.inner.p, e.inner.len,
	    depth + 1, st)) != NULL)
		return err;
	return NULL;
}

/* decode p as a message of the given type (whatever its type nibble) */
static const char *
da_decode_as(unsigned type, const uint8_t *p, size_t n, int depth,
    struct da_stats *st)
{
	static _Thread_local uint8_t out[DA_BUF];
	struct rbuf		 b;
	const char		*err;
	size_t			 m;
	int			 i;

	if (type > 15)
		return NULL;
	st->tried[type]++;
	rbuf_init(&b, p, n);
	switch (type) {
	case LISP_MAP_REQUEST: {
		struct lisp_map_request a, c;
		struct lisp_eid_prefix ep;
		struct rbuf recs;

		if (map_request_decode(&b, &a, NULL) == -1)
			return NULL;
		st->ok[type]++;
		if ((err = da_addr(&a.seid, 0)) != NULL)
			return err;
		for (i = 0; i < a.nitr; i++)
			if ((err = da_addr(&a.itr[i], 0)) != NULL)
				return err;
		recs = a.records;
		for (i = 0; i < a.nrecords; i++) {
			if (mreq_record_next(&recs, &ep) != 1)
				return "request record iterator failed";
			if ((err = da_addr(&ep.eid, 0)) != NULL)
				return err;
		}
		if (mreq_record_next(&recs, &ep) != 0)
			return "request records longer than count";
		if (a.has_reply && (err = da_records(a.reply, 1, 0)) != NULL)
			return err;
		if ((m = rt_map_request_encode(&a, out, sizeof(out))) == 0)
			return "map-request re-encode failed";
		rbuf_init(&b, out, m);
		if (map_request_decode(&b, &c, NULL) == -1)
			return "re-encoded map-request refused";
		return rt_map_request_same(&a, &c);
	}
	case LISP_MAP_REPLY: {
		struct lisp_map_reply a, c;

		if (map_reply_decode(&b, &a, NULL) == -1)
			return NULL;
		st->ok[type]++;
		if ((err = da_records(a.records, a.nrecords, 0)) != NULL)
			return err;
		if ((m = rt_map_reply_encode(&a, out, sizeof(out))) == 0)
			return "map-reply re-encode failed";
		rbuf_init(&b, out, m);
		if (map_reply_decode(&b, &c, NULL) == -1)
			return "re-encoded map-reply refused";
		return rt_map_reply_same(&a, &c);
	}
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY:
	case LISP_MAP_NOTIFY_ACK: {
		struct lisp_map_register a, c;

		if (map_register_decode(&b, &a, NULL) == -1)
			return NULL;
		st->ok[type]++;
		if ((err = da_records(a.records, a.nrecords, 0)) != NULL)
			return err;
		if ((m = rt_map_register_encode(&a, out, sizeof(out))) == 0)
			return "map-register re-encode failed";
		rbuf_init(&b, out, m);
		if (map_register_decode(&b, &c, NULL) == -1)
			return "re-encoded map-register refused";
		return rt_map_register_same(&a, &c);
	}
	case LISP_MAP_REFERRAL: {
		struct lisp_map_referral a, c;

		if (map_referral_decode(&b, &a, NULL) == -1)
			return NULL;
		st->ok[type]++;
		if ((err = da_records(a.records, a.nrecords, 1)) != NULL)
			return err;
		if ((m = rt_map_referral_encode(&a, out, sizeof(out))) == 0)
			return "map-referral re-encode failed";
		rbuf_init(&b, out, m);
		if (map_referral_decode(&b, &c, NULL) == -1)
			return "re-encoded map-referral refused";
		return rt_map_referral_same(&a, &c);
	}
	case LISP_INFO: {
		struct lisp_info a, c;

		if (info_decode(&b, &a, NULL) == -1)
			return NULL;
		st->ok[type]++;
		if ((err = da_addr2(&a.eid, &a.nat, 0)) != NULL)
			return err;
		if ((m = rt_info_encode(&a, out, sizeof(out))) == 0)
			return "info re-encode failed";
		rbuf_init(&b, out, m);
		if (info_decode(&b, &c, NULL) == -1)
			return "re-encoded info refused";
		return rt_info_same(&a, &c);
	}
	case LISP_ECM:
		return da_ecm(p, n, depth, st);
	default:
		return NULL;
	}
}

static inline const char *
da_decode_any(const uint8_t *p, size_t n, struct da_stats *st)
{
	if (n == 0)
		return NULL;
	return da_decode_as(p[0] >> 4, p, n, 0, st);
}

/* a data packet (UDP 4341 payload): the header decodes to the same fields
 * after encoding */
static inline const char *
da_data(const uint8_t *p, size_t n, struct da_stats *st)
{
	struct lisp_data_hdr	 h, h2;
	struct rbuf		 b;
	struct wbuf		 w;
	uint8_t			 out[LISP_DATA_HDR_LEN];

	st->data_tried++;
	rbuf_init(&b, p, n);
	if (data_hdr_decode(&b, &h, NULL) == -1) {
		if (n >= LISP_DATA_HDR_LEN)
			return "data header of 8 octets refused";
		return NULL;
	}
	st->data_ok++;
	if (n < LISP_DATA_HDR_LEN || b.len != n - LISP_DATA_HDR_LEN)
		return "data header length";
	wbuf_init(&w, out, sizeof(out));
	data_hdr_encode(&w, &h);
	rbuf_init(&b, out, w.len);
	if (w.err || data_hdr_decode(&b, &h2, NULL) == -1)
		return "data header re-encode";
	if (memcmp(&h, &h2, sizeof(h)) != 0)
		return "data header differs after re-encode";
	return NULL;
}

#endif
