/* addr_decode on arbitrary octets: a decoded address must re-encode to the
 * octets it consumed (Rsvd1 aside), a known LCAF must pass its typed
 * decoder, and a text prefix must survive fmt -> parse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "lcaf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_typed(const struct lisp_addr *a)
{
	struct lcaf_list l;
	struct lcaf_elp e;
	struct lcaf_elp_hop h;
	struct lcaf_rle r;
	struct lcaf_rle_entry re;
	struct lisp_addr it;
	union {
		struct lcaf_asn asn;
		struct lcaf_geo geo;
		struct lcaf_nat nat;
		struct lcaf_mcast mcast;
		struct lcaf_seckey seckey;
		struct lcaf_srcdst srcdst;
		struct lcaf_json json;
		struct lcaf_kv kv;
		struct lcaf_app app;
	} u;
	int rc = 0, n;

	switch (a->lcaf_type) {
	case LCAF_AFI_LIST:
		if ((rc = lcaf_list_decode(a, &l)) == 0) {
			while ((n = lcaf_list_next(&l, &it)) == 1)
				;
			if (n == -1)
				abort();
		}
		break;
	case LCAF_ASN:
		rc = lcaf_asn_decode(a, &u.asn);
		break;
	case LCAF_GEO:
		rc = lcaf_geo_decode(a, &u.geo);
		break;
	case LCAF_NAT:
		rc = lcaf_nat_decode(a, &u.nat);
		break;
	case LCAF_MCAST:
		rc = lcaf_mcast_decode(a, &u.mcast);
		break;
	case LCAF_ELP:
		if ((rc = lcaf_elp_decode(a, &e)) == 0) {
			while ((n = lcaf_elp_next(&e, &h)) == 1)
				;
			if (n == -1)
				abort();
		}
		break;
	case LCAF_SECKEY:
		rc = lcaf_seckey_decode(a, &u.seckey);
		break;
	case LCAF_SRCDST:
		rc = lcaf_srcdst_decode(a, &u.srcdst);
		break;
	case LCAF_RLE:
		if ((rc = lcaf_rle_decode(a, &r)) == 0) {
			while ((n = lcaf_rle_next(&r, &re)) == 1)
				;
			if (n == -1)
				abort();
		}
		break;
	case LCAF_JSON:
		rc = lcaf_json_decode(a, &u.json);
		break;
	case LCAF_KV:
		rc = lcaf_kv_decode(a, &u.kv);
		break;
	case LCAF_APPDATA:
		rc = lcaf_app_decode(a, &u.app);
		break;
	case LCAF_NULL:		/* no body to decode */
		break;
	default:
		/* a type lib validates that this target does not check */
		if (lcaf_type_known(a->lcaf_type))
			abort();
		break;
	}
	/* addr_decode validated the body, so the typed decoder must agree */
	if (rc != 0)
		abort();
}

static void
check_wire(const uint8_t *data, size_t size)
{
	uint8_t want[2048 + 16], out[2048 + 16];
	char text[ADDR_STRLEN];
	struct lisp_addr a, b2;
	struct rbuf b;
	struct wbuf w;
	const char *why = NULL;
	size_t used;

	rbuf_init(&b, data, size);
	if (addr_decode(&b, &a, 0, &why) == -1) {
		if (why == NULL || b.p != data || b.len != size)
			abort();
		return;
	}
	used = size - b.len;
	if (used > sizeof(want) || addr_wire_len(&a) != used)
		abort();

	/* expected bytes: the input with Rsvd1 of the LCAF headers we
	 * rewrite (the outer one, and the one inside an IID) set to 0 */
	memcpy(want, data, used);
	if (used >= 8 && get_u16(want) == AFI_LCAF) {
		want[2] = 0;
		if (a.has_iid && used >= 20 && get_u16(want + 12) == AFI_LCAF)
			want[14] = 0;
	}
	wbuf_init(&w, out, sizeof(out));
	addr_encode(&w, &a);
	if (w.err || w.len != used || memcmp(out, want, used) != 0)
		abort();

	/* and the re-encoded bytes decode to the same address */
	rbuf_init(&b, out, w.len);
	if (addr_decode(&b, &b2, 0, &why) == -1 || b.len != 0 ||
	    !addr_equal(&a, &b2) || addr_cmp(&b2, &a) != 0)
		abort();

	addr_fmt(&a, text, sizeof(text));
	if (strlen(text) >= sizeof(text))
		abort();
	if (a.afi == AFI_LCAF && a.known)
		check_typed(&a);
}

static void
check_text(const uint8_t *data, size_t size)
{
	char s[80], text[ADDR_STRLEN];
	struct lisp_addr a, b;
	int mlen, mlen2;

	if (size >= sizeof(s))
		size = sizeof(s) - 1;
	memcpy(s, data, size);
	s[size] = '\0';
	if (prefix_parse(s, &a, &mlen) == -1)
		return;
	if (mlen < 0 || mlen > addr_bits(&a))
		abort();
	prefix_fmt(&a, mlen, text, sizeof(text));
	if (prefix_parse(text, &b, &mlen2) == -1 || mlen2 != mlen ||
	    !addr_equal(&a, &b))
		abort();
	if (!addr_prefix_covers(&a, mlen, &b))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_wire(data, size);
	check_text(data, size);
	return 0;
}
