/* what the DDT Map-Resolver tests share (test_role_ddt.c,
 * test_role_ddtsig.c): an ITR's Map-Request to the resolver, and the check
 * that what it sent on is a DDT Map-Request. included after fakecore.h
 * and rolemsg.h; ITR is the test's ITR-RLOC */
#ifndef TESTS_DDTMSG_H
#define TESTS_DDTMSG_H

/* an ITR's Map-Request to the MR; the one message it made */
static const struct fake_sent *
itr_request(const char *eid, uint64_t nonce)
{
	uint8_t	buf[1024];
	size_t	len = rm_request(eid, 0, ITR, 40000, nonce, 0, buf, sizeof(buf),
	    NULL, NULL);

	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
	assert_int_equal(fake_nsent(), 1);
	return fake_sent_get(0);
}

/* a DDT Map-Request (ECM with D) to dst */
static void
assert_ddt_to(const struct fake_sent *s, const char *dst)
{
	char want[80];

	snprintf(want, sizeof(want), "%s:4342", dst);
	assert_string_equal(fake_dst_fmt(s), want);
	assert_int_equal(s->buf[0] >> 4, LISP_ECM);
	assert_true(get_u32(s->buf) & ECM_D);
}

#endif
