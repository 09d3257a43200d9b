/* the daemon core: UDP control-port sockets, receive loop, dispatch of
 * control messages to the roles, sending, role lifecycle and reload */
#include <sys/types.h>
#include <sys/socket.h>
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
#include "locid.h"

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

uint64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

uint64_t
now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

uint64_t
wall_s(void)
{
	return (uint64_t)time(NULL);
}

char *
sa_fmt(const struct sockaddr *sa, char *buf, size_t len)
{
	const struct sockaddr_in	*s4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)sa;
	char				 a[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else
		snprintf(buf, len, "(af %d)", sa->sa_family);
	return buf;
}

static void
tx_failed(struct locid *l, const struct sockaddr *dst, int err)
{
	char s[80];

	stats_drop(l, "tx: sendto failed");
	if (log_limited_ok(l))
		log_warn("send to %s failed: %s", sa_fmt(dst, s, sizeof(s)),
		    strerror(err));
}

/* send what the receive batch queued, in order, one sendmmsg per run of
 * messages on the same socket */
static void
core_flush(struct locid *l)
{
	struct txq	*q = l->txq;
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
				l->stats.tx[q->arena[q->off[j]] >> 4]++;
		}
	}
	q->n = 0;
	q->used = 0;
}

int
locid_send(struct locid *l, const struct sockaddr *dst, const void *buf,
    size_t len)
{
	struct txq	*q = l->txq;
	int		 fd;
	socklen_t	 slen;

	if (dst->sa_family == AF_INET) {
		fd = l->sock4;
		slen = sizeof(struct sockaddr_in);
	} else if (dst->sa_family == AF_INET6) {
		fd = l->sock6;
		slen = sizeof(struct sockaddr_in6);
	} else
		fd = -1, slen = 0;
	if (fd == -1) {
		stats_drop(l, "tx: no socket for address family");
		return -1;
	}
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
		l->stats.tx[((const uint8_t *)buf)[0] >> 4]++;
	return 0;
}

int
core_can_send(const struct locid *l, const struct lisp_addr *a)
{
	if (a->afi == AFI_IPV4 && !a->has_iid)
		return l->sock4 != -1;
	if (a->afi == AFI_IPV6 && !a->has_iid)
		return l->sock6 != -1;
	return 0;
}

uint16_t
core_port(const struct locid *l, int family)
{
	struct sockaddr_storage	 ss;
	socklen_t		 slen = sizeof(ss);
	int			 fd = family == 4 ? l->sock4 : l->sock6;
	uint16_t		 port = 0;
	struct lisp_addr	 a;

	if (fd == -1 || getsockname(fd, (struct sockaddr *)&ss, &slen) == -1)
		return 0;
	addr_from_sockaddr(&a, (struct sockaddr *)&ss, &port);
	return port;
}

static const char *
drop_dispatch(struct locid *l, const struct pkt *p, const char *reason,
    const char *why)
{
	char s[80];

	stats_drop(l, reason);
	if (log_limited_ok(l))
		log_warn("%s from %s dropped: %s%s%s",
		    lisp_type_name(p->len > 0 ? p->buf[0] >> 4 : 0),
		    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)), reason,
		    why != NULL ? ": " : "", why != NULL ? why : "");
	return reason;
}

static void
dispatch_request(struct locid *l, const struct pkt *p,
    const struct lisp_ecm *ecm, const struct lisp_map_request *mreq)
{
	int etr = l->xtr != NULL && l->conf->etr;

	if (mreq->flags & MREQ_P) {
		/* RLOC-probe: for the ETR only, never via MR/MS */
		if (ecm == NULL && etr)
			xtr_request_in(l->xtr, p, NULL, mreq);
		else
			drop_dispatch(l, p, "rloc-probe at map-resolver/map-server", NULL);
		return;
	}
	if (ecm == NULL && (mreq->flags & MREQ_S)) {
		if (l->xtr != NULL)
			xtr_smr_in(l->xtr, p, mreq);
		else
			drop_dispatch(l, p, "smr without itr role", NULL);
		return;
	}
	if (ecm != NULL) {
		if ((ecm->flags & ECM_E) && etr)
			xtr_request_in(l->xtr, p, ecm, mreq);
		else if (l->mr != NULL)
			mr_request_in(l->mr, p, ecm, mreq);
		else if (etr)
			xtr_request_in(l->xtr, p, ecm, mreq);
		else
			drop_dispatch(l, p, "map-request without a role to answer", NULL);
		return;
	}
	if (etr)
		xtr_request_in(l->xtr, p, NULL, mreq);
	else if (l->mr != NULL)
		mr_request_in(l->mr, p, NULL, mreq);
	else
		drop_dispatch(l, p, "map-request without a role to answer", NULL);
}

void
core_dispatch(struct locid *l, const struct pkt *p)
{
	struct rbuf			 b;
	const char			*why = NULL;
	unsigned			 type;
	struct lisp_map_register	 reg;
	struct lisp_map_request		 mreq;
	struct lisp_map_reply		 rep;
	struct lisp_ecm			 ecm;

	if (p->len < 4) {
		l->stats.rx_bad++;
		drop_dispatch(l, p, "short message", NULL);
		return;
	}
	type = p->buf[0] >> 4;
	l->stats.rx[type]++;
	rbuf_init(&b, p->buf, p->len);
	switch (type) {
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY_ACK:
		if (l->ms == NULL) {
			drop_dispatch(l, p, "not a map-server", NULL);
			return;
		}
		if (map_register_decode(&b, &reg, &why) == -1) {
			l->stats.rx_bad++;
			drop_dispatch(l, p, "malformed map-register", why);
			return;
		}
		if (type == LISP_MAP_REGISTER)
			ms_register_in(l->ms, p, &reg);
		else
			ms_notify_ack_in(l->ms, p, &reg);
		return;
	case LISP_MAP_NOTIFY:
		if (l->xtr == NULL) {
			drop_dispatch(l, p, "map-notify without xtr role", NULL);
			return;
		}
		if (map_register_decode(&b, &reg, &why) == -1) {
			l->stats.rx_bad++;
			drop_dispatch(l, p, "malformed map-notify", why);
			return;
		}
		xtr_notify_in(l->xtr, p, &reg);
		return;
	case LISP_MAP_REQUEST:
		if (map_request_decode(&b, &mreq, &why) == -1) {
			l->stats.rx_bad++;
			drop_dispatch(l, p, "malformed map-request", why);
			return;
		}
		dispatch_request(l, p, NULL, &mreq);
		return;
	case LISP_MAP_REPLY:
		if (l->xtr == NULL) {
			drop_dispatch(l, p, "map-reply without xtr role", NULL);
			return;
		}
		if (map_reply_decode(&b, &rep, &why) == -1) {
			l->stats.rx_bad++;
			drop_dispatch(l, p, "malformed map-reply", why);
			return;
		}
		xtr_reply_in(l->xtr, p, &rep);
		return;
	case LISP_ECM:
		if (ecm_decode(&b, &ecm, &why) == -1) {
			l->stats.rx_bad++;
			drop_dispatch(l, p, "malformed ecm", why);
			return;
		}
		if (ecm.inner.len < 4 || ecm.inner.p[0] >> 4 != LISP_MAP_REQUEST) {
			drop_dispatch(l, p, "ecm without a map-request inside", NULL);
			return;
		}
		b = ecm.inner;
		if (map_request_decode(&b, &mreq, &why) == -1) {
			l->stats.rx_bad++;
			drop_dispatch(l, p, "malformed map-request in ecm", why);
			return;
		}
		dispatch_request(l, p, &ecm, &mreq);
		return;
	default:
		drop_dispatch(l, p, "unsupported message type", NULL);
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
	static uint8_t		 bufs[RX_BATCH][RX_BUFSZ];
	struct sockaddr_storage	 from[RX_BATCH];
	uint8_t			 cbuf[RX_BATCH][128];
	struct iovec		 iov[RX_BATCH];
	struct mmsghdr		 mm[RX_BATCH];
	struct pkt		 p;
	int			 i, n, round;

	if (l->txq != NULL)
		l->txq->active = 1;
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
				stats_drop(l, "rx: message too long");
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
	if (l->txq != NULL) {
		core_flush(l);
		l->txq->active = 0;
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

int
core_open(struct locid *l)
{
	const struct conf	*c = l->conf;
	uint16_t		 port = c->control_port;
	int			 want4, want6;

	/* with one listen address given, only that family is opened */
	want4 = c->listen_v4.afi != AFI_NONE || c->listen_v6.afi == AFI_NONE;
	want6 = c->listen_v6.afi != AFI_NONE || c->listen_v4.afi == AFI_NONE;
	l->sock4 = l->sock6 = -1;
	if (want4)
		l->sock4 = sock_open(l, AF_INET, &c->listen_v4, port);
	if (want6) {
		l->sock6 = sock_open(l, AF_INET6, &c->listen_v6, port);
		/* a host without IPv6 still runs IPv4 */
		if (l->sock6 == -1 && c->listen_v6.afi == AFI_NONE && l->sock4 != -1)
			log_info("no IPv6 control socket");
		else if (l->sock6 == -1)
			goto fail;
	}
	if (want4 && l->sock4 == -1)
		goto fail;
	if (l->txq == NULL && (l->txq = calloc(1, sizeof(*l->txq))) == NULL)
		log_warn("core: no memory for the send queue, sending one by one");
	if (l->sock4 != -1) {
		l->ev4 = event_new(l->base, l->sock4, EV_READ | EV_PERSIST, core_read, l);
		event_add(l->ev4, NULL);
	}
	if (l->sock6 != -1) {
		l->ev6 = event_new(l->base, l->sock6, EV_READ | EV_PERSIST, core_read, l);
		event_add(l->ev6, NULL);
	}
	return 0;
fail:
	core_close(l);
	return -1;
}

void
core_close(struct locid *l)
{
	if (l->ev4 != NULL)
		event_free(l->ev4);
	if (l->ev6 != NULL)
		event_free(l->ev6);
	l->ev4 = l->ev6 = NULL;
	if (l->sock4 != -1)
		close(l->sock4);
	if (l->sock6 != -1)
		close(l->sock6);
	l->sock4 = l->sock6 = -1;
	free(l->txq);
	l->txq = NULL;
}

/* start, reconfigure or stop the role whose module prefix and field in
 * struct locid are both r; a failed start sets rc to -1 */
#define ROLE_SYNC(l, r, want, rc) do {					\
	if ((want) && (l)->r == NULL) {					\
		if (((l)->r = r##_new(l)) == NULL)			\
			(rc) = -1;					\
	} else if (want)						\
		r##_reconf((l)->r);					\
	else if ((l)->r != NULL) {					\
		r##_free((l)->r);					\
		(l)->r = NULL;						\
	}								\
} while (0)

int
core_roles(struct locid *l)
{
	const struct conf	*c = l->conf;
	int			 want_ms = c->map_server;
	int			 want_mr = c->map_resolver || c->map_server;
	int			 want_xtr = c->itr || c->etr || c->pitr || c->petr;
	int			 rc = 0;

	/* the MS needs its site trie before the MR resolves through it */
	ROLE_SYNC(l, ms, want_ms, rc);
	/* the Map-Resolver module also takes the Map-Requests of an MS-only
	 * locid: resolution of registered EIDs is the MS side (ms_resolve) */
	ROLE_SYNC(l, mr, want_mr, rc);
	ROLE_SYNC(l, xtr, want_xtr, rc);
	return rc;
}

static const char *
control_path(const struct conf *c)
{
	return c->control_path != NULL ? c->control_path : "/run/locid.sock";
}

int
locid_start(struct locid *l, struct conf *c, const char *conf_path)
{
	l->conf = c;
	l->sock4 = l->sock6 = -1;
	if (conf_path != NULL && l->conf_path == NULL)
		l->conf_path = strdup(conf_path);
	if (l->base == NULL && (l->base = event_base_new()) == NULL) {
		log_warn("event_base_new failed");
		return -1;
	}
	l->logrl.window_ms = 10000;
	l->logrl.burst = c->log_rate > 0 ? (uint32_t)c->log_rate : 10;
	if (core_open(l) == -1)
		return -1;
	if (core_roles(l) == -1)
		return -1;
	if (control_open(l, control_path(c)) == -1)
		return -1;
	return 0;
}

void
locid_stop(struct locid *l)
{
	control_close(l);
	if (l->xtr != NULL)
		xtr_free(l->xtr);
	if (l->mr != NULL)
		mr_free(l->mr);
	if (l->ms != NULL)
		ms_free(l->ms);
	l->xtr = NULL;
	l->mr = NULL;
	l->ms = NULL;
	core_close(l);
	if (l->conf != NULL)
		conf_free(l->conf);
	l->conf = NULL;
	if (l->base != NULL)
		event_base_free(l->base);
	l->base = NULL;
	free(l->conf_path);
	l->conf_path = NULL;
}

static int
same_listen(const struct conf *a, const struct conf *b)
{
	return a->control_port == b->control_port &&
	    addr_equal(&a->listen_v4, &b->listen_v4) &&
	    addr_equal(&a->listen_v6, &b->listen_v6);
}

int
locid_reload(struct locid *l, char *err, size_t errlen)
{
	struct conf	*nc, *old;
	const char	*path = l->conf_path != NULL ? l->conf_path : l->conf->path;

	if (path == NULL) {
		snprintf(err, errlen, "no configuration file to reload");
		return -1;
	}
	if ((nc = conf_load(path, err, errlen)) == NULL) {
		log_warn("reload refused, old configuration kept: %s", err);
		return -1;
	}
	old = l->conf;
	l->conf = nc;
	l->logrl.burst = nc->log_rate > 0 ? (uint32_t)nc->log_rate : 10;
	if (!same_listen(old, nc)) {
		core_close(l);
		if (core_open(l) == -1)
			log_warn("reload: control-port sockets could not be reopened");
	}
	core_roles(l);
	if (strcmp(control_path(old), control_path(nc)) != 0) {
		control_close(l);
		control_open(l, control_path(nc));
	}
	conf_free(old);
	log_info("configuration reloaded from %s", path);
	return 0;
}
