/* the ETR's decapsulation of UDP 4341 payloads (and of the control
 * message a Data-Map-Notify carries) and the ITR's parsing of
 * packets from the TUN: no crash, and what decap accepts is consistent
 * (inner inside the input, TTL lowered to the outer one, IPv4 header
 * checksum still valid); ICMP too-big over the same bytes stays in bounds */
// fuzz-sources: locid/dataplane/encap.c
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane.h"

static uint16_t
sum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p, out[1600];
	struct decap d;
	struct rbuf u;
	struct lisp_map_register reg;
	struct ip_info ip;
	struct lisp_addr from4, from6;
	const char *why;
	int ttl, v4ok;

	if (size < 1)
		return 0;
	ttl = data[0];
	data++;
	size--;
	if ((p = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(p, data, size);
	v4ok = size > LISP_DATA_HDR_LEN + 20 && (p[LISP_DATA_HDR_LEN] >> 4) == 4 &&
	    LISP_DATA_HDR_LEN + (size_t)(p[LISP_DATA_HDR_LEN] & 0xf) * 4 <= size &&
	    sum(p + LISP_DATA_HDR_LEN, (size_t)(p[LISP_DATA_HDR_LEN] & 0xf) * 4) == 0xffff;
	if (decap_parse(p, size, ttl, &d, &why) == 0) {
		if (d.inner < p || d.inner + d.len > p + size || d.len == 0)
			abort();
		if (d.ip.ttl > ttl || d.ip.ttl == 0)
			abort();
		if (d.ip.version == 4 && v4ok && sum(d.inner, (size_t)(d.inner[0] & 0xf) * 4) != 0xffff)
			abort();
		/* a control message inside (Data-Map-Notify): within the inner
		 * packet, and the Map-Notify decoder over it */
		why = NULL;
		if (decap_udp_payload(&d, &u, &why) == 0) {
			if (u.p < d.inner || u.p + u.len > d.inner + d.len)
				abort();
			(void)map_register_decode(&u, &reg, NULL);
		} else if (why == NULL)
			abort();
	} else if (why == NULL)
		abort();
	if (ip_parse(data, size, &ip, &why) == 0) {
		if (ip.len > size)
			abort();
		(void)flow_hash(&ip);
		addr_parse(&from4, "203.0.113.1");
		addr_parse(&from6, "2001:db8::1");
		if (icmp_too_big(out, sizeof(out), data, size, ip.version == 4 ? &from4 : &from6,
		    1280) > sizeof(out))
			abort();
	}
	free(p);
	return 0;
}
