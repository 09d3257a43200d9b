/* Map-Server / Map-Resolver of locid over real UDP sockets: the daemon runs
 * in this process (its event loop is pumped by the test) inside a private
 * network namespace, so port 4342 and 127.0.0.0/8 are ours alone. */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>
#include <cmocka.h>

#include "auth.h"
#include "core.h"
#include "locid.h"
#include "trie.h"

#define MS_ADDR		"127.0.0.1"
#define ETR_RLOC	"127.0.0.5"
#define KEY1		"s3cret-1"
#define KEY2		"s3cret-2"
#define WITHDRAW	0xffffffffu	/* reg_spec.ttl: send Record TTL 0 */

static char conf_path[128], sock_path[128];
static struct locid L;
static struct locid MR;		/* a Map-Resolver that is not the MS */
static int mr_up;
static char mr_conf_path[128], mr_sock_path[128];
static int netns_ok;

static const char *conf_text =
    "role map-server\n"
    "role map-resolver\n"
    "control \"%s\"\n"
    "listen 127.0.0.1\n"
    "log-rate 100\n"
    "strict-register-nonce yes\n"
    "timers {\n"
    "	registration-ttl %d\n"
    "	negative-ttl 15\n"
    "	unregistered-ttl 1\n"
    "	map-cache-ttl 1440\n"
    "}\n"
    "site lisp1 {\n"
    "	key 0 sha256 \"" KEY1 "\"\n"
    "	eid-prefix 198.18.1.0/24\n"
    "	eid-prefix 2001:db8:1::/48 accept-more-specifics\n"
    "	eid-prefix [100]198.18.1.0/24\n"
    "	eid-prefix [100]2001:db8:100::/48\n"
    "}\n"
    "site lisp2 {\n"
    "	key 0 sha256 \"" KEY2 "\"\n"
    "	eid-prefix 198.18.2.0/24\n"
    "	eid-prefix 10.0.0.0/8\n"
    "	eid-prefix 172.16.1.0/24\n"
    "	eid-prefix 192.168.0.0/16\n"
    "	proxy-reply\n"
    "}\n"
    "%s";

static void
write_conf(int regttl, const char *extra)
{
	FILE *f = fopen(conf_path, "w");

	assert_non_null(f);
	fprintf(f, conf_text, sock_path, regttl, extra);
	fclose(f);
}

/* -- helpers --------------------------------------------------------- */

static void
loop_once(void)
{
	event_base_loop(L.base, EVLOOP_NONBLOCK);
	if (mr_up)
		event_base_loop(MR.base, EVLOOP_NONBLOCK);
}

static void
pump(int ms)
{
	int i;

	for (i = 0; i < ms; i++) {
		loop_once();
		usleep(1000);
	}
	loop_once();
}

static int
client_socket(const char *addr, uint16_t port)
{
	struct sockaddr_in	sin;
	int			fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int			on = 1;

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

static uint16_t
local_port(int fd)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	getsockname(fd, (struct sockaddr *)&sin, &len);
	return ntohs(sin.sin_port);
}

static const char *dest_addr = MS_ADDR;	/* where send_to_ms sends */

static void
send_to_ms(int fd, const void *buf, size_t len)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(LISP_CONTROL_PORT);
	inet_pton(AF_INET, dest_addr, &sin.sin_addr);
	assert_int_equal(sendto(fd, buf, len, 0, (struct sockaddr *)&sin,
	    sizeof(sin)), (ssize_t)len);
}

/* pump the daemon until fd has a datagram or wait_ms passed */
static ssize_t
recv_reply(int fd, uint8_t *buf, size_t cap, int wait_ms)
{
	ssize_t n;
	int i;

	for (i = 0; i < wait_ms; i++) {
		loop_once();
		if ((n = recv(fd, buf, cap, MSG_DONTWAIT)) > 0)
			return n;
		usleep(1000);
	}
	return -1;
}

/* the complete reply to a request: a single reply line, or a streamed
 * reply (header, item lines, end line) gathered into an array */
static int
reply_done(const char *buf, size_t len)
{
	const char *nl = memchr(buf, '\n', len);

	if (nl == NULL)
		return 0;
	if (strstr(buf, "\"stream\":true") == NULL || strstr(buf, "\"stream\":true") > nl)
		return 1;
	return strstr(buf, "{\"end\":true") != NULL && buf[len - 1] == '\n';
}

/* a request over the control socket (protocol v1), the loop pumped while
 * waiting */
static json_t *
ctl(const char *cmd, json_t *args)
{
	struct sockaddr_un	 sun;
	json_t			*req = json_object(), *rep, *res, *line;
	static char		 buf[1 << 20];
	char			*s, *p, *nl;
	size_t			 len = 0;
	ssize_t			 n;
	int			 fd, i;

	json_object_set_new(req, "v", json_integer(1));
	json_object_set_new(req, "cmd", json_string(cmd));
	json_object_set_new(req, "args", args != NULL ? args : json_object());
	s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	assert_int_equal(write(fd, "\n", 1), 1);
	free(s);
	for (i = 0; i < 2000; i++) {
		event_base_loop(L.base, EVLOOP_NONBLOCK);
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n > 0) {
			len += (size_t)n;
			buf[len] = '\0';
			if (reply_done(buf, len))
				break;
		}
		usleep(500);
	}
	close(fd);
	assert_true(reply_done(buf, len));
	nl = strchr(buf, '\n');
	*nl = '\0';
	rep = json_loads(buf, 0, NULL);
	assert_non_null(rep);
	assert_int_equal(json_integer_value(json_object_get(rep, "v")), 1);
	if (!json_is_true(json_object_get(rep, "ok"))) {
		json_decref(rep);
		return NULL;
	}
	if (!json_is_true(json_object_get(rep, "stream"))) {
		res = json_incref(json_object_get(rep, "result"));
		json_decref(rep);
		return res;
	}
	json_decref(rep);
	res = json_array();
	for (p = nl + 1; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		assert_non_null(line = json_loads(p, 0, NULL));
		if (json_is_true(json_object_get(line, "end"))) {
			assert_int_equal(json_integer_value(json_object_get(line, "count")),
			    json_array_size(res));
			assert_null(json_object_get(line, "error"));
			json_decref(line);
			return res;
		}
		json_array_append(res, json_object_get(line, "item"));
		json_decref(line);
	}
	fail_msg("stream without an end line");
	return NULL;
}

/* the show-site row of a prefix */
static json_t *
site_row(json_t *rows, const char *prefix)
{
	size_t	 i;
	json_t	*r;

	json_array_foreach(rows, i, r)
		if (strcmp(json_string_value(json_object_get(r, "eid_prefix")),
		    prefix) == 0)
			return r;
	return NULL;
}

static int
is_registered(const char *prefix)
{
	json_t	*rows = ctl("show site", NULL), *r;
	int	 reg;

	assert_non_null(rows);
	r = site_row(rows, prefix);
	reg = r != NULL && json_is_true(json_object_get(r, "registered"));
	json_decref(rows);
	return reg;
}

static uint64_t
drops(const char *reason)
{
	json_t		*st = ctl("show stats", NULL);
	uint64_t	 n;

	assert_non_null(st);
	n = (uint64_t)json_integer_value(json_object_get(
	    json_object_get(st, "drops"), reason));
	json_decref(st);
	return n;
}

struct reg_spec {
	const char	*prefix;	/* "198.18.1.0/24" */
	const char	*rloc;
	uint32_t	 flags;		/* MREG_* */
	uint64_t	 nonce;
	const char	*key;
	int		 xtr;		/* add xTR-ID 0x11.. and Site-ID 7 */
	uint32_t	 ttl;
	const char	*rloc2;		/* a second RLOC, or NULL */
};

static size_t
build_register(const struct reg_spec *s, uint8_t *buf, size_t cap)
{
	struct lisp_map_register	 mr;
	struct lisp_record		 rec;
	struct lisp_rloc		 loc;
	struct wbuf			 w;
	int				 mlen;

	memset(&mr, 0, sizeof(mr));
	mr.type = LISP_MAP_REGISTER;
	mr.flags = s->flags;
	mr.nonce = s->nonce;
	mr.key_id = 0;
	mr.alg_id = ALG_HMAC_SHA256_128;
	mr.auth_len = 32;
	mr.nrecords = 1;
	mr.has_ids = (uint8_t)s->xtr;
	memset(mr.xtr_id, 0x11, XTR_ID_LEN);
	mr.site_id = 7;
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(prefix_parse(s->prefix, &rec.eid, &mlen), 0);
	rec.eid_mlen = (uint8_t)mlen;
	rec.ttl = s->ttl == WITHDRAW ? 0 : s->ttl ? s->ttl : 1440;
	rec.auth = 1;
	rec.nrlocs = s->rloc2 != NULL ? 2 : 1;
	memset(&loc, 0, sizeof(loc));
	loc.priority = 1;
	loc.weight = 100;
	loc.mpriority = 255;
	loc.flags = RLOC_L | RLOC_R;
	assert_int_equal(addr_parse(&loc.addr, s->rloc), 0);
	wbuf_init(&w, buf, cap);
	map_register_encode_hdr(&w, &mr);
	record_encode(&w, &rec);
	rloc_encode(&w, &loc);
	if (s->rloc2 != NULL) {
		assert_int_equal(addr_parse(&loc.addr, s->rloc2), 0);
		rloc_encode(&w, &loc);
	}
	map_register_encode_trailer(&w, &mr);
	assert_false(w.err);
	assert_int_equal(auth_sign(ALG_HMAC_SHA256_128, s->key, strlen(s->key),
	    buf, w.len, MREG_AUTH_OFF, 32), 0);
	return w.len;
}

static const char *reg_src = "127.0.0.1";	/* where do_register sends from */

/* send a Map-Register with M set; 1 when a Map-Notify came back */
static int
do_register(const struct reg_spec *s, uint8_t *notify, ssize_t *nlen)
{
	uint8_t	 buf[512], rbuf_[1500];
	size_t	 len = build_register(s, buf, sizeof(buf));
	int	 fd = client_socket(reg_src, 0);
	ssize_t	 n;

	send_to_ms(fd, buf, len);
	n = recv_reply(fd, rbuf_, sizeof(rbuf_), (s->flags & MREG_M) ? 1000 : 100);
	close(fd);
	if (n > 0 && notify != NULL) {
		memcpy(notify, rbuf_, (size_t)n);
		*nlen = n;
	}
	return n > 0;
}

/* -- setup ----------------------------------------------------------- */

static int
lo_up(void)
{
	struct ifreq	ifr;
	int		fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1)
		return -1;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) == -1)
		return -1;
	close(fd);
	return 0;
}

static int
group_setup(void **state)
{
	struct conf	*c;
	char		 err[256];

	if (unshare(CLONE_NEWNET) == -1 || lo_up() == -1) {
		fprintf(stderr, "no private network namespace: skipping\n");
		return 0;
	}
	netns_ok = 1;
	snprintf(conf_path, sizeof(conf_path), "/tmp/test_locid_ms.%d.conf", getpid());
	snprintf(sock_path, sizeof(sock_path), "/tmp/test_locid_ms.%d.sock", getpid());
	write_conf(2, "");
	log_init(0, "test_locid_ms");
	c = conf_load(conf_path, err, sizeof(err));
	if (c == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(c);
	memset(&L, 0, sizeof(L));
	assert_int_equal(locid_start(&L, c, conf_path), 0);
	assert_non_null(core_role(&L, "map-server"));
	assert_non_null(core_role(&L, "map-resolver"));
	return 0;
}

static int
group_teardown(void **state)
{
	if (mr_up)
		locid_stop(&MR);
	if (netns_ok)
		locid_stop(&L);
	unlink(conf_path);
	unlink(mr_conf_path);
	return 0;
}

#define NEED_NETNS()	do { if (!netns_ok) skip(); } while (0)

/* -- registration ---------------------------------------------------- */

static void
test_register_valid_and_notify(void **state)
{
	struct reg_spec	 s = { "198.18.1.0/24", ETR_RLOC, MREG_M, 1, KEY1, 1, 0, NULL };
	uint8_t		 sent[512], notify[1500];
	ssize_t		 nlen = 0;
	size_t		 slen;
	json_t		*rows, *r;
	struct rbuf	 b;
	struct lisp_map_register n;
	struct msg_err	 err;

	NEED_NETNS();
	assert_false(is_registered("198.18.1.0/24"));
	assert_true(do_register(&s, notify, &nlen));
	/* the Map-Notify: same nonce, same records and IDs, signed with the key */
	rbuf_init(&b, notify, (size_t)nlen);
	assert_int_equal(map_register_decode(&b, &n, &err), 0);
	assert_int_equal(n.type, LISP_MAP_NOTIFY);
	assert_int_equal(n.nonce, 1);
	assert_int_equal(n.nrecords, 1);
	assert_true(n.has_ids);
	assert_int_equal(n.site_id, 7);
	assert_int_equal(n.auth_len, 32);
	assert_int_equal(auth_verify(ALG_HMAC_SHA256_128, KEY1, strlen(KEY1),
	    notify, (size_t)nlen, MREG_AUTH_OFF, 32), 1);
	assert_int_equal(auth_verify(ALG_HMAC_SHA256_128, KEY2, strlen(KEY2),
	    notify, (size_t)nlen, MREG_AUTH_OFF, 32), 0);
	slen = build_register(&s, sent, sizeof(sent));
	/* records + trailer identical to the Map-Register's */
	assert_int_equal((size_t)nlen, slen);
	assert_memory_equal(notify + 48, sent + 48, slen - 48);

	rows = ctl("show site", json_pack("{s:b}", "detail", 1));
	assert_non_null(rows);
	r = site_row(rows, "198.18.1.0/24");
	assert_non_null(r);
	assert_true(json_is_true(json_object_get(r, "registered")));
	assert_string_equal(json_string_value(json_object_get(r, "site")), "lisp1");
	assert_string_equal(json_string_value(json_object_get(r,
	    "who_last_registered")), "127.0.0.1");
	r = json_array_get(json_object_get(r, "details"), 0);
	assert_string_equal(json_string_value(json_object_get(r, "xtr_id")),
	    "0x11111111111111111111111111111111");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(json_object_get(r, "locators"), 0), "address")), ETR_RLOC);
	json_decref(rows);
}

static void
test_register_refusals(void **state)
{
	struct reg_spec	 bad_key = { "198.18.1.0/24", ETR_RLOC, MREG_M, 10, "wrong", 0, 0, NULL };
	struct reg_spec	 outside = { "198.18.9.0/24", ETR_RLOC, MREG_M, 11, KEY1, 0, 0, NULL };
	struct reg_spec	 more_no = { "198.18.1.128/25", ETR_RLOC, MREG_M, 12, KEY1, 0, 0, NULL };
	struct reg_spec	 more_ok = { "2001:db8:1:5::/64", ETR_RLOC, MREG_M, 13, KEY1, 0, 0, NULL };
	struct reg_spec	 other = { "198.18.2.0/24", ETR_RLOC, MREG_M, 14, KEY1, 0, 0, NULL };
	json_t		*rows, *r;

	NEED_NETNS();
	assert_false(do_register(&bad_key, NULL, NULL));
	assert_int_equal(drops("map-register: bad hmac"), 1);
	assert_false(do_register(&outside, NULL, NULL));
	assert_int_equal(drops("map-register: unknown site"), 1);
	assert_false(do_register(&more_no, NULL, NULL));
	assert_int_equal(drops("map-register: more-specific not accepted"), 1);
	/* lisp1's key for lisp2's prefix */
	assert_false(do_register(&other, NULL, NULL));
	assert_int_equal(drops("map-register: bad hmac"), 2);
	assert_false(is_registered("198.18.2.0/24"));
	assert_false(is_registered("198.18.1.128/25"));

	assert_true(do_register(&more_ok, NULL, NULL));
	rows = ctl("show site", json_pack("{s:s, s:b}", "name", "lisp1", "detail", 1));
	assert_non_null(rows);
	r = site_row(rows, "2001:db8:1:5::/64");
	assert_non_null(r);
	assert_false(json_is_true(json_object_get(r, "configured")));
	assert_true(json_is_true(json_object_get(r, "registered")));
	/* the refusals are counted per site */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    r, "site_refused"), "bad authentication data")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    r, "site_refused"), "more-specific eid-prefix not accepted")), 1);
	json_decref(rows);
	assert_null(ctl("show site", json_pack("{s:s}", "name", "nosuch")));
}

static void
test_register_replay(void **state)
{
	struct reg_spec	 s = { "[100]198.18.1.0/24", ETR_RLOC, MREG_M, 100, KEY1, 1, 0, NULL };

	NEED_NETNS();
	assert_true(do_register(&s, NULL, NULL));
	assert_false(do_register(&s, NULL, NULL));	/* same nonce */
	assert_int_equal(drops("map-register: replayed nonce"), 1);
	s.nonce = 99;
	assert_false(do_register(&s, NULL, NULL));
	assert_int_equal(drops("map-register: replayed nonce"), 2);
	s.nonce = 101;
	assert_true(do_register(&s, NULL, NULL));
	/* withdraw it again: Record TTL 0 */
	s.nonce = 102;
	s.ttl = WITHDRAW;
	s.flags = 0;
	do_register(&s, NULL, NULL);
	assert_false(is_registered("[100]198.18.1.0/24"));
}

static void
test_expiry(void **state)
{
	struct reg_spec	 s = { "198.18.2.0/24", "127.0.0.6", MREG_M, 1, KEY2, 0, 0, NULL };
	int		 i;

	NEED_NETNS();
	assert_true(do_register(&s, NULL, NULL));
	assert_true(is_registered("198.18.2.0/24"));
	/* registration-ttl is 2 s: gone within 4 s */
	for (i = 0; i < 40 && is_registered("198.18.2.0/24"); i++)
		pump(100);
	assert_false(is_registered("198.18.2.0/24"));
	assert_true(i >= 10);	/* not before ~1 s */
}

/* -- resolution ------------------------------------------------------ */

static size_t
build_ecm_request(const char *eid, int mlen, uint16_t sport, uint64_t nonce,
    uint32_t flags, uint8_t *buf, size_t cap, uint8_t *inner, size_t *ilen)
{
	struct lisp_map_request	 mr;
	struct lisp_eid_prefix	 ep;
	struct lisp_addr	 src, dst;
	struct wbuf		 w;

	memset(&mr, 0, sizeof(mr));
	mr.flags = flags;
	mr.nonce = nonce;
	addr_set_none(&mr.seid);
	mr.nitr = 1;
	assert_int_equal(addr_parse(&mr.itr[0], "127.0.0.1"), 0);
	mr.nrecords = 1;
	memset(&ep, 0, sizeof(ep));
	assert_int_equal(addr_parse(&ep.eid, eid), 0);
	ep.mlen = (uint8_t)(mlen ? mlen : addr_bits(&ep.eid));
	wbuf_init(&w, inner, 512);
	map_request_encode_hdr(&w, &mr);
	mreq_record_encode(&w, &ep);
	map_request_encode_trailer(&w, &mr);
	assert_false(w.err);
	*ilen = w.len;
	if (buf == NULL)
		return w.len;
	dst = ep.eid;
	dst.has_iid = 0;
	if (dst.afi == AFI_IPV4)
		src = mr.itr[0];
	else
		assert_int_equal(addr_parse(&src, "::1"), 0);
	wbuf_init(&w, buf, cap);
	ecm_encode(&w, 0, &src, &dst, sport, LISP_CONTROL_PORT, inner, *ilen);
	assert_false(w.err);
	return w.len;
}

struct answer {
	uint64_t	 nonce;
	int		 nrecords;
	struct lisp_record rec;
	struct lisp_rloc locs[8];
	int		 nlocs;
	char		 prefix[ADDR_STRLEN];
	uint8_t		 raw[1500];
};

/* ECM Map-Request for eid; 1 with the decoded Map-Reply */
static int
resolve(const char *eid, struct answer *a)
{
	uint8_t			 buf[1024], inner[512];
	size_t			 len, ilen;
	int			 fd = client_socket("127.0.0.1", 0);
	ssize_t			 n;
	struct rbuf		 b, rl;
	struct lisp_map_reply	 rep;
	struct msg_err		 err;
	static uint64_t		 nonce = 0x1000;

	nonce++;
	len = build_ecm_request(eid, 0, local_port(fd), nonce, 0, buf,
	    sizeof(buf), inner, &ilen);
	send_to_ms(fd, buf, len);
	n = recv_reply(fd, a->raw, sizeof(a->raw), 1000);
	close(fd);
	if (n <= 0)
		return 0;
	rbuf_init(&b, a->raw, (size_t)n);
	assert_int_equal(map_reply_decode(&b, &rep, &err), 0);
	assert_int_equal(rep.nonce, nonce);
	a->nonce = rep.nonce;
	a->nrecords = rep.nrecords;
	b = rep.records;
	assert_int_equal(record_next(&b, &a->rec), 1);
	prefix_fmt(&a->rec.eid, a->rec.eid_mlen, a->prefix, sizeof(a->prefix));
	rl = a->rec.rlocs;
	for (a->nlocs = 0; a->nlocs < 8 && rloc_next(&rl, &a->locs[a->nlocs]) == 1;)
		a->nlocs++;
	return 1;
}

/* an ECM whose inner request is addressed to this node: dropped by the
 * core, counted (issue 9 item 3) */
static void
test_ecm_to_ourselves(void **state)
{
	struct answer	 a;
	uint64_t	 d0;

	NEED_NETNS();
	d0 = drops("ecm: inner destination is this node");
	assert_false(resolve("127.0.0.1", &a));
	assert_int_equal(drops("ecm: inner destination is this node"), d0 + 1);
}

static void
test_proxy_reply(void **state)
{
	struct reg_spec	 s1 = { "198.18.2.0/24", "127.0.0.7", 0, 1, KEY2, 0, 0, NULL };
	struct answer	 a;
	char		 x[ADDR_STRLEN];

	NEED_NETNS();
	/* lisp2 forces proxy-reply; two ETRs (by source address) merge */
	assert_false(do_register(&s1, NULL, NULL));
	assert_true(is_registered("198.18.2.0/24"));
	assert_true(resolve("198.18.2.10", &a));
	assert_string_equal(a.prefix, "198.18.2.0/24");
	assert_int_equal(a.rec.ttl, 1440);
	assert_int_equal(a.rec.auth, 0);
	assert_int_equal(a.nlocs, 1);
	assert_string_equal(addr_fmt(&a.locs[0].addr, x, sizeof(x)), "127.0.0.7");
	assert_int_equal(a.locs[0].flags & RLOC_L, 0);
	assert_int_equal(a.locs[0].flags & RLOC_R, RLOC_R);
	assert_int_equal(a.locs[0].priority, 1);
	assert_int_equal(a.locs[0].weight, 100);
}

/* the RLOCs of an answer, "a b c" */
static const char *
answer_rlocs(const struct answer *a, char *buf, size_t len)
{
	char	 x[ADDR_STRLEN];
	int	 i;

	buf[0] = '\0';
	for (i = 0; i < a->nlocs; i++) {
		if (i > 0)
			strncat(buf, " ", len - strlen(buf) - 1);
		strncat(buf, addr_fmt(&a->locs[i].addr, x, sizeof(x)),
		    len - strlen(buf) - 1);
	}
	return buf;
}

/* live registrations of a prefix in "show site" */
static int
registrations(const char *prefix)
{
	json_t	*rows = ctl("show site", NULL), *r;
	int	 n;

	assert_non_null(rows);
	r = site_row(rows, prefix);
	assert_non_null(r);
	n = (int)json_integer_value(json_object_get(r, "registrations"));
	json_decref(rows);
	return n;
}

/* several ETRs of one prefix (the first stored inside the prefix entry,
 * the others apart): merged in proxy replies, withdrawn, refreshed with
 * another RLOC-set size, and expired */
static void
test_several_etrs(void **state)
{
	struct reg_spec	 a = { "172.16.1.0/24", "127.0.0.7", 0, 1, KEY2, 0, 0, NULL };
	struct reg_spec	 b = { "172.16.1.0/24", "127.0.0.8", 0, 1, KEY2, 1, 0, NULL };
	struct reg_spec	 c = { "172.16.1.0/24", "127.0.0.9", 0, 1, KEY2, 0, 0, NULL };
	struct answer	 ans;
	char		 l[256];
	json_t		*rows, *r, *d;
	int		 i;

	NEED_NETNS();
	do_register(&a, NULL, NULL);		/* from 127.0.0.1 */
	do_register(&b, NULL, NULL);		/* xTR-ID 0x11.. */
	reg_src = "127.0.0.31";
	do_register(&c, NULL, NULL);
	reg_src = "127.0.0.1";
	assert_int_equal(registrations("172.16.1.0/24"), 3);
	assert_true(resolve("172.16.1.5", &ans));
	assert_string_equal(ans.prefix, "172.16.1.0/24");
	assert_string_equal(answer_rlocs(&ans, l, sizeof(l)),
	    "127.0.0.7 127.0.0.8 127.0.0.9");

	/* the detail view tells the three apart */
	rows = ctl("show site", json_pack("{s:s, s:b}", "name", "lisp2", "detail", 1));
	assert_non_null(rows);
	r = site_row(rows, "172.16.1.0/24");
	assert_non_null(r);
	d = json_object_get(r, "details");
	assert_int_equal(json_array_size(d), 3);
	for (i = 0; i < 3; i++) {
		json_t *e = json_array_get(d, (size_t)i);
		const char *rl = json_string_value(json_object_get(json_array_get(
		    json_object_get(e, "locators"), 0), "address"));

		if (strcmp(rl, "127.0.0.8") == 0) {
			assert_string_equal(json_string_value(json_object_get(e,
			    "xtr_id")), "0x11111111111111111111111111111111");
			assert_int_equal(json_integer_value(json_object_get(e,
			    "site_id")), 7);
		} else
			assert_null(json_object_get(e, "xtr_id"));
		assert_string_equal(json_string_value(json_object_get(e, "source")),
		    strcmp(rl, "127.0.0.9") == 0 ? "127.0.0.31" : "127.0.0.1");
	}
	json_decref(rows);

	/* the first one withdraws: the others stay */
	a.ttl = WITHDRAW;
	a.nonce = 2;
	do_register(&a, NULL, NULL);
	assert_int_equal(registrations("172.16.1.0/24"), 2);
	assert_true(resolve("172.16.1.5", &ans));
	assert_string_equal(answer_rlocs(&ans, l, sizeof(l)), "127.0.0.8 127.0.0.9");

	/* and comes back with two RLOCs; the xTR-ID one grows to two */
	a.ttl = 0;
	a.nonce = 3;
	a.rloc2 = "127.0.0.17";
	do_register(&a, NULL, NULL);
	b.nonce = 2;
	b.rloc2 = "127.0.0.18";
	do_register(&b, NULL, NULL);
	assert_int_equal(registrations("172.16.1.0/24"), 3);
	assert_true(resolve("172.16.1.5", &ans));
	assert_string_equal(answer_rlocs(&ans, l, sizeof(l)),
	    "127.0.0.7 127.0.0.8 127.0.0.9 127.0.0.17 127.0.0.18");
	/* a refresh of the same size changes the set in place */
	c.nonce = 2;
	c.rloc = "127.0.0.10";
	reg_src = "127.0.0.31";
	do_register(&c, NULL, NULL);
	reg_src = "127.0.0.1";
	assert_int_equal(registrations("172.16.1.0/24"), 3);
	assert_true(resolve("172.16.1.5", &ans));
	assert_string_equal(answer_rlocs(&ans, l, sizeof(l)),
	    "127.0.0.7 127.0.0.8 127.0.0.10 127.0.0.17 127.0.0.18");

	/* the one apart withdraws, then the rest expire (registration-ttl 2 s) */
	b.ttl = WITHDRAW;
	b.nonce = 3;
	do_register(&b, NULL, NULL);
	assert_int_equal(registrations("172.16.1.0/24"), 2);
	for (i = 0; i < 40 && is_registered("172.16.1.0/24"); i++)
		pump(100);
	assert_false(is_registered("172.16.1.0/24"));
	assert_true(resolve("172.16.1.5", &ans));
	assert_int_equal(ans.rec.ttl, 1);		/* configured, unregistered */
	assert_int_equal(ans.nlocs, 0);
}

/* many requests arriving at once are answered from the send queue: every
 * one, in order, each counted once */
static void
test_batched_replies(void **state)
{
	enum { N = 200 };
	uint8_t			 buf[1024], inner[512], got[1500];
	size_t			 len, ilen;
	int			 fd, i, k, n = 0;
	uint64_t		 tx0 = L.core->stats.tx[LISP_MAP_REPLY];
	ssize_t			 r;
	struct rbuf		 b;
	struct lisp_map_reply	 rep;
	struct lisp_record	 rec;
	struct msg_err		 err;
	char			 pfx[ADDR_STRLEN];

	NEED_NETNS();
	fd = client_socket("127.0.0.1", 0);
	for (i = 0; i < N; i++) {
		len = build_ecm_request(i % 2 ? "1.2.3.4" : "100.1.1.1", 0,
		    local_port(fd), 0x5000 + (uint64_t)i, 0, buf, sizeof(buf),
		    inner, &ilen);
		send_to_ms(fd, buf, len);
	}
	for (k = 0; k < 2000 && n < N; k++) {
		loop_once();
		while (n < N && (r = recv(fd, got, sizeof(got), MSG_DONTWAIT)) > 0) {
			rbuf_init(&b, got, (size_t)r);
			assert_int_equal(map_reply_decode(&b, &rep, &err), 0);
			assert_int_equal(rep.nonce, 0x5000 + (uint64_t)n);
			b = rep.records;
			assert_int_equal(record_next(&b, &rec), 1);
			prefix_fmt(&rec.eid, rec.eid_mlen, pfx, sizeof(pfx));
			assert_string_equal(pfx, n % 2 ? "0.0.0.0/5" : "64.0.0.0/2");
			n++;
		}
		usleep(1000);
	}
	assert_int_equal(n, N);
	assert_true(recv_reply(fd, got, sizeof(got), 50) < 0);
	assert_int_equal(L.core->stats.tx[LISP_MAP_REPLY], tx0 + N);
	close(fd);
}

static void
test_forward_to_etr(void **state)
{
	struct reg_spec	 s = { "198.18.1.0/24", ETR_RLOC, 0, 200, KEY1, 1, 0, NULL };
	uint8_t		 buf[1024], inner[512], got[1500];
	size_t		 len, ilen;
	int		 etr, fd;
	ssize_t		 n;

	NEED_NETNS();
	do_register(&s, NULL, NULL);
	assert_true(is_registered("198.18.1.0/24"));
	etr = client_socket(ETR_RLOC, LISP_CONTROL_PORT);
	fd = client_socket("127.0.0.1", 0);
	len = build_ecm_request("198.18.1.77", 0, local_port(fd), 0xabcdef, 0,
	    buf, sizeof(buf), inner, &ilen);
	send_to_ms(fd, buf, len);
	n = recv_reply(etr, got, sizeof(got), 1000);
	assert_int_equal(n, (ssize_t)len);
	/* the same ECM, E bit set; inner IP, UDP, Map-Request unchanged */
	assert_int_equal(get_u32(got), get_u32(buf) | ECM_E);
	assert_memory_equal(got + 4, buf + 4, len - 4);
	assert_memory_equal(got + len - ilen, inner, ilen);
	/* and no reply to the ITR from the MS */
	assert_true(recv_reply(fd, got, sizeof(got), 100) < 0);
	close(etr);
	close(fd);
}

static void
test_negative_unregistered(void **state)
{
	struct answer a;

	NEED_NETNS();
	assert_true(resolve("[100]198.18.1.9", &a));
	assert_string_equal(a.prefix, "[100]198.18.1.0/24");
	assert_int_equal(a.rec.ttl, 1);
	assert_int_equal(a.rec.act, ACT_NATIVE_FORWARD);
	assert_int_equal(a.rec.nrlocs, 0);
	assert_true(resolve("[100]2001:db8:100::1", &a));
	assert_string_equal(a.prefix, "[100]2001:db8:100::/48");
	assert_int_equal(a.rec.ttl, 1);
}

/* reference: the coarsest prefix around e that overlaps none of the
 * prefixes, by the digest's linear algorithm */
static int
neg_ref(const uint8_t *e, int bits, const char *const *known, int nknown,
    uint32_t iid)
{
	int i, d, best = 0, plen;
	struct lisp_addr p;

	for (i = 0; i < nknown; i++) {
		assert_int_equal(prefix_parse(known[i], &p, &plen), 0);
		if (addr_bits(&p) != bits || (p.has_iid ? p.iid : 0) != iid)
			continue;
		for (d = 0; d < plen; d++)
			if (((e[d / 8] ^ addr_bytes(&p)[d / 8]) >> (7 - d % 8)) & 1)
				break;
		if (d >= plen)
			return -1;	/* inside */
		if (d + 1 > best)
			best = d + 1;
	}
	return best;
}

static const char *const configured[] = {
	"198.18.1.0/24", "2001:db8:1::/48", "[100]198.18.1.0/24",
	"[100]2001:db8:100::/48", "198.18.2.0/24", "10.0.0.0/8",
	"172.16.1.0/24", "192.168.0.0/16",
};
#define NCONF	(int)(sizeof(configured) / sizeof(configured[0]))

static void
check_negative(const char *eid_s, const char *expect)
{
	struct answer		 a;
	struct lisp_addr	 e, neg;
	int			 bits, mlen;
	char			 want[ADDR_STRLEN];

	assert_int_equal(addr_parse(&e, eid_s), 0);
	bits = addr_bits(&e);
	mlen = neg_ref(addr_bytes(&e), bits, configured, NCONF, e.has_iid ? e.iid : 0);
	if (mlen < 0)
		return;		/* inside a configured prefix */
	neg = e;
	addr_mask(&neg, mlen);
	prefix_fmt(&neg, mlen, want, sizeof(want));
	if (expect != NULL)
		assert_string_equal(want, expect);
	assert_true(resolve(eid_s, &a));
	assert_string_equal(a.prefix, want);
	assert_int_equal(a.rec.ttl, 15);
	assert_int_equal(a.rec.act, ACT_NATIVE_FORWARD);
	assert_int_equal(a.rec.auth, 1);
	assert_int_equal(a.rec.nrlocs, 0);
}

static void
test_negative_coarse(void **state)
{
	char	 s[64];
	int	 i;
	uint8_t	 v6[16];

	NEED_NETNS();
	/* the digest's worked examples (known 10/8, 192.168/16, 172.16.1/24,
	 * plus the 198.18 prefixes of the sites) */
	check_negative("1.2.3.4", "0.0.0.0/5");
	check_negative("100.1.1.1", "64.0.0.0/2");
	check_negative("172.16.2.5", "172.16.2.0/23");
	check_negative("192.169.0.1", "192.169.0.0/16");
	check_negative("11.0.0.1", "11.0.0.0/8");
	check_negative("2001:db8:2::1", "2001:db8:2::/47");
	check_negative("[100]2001:db8:200::1", NULL);
	check_negative("[7]198.18.1.1", "[7]0.0.0.0/0");
	check_negative("[100]198.18.3.1", "[100]198.18.2.0/23");
	/* random EIDs against the brute force */
	srandom(42);
	for (i = 0; i < 200; i++) {
		snprintf(s, sizeof(s), "%ld.%ld.%ld.%ld", random() % 256,
		    random() % 256, random() % 256, random() % 256);
		check_negative(s, NULL);
	}
	for (i = 0; i < 50; i++) {
		int k;

		for (k = 0; k < 16; k++)
			v6[k] = (uint8_t)random();
		if (i % 2 == 0) {	/* near 2001:db8:1:: */
			v6[0] = 0x20; v6[1] = 0x01; v6[2] = 0x0d; v6[3] = 0xb8;
			v6[4] = 0;
		}
		inet_ntop(AF_INET6, v6, s, sizeof(s));
		check_negative(s, NULL);
	}
}

static void
test_bad_packets(void **state)
{
	uint8_t		 buf[600], inner[512];
	size_t		 len, ilen;
	int		 fd = -1, i, k;
	json_t		*st;
	uint64_t	 bad0, probes0;
	struct answer	 a;

	NEED_NETNS();
	fd = client_socket("127.0.0.1", 0);
	st = ctl("show stats", NULL);
	bad0 = (uint64_t)json_integer_value(json_object_get(st, "rx_bad"));
	json_decref(st);
	/* an RLOC-probe (plain Map-Request with P) is dropped */
	probes0 = drops("rloc-probe at map-resolver/map-server");
	len = build_ecm_request("198.18.2.1", 0, 0, 5, MREQ_P, NULL, 0, inner, &ilen);
	send_to_ms(fd, inner, ilen);
	assert_true(recv_reply(fd, buf, sizeof(buf), 100) < 0);
	assert_int_equal(drops("rloc-probe at map-resolver/map-server"), probes0 + 1);
	/* truncations of a valid ECM and of a Map-Register, and random bytes */
	len = build_ecm_request("1.2.3.4", 0, local_port(fd), 6, 0, buf,
	    sizeof(buf), inner, &ilen);
	for (i = 1; i < (int)len; i += 3)
		send_to_ms(fd, buf, (size_t)i);
	srandom(7);
	for (i = 0; i < 300; i++) {
		for (k = 0; k < (int)sizeof(buf); k++)
			buf[k] = (uint8_t)random();
		buf[0] = (uint8_t)((i % 9) << 4 | (buf[0] & 15));
		send_to_ms(fd, buf, (size_t)(random() % 200 + 4));
	}
	pump(200);
	st = ctl("show stats", NULL);
	assert_true((uint64_t)json_integer_value(json_object_get(st, "rx_bad")) > bad0);
	json_decref(st);
	close(fd);
	/* still answering */
	assert_true(resolve("1.2.3.4", &a));
	assert_string_equal(a.prefix, "0.0.0.0/5");
}

static void
test_reload(void **state)
{
	char		 err[512];
	struct answer	 a;
	struct reg_spec	 s = { "198.18.1.0/24", ETR_RLOC, 0, 300, KEY1, 1, 0, NULL };
	struct reg_spec	 s3a = { "198.18.3.0/24", ETR_RLOC, 0, 1, "x", 0, 0, NULL };
	struct reg_spec	 s3b = { "198.18.3.0/24", "127.0.0.8", 0, 1, "x", 1, 0, NULL };
	json_t		*res;

	NEED_NETNS();
	write_conf(30, "");
	assert_int_equal(locid_reload(&L, err, sizeof(err)), 0);
	do_register(&s, NULL, NULL);
	assert_true(is_registered("198.18.1.0/24"));
	/* a bad config is refused with file:line and changes nothing */
	write_conf(30, "site lisp3 {\n	eid-prefix 198.18.3.0/33\n}\n");
	assert_int_equal(locid_reload(&L, err, sizeof(err)), -1);
	fprintf(stderr, "reload refused: %s\n", err);
	assert_non_null(strstr(err, conf_path));
	assert_non_null(strstr(err, ":29: prefix 198.18.3.0/33"));
	assert_null(ctl("reload", NULL));
	assert_true(is_registered("198.18.1.0/24"));
	assert_true(resolve("[100]198.18.1.9", &a));
	assert_int_equal(a.rec.ttl, 1);
	/* a good one keeps the registrations of sites that remain */
	write_conf(30, "site lisp3 {\n	key 0 sha256 \"x\"\n	eid-prefix 198.18.3.0/24\n}\n");
	res = ctl("reload", NULL);
	assert_non_null(res);
	json_decref(res);
	assert_true(is_registered("198.18.1.0/24"));
	assert_true(resolve("198.18.3.1", &a));
	assert_string_equal(a.prefix, "198.18.3.0/24");
	assert_int_equal(a.rec.ttl, 1);
	/* two ETRs of a site that a reload removes: both go */
	do_register(&s3a, NULL, NULL);
	do_register(&s3b, NULL, NULL);
	assert_int_equal(registrations("198.18.3.0/24"), 2);
	write_conf(30, "");
	assert_int_equal(locid_reload(&L, err, sizeof(err)), 0);
	res = ctl("show site", NULL);
	assert_non_null(res);
	assert_null(site_row(res, "198.18.3.0/24"));
	json_decref(res);
	assert_true(is_registered("198.18.1.0/24"));
	assert_true(resolve("198.18.3.1", &a));
	assert_int_equal(a.rec.ttl, 15);
	assert_int_equal(a.nlocs, 0);
}

static void
test_rate_limit(void **state)
{
	uint8_t		 buf[1024], inner[512], got[1500];
	size_t		 len, ilen;
	int		 fd, i, replies = 0;
	char		 err[512];
	uint64_t	 d0, t0;

	NEED_NETNS();
	write_conf(30, "map-request-ratelimit 5\n");
	assert_int_equal(locid_reload(&L, err, sizeof(err)), 0);
	d0 = drops("map-request: rate limit");
	/* requests earlier in this second count too: start on a fresh one */
	t0 = now_ms() / 1000;
	while (now_ms() / 1000 == t0)
		pump(10);
	fd = client_socket("127.0.0.1", 0);
	len = build_ecm_request("1.2.3.4", 0, local_port(fd), 77, 0, buf,
	    sizeof(buf), inner, &ilen);
	for (i = 0; i < 30; i++)
		send_to_ms(fd, buf, len);
	while (recv_reply(fd, got, sizeof(got), 200) > 0)
		replies++;
	close(fd);
	/* 5 per second; the burst may straddle a second boundary */
	assert_true(replies >= 5 && replies <= 10);
	assert_int_equal(drops("map-request: rate limit"), d0 + 30 - (uint64_t)replies);
	write_conf(30, "");
	assert_int_equal(locid_reload(&L, err, sizeof(err)), 0);
}

/* a Map-Request with 20 records gets at most 8 replies (one per record)
 * and the rest counted as one drop */
static void
test_record_cap(void **state)
{
	enum { NREC = 20 };
	struct lisp_map_request	 mr;
	struct lisp_eid_prefix	 ep;
	struct lisp_addr	 src, dst;
	struct wbuf		 w;
	struct rbuf		 b;
	struct lisp_map_reply	 rep;
	struct lisp_record	 rec;
	struct msg_err		 err;
	uint8_t			 inner[1024], buf[1500], got[1500];
	char			 eid[32], pfx[ADDR_STRLEN];
	int			 fd, i, replies = 0;
	uint64_t		 d0, tx0 = L.core->stats.tx[LISP_MAP_REPLY];
	ssize_t			 n;

	NEED_NETNS();
	d0 = drops("map-request: too many records");
	fd = client_socket("127.0.0.1", 0);
	memset(&mr, 0, sizeof(mr));
	mr.nonce = 0x7777;
	addr_set_none(&mr.seid);
	mr.nitr = 1;
	assert_int_equal(addr_parse(&mr.itr[0], "127.0.0.1"), 0);
	mr.nrecords = NREC;
	wbuf_init(&w, inner, sizeof(inner));
	map_request_encode_hdr(&w, &mr);
	for (i = 0; i < NREC; i++) {
		memset(&ep, 0, sizeof(ep));
		snprintf(eid, sizeof(eid), "1.2.3.%d", i);
		assert_int_equal(addr_parse(&ep.eid, eid), 0);
		ep.mlen = 32;
		mreq_record_encode(&w, &ep);
	}
	map_request_encode_trailer(&w, &mr);
	assert_false(w.err);
	src = mr.itr[0];
	assert_int_equal(addr_parse(&dst, "1.2.3.0"), 0);
	n = (ssize_t)w.len;
	wbuf_init(&w, buf, sizeof(buf));
	ecm_encode(&w, 0, &src, &dst, local_port(fd), LISP_CONTROL_PORT,
	    inner, (size_t)n);
	assert_false(w.err);
	send_to_ms(fd, buf, w.len);
	/* one Map-Reply with the 8 records, no larger than the ECM */
	while ((n = recv_reply(fd, got, sizeof(got), 300)) > 0) {
		rbuf_init(&b, got, (size_t)n);
		assert_int_equal(map_reply_decode(&b, &rep, &err), 0);
		assert_int_equal(rep.nonce, 0x7777);
		assert_int_equal(rep.nrecords, 8);
		assert_true((size_t)n <= w.len);
		b = rep.records;
		while (record_next(&b, &rec) == 1) {
			prefix_fmt(&rec.eid, rec.eid_mlen, pfx, sizeof(pfx));
			assert_string_equal(pfx, "0.0.0.0/5");
			assert_int_equal(rec.act, ACT_NATIVE_FORWARD);
			replies++;
		}
	}
	close(fd);
	assert_int_equal(replies, 8);
	assert_int_equal(L.core->stats.tx[LISP_MAP_REPLY], tx0 + 1);
	assert_int_equal(drops("map-request: too many records"), d0 + 1);
}

/* a Map-Resolver that is not the Map-Server: ms-route to the MS */
static void
test_mr_ms_route(void **state)
{
	struct conf	*c;
	char		 err[256];
	FILE		*f;
	struct answer	 a;
	struct reg_spec	 s = { "198.18.2.0/24", "127.0.0.7", 0, 0x7000, KEY2, 0, 0, NULL };

	NEED_NETNS();
	snprintf(mr_conf_path, sizeof(mr_conf_path), "/tmp/test_locid_mr.%d.conf", getpid());
	snprintf(mr_sock_path, sizeof(mr_sock_path), "/tmp/test_locid_mr.%d.sock", getpid());
	f = fopen(mr_conf_path, "w");
	assert_non_null(f);
	fprintf(f, "role map-resolver\ncontrol \"%s\"\nlisten 127.0.0.20\n"
	    "ms-route 198.18.0.0/15 via 127.0.0.1\n", mr_sock_path);
	fclose(f);
	c = conf_load(mr_conf_path, err, sizeof(err));
	assert_non_null(c);
	memset(&MR, 0, sizeof(MR));
	assert_int_equal(locid_start(&MR, c, mr_conf_path), 0);
	mr_up = 1;
	assert_null(core_role(&MR, "map-server"));
	do_register(&s, NULL, NULL);
	dest_addr = "127.0.0.20";
	/* routed to the MS, which proxy-replies for lisp2 */
	assert_true(resolve("198.18.2.10", &a));
	assert_string_equal(a.prefix, "198.18.2.0/24");
	assert_int_equal(a.rec.ttl, 1440);
	assert_int_equal(a.nlocs, 1);
	/* space no ms-route covers: negative against the ms-routes */
	assert_true(resolve("1.2.3.4", &a));
	assert_string_equal(a.prefix, "0.0.0.0/1");
	assert_int_equal(a.rec.ttl, 15);
	assert_true(resolve("198.16.0.1", &a));
	assert_string_equal(a.prefix, "198.16.0.0/15");
	dest_addr = MS_ADDR;
	assert_int_equal(MR.core->stats.tx[LISP_ECM], 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_valid_and_notify),
		cmocka_unit_test(test_register_refusals),
		cmocka_unit_test(test_register_replay),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_ecm_to_ourselves),
		cmocka_unit_test(test_proxy_reply),
		cmocka_unit_test(test_forward_to_etr),
		cmocka_unit_test(test_negative_unregistered),
		cmocka_unit_test(test_negative_coarse),
		cmocka_unit_test(test_several_etrs),
		cmocka_unit_test(test_batched_replies),
		cmocka_unit_test(test_bad_packets),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_record_cap),
		cmocka_unit_test(test_mr_ms_route),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
