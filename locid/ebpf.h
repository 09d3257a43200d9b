/* the in-kernel fast path (bpf/lisp.bpf.c) as a second data-plane
 * implementation (dp_ops): it mirrors the FIB and the policy into BPF
 * maps; what the programs pass goes the TUN way of dp.c. */
#ifndef LOCID_EBPF_H
#define LOCID_EBPF_H

#include "dp.h"

struct dp_ebpf;

extern const struct dp_ops dp_ebpf_ops;

/* load the programs and attach them at TC ingress of every interface
 * but the loopback and the TUN; NULL with the reason in why when the
 * kernel or our privileges do not allow it. install with
 * dp_set_ops(dp, &dp_ebpf_ops, eb); dp_close frees it */
struct dp_ebpf	*dp_ebpf_open(struct dp *, char *why, size_t whylen);
/* our RLOCs (all of the database's): decapsulated on as the source RLOC */
void		 dp_ebpf_local_rlocs(struct dp_ebpf *, const struct lisp_addr *, int n);
/* the tenants (instance-id blocks): their EID-facing interfaces and
 * TUN by ifindex (0: not there); replaces what was given before */
struct dp_ebpf_tenant {
	uint32_t	 iid;
	int		 tun_if;
	int		 nifs;
	int		 ifs[CONF_TENANT_IFS];
};
void		 dp_ebpf_tenants(struct dp_ebpf *, const struct dp_ebpf_tenant *, int n);
/* interfaces that appeared since: attach there too */
void		 dp_ebpf_rescan(struct dp_ebpf *);

#endif
