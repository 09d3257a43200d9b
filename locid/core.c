/* the daemon core: UDP control-port sockets, receive loop, dispatch of
 * control messages to the roles, sending, role lifecycle and reload */
#include <sys/types.h>
#include <sys/socket.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core.h"


#define RX_BATCH	32
#define RX_ROUNDS	8	/* batches per wake-up before yielding */
#define RX_BUFSZ	2048	/* LISP control messages stay far below */
#define TX_BATCH	64	/* queued sends per sendmmsg */
#define TX_ARENA	(64 * 1024)

/* the replies of one receive batch, sent together with sendmmsg */
struct txq {
	int			 active;	/* in core_read: queue, don't send */
	unsigned		 n;
	size_t			 used;
	int			 fd[TX_BATCH];
	socklen_t		 slen[TX_BATCH];
	size_t			 off[TX_BATCH];		/* in arena */
	struct sockaddr_storage	 dst[TX_BATCH];
	struct iovec		 iov[TX_BATCH];
	struct mmsghdr		 mm[TX_BATCH];
	uint8_t			 arena[TX_ARENA];
};


static void
tx_failed(struct locid *l, const struct sockaddr *dst, int err)
{
	char s[80];

	core_drop(l, CORE_DROP_TX_SENDTO_FAILED);
	if (log_limited_ok(&l->core->logrl))
		log_warn("send to %s failed: %s", sa_fmt(dst, s, sizeof(s)),
		    strerror(err));
}

/* send what the receive batch queued, in order, one sendmmsg per run of
 * messages on the same socket */
static void
core_flush(struct locid *l)
{
	struct txq	*q = l->core->txq;
	unsigned	 i, j, end;
	int		 k;

	if (q == NULL || q->n == 0)
		return;
	for (i = 0; i < q->n; i++) {
		q->iov[i].iov_base = q->arena + q->off[i];
		memset(&q->mm[i], 0, sizeof(q->mm[i]));
		q->mm[i].msg_hdr.msg_name = &q->dst[i];
		q->mm[i].msg_hdr.msg_namelen = q->slen[i];
		q->mm[i].msg_hdr.msg_iov = &q->iov[i];
		q->mm[i].msg_hdr.msg_iovlen = 1;
	}
	for (i = 0; i < q->n; i = end) {
		for (end = i + 1; end < q->n && q->fd[end] == q->fd[i]; end++)
			;
		for (j = i; j < end;) {
			k = sendmmsg(q->fd[i], &q->mm[j], end - j, 0);
			if (k <= 0) {	/* message j failed: count it, go on */
				tx_failed(l, (struct sockaddr *)&q->dst[j], errno);
				j++;
				continue;
			}
			for (; k > 0; k--, j++)
				l->core->stats.tx[q->arena[q->off[j]] >> 4]++;
		}
	}
	q->n = 0;
	q->used = 0;
}

static void	msg_event(struct locid *, const char *, const char *,
		    const struct sockaddr *, const uint8_t *, size_t);

int
locid_send(struct locid *l, const struct sockaddr *dst, const void *buf,
    size_t len)
{
	struct txq	*q = l->core->txq;
	int		 fd;
	socklen_t	 slen;

	if (dst->sa_family == AF_INET) {
		fd = l->core->sock4;
		slen = sizeof(struct sockaddr_in);
	} else if (dst->sa_family == AF_INET6) {
		fd = l->core->sock6;
		slen = sizeof(struct sockaddr_in6);
	} else
		fd = -1, slen = 0;
	if (fd == -1) {
		core_drop(l, CORE_DROP_TX_NO_SOCKET);
		return -1;
	}
	msg_event(l, "tx", "to", dst, buf, len);
	if (q != NULL && q->active && len > 0 && len <= TX_ARENA) {
		if (q->n == TX_BATCH || TX_ARENA - q->used < len)
			core_flush(l);
		q->fd[q->n] = fd;
		q->slen[q->n] = slen;
		memcpy(&q->dst[q->n], dst, slen);
		memcpy(q->arena + q->used, buf, len);
		q->off[q->n] = q->used;
		q->iov[q->n].iov_len = len;
		q->used += len;
		q->n++;
		return 0;
	}
	if (sendto(fd, buf, len, 0, dst, slen) == -1) {
		tx_failed(l, dst, errno);
		return -1;
	}
	if (len > 0)
		l->core->stats.tx[((const uint8_t *)buf)[0] >> 4]++;
	return 0;
}

/* the same from a given local address (an uplink's, for NAT detection):
 * not queued, sent at once with IP_PKTINFO / IPV6_PKTINFO */
int
locid_send_from(struct locid *l, const struct lisp_addr *src,
    const struct sockaddr *dst, const void *buf, size_t len)
{
	union { struct cmsghdr h; uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo))]; } cb;
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*c;
	int		 fd;

	if (src == NULL || addr_bytes(src) == NULL)
		return locid_send(l, dst, buf, len);
	fd = dst->sa_family == AF_INET ? l->core->sock4 :
	    dst->sa_family == AF_INET6 ? l->core->sock6 : -1;
	if (fd == -1 || (dst->sa_family == AF_INET) != (src->afi == AFI_IPV4)) {
		core_drop(l, CORE_DROP_TX_NO_SOCKET);
		return -1;
	}
	memset(&mh, 0, sizeof(mh));
	memset(&cb, 0, sizeof(cb));
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	mh.msg_name = (void *)(uintptr_t)dst;
	mh.msg_namelen = dst->sa_family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cb.b;
	c = &cb.h;
	if (dst->sa_family == AF_INET) {
		struct in_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		memcpy(&pi.ipi_spec_dst, addr_bytes(src), 4);
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	} else {
		struct in6_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		memcpy(&pi.ipi6_addr, addr_bytes(src), 16);
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	}
	if (sendmsg(fd, &mh, 0) == -1) {
		tx_failed(l, dst, errno);
		return -1;
	}
	if (len > 0)
		l->core->stats.tx[((const uint8_t *)buf)[0] >> 4]++;
	return 0;
}

int
core_can_send(const struct locid *l, const struct lisp_addr *a)
{
	if (a->afi == AFI_IPV4 && !a->has_iid)
		return l->core->sock4 != -1;
	if (a->afi == AFI_IPV6 && !a->has_iid)
		return l->core->sock6 != -1;
	return 0;
}

int
core_monitoring(const struct locid *l)
{
	return control_monitoring(l);
}

void
core_event(struct locid *l, const char *kind, json_t *ev)
{
	if (ev != NULL)
		control_event(l, kind, ev);
}

/* rx and tx events: the message as hex for locictl to decode */
static void
msg_event(struct locid *l, const char *kind, const char *peer_key,
    const struct sockaddr *peer, const uint8_t *buf, size_t len)
{
	static const char hexd[] = "0123456789abcdef";
	char	 s[80], *hex;
	size_t	 i;

	if (!core_monitoring(l) || (hex = malloc(len * 2 + 1)) == NULL)
		return;
	for (i = 0; i < len; i++) {
		hex[2 * i] = hexd[buf[i] >> 4];
		hex[2 * i + 1] = hexd[buf[i] & 15];
	}
	hex[2 * len] = '\0';
	core_event(l, kind, json_pack("{s:s, s:i, s:s}", peer_key,
	    sa_fmt(peer, s, sizeof(s)), "length", (int)len, "hex", hex));
	free(hex);
}

int
core_addr_node(struct locid *l, const struct lisp_addr *a)
{
	struct core	*c = l->core;
	struct ifaddrs	*ifa, *i;
	uint64_t	 now = now_ms();
	int		 k;

	if (c->local_ms == 0 || now - c->local_ms >= CORE_LOCAL_REFRESH_MS) {
		c->local_ms = now;
		c->nlocal = 0;
		if (getifaddrs(&ifa) == 0) {
			for (i = ifa; i != NULL && c->nlocal < CORE_LOCAL_MAX; i = i->ifa_next)
				if (i->ifa_addr != NULL && (i->ifa_addr->sa_family == AF_INET ||
				    i->ifa_addr->sa_family == AF_INET6) &&
				    addr_from_sockaddr(&c->local[c->nlocal], i->ifa_addr,
				    NULL) == 0)
					c->nlocal++;
			freeifaddrs(ifa);
		}
	}
	for (k = 0; k < c->nlocal; k++)
		if (addr_equal(&c->local[k], a))
			return 1;
	return 0;
}

/* the address and port the control socket of a family is bound to; NULL
 * without one */
static const struct lisp_addr *
core_bound(struct core *c, int v6, uint16_t *port)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	int			 fd = v6 ? c->sock6 : c->sock4;

	if (fd == -1)
		return NULL;
	if (!c->bound_ok[v6]) {
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1 ||
		    addr_from_sockaddr(&c->bound[v6], (struct sockaddr *)&ss,
		    &c->bound_port[v6]) == -1)
			return NULL;
		c->bound_ok[v6] = 1;
	}
	if (port != NULL)
		*port = c->bound_port[v6];
	return &c->bound[v6];
}

/* the sockets changed: what they are bound to is asked again */
static void
core_bound_reset(struct core *c)
{
	c->bound_ok[0] = c->bound_ok[1] = 0;
}

int
core_addr_local(struct locid *l, const struct lisp_addr *a)
{
	const struct lisp_addr	*b = core_bound(l->core, a->afi != AFI_IPV4, NULL);

	/* bound to one address (listen): only that one is ourselves, another
	 * daemon of the node may listen on the others */
	if (b != NULL && memcmp(addr_bytes(b), (const uint8_t[16]){ 0 },
	    b->afi == AFI_IPV6 ? 16 : 4) != 0)
		return addr_equal(b, a);
	return core_addr_node(l, a);
}

uint16_t
core_port(const struct locid *l, int family)
{
	uint16_t port = 0;

	return core_bound(l->core, family != 4, &port) != NULL ? port : 0;
}

static const char *const core_drop_names[CORE_DROP__N] = { CORE_DROPS(DROP_NAME) };

void
core_drop(struct locid *l, enum core_drop d)
{
	if (l->core != NULL && (unsigned)d < CORE_DROP__N)
		l->core->stats.drops[d]++;
}

struct ratelimit *
core_logrl(struct locid *l)
{
	return &l->core->logrl;
}

void
core_resolver_set(struct locid *l, const struct resolver *r, void *arg)
{
	l->core->resolver = r;
	l->core->resolver_arg = arg;
}

void
core_natfib_set(struct locid *l, const struct natfib *f, void *arg)
{
	l->core->natfib = f;
	l->core->natfib_arg = arg;
}

const struct natfib *
core_natfib(struct locid *l, void **arg)
{
	*arg = l->core->natfib_arg;
	return l->core->natfib;
}

const struct resolver *
core_resolver(struct locid *l, void **arg)
{
	*arg = l->core->resolver_arg;
	return l->core->resolver;
}

static void
drop_dispatch(struct locid *l, const struct pkt *p, enum core_drop reason,
    const struct msg_err *err)
{
	char s[80], why[MSG_ERR_LEN];

	core_drop(l, reason);
	if (log_limited_ok(&l->core->logrl))
		log_warn("%s from %s dropped: %s%s%s",
		    lisp_type_name(p->len > 0 ? p->buf[0] >> 4 : 0),
		    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)),
		    core_drop_names[reason],
		    err != NULL ? ": " : "",
		    err != NULL ? msg_err_str(err, why, sizeof(why)) : "");
}

/* the reason a message of each kind is dropped when no role takes it */
static const enum core_drop untaken[RX__N] = {
	[RX_REGISTER] = CORE_DROP_NOT_A_MAP_SERVER,
	[RX_NOTIFY] = CORE_DROP_NOTIFY_WITHOUT_XTR,
	[RX_NOTIFY_ACK] = CORE_DROP_NOT_A_MAP_SERVER,
	[RX_REPLY] = CORE_DROP_REPLY_WITHOUT_XTR,
	[RX_REQUEST] = CORE_DROP_REQUEST_NO_ROLE,
	[RX_PROBE] = CORE_DROP_PROBE_AT_MAPPING_SYSTEM,
	[RX_SMR] = CORE_DROP_SMR_WITHOUT_ITR,
	[RX_ECM_REQUEST] = CORE_DROP_REQUEST_NO_ROLE,
	[RX_ECM_FORWARDED] = CORE_DROP_REQUEST_NO_ROLE,
	[RX_DDT_REQUEST] = CORE_DROP_DDT_REQUEST_NO_ROLE,
	[RX_REFERRAL] = CORE_DROP_REFERRAL_NO_ROLE,
	[RX_INFO_REQUEST] = CORE_DROP_INFO_NO_ROLE,
	[RX_INFO_REPLY] = CORE_DROP_INFO_REPLY_UNEXPECTED,
	[RX_ECM_REGISTER] = CORE_DROP_ECM_REGISTER_NO_ROLE,
	[RX_ECM_NOTIFY] = CORE_DROP_ECM_REGISTER_NO_ROLE,
};

/* 1 if a running role has a hook for kind */
static int
kind_wanted(const struct locid *l, enum rx_kind kind)
{
	const struct core	*c = l->core;
	const int8_t		*o;

	for (o = c->order[kind]; *o != -1; o++)
		if (c->obj[*o] != NULL)
			return 1;
	return 0;
}

/* offer m to the running roles' hooks for kind, lowest prio first */
static void
deliver(struct locid *l, enum rx_kind kind, const struct msg_in *m)
{
	const struct core	*c = l->core;
	const int8_t		*o;

	for (o = c->order[kind]; *o != -1; o++)
		if (c->obj[*o] != NULL &&
		    c->roles[*o]->rx[kind].fn(c->obj[*o], m) == 1)
			return;
	drop_dispatch(l, m->pkt, untaken[kind], NULL);
}

static void
dispatch_request(struct locid *l, struct msg_in *m)
{
	const struct lisp_map_request *mreq = m->mreq;

	if (mreq->flags & MREQ_P) {
		/* RLOC-probe: for the ETR only, never via MR/MS */
		if (m->ecm == NULL)
			deliver(l, RX_PROBE, m);
		else
			drop_dispatch(l, m->pkt, CORE_DROP_PROBE_AT_MAPPING_SYSTEM, NULL);
		return;
	}
	if (m->ecm == NULL && (mreq->flags & MREQ_S))
		deliver(l, RX_SMR, m);
	else if (m->ecm == NULL)
		deliver(l, RX_REQUEST, m);
	else if (m->ecm->flags & ECM_E)
		deliver(l, RX_ECM_FORWARDED, m);
	else if (m->ecm->flags & ECM_D)
		deliver(l, RX_DDT_REQUEST, m);
	else
		deliver(l, RX_ECM_REQUEST, m);
}

void
core_dispatch(struct locid *l, const struct pkt *p)
{
	struct core			*c = l->core;
	struct rbuf			 b;
	struct msg_err			 err;
	unsigned			 type;
	struct lisp_map_register	 reg;
	struct lisp_map_request		 mreq;
	struct lisp_map_reply		 rep;
	struct lisp_ecm			 ecm;
	struct lisp_map_referral	 ref;
	struct lisp_info		 info;
	struct msg_in			 m;
	enum rx_kind			 kind;

	memset(&m, 0, sizeof(m));
	m.pkt = p;
	if (p->len < 4) {
		c->stats.rx_bad++;
		drop_dispatch(l, p, CORE_DROP_SHORT_MESSAGE, NULL);
		return;
	}
	type = p->buf[0] >> 4;
	c->stats.rx[type]++;
	msg_event(l, "rx", "from", (const struct sockaddr *)&p->src, p->buf, p->len);
	rbuf_init(&b, p->buf, p->len);
	switch (type) {
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY_ACK:
	case LISP_MAP_NOTIFY:
		kind = type == LISP_MAP_REGISTER ? RX_REGISTER :
		    type == LISP_MAP_NOTIFY ? RX_NOTIFY : RX_NOTIFY_ACK;
		if (!kind_wanted(l, kind)) {
			drop_dispatch(l, p, untaken[kind], NULL);
			return;
		}
		if (map_register_decode(&b, &reg, &err) == -1) {
			c->stats.rx_bad++;
			drop_dispatch(l, p, type == LISP_MAP_NOTIFY ?
			    CORE_DROP_MALFORMED_NOTIFY : CORE_DROP_MALFORMED_REGISTER, &err);
			return;
		}
		m.reg = &reg;
		deliver(l, kind, &m);
		return;
	case LISP_MAP_REQUEST:
		if (map_request_decode(&b, &mreq, &err) == -1) {
			c->stats.rx_bad++;
			drop_dispatch(l, p, CORE_DROP_MALFORMED_REQUEST, &err);
			return;
		}
		m.mreq = &mreq;
		dispatch_request(l, &m);
		return;
	case LISP_MAP_REPLY:
		if (!kind_wanted(l, RX_REPLY)) {
			drop_dispatch(l, p, untaken[RX_REPLY], NULL);
			return;
		}
		if (map_reply_decode(&b, &rep, &err) == -1) {
			c->stats.rx_bad++;
			drop_dispatch(l, p, CORE_DROP_MALFORMED_REPLY, &err);
			return;
		}
		m.rep = &rep;
		deliver(l, RX_REPLY, &m);
		return;
	case LISP_MAP_REFERRAL:
		if (!kind_wanted(l, RX_REFERRAL)) {
			drop_dispatch(l, p, untaken[RX_REFERRAL], NULL);
			return;
		}
		if (map_referral_decode(&b, &ref, &err) == -1) {
			c->stats.rx_bad++;
			drop_dispatch(l, p, CORE_DROP_MALFORMED_REFERRAL, &err);
			return;
		}
		m.ref = &ref;
		deliver(l, RX_REFERRAL, &m);
		return;
	case LISP_ECM:
		if (ecm_decode(&b, &ecm, &err) == -1) {
			c->stats.rx_bad++;
			drop_dispatch(l, p, CORE_DROP_MALFORMED_ECM, &err);
			return;
		}
		if (ecm.inner.len >= 4 && (ecm.inner.p[0] >> 4 == LISP_MAP_REGISTER ||
		    ecm.inner.p[0] >> 4 == LISP_MAP_NOTIFY)) {
			kind = ecm.inner.p[0] >> 4 == LISP_MAP_REGISTER ?
			    RX_ECM_REGISTER : RX_ECM_NOTIFY;
			if (!kind_wanted(l, kind)) {
				drop_dispatch(l, p, untaken[kind], NULL);
				return;
			}
			b = ecm.inner;
			if (map_register_decode(&b, &reg, &err) == -1) {
				c->stats.rx_bad++;
				drop_dispatch(l, p, CORE_DROP_MALFORMED_ECM_REGISTER, &err);
				return;
			}
			m.ecm = &ecm;
			m.reg = &reg;
			deliver(l, kind, &m);
			return;
		}
		if (ecm.inner.len < 4 || ecm.inner.p[0] >> 4 != LISP_MAP_REQUEST) {
			drop_dispatch(l, p, CORE_DROP_ECM_WITHOUT_REQUEST, NULL);
			return;
		}
		b = ecm.inner;
		if (map_request_decode(&b, &mreq, &err) == -1) {
			c->stats.rx_bad++;
			drop_dispatch(l, p, CORE_DROP_MALFORMED_ECM_REQUEST, &err);
			return;
		}
		/* a request addressed to this node inside the ECM: nothing
		 * asks for that, a loop or a probe of ours might. an ETR
		 * holds EIDs on its own interfaces (the site's gateway
		 * address): for those it is a request like any other */
		if (!l->conf->etr && core_addr_local(l, &ecm.dst)) {
			drop_dispatch(l, p, CORE_DROP_ECM_INNER_DESTINATION_OURSELVES, NULL);
			return;
		}
		m.ecm = &ecm;
		m.mreq = &mreq;
		dispatch_request(l, &m);
		return;
	case LISP_INFO:
		kind = (p->buf[0] & (INFO_R >> 24)) ? RX_INFO_REPLY : RX_INFO_REQUEST;
		if (!kind_wanted(l, kind)) {
			drop_dispatch(l, p, untaken[kind], NULL);
			return;
		}
		if (info_decode(&b, &info, &err) == -1) {
			c->stats.rx_bad++;
			drop_dispatch(l, p, CORE_DROP_MALFORMED_INFO, &err);
			return;
		}
		m.info = &info;
		deliver(l, kind, &m);
		return;
	default:
		drop_dispatch(l, p, CORE_DROP_UNSUPPORTED_TYPE, NULL);
		return;
	}
}

static void
pkt_dst(struct pkt *p, struct msghdr *mh)
{
	struct cmsghdr		*c;
	struct in_pktinfo	 pi4;
	struct in6_pktinfo	 pi6;
	struct sockaddr_in	*s4 = (struct sockaddr_in *)&p->dst;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)&p->dst;

	memset(&p->dst, 0, sizeof(p->dst));
	p->ifindex = 0;
	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			memcpy(&pi4, CMSG_DATA(c), sizeof(pi4));
			s4->sin_family = AF_INET;
			s4->sin_addr = pi4.ipi_addr;
			p->ifindex = pi4.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			memcpy(&pi6, CMSG_DATA(c), sizeof(pi6));
			s6->sin6_family = AF_INET6;
			s6->sin6_addr = pi6.ipi6_addr;
			p->ifindex = (int)pi6.ipi6_ifindex;
		}
	}
}

static void
core_read(evutil_socket_t fd, short ev, void *arg)
{
	struct locid		*l = arg;
	uint8_t			(*bufs)[RX_BUFSZ] = (uint8_t (*)[RX_BUFSZ])l->core->rxbuf;
	struct sockaddr_storage	 from[RX_BATCH];
	uint8_t			 cbuf[RX_BATCH][128];
	struct iovec		 iov[RX_BATCH];
	struct mmsghdr		 mm[RX_BATCH];
	struct pkt		 p;
	int			 i, n, round;

	if (l->core->txq != NULL)
		l->core->txq->active = 1;
	for (round = 0; round < RX_ROUNDS; round++) {
		memset(mm, 0, sizeof(mm));
		for (i = 0; i < RX_BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = RX_BUFSZ;
			mm[i].msg_hdr.msg_name = &from[i];
			mm[i].msg_hdr.msg_namelen = sizeof(from[i]);
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
			mm[i].msg_hdr.msg_control = cbuf[i];
			mm[i].msg_hdr.msg_controllen = sizeof(cbuf[i]);
		}
		n = recvmmsg(fd, mm, RX_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		for (i = 0; i < n; i++) {
			if (mm[i].msg_hdr.msg_flags & MSG_TRUNC) {
				core_drop(l, CORE_DROP_RX_TOO_LONG);
				continue;
			}
			memset(&p, 0, sizeof(p));
			p.buf = bufs[i];
			p.len = mm[i].msg_len;
			memcpy(&p.src, &from[i], sizeof(from[i]));
			pkt_dst(&p, &mm[i].msg_hdr);
			core_dispatch(l, &p);
		}
		core_flush(l);
		if (n < RX_BATCH)
			break;
	}
	if (l->core->txq != NULL) {
		core_flush(l);
		l->core->txq->active = 0;
	}
}

static int
sock_open(struct locid *l, int family, const struct lisp_addr *bind_to,
    uint16_t port)
{
	struct sockaddr_storage	 ss;
	struct lisp_addr	 any;
	int			 fd, on = 1;
	char			 s[80];
	socklen_t		 slen;

	if ((fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (family == AF_INET) {
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
		if (bind_to->afi == AFI_IPV4)
			any = *bind_to;
		else
			addr_set_any(&any, AFI_IPV4);
		slen = sizeof(struct sockaddr_in);
	} else {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
		if (bind_to->afi == AFI_IPV6)
			any = *bind_to;
		else
			addr_set_any(&any, AFI_IPV6);
		slen = sizeof(struct sockaddr_in6);
	}
	any.has_iid = 0;
	sockaddr_from_addr(&ss, &any, port);
	if (bind(fd, (struct sockaddr *)&ss, slen) == -1) {
		log_warn("bind %s: %s", sa_fmt((struct sockaddr *)&ss, s, sizeof(s)),
		    strerror(errno));
		close(fd);
		return -1;
	}
	on = 1 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &on, sizeof(on));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &on, sizeof(on));
	return fd;
}

static void	core_close(struct locid *);

static int
core_open(struct locid *l)
{
	const struct conf	*c = l->conf;
	uint16_t		 port = c->control_port;
	int			 want4, want6;

	/* with one listen address given, only that family is opened */
	want4 = c->listen_v4.afi != AFI_NONE || c->listen_v6.afi == AFI_NONE;
	want6 = c->listen_v6.afi != AFI_NONE || c->listen_v4.afi == AFI_NONE;
	l->core->sock4 = l->core->sock6 = -1;
	core_bound_reset(l->core);
	if (want4)
		l->core->sock4 = sock_open(l, AF_INET, &c->listen_v4, port);
	if (want6) {
		l->core->sock6 = sock_open(l, AF_INET6, &c->listen_v6, port);
		/* a host without IPv6 still runs IPv4 */
		if (l->core->sock6 == -1 && c->listen_v6.afi == AFI_NONE && l->core->sock4 != -1)
			log_info("no IPv6 control socket");
		else if (l->core->sock6 == -1)
			goto fail;
	}
	if (want4 && l->core->sock4 == -1)
		goto fail;
	if (l->core->rxbuf == NULL &&
	    (l->core->rxbuf = malloc((size_t)RX_BATCH * RX_BUFSZ)) == NULL)
		goto fail;
	if (l->core->txq == NULL && (l->core->txq = calloc(1, sizeof(*l->core->txq))) == NULL)
		log_warn("core: no memory for the send queue, sending one by one");
	if (l->core->sock4 != -1) {
		l->core->ev4 = event_new(l->base, l->core->sock4, EV_READ | EV_PERSIST, core_read, l);
		event_add(l->core->ev4, NULL);
	}
	if (l->core->sock6 != -1) {
		l->core->ev6 = event_new(l->base, l->core->sock6, EV_READ | EV_PERSIST, core_read, l);
		event_add(l->core->ev6, NULL);
	}
	return 0;
fail:
	core_close(l);
	return -1;
}

static void
core_close(struct locid *l)
{
	if (l->core->ev4 != NULL)
		event_free(l->core->ev4);
	if (l->core->ev6 != NULL)
		event_free(l->core->ev6);
	l->core->ev4 = l->core->ev6 = NULL;
	if (l->core->sock4 != -1)
		close(l->core->sock4);
	if (l->core->sock6 != -1)
		close(l->core->sock6);
	l->core->sock4 = l->core->sock6 = -1;
	core_bound_reset(l->core);
	free(l->core->txq);
	l->core->txq = NULL;
}

/* -- roles ------------------------------------------------------------ */

const char *
role_change_name(enum role_change c)
{
	static const char *const names[] = {
		[RC_NONE] = "not running", [RC_STARTED] = "started",
		[RC_RECONFIGURED] = "reconfigured", [RC_RESTARTED] = "restarted",
		[RC_STOPPED] = "stopped", [RC_FAILED] = "failed",
	};

	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

void *
core_role(const struct locid *l, const char *name)
{
	const struct core	*c = l->core;
	int			 i;

	if (c == NULL)
		return NULL;
	for (i = 0; c->roles[i] != NULL; i++)
		if (strcmp(c->roles[i]->name, name) == 0)
			return c->obj[i];
	return NULL;
}

/* bring every row in line with l->conf: start what is wanted and not
 * running, hand the conf to what runs (a role whose reconf refuses it is
 * restarted), stop what is no longer wanted. records what happened per
 * row; -1 if a wanted role is not running afterwards */
static size_t	change_summary(const struct core *, char *, size_t);

static int
roles_sync(struct locid *l)
{
	struct core		*c = l->core;
	const struct role	*r;
	char			*e;
	int			 i, want, rc = 0;

	for (i = 0; (r = c->roles[i]) != NULL && i < ROLES_MAX; i++) {
		want = r->wanted(l->conf);
		e = c->change_err[i];
		e[0] = '\0';
		if (want && c->obj[i] == NULL) {
			c->obj[i] = r->new(l);
			c->change[i] = c->obj[i] != NULL ? RC_STARTED : RC_FAILED;
			if (c->obj[i] == NULL)
				snprintf(e, sizeof(c->change_err[i]), "could not start");
		} else if (want) {
			if (role_reconf(r, l, &c->obj[i], e, sizeof(c->change_err[i])) == 0) {
				c->change[i] = RC_RECONFIGURED;
				continue;
			}
			log_warn("%s: new configuration refused (%s): restarting",
			    r->name, e[0] != '\0' ? e : "no reason given");
			if (c->obj[i] != NULL)
				role_free(r, c->obj[i]);
			c->obj[i] = r->new(l);
			c->change[i] = c->obj[i] != NULL ? RC_RESTARTED : RC_FAILED;
		} else if (c->obj[i] != NULL) {
			role_free(r, c->obj[i]);
			c->obj[i] = NULL;
			c->change[i] = RC_STOPPED;
		} else
			c->change[i] = RC_NONE;
		if (c->change[i] == RC_FAILED) {
			if (e[0] == '\0')
				snprintf(e, sizeof(c->change_err[i]), "could not start");
			rc = -1;
		}
	}
	return rc;
}

static void
roles_stop(struct locid *l)
{
	struct core	*c = l->core;
	int		 i, n;

	for (n = 0; c->roles[n] != NULL; n++)
		;
	/* the reverse of start order: the MR before the MS it resolves through */
	for (i = n - 1; i >= 0; i--) {
		if (c->obj[i] != NULL)
			role_free(c->roles[i], c->obj[i]);
		c->obj[i] = NULL;
	}
}

json_t *
core_reload_json(const struct locid *l)
{
	const struct core	*c = l->core;
	json_t			*o = json_object();
	int			 i;

	for (i = 0; c->roles[i] != NULL; i++) {
		if (c->change[i] == RC_NONE)
			continue;
		if (c->change_err[i][0] != '\0')
			json_object_set_new(o, c->roles[i]->name, json_pack("{s:s, s:s}",
			    "result", role_change_name(c->change[i]),
			    "reason", c->change_err[i]));
		else
			json_object_set_new(o, c->roles[i]->name,
			    json_string(role_change_name(c->change[i])));
	}
	return o;
}

/* -- counters and "show stats" ------------------------------------------ */

static const char *
type_key(unsigned t)
{
	static const char *const names[16] = {
		"reserved_0", "map_request", "map_reply", "map_register",
		"map_notify", "map_notify_ack", "map_referral", "info",
		"ecm", "type_9", "type_10", "type_11", "type_12", "type_13",
		"type_14", "shared_extension",
	};

	return names[t & 15];
}

/* a role's name as a JSON key of show stats (schema: keys are snake_case):
 * "map-server" -> "map_server" */
static const char *
stats_key(const char *name, char *buf, size_t len)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < len; i++)
		buf[i] = name[i] == '-' ? '_' : name[i];
	buf[i] = '\0';
	return buf;
}

static void
counters_add(json_t *drops, json_t *by_module, const struct counters *k)
{
	json_t		*m = json_object();
	unsigned	 i;
	json_int_t	 prev;
	char		 key[64];

	for (i = 0; i < k->n; i++) {
		if (k->names[i] == NULL)
			continue;
		/* two modules may count the same reason text: add up */
		prev = json_integer_value(json_object_get(drops, k->names[i]));
		json_object_set_new(drops, k->names[i],
		    json_integer(prev + (json_int_t)k->v[i]));
		json_object_set_new(m, k->names[i], json_integer((json_int_t)k->v[i]));
	}
	json_object_set_new(by_module, stats_key(k->module, key, sizeof(key)), m);
}

/* every counter set: the core's and each running role's */
static int
counters_get(const struct locid *l, int i, struct counters *k)
{
	const struct core *c = l->core;

	memset(k, 0, sizeof(*k));
	if (i == -1) {
		k->module = "core";
		k->names = core_drop_names;
		k->v = c->stats.drops;
		k->n = CORE_DROP__N;
		return 1;
	}
	if (c->obj[i] == NULL || c->roles[i]->counters == NULL)
		return 0;
	c->roles[i]->counters(c->obj[i], k);
	k->module = c->roles[i]->name;
	return 1;
}

uint64_t
core_drop_count(const struct locid *l, const char *reason)
{
	struct counters	 k;
	uint64_t	 sum = 0;
	unsigned	 j;
	int		 i;

	for (i = -1; i < 0 || l->core->roles[i] != NULL; i++)
		if (counters_get(l, i, &k))
			for (j = 0; j < k.n; j++)
				if (k.names[j] != NULL && strcmp(k.names[j], reason) == 0)
					sum += k.v[j];
	return sum;
}

json_t *
core_stats_json(struct locid *l)
{
	struct core		*c = l->core;
	const struct role	*r;
	struct counters		 k;
	struct ratelimit	*rl;
	json_t			*o, *rx, *tx, *d, *dm, *lim;
	uint64_t		 sup;
	int			 i;
	char			 key[64];

	o = json_object();
	rx = json_object();
	tx = json_object();
	d = json_object();
	dm = json_object();
	lim = json_object();
	/* every message type of the protocol, zero or not (the text view
	 * shows them all); the reserved numbers only when something came */
	for (i = 0; i < 16; i++) {
		int known = (i >= LISP_MAP_REQUEST && i <= LISP_ECM) || i == 15;

		if (known || c->stats.rx[i] != 0)
			json_object_set_new(rx, type_key(i), json_integer((json_int_t)c->stats.rx[i]));
		if (known || c->stats.tx[i] != 0)
			json_object_set_new(tx, type_key(i), json_integer((json_int_t)c->stats.tx[i]));
	}
	sup = c->logrl.suppressed;
	json_object_set_new(lim, "core", json_integer((json_int_t)c->logrl.suppressed));
	for (i = -1; i < 0 || c->roles[i] != NULL; i++) {
		if (counters_get(l, i, &k))
			counters_add(d, dm, &k);
		if (i < 0 || c->obj[i] == NULL)
			continue;
		r = c->roles[i];
		if (r->logrl != NULL && (rl = r->logrl(c->obj[i])) != NULL) {
			json_object_set_new(lim, stats_key(r->name, key, sizeof(key)),
			    json_integer((json_int_t)rl->suppressed));
			sup += rl->suppressed;
		}
		if (r->stats != NULL)
			json_object_set_new(o, stats_key(r->name, key, sizeof(key)),
			    r->stats(c->obj[i]));
	}
	json_object_set_new(o, "rx", rx);
	json_object_set_new(o, "tx", tx);
	json_object_set_new(o, "rx_bad", json_integer((json_int_t)c->stats.rx_bad));
	json_object_set_new(o, "drops", d);
	json_object_set_new(o, "drops_by_module", dm);
	json_object_set_new(o, "log_suppressed", json_integer((json_int_t)sup));
	json_object_set_new(o, "log_suppressed_by_module", lim);
	return o;
}

/* -- start, stop, reload ------------------------------------------------ */

/* for each kind, the rows with a hook for it by (prio, row): the table is
 * fixed, so this is done once and dispatch only walks the list */
static void
order_hooks(struct core *c)
{
	const struct role_rx	*h;
	int			 k, i, j, n;

	for (k = 0; k < RX__N; k++) {
		n = 0;
		for (i = 0; c->roles[i] != NULL && i < ROLES_MAX; i++) {
			h = &c->roles[i]->rx[k];
			if (h->fn == NULL)
				continue;
			/* insertion by prio, stable for equal ones */
			for (j = n; j > 0 &&
			    c->roles[c->order[k][j - 1]]->rx[k].prio > h->prio; j--)
				c->order[k][j] = c->order[k][j - 1];
			c->order[k][j] = (int8_t)i;
			n++;
		}
		c->order[k][n] = -1;
	}
}

static struct core *
core_new(const struct role *const *roles)
{
	struct core *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->roles = roles != NULL ? roles : role_table;
	c->sock4 = c->sock6 = -1;
	order_hooks(c);
	return c;
}

int
core_attach(struct locid *l, int sock4, int sock6)
{
	if (l->core == NULL && (l->core = core_new(NULL)) == NULL)
		return -1;
	l->core->sock4 = sock4;
	l->core->sock6 = sock6;
	core_bound_reset(l->core);
	return 0;
}

static int
core_control_open(struct locid *l)
{
	return control_open(l, conf_control_path(l->conf),
	    conf_control_ro_path(l->conf));
}

int
locid_start_roles(struct locid *l, struct conf *c, const char *conf_path,
    const struct role *const *roles)
{
	l->conf = c;
	if (l->core == NULL && (l->core = core_new(roles)) == NULL) {
		log_warn("core: out of memory");
		return -1;
	}
	if (conf_path != NULL && l->core->conf_path == NULL)
		l->core->conf_path = strdup(conf_path);
	if (l->base == NULL && (l->base = event_base_new()) == NULL) {
		log_warn("event_base_new failed");
		return -1;
	}
	log_limiter_init(&l->core->logrl, c);
	if (core_open(l) == -1)
		return -1;
	if (roles_sync(l) == -1) {
		char why[512];

		change_summary(l->core, why, sizeof(why));
		log_warn("start-up: %s", why);
		return -1;
	}
	if (core_control_open(l) == -1)
		return -1;
	if (metrics_open(l) == -1)
		return -1;
	return 0;
}

int
locid_start(struct locid *l, struct conf *c, const char *conf_path)
{
	return locid_start_roles(l, c, conf_path, NULL);
}

void
locid_stop(struct locid *l)
{
	if (l->core != NULL) {
		l->stopping = 1;
		metrics_close(l);
		control_close(l);
		roles_stop(l);
		core_close(l);
		free(l->core->rxbuf);
		free(l->core->conf_path);
		free(l->core);
		l->core = NULL;
	}
	if (l->conf != NULL)
		conf_free(l->conf);
	l->conf = NULL;
	if (l->base != NULL)
		event_base_free(l->base);
	l->base = NULL;
}

static int
same_listen(const struct conf *a, const struct conf *b)
{
	return a->control_port == b->control_port &&
	    addr_equal(&a->listen_v4, &b->listen_v4) &&
	    addr_equal(&a->listen_v6, &b->listen_v6);
}

static size_t
change_summary(const struct core *c, char *buf, size_t len)
{
	size_t	 n = 0;
	int	 i;

	buf[0] = '\0';
	for (i = 0; c->roles[i] != NULL && n < len; i++)
		if (c->change[i] == RC_FAILED)
			n += (size_t)snprintf(buf + n, len - n, "%s%s: %s",
			    n > 0 ? "; " : "", c->roles[i]->name, c->change_err[i]);
	return n;
}

int
locid_reload(struct locid *l, char *err, size_t errlen)
{
	struct core	*c = l->core;
	struct conf	*nc, *old;
	const char	*path = c->conf_path != NULL ? c->conf_path : l->conf->path;
	char		 why[1024] = "";
	int		 sockets = 0, ctl = 0, i;

	for (i = 0; i < ROLES_MAX; i++) {
		c->change[i] = RC_NONE;
		c->change_err[i][0] = '\0';
	}
	if (path == NULL) {
		snprintf(err, errlen, "no configuration file to reload");
		return -1;
	}
	if ((nc = conf_load(path, err, errlen)) == NULL) {
		log_warn("reload refused, old configuration kept: %s", err);
		return -1;
	}
	old = l->conf;
	if ((old->user == NULL) != (nc->user == NULL) ||
	    (old->user != NULL && strcmp(old->user, nc->user) != 0)) {
		snprintf(err, errlen, "%s: \"user\" changed: it takes effect only "
		    "at start-up; restart locid", path);
		conf_free(nc);
		log_warn("reload refused, old configuration kept: %s", err);
		return -1;
	}
	l->conf = nc;
	if (!same_listen(old, nc)) {
		sockets = 1;
		core_close(l);
		if (core_open(l) == -1) {
			snprintf(why, sizeof(why), "the control-port sockets could not be opened");
			goto rollback;
		}
	}
	if (roles_sync(l) == -1) {
		change_summary(c, why, sizeof(why));
		goto rollback;
	}
	if (strcmp(conf_control_path(old), conf_control_path(nc)) != 0 ||
	    strcmp(conf_control_ro_path(old), conf_control_ro_path(nc)) != 0 ||
	    (old->control_group == NULL) != (nc->control_group == NULL) ||
	    old->control_gid != nc->control_gid) {
		ctl = 1;
		if (control_relisten(l, conf_control_path(nc),
		    conf_control_ro_path(nc)) == -1) {
			snprintf(why, sizeof(why), "control socket %s could not be opened",
			    conf_control_path(nc));
			goto rollback;
		}
	}
	if ((old->metrics_port != nc->metrics_port ||
	    !addr_equal(&old->metrics_addr, &nc->metrics_addr)) && metrics_open(l) == -1)
		log_warn("reload: metrics-listen not open (the rest is reloaded)");
	log_limiter_init(&c->logrl, nc);
	conf_free(old);
	log_info("configuration reloaded from %s", path);
	return 0;

rollback:
	/* back to the old conf: reopen what was closed, bring the roles back
	 * to it (restarting those that failed), then free the new conf */
	l->conf = old;
	if (sockets) {
		core_close(l);
		if (core_open(l) == -1)
			log_warn("reload: the previous control-port sockets could not be reopened");
	}
	if (ctl) {
		if (control_relisten(l, conf_control_path(old), conf_control_ro_path(old)) == -1)
			log_warn("reload: the previous control socket could not be reopened");
	}
	{
		enum role_change	saved[ROLES_MAX];
		char			saved_err[ROLES_MAX][256];

		memcpy(saved, c->change, sizeof(saved));
		memcpy(saved_err, c->change_err, sizeof(saved_err));
		if (roles_sync(l) == -1) {
			char more[512];

			change_summary(c, more, sizeof(more));
			snprintf(err, errlen, "reload failed (%s) and the previous "
			    "configuration could not be fully restored (%s)", why, more);
		} else
			snprintf(err, errlen, "reload failed: %s; the previous "
			    "configuration was restored", why);
		memcpy(c->change, saved, sizeof(saved));
		memcpy(c->change_err, saved_err, sizeof(saved_err));
	}
	conf_free(nc);
	log_warn("%s", err);
	return -1;
}
