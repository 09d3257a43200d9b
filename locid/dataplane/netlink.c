/* kernel routing state over rtnetlink (libmnl): link MTU and state,
 * addresses, routes in the LISP table and the policy rules */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "dataplane.h"

struct nl {
	struct mnl_socket *sk;
	unsigned	 portid;
	uint32_t	 seq;
	char		 err[128];
	char		 buf[32768];
};

struct nl *
nl_open(void)
{
	struct nl *nl;

	if ((nl = calloc(1, sizeof(*nl))) == NULL)
		return NULL;
	if ((nl->sk = mnl_socket_open(NETLINK_ROUTE)) == NULL ||
	    mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) == -1) {
		if (nl->sk != NULL)
			mnl_socket_close(nl->sk);
		free(nl);
		return NULL;
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = (uint32_t)time(NULL);
	return nl;
}

void
nl_close(struct nl *nl)
{
	if (nl == NULL)
		return;
	mnl_socket_close(nl->sk);
	free(nl);
}

const char *
nl_error(struct nl *nl)
{
	return nl->err;
}

/* send and run cb over the answer until DONE or the ack */
static int
nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *arg)
{
	int ret;
	uint32_t seq;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0) {
		snprintf(nl->err, sizeof(nl->err), "send: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		ret = (int)mnl_socket_recvfrom(nl->sk, nl->buf, sizeof(nl->buf));
		if (ret < 0) {
			snprintf(nl->err, sizeof(nl->err), "recv: %s", strerror(errno));
			return -1;
		}
		ret = mnl_cb_run(nl->buf, (size_t)ret, seq, nl->portid, cb, arg);
		if (ret == -1) {
			snprintf(nl->err, sizeof(nl->err), "%s", strerror(errno));
			return -1;
		}
		if (ret <= MNL_CB_STOP)
			return 0;
	}
}

/* start a request in buf: the netlink header in *nlhp, then the zeroed
 * family header of hdrlen bytes that is returned */
static void *
nl_request(char *buf, uint16_t type, uint16_t flags, size_t hdrlen,
    struct nlmsghdr **nlhp)
{
	struct nlmsghdr *nlh;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	*nlhp = nlh;
	return mnl_nlmsg_put_extra_header(nlh, hdrlen);
}

/* a link request for one interface */
static struct ifinfomsg *
link_request(char *buf, uint16_t type, uint16_t flags, int ifindex,
    struct nlmsghdr **nlhp)
{
	struct ifinfomsg *ifi;

	ifi = nl_request(buf, type, flags, sizeof(*ifi), nlhp);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return ifi;
}

int
nl_ifindex(struct nl *nl, const char *name)
{
	return (int)if_nametoindex(name);
}

struct link_arg {
	int	 mtu;
};

static int
link_attr(const struct nlattr *a, void *arg)
{
	struct link_arg *la = arg;

	if (mnl_attr_get_type(a) == IFLA_MTU && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		la->mtu = (int)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int
link_cb(const struct nlmsghdr *nlh, void *arg)
{
	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_attr, arg);
	return MNL_CB_OK;
}

int
nl_link_mtu(struct nl *nl, int ifindex)
{
	char buf[256];
	struct nlmsghdr *nlh;
	struct link_arg la = { -1 };

	(void)link_request(buf, RTM_GETLINK, 0, ifindex, &nlh);
	if (nl_talk(nl, nlh, link_cb, &la) == -1)
		return -1;
	return la.mtu;
}

int
nl_link_set(struct nl *nl, int ifindex, int mtu, int up)
{
	char buf[256];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	ifi = link_request(buf, RTM_NEWLINK, NLM_F_ACK, ifindex, &nlh);
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	if (mtu > 0)
		mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t)mtu);
	return nl_talk(nl, nlh, NULL, NULL);
}

int
nl_link_txqlen(struct nl *nl, int ifindex, uint32_t qlen)
{
	char buf[256];
	struct nlmsghdr *nlh;

	(void)link_request(buf, RTM_NEWLINK, NLM_F_ACK, ifindex, &nlh);
	mnl_attr_put_u32(nlh, IFLA_TXQLEN, qlen);
	return nl_talk(nl, nlh, NULL, NULL);
}

struct addr_arg {
	int		 ifindex;	/* match, or 0 */
	int		 family;
	const struct lisp_addr *want;	/* find the ifindex of this address */
	struct lisp_addr *out;
	int		 found;		/* 1 any, 2 global */
	int		 outif;
};

static int
addr_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct addr_arg *aa = arg;
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct nlattr *a;
	const uint8_t *v = NULL;
	struct lisp_addr la;
	int rank;

	if (aa->ifindex != 0 && (int)ifa->ifa_index != aa->ifindex)
		return MNL_CB_OK;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(a) == IFA_ADDRESS ||
		    (mnl_attr_get_type(a) == IFA_LOCAL && ifa->ifa_family == AF_INET))
			v = mnl_attr_get_payload(a);
	}
	if (v == NULL)
		return MNL_CB_OK;
	if (ifa->ifa_family == AF_INET)
		addr_set_v4(&la, v);
	else
		addr_set_v6(&la, v);
	if (aa->want != NULL) {
		if (addr_equal(&la, aa->want))
			aa->outif = (int)ifa->ifa_index;
		return MNL_CB_OK;
	}
	rank = ifa->ifa_scope == RT_SCOPE_UNIVERSE ? 2 : 1;
	if (rank > aa->found) {
		*aa->out = la;
		aa->found = rank;
	}
	return MNL_CB_OK;
}

static int
addr_dump(struct nl *nl, int family, struct addr_arg *aa)
{
	char buf[256];
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	ifa = nl_request(buf, RTM_GETADDR, NLM_F_DUMP, sizeof(*ifa), &nlh);
	ifa->ifa_family = (uint8_t)family;
	return nl_talk(nl, nlh, addr_cb, aa);
}

int
nl_if_addr(struct nl *nl, int ifindex, int family, struct lisp_addr *out)
{
	struct addr_arg aa = { .ifindex = ifindex, .out = out };

	if (addr_dump(nl, family == 6 ? AF_INET6 : AF_INET, &aa) == -1)
		return -1;
	return aa.found ? 0 : -1;
}

int
nl_addr_ifindex(struct nl *nl, const struct lisp_addr *a)
{
	struct addr_arg aa = { .want = a };

	if (addr_dump(nl, a->afi == AFI_IPV6 ? AF_INET6 : AF_INET, &aa) == -1)
		return 0;
	return aa.outif;
}

static int
route_attr(const struct nlattr *a, void *arg)
{
	if (mnl_attr_get_type(a) == RTA_OIF && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		*(int *)arg = (int)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int
route_cb(const struct nlmsghdr *nlh, void *arg)
{
	mnl_attr_parse(nlh, sizeof(struct rtmsg), route_attr, arg);
	return MNL_CB_OK;
}

int
nl_route_oif(struct nl *nl, const struct lisp_addr *dst)
{
	char buf[256];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int oif = 0, v6 = dst->afi == AFI_IPV6;

	rtm = nl_request(buf, RTM_GETROUTE, 0, sizeof(*rtm), &nlh);
	rtm->rtm_family = v6 ? AF_INET6 : AF_INET;
	rtm->rtm_dst_len = v6 ? 128 : 32;
	mnl_attr_put(nlh, RTA_DST, v6 ? 16 : 4, addr_bytes(dst));
	if (nl_talk(nl, nlh, route_cb, &oif) == -1)
		return 0;
	return oif;
}

int
nl_route(struct nl *nl, int add, int type, uint32_t table,
    const struct lisp_addr *dst, int plen, int oif)
{
	char buf[256];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int v6 = dst->afi == AFI_IPV6;

	rtm = nl_request(buf, add ? RTM_NEWROUTE : RTM_DELROUTE,
	    NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0),
	    sizeof(*rtm), &nlh);
	rtm->rtm_family = v6 ? AF_INET6 : AF_INET;
	rtm->rtm_dst_len = (uint8_t)plen;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = type == NL_RT_THROW ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = type == NL_RT_THROW ? RTN_THROW : RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (plen > 0)
		mnl_attr_put(nlh, RTA_DST, v6 ? 16 : 4, addr_bytes(dst));
	if (type == NL_RT_DEV)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	return nl_talk(nl, nlh, NULL, NULL);
}

/* a rule message to the table at prio, its selectors left to the caller */
static struct nlmsghdr *
rule_msg(char *buf, int add, int family, uint32_t table, uint32_t prio,
    struct fib_rule_hdr **frhp)
{
	struct nlmsghdr *nlh;
	struct fib_rule_hdr *frh;

	frh = nl_request(buf, add ? RTM_NEWRULE : RTM_DELRULE,
	    NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0),
	    sizeof(*frh), &nlh);
	frh->family = family == 6 ? AF_INET6 : AF_INET;
	frh->action = FR_ACT_TO_TBL;
	frh->table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, FRA_TABLE, table);
	mnl_attr_put_u32(nlh, FRA_PRIORITY, prio);
	*frhp = frh;
	return nlh;
}

int
nl_rule(struct nl *nl, int add, int family, const struct lisp_addr *src, int plen,
    uint32_t table, uint32_t prio, int suppress)
{
	char buf[256];
	struct fib_rule_hdr *frh;
	struct nlmsghdr *nlh = rule_msg(buf, add, family, table, prio, &frh);

	if (src != NULL) {
		frh->src_len = (uint8_t)plen;
		if (plen > 0)
			mnl_attr_put(nlh, FRA_SRC, family == 6 ? 16 : 4, addr_bytes(src));
	}
	if (suppress >= 0)
		mnl_attr_put_u32(nlh, FRA_SUPPRESS_PREFIXLEN, (uint32_t)suppress);
	return nl_talk(nl, nlh, NULL, NULL);
}

int
nl_rule_iif(struct nl *nl, int add, int family, const char *ifname,
    uint32_t table, uint32_t prio)
{
	char buf[256];
	struct fib_rule_hdr *frh;
	struct nlmsghdr *nlh = rule_msg(buf, add, family, table, prio, &frh);

	mnl_attr_put_strz(nlh, FRA_IIFNAME, ifname);
	return nl_talk(nl, nlh, NULL, NULL);
}

struct pfx_arg {
	int		 ifindex;
	struct lisp_addr *out;
	int		*plen;
	int		 max, n;
};

static int
pfx_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct pfx_arg *pa = arg;
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct nlattr *a;
	const uint8_t *v = NULL;
	struct lisp_addr la;

	if ((int)ifa->ifa_index != pa->ifindex || pa->n == pa->max ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(a) == IFA_ADDRESS &&
		    mnl_attr_get_payload_len(a) == (ifa->ifa_family == AF_INET ? 4 : 16))
			v = mnl_attr_get_payload(a);
	}
	if (v == NULL)
		return MNL_CB_OK;
	if (ifa->ifa_family == AF_INET)
		addr_set_v4(&la, v);
	else
		addr_set_v6(&la, v);
	if (ifa->ifa_prefixlen > addr_bits(&la))
		return MNL_CB_OK;
	addr_mask(&la, ifa->ifa_prefixlen);
	pa->out[pa->n] = la;
	pa->plen[pa->n++] = ifa->ifa_prefixlen;
	return MNL_CB_OK;
}

int
nl_if_prefixes(struct nl *nl, int ifindex, int family, struct lisp_addr *out,
    int *plen, int max)
{
	struct pfx_arg pa = { ifindex, out, plen, max, 0 };
	char buf[256];
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	ifa = nl_request(buf, RTM_GETADDR, NLM_F_DUMP, sizeof(*ifa), &nlh);
	ifa->ifa_family = family == 6 ? AF_INET6 : AF_INET;
	if (nl_talk(nl, nlh, pfx_cb, &pa) == -1)
		return -1;
	return pa.n;
}
