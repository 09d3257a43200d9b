/* locictl's output layer: one field table per object the daemon emits.
 * a field names its JSON key, its text label, its type and, when it is a
 * metric, its OpenMetrics family. commands read values through the tables
 * (never a key spelled in a printf), and the schema test checks every key
 * of every table against tests/schema/. */
#ifndef LOCICTL_FIELDS_H
#define LOCICTL_FIELDS_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

enum fld_type {
	FLD_STR, FLD_INT, FLD_BOOL, FLD_REAL, FLD_OBJ, FLD_ARR
};

enum om_type {
	OM_NONE, OM_COUNTER, OM_GAUGE, OM_UNKNOWN
};

struct fld {
	const char	*key;		/* JSON key */
	const char	*label;		/* text column or label */
	enum fld_type	 type;
	enum om_type	 om;		/* OM_NONE: not a metric */
	const char	*om_name;	/* family name (counters without _total) */
	const char	*om_help;
	double		 om_scale;	/* sample = value * scale; 0 means 1 */
};

struct fld_table {
	const char		*name;		/* for messages */
	const char		*schema;	/* tests/schema/NAME.schema */
	const char		*path;		/* where the object sits in it */
	const struct fld	*f;
	size_t			 n;
};

/* the objects; an enum per table indexes its fields */
enum { SITE_SITE, SITE_PREFIX, SITE_IID, SITE_CONFIGURED, SITE_REGISTERED,
	SITE_REGISTRATIONS, SITE_LAST, SITE_LAST_AGO, SITE_WHO,
	SITE_DETAILS, SITE_ACCEPTED, SITE_REFUSED, SITE_DESCR, SITE_FORCE_PROXY,
	SITE_MORE_SPECIFICS, SITE_NF };
enum { REG_SOURCE, REG_PORT, REG_XTR_ID, REG_SITE_ID, REG_PROXY, REG_NOTIFY,
	REG_TTL_LIFETIME, REG_TTL, REG_EXPIRES, REG_FIRST, REG_LAST,
	REG_LAST_AGO, REG_REGISTERS, REG_RLOCS, REG_NF };
enum { RRLOC_ADDR, RRLOC_PRI, RRLOC_WGT, RRLOC_MPRI, RRLOC_MWGT,
	RRLOC_REACH, RRLOC_LOCAL, RRLOC_NF };
enum { MC_PREFIX, MC_IID, MC_STATE, MC_SOURCE, MC_UPTIME, MC_EXPIRES, MC_TTL,
	MC_AUTH, MC_ACTION, MC_PACKETS, MC_BYTES, MC_DROPS, MC_RESOLVE_US,
	MC_REQUESTS, MC_QUEUED, MC_LOCATORS, MC_NF };
enum { ML_RLOC, ML_STATE, ML_PRI, ML_WGT, ML_REACH, ML_LOCAL, ML_ENCAP_PKTS,
	ML_ENCAP_BYTES, ML_PROBE, ML_RTT, ML_PROBES_SENT, ML_PROBES_ANSWERED,
	ML_NF };
enum { DB_MAPPINGS, DB_MAP_SERVERS, DB_PROXY, DB_NF };
enum { DM_PREFIX, DM_IID, DM_TTL, DM_LOCATORS, DM_NF };
enum { DL_RLOC, DL_IFACE, DL_PRI, DL_WGT, DL_STATE, DL_NF };
enum { DS_MS, DS_PROXY, DS_NOTIFY, DS_REGISTERS, DS_NOTIFIES, DS_NOTIFY_BAD,
	DS_LAST_REGISTER, DS_LAST_NOTIFY, DS_STATE, DS_NEXT, DS_NF };
enum { ST_RX, ST_TX, ST_RX_BAD, ST_DROPS, ST_DROPS_BY_MODULE, ST_XTR,
	ST_LOG_SUPPRESSED, ST_LOG_BY_MODULE, ST_NF };
enum { XTR_ENCAP_PKTS, XTR_ENCAP_BYTES, XTR_DECAP_PKTS, XTR_DECAP_BYTES,
	XTR_NATIVE_PKTS, XTR_QUEUED_PKTS, XTR_QUEUE_SENT, XTR_ICMP_TOO_BIG,
	XTR_MAP_REQUESTS, XTR_MAP_REQUESTS_RETX, XTR_MAP_REPLIES_IN,
	XTR_MAP_REPLIES_OUT, XTR_REGISTERS, XTR_NOTIFIES, XTR_PROBE_REPLIES,
	XTR_SMR_IN, XTR_PETR_PKTS, XTR_PETR_BYTES, XTR_MAP_CACHE_ENTRIES,
	XTR_RESOLVE_AVG, XTR_TUN, XTR_TUN_MTU, XTR_DATAPLANE, XTR_DATAPLANE_REASON,
	XTR_EBPF, XTR_MAP_RESOLVERS, XTR_SMR, XTR_NF };
enum { MR_ADDR, MR_STATE, MR_REQUESTS, MR_ANSWERED, MR_TIMEOUTS, MR_RETRY,
	MR_NF };
enum { SMR_SENT, SMR_CHANGES, SMR_RECENT, SMR_NF };
enum { SI_RLOC, SI_EID, SI_SENT, SI_PENDING, SI_NF };
enum { VER_PROTOCOL, VER_SCHEMA, VER_DAEMON, VER_VERSION, VER_ROLES, VER_NF };
enum { NAT_ENABLED, NAT_UPLINKS, NAT_RTR, NAT_XTRS, NAT_NF };
enum { NX_XTR_ID, NX_SITE_ID, NX_STATE, NX_EIDS, NX_GLOBAL, NX_GLOBAL_PORT,
	NX_PRIVATE, NX_MS, NX_EXPIRES, NX_REGISTERS, NX_NOTIFIES, NX_NF };
enum { NU_UPLINK, NU_MS, NU_STATE, NU_GLOBAL, NU_GLOBAL_PORT, NU_LOCAL_PORT,
	NU_RTRS, NU_REQUESTS, NU_REPLIES, NU_CHANGES, NU_LAST_REPLY, NU_NF };
enum { CLR_CLEARED, CLR_NF };
enum { RL_RELOADED, RL_CONFIG, RL_ROLES, RL_NF };
enum { RR_RESULT, RR_REASON, RR_NF };
enum { RC_PREFIX, RC_ACTION, RC_TTL, RC_EXPIRES, RC_HITS, RC_VERIFIED, RC_SET, RC_NF };
enum { SB_PREFIX, SB_XTR_ID, SB_SITE_ID, SB_RLOC, SB_STATE, SB_SINCE, SB_NOTIFIES,
	SB_ACKS, SB_UNACKED, SB_NF };

extern const struct fld_table	fld_site, fld_reg, fld_reg_rloc, fld_mc,
				fld_mc_loc, fld_db, fld_db_map, fld_db_loc,
				fld_db_ms, fld_stats, fld_msg_types, fld_xtr,
				fld_mr, fld_clear, fld_reload,
				fld_nat, fld_nat_uplink, fld_nat_xtr,
				fld_reload_role, fld_refcache, fld_subs,
				fld_smr, fld_smr_itr, fld_version;
/* every table, NULL-terminated, for the schema test */
extern const struct fld_table	*const fld_tables[];

/* values through a field; a missing or mistyped value gives the default */
json_t		*fld_get(const json_t *, const struct fld_table *, int);
const char	*fld_str(const json_t *, const struct fld_table *, int,
		    const char *);
long long	 fld_int(const json_t *, const struct fld_table *, int, long long);
int		 fld_bool(const json_t *, const struct fld_table *, int);
int		 fld_null(const json_t *, const struct fld_table *, int);
/* 1 and *v for a number, 0 for anything else */
int		 fld_num(const json_t *, const struct fld_table *, int, double *);

/* OpenMetrics text (the exposition format): a family header, then its
 * samples (labels as NULL-terminated name, value pairs), then om_eof */
struct om {
	FILE		*f;
	const char	*family;
	enum om_type	 type;
};
void	om_begin(struct om *, FILE *);
void	om_family(struct om *, const char *name, enum om_type, const char *help);
void	om_sample(struct om *, double value, ...);
void	om_sample_labels(struct om *, double value, const char *const *labels);
void	om_eof(struct om *);
/* a metric name from an arbitrary key: [a-zA-Z0-9_:] kept, others '_' */
char	*om_name_fmt(const char *prefix, const char *key, char *buf, size_t len);

/* generic text for a value whose shape locictl does not know: scalars as
 * they are, objects as indented "key: value" lines, arrays of objects as
 * numbered blocks; never a JSON dump */
void	out_generic(FILE *, int indent, const char *label, const json_t *);

/* show stats in the three forms (out_stats.c) */
void	stats_text(FILE *, const json_t *);
void	stats_openmetrics(FILE *, const json_t *);
void	out_json(FILE *, const json_t *);

#endif
