/* configuration: defaults, the work behind each grammar rule (checks with
 * file:line messages), validation of the roles, loading and freeing. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "hash.h"
#include "ddtsig.h"
#include "lcaf.h"
#include "msg.h"
#include "confpriv.h"

#define CONTROL_PATH_MAX	107	/* sun_path less its NUL */
#define PIDFILE_MAX		255	/* as any string */
#define IFNAME_MAX		15	/* IFNAMSIZ less its NUL */

/* the role keywords: one table for the grammar, the printer and main */
const struct conf_role_kw conf_role_kws[ROLE_MAX + 1] = {
	[ROLE_MS] = { "map-server", offsetof(struct conf, map_server) },
	[ROLE_MR] = { "map-resolver", offsetof(struct conf, map_resolver) },
	[ROLE_ITR] = { "itr", offsetof(struct conf, itr) },
	[ROLE_ETR] = { "etr", offsetof(struct conf, etr) },
	[ROLE_PITR] = { "pitr", offsetof(struct conf, pitr) },
	[ROLE_PETR] = { "petr", offsetof(struct conf, petr) },
	[ROLE_DDT] = { "ddt-node", offsetof(struct conf, ddt_node) },
	[ROLE_RTR] = { "rtr", offsetof(struct conf, rtr) },
	[ROLE_MAX] = { NULL, 0 },
};

int
conf_role_on(const struct conf *c, const struct conf_role_kw *k)
{
	return *(const int *)(const void *)((const char *)c + k->off);
}

static const char *const block_names[] = {
	"", "timers", "site", "database-mapping", "map-cache"
};

void
conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->control_path = strdup("/run/locid.sock");
	snprintf(c->control_ro_default, sizeof(c->control_ro_default),
	    "/run/locid.sock.ro");
	addr_set_none(&c->listen_v4);
	addr_set_none(&c->listen_v6);
	c->control_port = 4342;
	c->data_port = 4341;
	c->log_rate = 10;
	c->ratelimit_pps = 1000;
	c->strict_register_nonce = 0;
	c->withdraw_on_stop = 1;
	c->timers.register_interval = 60;
	c->timers.registration_ttl = 180;
	c->timers.negative_ttl = 15;
	c->timers.unregistered_ttl = 1;
	c->timers.map_request_timeout_ms = 1000;
	c->timers.map_request_retries = 3;
	c->timers.probe_interval = 30;
	c->timers.probe_timeout = 3;
	c->timers.referral_ttl_max = 86400;
	c->subscriptions_max = 10000;
	c->timers.map_cache_ttl = 1440;
	c->timers.record_ttl_max = 1440;
	TAILQ_INIT(&c->sites);
	TAILQ_INIT(&c->ms_routes);
	TAILQ_INIT(&c->mappings);
	TAILQ_INIT(&c->map_servers);
	TAILQ_INIT(&c->tenants);
	TAILQ_INIT(&c->map_resolvers);
	TAILQ_INIT(&c->petrs);
	TAILQ_INIT(&c->nat_rtrs);
	c->info_interval = 15;
	c->ms_rtr_auth = MSRTR_AUTH_ON;
	TAILQ_INIT(&c->pitr_prefixes);
	TAILQ_INIT(&c->petr_prefixes);
	TAILQ_INIT(&c->ddt_roots);
	TAILQ_INIT(&c->ddt_auth);
	TAILQ_INIT(&c->ddt_delegs);
	TAILQ_INIT(&c->decap_allow);
	TAILQ_INIT(&c->static_mappings);
	c->tun_name = strdup("lisp0");
	c->tun_mtu = 0;
	c->rt_table = 100;
	c->rule_prio = 100;
	c->queue_per_dest = 4;
	c->map_cache_limit = 100000;
	c->reply_min_len4 = 8;
	c->reply_min_len6 = 16;
	c->registrants_per_prefix = 16;
}

/* empty a list of entries that own nothing but themselves */
#define ENTRIES_FREE(h, type) do {					\
	struct type *e_;						\
									\
	while ((e_ = TAILQ_FIRST(h)) != NULL) {				\
		TAILQ_REMOVE(h, e_, entry);				\
		free(e_);						\
	}								\
} while (0)

static void
rlocs_free(struct conf_rlocs *h)
{
	struct conf_rloc *r;

	while ((r = TAILQ_FIRST(h)) != NULL) {
		TAILQ_REMOVE(h, r, entry);
		free(r->ifname);
		free(r);
	}
}

void
conf_free(struct conf *c)
{
	struct conf_site *s;
	struct conf_mapping *m;
	struct conf_map_server *ms;
	struct conf_nat_rtr *nr;
	struct conf_tenant *t;
	struct conf_peer *pr;
	struct conf_ddt_deleg *dd;
	int i;

	if (c == NULL)
		return;
	while ((s = TAILQ_FIRST(&c->sites)) != NULL) {
		TAILQ_REMOVE(&c->sites, s, entry);
		free(s->name);
		free(s->description);
		for (i = 0; i < s->nkeys; i++)
			free(s->keys[i].secret);
		ENTRIES_FREE(&s->prefixes, conf_prefix);
		rlocs_free(&s->allowed_rlocs);
		free(s);
	}
	ENTRIES_FREE(&c->ms_routes, conf_ms_route);
	while ((m = TAILQ_FIRST(&c->mappings)) != NULL) {
		TAILQ_REMOVE(&c->mappings, m, entry);
		rlocs_free(&m->rlocs);
		free(m);
	}
	while ((m = TAILQ_FIRST(&c->static_mappings)) != NULL) {
		TAILQ_REMOVE(&c->static_mappings, m, entry);
		rlocs_free(&m->rlocs);
		free(m);
	}
	while ((t = TAILQ_FIRST(&c->tenants)) != NULL) {
		TAILQ_REMOVE(&c->tenants, t, entry);
		for (i = 0; i < t->nifs; i++)
			free(t->ifs[i]);
		free(t->tun_name);
		free(t);
	}
	while ((ms = TAILQ_FIRST(&c->map_servers)) != NULL) {
		TAILQ_REMOVE(&c->map_servers, ms, entry);
		free(ms->key.secret);
		free(ms);
	}
	for (i = 0; i < c->nlskeys; i++)
		free(c->lskeys[i].secret);
	ENTRIES_FREE(&c->map_resolvers, conf_peer);
	ENTRIES_FREE(&c->petrs, conf_peer);
	while ((nr = TAILQ_FIRST(&c->nat_rtrs)) != NULL) {
		TAILQ_REMOVE(&c->nat_rtrs, nr, entry);
		free(nr->key.secret);
		free(nr);
	}
	ENTRIES_FREE(&c->pitr_prefixes, conf_prefix);
	ENTRIES_FREE(&c->petr_prefixes, conf_prefix);
	while ((pr = TAILQ_FIRST(&c->ddt_roots)) != NULL) {
		TAILQ_REMOVE(&c->ddt_roots, pr, entry);
		ddtsig_free(pr->key);
		free(pr->key_path);
		free(pr->key_der);
		free(pr);
	}
	while ((dd = TAILQ_FIRST(&c->ddt_delegs)) != NULL) {
		TAILQ_REMOVE(&c->ddt_delegs, dd, entry);
		ddtsig_free(dd->key);
		free(dd->key_path);
		free(dd->key_der);
		free(dd);
	}
	ddtsig_free(c->ddt_sign_key);
	free(c->ddt_sign_key_path);
	ENTRIES_FREE(&c->ddt_auth, conf_prefix);
	free(c->pubsub_key.secret);
	ENTRIES_FREE(&c->decap_allow, conf_prefix);
	free(c->path);
	free(c->control_path);
	free(c->control_ro_path);
	free(c->control_group);
	free(c->pidfile);
	free(c->user);
	free(c->tun_name);
	free(c);
}

/* append "name:line: msg" to the error text, one line per error; a line
 * that does not fit whole is left out */
void
conf_error(struct parse_ctx *ctx, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t n;
	int len;

	ctx->nerrors++;
	if (line > 0)
		len = snprintf(msg, sizeof(msg), "%s:%d: ", ctx->name, line);
	else
		len = snprintf(msg, sizeof(msg), "%s: ", ctx->name);
	if (len < 0 || (size_t)len >= sizeof(msg))
		len = 0;
	va_start(ap, fmt);
	vsnprintf(msg + len, sizeof(msg) - len, fmt, ap);
	va_end(ap);
	if (ctx->err == NULL || ctx->errlen == 0)
		return;
	n = strlen(msg) + (ctx->errused > 0);
	if (ctx->errused + n >= ctx->errlen) {
		ctx->errused = ctx->errlen;	/* full: no later lines */
		return;
	}
	if (ctx->errused > 0)
		ctx->err[ctx->errused++] = '\n';
	strcpy(ctx->err + ctx->errused, msg);
	ctx->errused += strlen(msg);
}

static void
nomem(struct parse_ctx *ctx, int line)
{
	conf_error(ctx, line, "out of memory");
}

/* a zeroed entry, or NULL after saying so */
static void *
entry_alloc(struct parse_ctx *ctx, int line, size_t size)
{
	void *p;

	if ((p = calloc(1, size)) == NULL)
		nomem(ctx, line);
	return p;
}

int
conf_range(struct parse_ctx *ctx, int line, const char *what, uint64_t v,
    uint64_t lo, uint64_t hi)
{
	if (v >= lo && v <= hi)
		return 0;
	conf_error(ctx, line, "%s %llu out of range (%llu-%llu)", what,
	    (unsigned long long)v, (unsigned long long)lo,
	    (unsigned long long)hi);
	return -1;
}

int
conf_toplevel(struct parse_ctx *ctx, int line, const char *what)
{
	if (ctx->block == BLOCK_NONE && ctx->tenant != NULL) {
		conf_error(ctx, line, "%s not allowed in an instance-id block",
		    what);
		return -1;
	}
	if (ctx->block == BLOCK_NONE)
		return 0;
	conf_error(ctx, line, "%s not allowed in a %s block", what,
	    block_names[ctx->block]);
	return -1;
}

static int
inside(struct parse_ctx *ctx, int line, enum conf_block b, const char *what)
{
	if (ctx->block == b || (b == BLOCK_MAPPING && ctx->block == BLOCK_STATIC))
		return 0;	/* a static map-cache entry has rlocs as a mapping */
	if (ctx->block == BLOCK_NONE)
		conf_error(ctx, line, "%s outside any block", what);
	else
		conf_error(ctx, line, "%s not allowed in a %s block", what,
		    block_names[ctx->block]);
	return -1;
}

/* an underlay address: IPv4 or IPv6, no instance-id */
static int
rloc_parse(struct parse_ctx *ctx, int line, const char *what, const char *s,
    struct lisp_addr *a)
{
	if (addr_parse(a, s) == -1) {
		conf_error(ctx, line, "%s %s: invalid address", what, s);
		return -1;
	}
	if ((a->afi != AFI_IPV4 && a->afi != AFI_IPV6) || a->has_iid) {
		conf_error(ctx, line, "%s %s: must be an IPv4 or IPv6 address",
		    what, s);
		return -1;
	}
	return 0;
}

/* "198.18.1.0/24", "[100]2001:db8::/48"; without "/len" a host prefix */
static int
eid_parse(struct parse_ctx *ctx, int line, const char *s,
    struct lisp_addr *a, int *mlen)
{
	char tmp[ADDR_STRLEN];
	const char *slash, *p;
	size_t n;
	long v;
	int bits;

	slash = strchr(s, '/');
	n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (n >= sizeof(tmp)) {
		conf_error(ctx, line, "prefix %s: invalid address", s);
		return -1;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (addr_parse(a, tmp) == -1) {
		conf_error(ctx, line, "prefix %s: invalid address", s);
		return -1;
	}
	if ((bits = addr_bits(a)) == 0) {
		conf_error(ctx, line, "prefix %s: not a prefix family", s);
		return -1;
	}
	if (slash != NULL) {
		p = slash + 1;
		if (*p == '\0' || strspn(p, "0123456789") != strlen(p) ||
		    strlen(p) > 3) {
			conf_error(ctx, line, "prefix %s: invalid mask length",
			    s);
			return -1;
		}
		v = strtol(p, NULL, 10);
		if (v > bits) {
			conf_error(ctx, line,
			    "prefix %s: mask length exceeds %d", s, bits);
			return -1;
		}
	}
	if (prefix_parse(s, a, mlen) == -1) {
		conf_error(ctx, line, "prefix %s: invalid prefix", s);
		return -1;
	}
	return 0;
}

static const char *
pfx_fmt(const struct lisp_addr *a, int mlen, char *buf, size_t len)
{
	return prefix_fmt(a, mlen, buf, len);
}

/* a prefix inside an instance-id block takes its instance-id; one that
 * names another is refused */
static int
tenant_iid(struct parse_ctx *ctx, int line, const char *what,
    struct lisp_addr *a, int mlen)
{
	char buf[ADDR_STRLEN];

	if (ctx->tenant == NULL)
		return 0;
	if (a->has_iid && a->iid != ctx->tenant->iid) {
		conf_error(ctx, line, "%s %s inside the instance-id %u block "
		    "(line %d)", what, pfx_fmt(a, mlen, buf, sizeof(buf)),
		    ctx->tenant->iid, ctx->tenant->line);
		return -1;
	}
	a->has_iid = 1;
	a->iid = ctx->tenant->iid;
	return 0;
}

static int
same_prefix(const struct lisp_addr *a, int alen, const struct lisp_addr *b,
    int blen)
{
	return alen == blen && addr_equal(a, b);
}

static uint64_t
pfx_hash(const struct lisp_addr *a, int mlen)
{
	const uint8_t *b;
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	int i, n;

#define MIX(v)	do { h ^= (uint64_t)(v); h *= 1099511628211ULL; } while (0)
	MIX(a->afi);
	MIX(a->has_iid);
	if (a->has_iid) {
		MIX(a->iid);
		MIX(a->iid >> 8);
		MIX(a->iid >> 16);
		MIX(a->iid >> 24);
	}
	MIX(mlen);
	if ((n = addr_bits(a) / 8) > 0 && (b = addr_bytes(a)) != NULL)
		for (i = 0; i < n; i++)
			MIX(b[i]);
#undef MIX
	return hash_mix64(h);	/* the low bits index the table */
}

/* the slot of a/mlen (hash h): the one holding it, or the free one it
 * would go in */
static struct pfx_slot *
pfx_slot(const struct pfx_set *set, uint64_t h, const struct lisp_addr *a,
    int mlen)
{
	size_t i, mask = set->cap - 1;
	struct pfx_slot *s;

	for (i = h & mask;; i = (i + 1) & mask) {
		s = &set->slots[i];
		if (s->eid == NULL || (s->hash == h &&
		    same_prefix(s->eid, s->mlen, a, mlen)))
			return s;
	}
}

/* the owner of a/mlen, or NULL */
static void *
pfx_find(const struct pfx_set *set, const struct lisp_addr *a, int mlen)
{
	struct pfx_slot *s;

	if (set->n == 0)
		return NULL;
	s = pfx_slot(set, pfx_hash(a, mlen), a, mlen);
	return s->eid != NULL ? s->owner : NULL;
}

/* remember a/mlen (stored in an entry that outlives the set) */
static int
pfx_add(struct pfx_set *set, const struct lisp_addr *a, int mlen,
    void *owner)
{
	struct pfx_slot *old = set->slots, *s;
	size_t i, j, ocap = set->cap;
	uint64_t h = pfx_hash(a, mlen);

	if ((set->n + 1) * 2 > set->cap) {	/* load at most 1/2 */
		set->cap = ocap > 0 ? ocap * 2 : 64;
		if ((set->slots = calloc(set->cap, sizeof(*s))) == NULL) {
			set->slots = old;
			set->cap = ocap;
			return -1;
		}
		/* the entries are distinct: each goes to its first free slot */
		for (i = 0; i < ocap; i++) {
			if (old[i].eid == NULL)
				continue;
			for (j = old[i].hash & (set->cap - 1);
			    set->slots[j].eid != NULL;
			    j = (j + 1) & (set->cap - 1))
				;
			set->slots[j] = old[i];
		}
		free(old);
	}
	s = pfx_slot(set, h, a, mlen);
	if (s->eid == NULL)
		set->n++;
	s->eid = a;
	s->hash = h;
	s->mlen = mlen;
	s->owner = owner;
	return 0;
}

static void
pfx_set_free(struct pfx_set *set)
{
	free(set->slots);
	memset(set, 0, sizeof(*set));
}

static struct conf_prefix *
prefix_append(struct parse_ctx *ctx, int line, struct conf_prefixes *h,
    const struct lisp_addr *a, int mlen)
{
	struct conf_prefix *p;

	if ((p = entry_alloc(ctx, line, sizeof(*p))) == NULL)
		return NULL;
	p->eid = *a;
	p->mlen = mlen;
	TAILQ_INSERT_TAIL(h, p, entry);
	return p;
}

/* a name for an interface or a TUN device */
static int
ifname_check(struct parse_ctx *ctx, int line, const char *what, const char *s)
{
	const char *p;

	if (*s == '\0' || strlen(s) > IFNAME_MAX) {
		conf_error(ctx, line, "%s name must be 1-%d characters", what,
		    IFNAME_MAX);
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		if (*p == '/' || isspace((unsigned char)*p) ||
		    !isprint((unsigned char)*p)) {
			conf_error(ctx, line, "%s name \"%s\": invalid character",
			    what, s);
			return -1;
		}
	}
	return 0;
}

static int
key_make(struct parse_ctx *ctx, int line, uint64_t id, char *alg,
    char *secret, struct conf_key *k)
{
	int rv = -1;

	if (conf_range(ctx, line, "key id", id, 0, 255) == -1)
		goto out;
	if (strcmp(alg, "sha1") == 0)
		k->alg = ALG_HMAC_SHA1_96;
	else if (strcmp(alg, "sha256") == 0)
		k->alg = ALG_HMAC_SHA256_128;
	else {
		conf_error(ctx, line, "key algorithm must be sha1 or sha256");
		goto out;
	}
	if (*secret == '\0') {
		conf_error(ctx, line, "key secret is empty");
		goto out;
	}
	k->key_id = (uint8_t)id;
	k->secret = secret;
	secret = NULL;
	rv = 0;
out:
	free(alg);
	free(secret);
	return rv;
}

void
conf_role(struct parse_ctx *ctx, int line, char *name)
{
	int i;

	if (conf_toplevel(ctx, line, "role") == 0) {
		for (i = 0; i < ROLE_MAX; i++)
			if (strcmp(name, conf_role_kws[i].name) == 0)
				break;
		if (i == ROLE_MAX)
			conf_error(ctx, line, "unknown role %s", name);
		else {
			*(int *)(void *)((char *)ctx->conf + conf_role_kws[i].off) = 1;
			if (ctx->role_line[i] == 0)
				ctx->role_line[i] = line;
		}
	}
	free(name);
}

void
conf_control(struct parse_ctx *ctx, int line, char *path)
{
	if (conf_toplevel(ctx, line, "control") == -1)
		;
	else if (*path == '\0')
		conf_error(ctx, line, "control path is empty");
	else if (strlen(path) > CONTROL_PATH_MAX)
		conf_error(ctx, line, "control path longer than %d characters",
		    CONTROL_PATH_MAX);
	else {
		free(ctx->conf->control_path);
		ctx->conf->control_path = path;
		return;
	}
	free(path);
}

const char *
conf_control_path(const struct conf *c)
{
	return c->control_path != NULL ? c->control_path : "/run/locid.sock";
}

const char *
conf_control_ro_path(const struct conf *c)
{
	return c->control_ro_path != NULL ? c->control_ro_path :
	    c->control_ro_default;
}

void
conf_control_ro(struct parse_ctx *ctx, int line, char *path)
{
	if (conf_toplevel(ctx, line, "control-socket-ro") == -1)
		;
	else if (*path == '\0')
		conf_error(ctx, line, "control-socket-ro path is empty");
	else if (strlen(path) > CONTROL_PATH_MAX)
		conf_error(ctx, line, "control-socket-ro path longer than %d "
		    "characters", CONTROL_PATH_MAX);
	else {
		free(ctx->conf->control_ro_path);
		ctx->conf->control_ro_path = path;
		return;
	}
	free(path);
}

void
conf_pidfile(struct parse_ctx *ctx, int line, char *path)
{
	if (conf_toplevel(ctx, line, "pidfile") == -1)
		;
	else if (*path == '\0')
		conf_error(ctx, line, "pidfile path is empty");
	else if (strlen(path) > PIDFILE_MAX)
		conf_error(ctx, line, "pidfile path longer than %d characters",
		    PIDFILE_MAX);
	else {
		free(ctx->conf->pidfile);
		ctx->conf->pidfile = path;
		return;
	}
	free(path);
}

const char *
conf_pidfile_path(const struct conf *c, char *buf, size_t len)
{
	const char	*s = conf_control_path(c);
	size_t		 n = strlen(s);

	if (c->pidfile != NULL)
		snprintf(buf, len, "%s", c->pidfile);
	else if (n > 5 && strcmp(s + n - 5, ".sock") == 0)
		snprintf(buf, len, "%.*s.pid", (int)(n - 5), s);
	else
		snprintf(buf, len, "%s.pid", s);
	return buf;
}

void
conf_control_group(struct parse_ctx *ctx, int line, char *name)
{
	struct group *gr;

	if (conf_toplevel(ctx, line, "control-group") == -1)
		;
	else if ((gr = getgrnam(name)) == NULL)
		conf_error(ctx, line, "unknown group \"%s\"", name);
	else {
		free(ctx->conf->control_group);
		ctx->conf->control_group = name;
		ctx->conf->control_gid = gr->gr_gid;
		return;
	}
	free(name);
}

void
conf_user(struct parse_ctx *ctx, int line, char *name)
{
	struct passwd *pw;

	if (conf_toplevel(ctx, line, "user") == -1)
		;
	else if ((pw = getpwnam(name)) == NULL)
		conf_error(ctx, line, "unknown user \"%s\"", name);
	else {
		free(ctx->conf->user);
		ctx->conf->user = name;
		ctx->conf->user_uid = pw->pw_uid;
		ctx->conf->user_gid = pw->pw_gid;
		return;
	}
	free(name);
}

void
conf_listen(struct parse_ctx *ctx, int line, char *s)
{
	struct lisp_addr a;
	int v4, *first;

	if (conf_toplevel(ctx, line, "listen") == 0 &&
	    rloc_parse(ctx, line, "listen", s, &a) == 0) {
		v4 = a.afi == AFI_IPV4;
		first = v4 ? &ctx->listen4_line : &ctx->listen6_line;
		if (*first != 0)
			conf_error(ctx, line, "listen for IPv%d given twice "
			    "(first on line %d)", v4 ? 4 : 6, *first);
		*first = line;
		*(v4 ? &ctx->conf->listen_v4 : &ctx->conf->listen_v6) = a;
	}
	free(s);
}

void
conf_metrics_listen(struct parse_ctx *ctx, int line, char *s, uint16_t port)
{
	struct lisp_addr a;

	if (conf_toplevel(ctx, line, "metrics-listen") == 0 &&
	    rloc_parse(ctx, line, "metrics-listen", s, &a) == 0) {
		ctx->conf->metrics_addr = a;
		ctx->conf->metrics_port = port;
	}
	free(s);
}

void
conf_yesno(struct parse_ctx *ctx, int line, const char *what, char *s,
    int *v)
{
	if (conf_toplevel(ctx, line, what) == 0) {
		if (strcmp(s, "yes") == 0)
			*v = 1;
		else if (strcmp(s, "no") == 0)
			*v = 0;
		else
			conf_error(ctx, line, "%s must be yes or no", what);
	}
	free(s);
}

void
conf_decap_check(struct parse_ctx *ctx, int line, char *s)
{
	static const char *const names[] = { "off", "map-cache", "mapping-system" };
	size_t i;

	if (conf_toplevel(ctx, line, "decap-check") == 0) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(s, names[i]) == 0)
				break;
		if (i < sizeof(names) / sizeof(names[0]))
			ctx->conf->decap_check = (int)i;
		else
			conf_error(ctx, line, "decap-check must be off, map-cache "
			    "or mapping-system");
	}
	free(s);
}

const char *
conf_decap_check_name(int v)
{
	return v == DECAP_CHECK_MAP_CACHE ? "map-cache" :
	    v == DECAP_CHECK_MAPPING_SYSTEM ? "mapping-system" : "off";
}

void
conf_timer(struct parse_ctx *ctx, int line, const char *what, uint64_t v)
{
	static const struct {
		const char	*name;
		size_t		 off;
		uint64_t	 lo, hi;
	} timers[] = {
		{ "register-interval",
		    offsetof(struct conf_timers, register_interval), 1, 86400 },
		{ "registration-ttl",
		    offsetof(struct conf_timers, registration_ttl), 1, 86400 },
		{ "negative-ttl",
		    offsetof(struct conf_timers, negative_ttl), 1, 525600 },
		{ "unregistered-ttl",
		    offsetof(struct conf_timers, unregistered_ttl), 1, 525600 },
		{ "map-request-timeout",
		    offsetof(struct conf_timers, map_request_timeout_ms), 1,
		    60000 },
		{ "map-request-retries",
		    offsetof(struct conf_timers, map_request_retries), 0, 10 },
		{ "probe-interval",
		    offsetof(struct conf_timers, probe_interval), 0, 86400 },
		{ "probe-timeout",
		    offsetof(struct conf_timers, probe_timeout), 1, 3600 },
		{ "map-cache-ttl",
		    offsetof(struct conf_timers, map_cache_ttl), 1, 525600 },
		{ "record-ttl-max",
		    offsetof(struct conf_timers, record_ttl_max), 1, 525600 },
		{ "referral-ttl-max",
		    offsetof(struct conf_timers, referral_ttl_max), 1, 604800 },
	};
	size_t i;
	uint32_t u;

	if (inside(ctx, line, BLOCK_TIMERS, what) == -1)
		return;
	for (i = 0; i < sizeof(timers) / sizeof(timers[0]); i++) {
		if (strcmp(timers[i].name, what) != 0)
			continue;
		if (conf_range(ctx, line, what, v, timers[i].lo,
		    timers[i].hi) == -1)
			return;
		u = (uint32_t)v;
		memcpy((char *)&ctx->conf->timers + timers[i].off, &u,
		    sizeof(u));
		return;
	}
}

static void
site_open(struct parse_ctx *ctx, int line, char *name)
{
	struct conf_site *s, *o;

	/* the lexer let no control characters through */
	if (*name == '\0' || strlen(name) > CONF_NAMELEN)
		conf_error(ctx, line, "site name must be 1-%d characters",
		    CONF_NAMELEN);
	TAILQ_FOREACH(o, &ctx->conf->sites, entry)
		if (strcmp(o->name, name) == 0) {
			conf_error(ctx, line, "site \"%s\" defined twice",
			    name);
			break;
		}
	/* added even when wrong, so the block's lines make sense */
	if ((s = entry_alloc(ctx, line, sizeof(*s))) == NULL) {
		free(name);
		return;
	}
	s->name = name;
	TAILQ_INIT(&s->prefixes);
	TAILQ_INIT(&s->allowed_rlocs);
	TAILQ_INSERT_TAIL(&ctx->conf->sites, s, entry);
	ctx->site = s;
	ctx->block = BLOCK_SITE;
	ctx->block_line = line;
}

static void
mapping_open(struct parse_ctx *ctx, int line, char *pfx)
{
	struct conf_mapping *m;
	char buf[ADDR_STRLEN];

	if ((m = entry_alloc(ctx, line, sizeof(*m))) == NULL) {
		free(pfx);
		return;
	}
	TAILQ_INIT(&m->rlocs);
	m->line = line;
	if (eid_parse(ctx, line, pfx, &m->eid, &m->mlen) == 0 &&
	    tenant_iid(ctx, line, "database-mapping", &m->eid, m->mlen) == 0) {
		if (pfx_find(&ctx->mapping_pfx, &m->eid, m->mlen) != NULL)
			conf_error(ctx, line, "database-mapping %s defined "
			    "twice", pfx_fmt(&m->eid, m->mlen, buf,
			    sizeof(buf)));
		else if (pfx_add(&ctx->mapping_pfx, &m->eid, m->mlen,
		    m) == -1)
			nomem(ctx, line);
	}
	free(pfx);
	TAILQ_INSERT_TAIL(&ctx->conf->mappings, m, entry);
	ctx->mapping = m;
	ctx->block = BLOCK_MAPPING;
	ctx->block_line = line;
}

/* map-cache PREFIX { rloc ... } (positive), or map-cache PREFIX ACTION
 * (negative, no block): a static map-cache entry, never asked for and
 * never expiring */
static void
static_open(struct parse_ctx *ctx, int line, char *pfx, int act, int negative)
{
	struct conf_mapping *m;
	char buf[ADDR_STRLEN];

	if ((m = entry_alloc(ctx, line, sizeof(*m))) == NULL) {
		free(pfx);
		return;
	}
	TAILQ_INIT(&m->rlocs);
	m->act = act;
	m->negative = negative;
	if (eid_parse(ctx, line, pfx, &m->eid, &m->mlen) == 0 &&
	    tenant_iid(ctx, line, "map-cache", &m->eid, m->mlen) == 0) {
		if (pfx_find(&ctx->static_pfx, &m->eid, m->mlen) != NULL)
			conf_error(ctx, line, "map-cache %s defined twice",
			    pfx_fmt(&m->eid, m->mlen, buf, sizeof(buf)));
		else if (pfx_add(&ctx->static_pfx, &m->eid, m->mlen, m) == -1)
			nomem(ctx, line);
	}
	free(pfx);
	TAILQ_INSERT_TAIL(&ctx->conf->static_mappings, m, entry);
	if (negative)
		return;
	ctx->mapping = m;
	ctx->block = BLOCK_STATIC;
	ctx->block_line = line;
}

void
conf_static_negative(struct parse_ctx *ctx, int line, char *pfx, char *act)
{
	static const struct {
		const char	*name;
		int		 act;
	} acts[] = {
		{ "native-forward", ACT_NATIVE_FORWARD },
		{ "drop", ACT_DROP },
		{ "send-map-request", ACT_SEND_MAP_REQUEST },
	};
	size_t i;

	if (ctx->block != BLOCK_NONE && conf_toplevel(ctx, line, "map-cache") == -1) {
		free(pfx);
		free(act);
		return;
	}
	for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		if (strcmp(act, acts[i].name) == 0)
			break;
	if (i == sizeof(acts) / sizeof(acts[0])) {
		conf_error(ctx, line, "map-cache %s: action must be native-forward, "
		    "drop or send-map-request, or a { rloc ... } block", pfx);
		free(pfx);
		free(act);
		return;
	}
	free(act);
	static_open(ctx, line, pfx, acts[i].act, 1);
}

void
conf_block_open(struct parse_ctx *ctx, int line, enum conf_block b,
    char *arg)
{
	if (ctx->block != BLOCK_NONE) {
		conf_error(ctx, line, "%s block inside a %s block (line %d); "
		    "blocks do not nest", block_names[b],
		    block_names[ctx->block], ctx->block_line);
		free(arg);
		return;
	}
	if (ctx->tenant != NULL && b != BLOCK_MAPPING && b != BLOCK_STATIC) {
		conf_error(ctx, line, "%s block inside the instance-id %u block "
		    "(line %d)", block_names[b], ctx->tenant->iid,
		    ctx->tenant->line);
		free(arg);
		return;
	}
	ctx->block_errors = ctx->nerrors;
	switch (b) {
	case BLOCK_TIMERS:
		free(arg);
		ctx->block = BLOCK_TIMERS;
		ctx->block_line = line;
		break;
	case BLOCK_SITE:
		site_open(ctx, line, arg);
		break;
	case BLOCK_MAPPING:
		mapping_open(ctx, line, arg);
		break;
	case BLOCK_STATIC:
		static_open(ctx, line, arg, ACT_NO_ACTION, 0);
		break;
	default:
		free(arg);
		break;
	}
}

void
conf_block_close(struct parse_ctx *ctx, int line)
{
	char buf[ADDR_STRLEN];

	if (ctx->block == BLOCK_NONE && ctx->tenant != NULL) {
		if (ctx->nerrors == ctx->tenant_errors && ctx->tenant->nifs == 0)
			conf_error(ctx, ctx->tenant->line, "instance-id %u has no "
			    "interface", ctx->tenant->iid);
		ctx->tenant = NULL;
		return;
	}
	if (ctx->block == BLOCK_NONE) {
		conf_error(ctx, line, "\"}\" without an open block");
		return;
	}
	/* a block with errors in it: what it lacks is no news */
	switch (ctx->nerrors > ctx->block_errors ? BLOCK_NONE : ctx->block) {
	case BLOCK_SITE:
		if (ctx->site->nkeys == 0)
			conf_error(ctx, ctx->block_line, "site \"%s\" has no "
			    "key", ctx->site->name);
		if (TAILQ_EMPTY(&ctx->site->prefixes))
			conf_error(ctx, ctx->block_line, "site \"%s\" has no "
			    "eid-prefix", ctx->site->name);
		break;
	case BLOCK_MAPPING:
	case BLOCK_STATIC:
		if (TAILQ_EMPTY(&ctx->mapping->rlocs))
			conf_error(ctx, ctx->block_line, "%s %s has no rloc",
			    block_names[ctx->block], pfx_fmt(&ctx->mapping->eid,
			    ctx->mapping->mlen, buf, sizeof(buf)));
		break;
	default:
		break;
	}
	ctx->block = BLOCK_NONE;
	ctx->block_line = 0;
	ctx->site = NULL;
	ctx->mapping = NULL;
}

void
conf_description(struct parse_ctx *ctx, int line, char *s)
{
	if (inside(ctx, line, BLOCK_SITE, "description") == 0) {
		free(ctx->site->description);
		ctx->site->description = s;
		return;
	}
	free(s);
}

void
conf_lisp_sec(struct parse_ctx *ctx, int line, char *s)
{
	if (conf_toplevel(ctx, line, "lisp-sec") == 0) {
		if (strcmp(s, "off") == 0)
			ctx->conf->lisp_sec = LISPSEC_OFF;
		else if (strcmp(s, "on") == 0)
			ctx->conf->lisp_sec = LISPSEC_ON;
		else if (strcmp(s, "required") == 0)
			ctx->conf->lisp_sec = LISPSEC_REQUIRED;
		else
			conf_error(ctx, line, "lisp-sec must be off, on or required");
	}
	free(s);
}

/* the pre-shared secret an ITR wraps its one-time keys with and a
 * Map-Resolver / Map-Server unwraps them with (RFC 9303 §6.5) */
void
conf_lisp_sec_key(struct parse_ctx *ctx, int line, uint64_t id, char *secret)
{
	struct conf *c = ctx->conf;
	int i;

	if (conf_toplevel(ctx, line, "lisp-sec-key") == -1 ||
	    conf_range(ctx, line, "lisp-sec-key id", id, 0, 255) == -1)
		goto out;
	if (*secret == '\0') {
		conf_error(ctx, line, "lisp-sec-key secret is empty");
		goto out;
	}
	for (i = 0; i < c->nlskeys; i++)
		if (c->lskeys[i].key_id == id) {
			conf_error(ctx, line, "lisp-sec-key %u defined twice",
			    (unsigned)id);
			goto out;
		}
	if (c->nlskeys == (int)(sizeof(c->lskeys) / sizeof(c->lskeys[0]))) {
		conf_error(ctx, line, "more than %zu lisp-sec-keys",
		    sizeof(c->lskeys) / sizeof(c->lskeys[0]));
		goto out;
	}
	c->lskeys[c->nlskeys].key_id = (uint8_t)id;
	c->lskeys[c->nlskeys].alg = 0;
	c->lskeys[c->nlskeys++].secret = secret;
	return;
out:
	free(secret);
}

void
conf_site_key(struct parse_ctx *ctx, int line, uint64_t id, char *alg,
    char *secret)
{
	struct conf_site *s = ctx->site;
	struct conf_key k;
	int i;

	if (inside(ctx, line, BLOCK_SITE, "key") == -1) {
		free(alg);
		free(secret);
		return;
	}
	if (key_make(ctx, line, id, alg, secret, &k) == -1)
		return;
	for (i = 0; i < s->nkeys; i++)
		if (s->keys[i].key_id == k.key_id) {
			conf_error(ctx, line, "key %u defined twice in site "
			    "\"%s\"", k.key_id, s->name);
			free(k.secret);
			return;
		}
	if (s->nkeys == (int)(sizeof(s->keys) / sizeof(s->keys[0]))) {
		conf_error(ctx, line, "site \"%s\": more than %zu keys",
		    s->name, sizeof(s->keys) / sizeof(s->keys[0]));
		free(k.secret);
		return;
	}
	s->keys[s->nkeys++] = k;
}

void
conf_eid_prefix(struct parse_ctx *ctx, int line, char *pfx, int more)
{
	struct conf_prefix *p;
	struct conf_site *s;
	struct lisp_addr a;
	char buf[ADDR_STRLEN];
	int mlen;

	if (inside(ctx, line, BLOCK_SITE, "eid-prefix") == -1 ||
	    eid_parse(ctx, line, pfx, &a, &mlen) == -1)
		goto out;
	if ((s = pfx_find(&ctx->site_pfx, &a, mlen)) != NULL) {
		conf_error(ctx, line, "eid-prefix %s already in site \"%s\"",
		    pfx_fmt(&a, mlen, buf, sizeof(buf)), s->name);
		goto out;
	}
	if ((p = prefix_append(ctx, line, &ctx->site->prefixes, &a,
	    mlen)) != NULL) {
		p->accept_more_specifics = more;
		if (pfx_add(&ctx->site_pfx, &p->eid, p->mlen, ctx->site) == -1)
			nomem(ctx, line);
	}
out:
	free(pfx);
}

void
conf_allowed_rloc(struct parse_ctx *ctx, int line, char *s)
{
	struct conf_rloc *r, *o;
	struct lisp_addr a;

	if (inside(ctx, line, BLOCK_SITE, "allowed-rloc") == -1 ||
	    rloc_parse(ctx, line, "allowed-rloc", s, &a) == -1)
		goto out;
	TAILQ_FOREACH(o, &ctx->site->allowed_rlocs, entry)
		if (addr_equal(&o->addr, &a)) {
			conf_error(ctx, line, "allowed-rloc %s given twice", s);
			goto out;
		}
	if ((r = entry_alloc(ctx, line, sizeof(*r))) == NULL)
		goto out;
	r->addr = a;
	TAILQ_INSERT_TAIL(&ctx->site->allowed_rlocs, r, entry);
out:
	free(s);
}

void
conf_proxy_reply(struct parse_ctx *ctx, int line)
{
	if (inside(ctx, line, BLOCK_SITE, "proxy-reply") == 0)
		ctx->site->force_proxy_reply = 1;
}

void
conf_ms_route(struct parse_ctx *ctx, int line, char *pfx, char *via)
{
	struct conf_ms_route *r;
	struct lisp_addr eid, ms;
	char buf[ADDR_STRLEN];
	int mlen;

	if (conf_toplevel(ctx, line, "ms-route") == -1 ||
	    eid_parse(ctx, line, pfx, &eid, &mlen) == -1 ||
	    rloc_parse(ctx, line, "ms-route via", via, &ms) == -1)
		goto out;
	if (pfx_find(&ctx->ms_route_pfx, &eid, mlen) != NULL) {
		conf_error(ctx, line, "ms-route %s given twice",
		    pfx_fmt(&eid, mlen, buf, sizeof(buf)));
		goto out;
	}
	if ((r = entry_alloc(ctx, line, sizeof(*r))) == NULL)
		goto out;
	r->eid = eid;
	r->mlen = mlen;
	r->ms = ms;
	TAILQ_INSERT_TAIL(&ctx->conf->ms_routes, r, entry);
	if (pfx_add(&ctx->ms_route_pfx, &r->eid, r->mlen, r) == -1)
		nomem(ctx, line);
out:
	free(pfx);
	free(via);
}

void
conf_rloc(struct parse_ctx *ctx, int line, char *addr, char *ifname,
    int family, struct conf_rlocopt opt)
{
	struct conf_rloc *r, *o;
	struct lisp_addr a;

	addr_set_none(&a);
	if (inside(ctx, line, BLOCK_MAPPING, "rloc") == -1 || opt.bad ||
	    (ifname != NULL && family == 0))
		goto out;
	if (ifname != NULL && ctx->block == BLOCK_STATIC) {
		conf_error(ctx, line, "rloc interface in a map-cache entry: "
		    "its RLOCs are another site's addresses");
		goto out;
	}
	if (addr != NULL) {
		if (rloc_parse(ctx, line, "rloc", addr, &a) == -1)
			goto out;
	} else if (ifname_check(ctx, line, "interface", ifname) == -1)
		goto out;
	TAILQ_FOREACH(o, &ctx->mapping->rlocs, entry) {
		if ((addr != NULL && o->ifname == NULL &&
		    addr_equal(&o->addr, &a)) ||
		    (ifname != NULL && o->ifname != NULL &&
		    o->family == family && strcmp(o->ifname, ifname) == 0)) {
			conf_error(ctx, line, "rloc %s given twice",
			    addr != NULL ? addr : ifname);
			goto out;
		}
	}
	if ((r = entry_alloc(ctx, line, sizeof(*r))) == NULL)
		goto out;
	r->addr = a;
	r->ifname = ifname;
	ifname = NULL;
	r->family = r->ifname != NULL ? family : 0;
	r->priority = (uint8_t)(opt.prio >= 0 ? opt.prio : 1);
	r->weight = (uint8_t)(opt.weight >= 0 ? opt.weight : 100);
	TAILQ_INSERT_TAIL(&ctx->mapping->rlocs, r, entry);
out:
	free(addr);
	free(ifname);
}

void
conf_ttl(struct parse_ctx *ctx, int line, uint64_t v)
{
	if (ctx->block == BLOCK_STATIC)
		conf_error(ctx, line, "ttl in a map-cache entry: a static entry "
		    "does not expire");
	else if (inside(ctx, line, BLOCK_MAPPING, "ttl") == 0 &&
	    conf_range(ctx, line, "ttl", v, 1, 525600) == 0)
		ctx->mapping->ttl = (uint32_t)v;
}

void
conf_map_server(struct parse_ctx *ctx, int line, char *addr, uint64_t id,
    char *alg, char *secret, int opts)
{
	struct conf_map_server *ms, *o;
	struct lisp_addr a;
	struct conf_key k;

	if (conf_toplevel(ctx, line, "map-server") == -1 ||
	    rloc_parse(ctx, line, "map-server", addr, &a) == -1) {
		free(alg);
		free(secret);
		goto out;
	}
	if (key_make(ctx, line, id, alg, secret, &k) == -1)
		goto out;
	TAILQ_FOREACH(o, &ctx->conf->map_servers, entry)
		if (addr_equal(&o->addr, &a)) {
			conf_error(ctx, line, "map-server %s given twice",
			    addr);
			free(k.secret);
			goto out;
		}
	if ((ms = entry_alloc(ctx, line, sizeof(*ms))) == NULL) {
		free(k.secret);
		goto out;
	}
	ms->addr = a;
	ms->key = k;
	ms->proxy_reply = (opts & MSOPT_PROXY_REPLY) != 0;
	ms->want_map_notify = (opts & MSOPT_WANT_NOTIFY) != 0;
	TAILQ_INSERT_TAIL(&ctx->conf->map_servers, ms, entry);
out:
	free(addr);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
conf_xtr_id(struct parse_ctx *ctx, int line, char *s)
{
	uint8_t id[16];
	int i, hi, lo;

	if (conf_toplevel(ctx, line, "xtr-id") == -1)
		goto out;
	if (strncmp(s, "0x", 2) != 0 || strlen(s) != 34)
		goto bad;
	for (i = 0; i < 16; i++) {
		if ((hi = hexval(s[2 + 2 * i])) == -1 ||
		    (lo = hexval(s[3 + 2 * i])) == -1)
			goto bad;
		id[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(ctx->conf->xtr_id, id, sizeof(id));
	ctx->conf->has_xtr_id = 1;
	goto out;
bad:
	conf_error(ctx, line, "xtr-id must be 0x and 32 hex digits");
out:
	free(s);
}

void
conf_peer(struct parse_ctx *ctx, int line, const char *what,
    struct conf_peers *h, char *s)
{
	struct conf_peer *p, *o;
	struct lisp_addr a;

	if (conf_toplevel(ctx, line, what) == -1 ||
	    rloc_parse(ctx, line, what, s, &a) == -1)
		goto out;
	TAILQ_FOREACH(o, h, entry)
		if (addr_equal(&o->addr, &a)) {
			conf_error(ctx, line, "%s %s given twice", what, s);
			goto out;
		}
	if ((p = entry_alloc(ctx, line, sizeof(*p))) == NULL)
		goto out;
	p->addr = a;
	TAILQ_INSERT_TAIL(h, p, entry);
out:
	free(s);
}

/* the RTRs a Map-Server names in its Info-Replies: at most as many as
 * one NAT-Traversal LCAF carries */
void
conf_nat_rtr(struct parse_ctx *ctx, int line, char *s, int has_key,
    uint64_t id, char *alg, char *secret)
{
	struct conf_nat_rtr	*p, *o;
	struct lisp_addr	 a;
	struct conf_key		 k;
	int			 n = 0;

	memset(&k, 0, sizeof(k));
	if (has_key && key_make(ctx, line, id, alg, secret, &k) == -1)
		goto out;
	TAILQ_FOREACH(o, &ctx->conf->nat_rtrs, entry)
		n++;
	if (n == NAT_RTR_MAX) {
		conf_error(ctx, line, "more than %d nat-rtr", NAT_RTR_MAX);
		goto out;
	}
	if (conf_toplevel(ctx, line, "nat-rtr") == -1 ||
	    rloc_parse(ctx, line, "nat-rtr", s, &a) == -1)
		goto out;
	TAILQ_FOREACH(o, &ctx->conf->nat_rtrs, entry)
		if (addr_equal(&o->addr, &a)) {
			conf_error(ctx, line, "nat-rtr %s given twice", s);
			goto out;
		}
	if ((p = entry_alloc(ctx, line, sizeof(*p))) == NULL)
		goto out;
	p->addr = a;
	p->key = k;
	p->line = line;
	k.secret = NULL;
	TAILQ_INSERT_TAIL(&ctx->conf->nat_rtrs, p, entry);
out:
	free(k.secret);
	free(s);
}

void
conf_ms_rtr_auth(struct parse_ctx *ctx, int line, char *s)
{
	if (conf_toplevel(ctx, line, "ms-rtr-auth") == 0) {
		if (strcmp(s, "off") == 0)
			ctx->conf->ms_rtr_auth = MSRTR_AUTH_OFF;
		else if (strcmp(s, "on") == 0)
			ctx->conf->ms_rtr_auth = MSRTR_AUTH_ON;
		else if (strcmp(s, "required") == 0)
			ctx->conf->ms_rtr_auth = MSRTR_AUTH_REQUIRED;
		else
			conf_error(ctx, line, "ms-rtr-auth must be off, on or required");
	}
	free(s);
}

void
conf_tun(struct parse_ctx *ctx, int line, char *name, int has_mtu,
    uint64_t mtu)
{
	if (ctx->tenant != NULL && ctx->block == BLOCK_NONE) {
		/* a tenant's own TUN; the MTU is the one of every TUN */
		if (has_mtu)
			conf_error(ctx, line, "tun mtu not allowed in an "
			    "instance-id block");
		else if (ifname_check(ctx, line, "tun", name) == 0) {
			free(ctx->tenant->tun_name);
			ctx->tenant->tun_name = name;
			return;
		}
		free(name);
		return;
	}
	if (conf_toplevel(ctx, line, "tun") == -1 ||
	    ifname_check(ctx, line, "tun", name) == -1 ||
	    (has_mtu && conf_range(ctx, line, "mtu", mtu, 576, 65535) == -1)) {
		free(name);
		return;
	}
	free(ctx->conf->tun_name);
	ctx->conf->tun_name = name;
	ctx->conf->tun_mtu = has_mtu ? (int)mtu : 0;
}

void
conf_rt_table(struct parse_ctx *ctx, int line, uint64_t v)
{
	if (ctx->block != BLOCK_NONE &&
	    conf_toplevel(ctx, line, "routing-table") == -1)
		return;
	if (conf_range(ctx, line, "routing-table", v, 1, 0xffffffffULL) == -1)
		return;
	if (v >= 253 && v <= 255) {
		conf_error(ctx, line, "routing-table %llu is reserved",
		    (unsigned long long)v);
		return;
	}
	if (ctx->tenant != NULL)
		ctx->tenant->rt_table = (uint32_t)v;
	else
		ctx->conf->rt_table = (uint32_t)v;
}

void
conf_mc_limit(struct parse_ctx *ctx, int line, uint64_t v)
{
	if (ctx->block != BLOCK_NONE &&
	    conf_toplevel(ctx, line, "map-cache-limit") == -1)
		return;
	if (conf_range(ctx, line, "map-cache-limit", v, 1, 16777216) == -1)
		return;
	if (ctx->tenant != NULL)
		ctx->tenant->map_cache_limit = (size_t)v;
	else
		ctx->conf->map_cache_limit = (size_t)v;
}

void
conf_tenant_open(struct parse_ctx *ctx, int line, uint64_t iid)
{
	struct conf_tenant *t;

	if (ctx->tenant != NULL) {
		conf_error(ctx, line, "instance-id block inside the instance-id "
		    "%u block (line %d); blocks do not nest", ctx->tenant->iid,
		    ctx->tenant->line);
		return;
	}
	if (ctx->block != BLOCK_NONE) {
		conf_error(ctx, line, "instance-id block inside a %s block "
		    "(line %d); blocks do not nest", block_names[ctx->block],
		    ctx->block_line);
		return;
	}
	/* 0 is no instance-id, 0xFFFFFF the control messages' */
	if (conf_range(ctx, line, "instance-id", iid, 1, 0xfffffe) == -1)
		iid = 0;
	else
		TAILQ_FOREACH(t, &ctx->conf->tenants, entry)
			if (t->iid == iid) {
				conf_error(ctx, line, "instance-id %u defined twice "
				    "(line %d)", t->iid, t->line);
				break;
			}
	/* opened even when wrong, so the block's lines make sense */
	if ((t = entry_alloc(ctx, line, sizeof(*t))) == NULL)
		return;
	t->iid = (uint32_t)iid;
	t->line = line;
	TAILQ_INSERT_TAIL(&ctx->conf->tenants, t, entry);
	ctx->tenant = t;
	ctx->tenant_errors = ctx->nerrors;
}

void
conf_tenant_if(struct parse_ctx *ctx, int line, char *name)
{
	struct conf_tenant *t = ctx->tenant, *o;
	int i;

	if (ctx->block != BLOCK_NONE || t == NULL) {
		if (ctx->block != BLOCK_NONE)
			conf_error(ctx, line, "interface not allowed in a %s "
			    "block", block_names[ctx->block]);
		else
			conf_error(ctx, line, "interface outside an instance-id "
			    "block");
		free(name);
		return;
	}
	if (ifname_check(ctx, line, "interface", name) == -1) {
		free(name);
		return;
	}
	TAILQ_FOREACH(o, &ctx->conf->tenants, entry)
		for (i = 0; i < o->nifs; i++)
			if (strcmp(o->ifs[i], name) == 0) {
				if (o == t)
					conf_error(ctx, line, "interface %s given "
					    "twice", name);
				else
					conf_error(ctx, line, "interface %s is "
					    "already in instance-id %u (line %d)",
					    name, o->iid, o->line);
				free(name);
				return;
			}
	if (t->nifs == CONF_TENANT_IFS) {
		conf_error(ctx, line, "more than %d interfaces in an instance-id",
		    CONF_TENANT_IFS);
		free(name);
		return;
	}
	t->ifs[t->nifs++] = name;
}

const struct conf_tenant *
conf_tenant_of(const struct conf *c, uint32_t iid)
{
	const struct conf_tenant *t;

	if (iid == 0)
		return NULL;
	TAILQ_FOREACH(t, &c->tenants, entry)
		if (t->iid == iid)
			return t;
	return NULL;
}

const struct conf_tenant *
conf_tenant_eid(const struct conf *c, const struct lisp_addr *a)
{
	return a->has_iid ? conf_tenant_of(c, a->iid) : NULL;
}

/* instance-id blocks, after the last line: defaults, then what must not
 * be shared (tables, TUNs, interfaces) and what must not overlap */
static void
tenants_check(struct parse_ctx *ctx)
{
	struct conf *c = ctx->conf;
	struct conf_tenant *t, *o;
	struct conf_mapping *m, *n;
	struct conf_rloc *r;
	char buf[ADDR_STRLEN], buf2[ADDR_STRLEN], name[32];
	int i, has;

	if (TAILQ_EMPTY(&c->tenants))
		return;
	i = 0;
	TAILQ_FOREACH(t, &c->tenants, entry)
		if (++i == CONF_TENANTS_MAX + 1)
			conf_error(ctx, t->line, "more than %d instance-id blocks",
			    CONF_TENANTS_MAX);
	if (!c->itr && !c->etr)
		conf_error(ctx, TAILQ_FIRST(&c->tenants)->line, "instance-id "
		    "blocks need role itr or etr");
	if (c->rule_prio < 3)
		conf_error(ctx, TAILQ_FIRST(&c->tenants)->line, "rule-priority "
		    "must be at least 3 with instance-id blocks (their rules "
		    "go 2 before it)");
	TAILQ_FOREACH(t, &c->tenants, entry) {
		if (t->rt_table == 0)
			t->rt_table = CONF_TENANT_TABLE_BASE + t->iid;
		if (t->tun_name == NULL) {
			snprintf(name, sizeof(name), "lisp%u", t->iid);
			if ((t->tun_name = strdup(name)) == NULL)
				nomem(ctx, t->line);
		}
	}
	TAILQ_FOREACH(t, &c->tenants, entry) {
		if (t->rt_table == c->rt_table)
			conf_error(ctx, t->line, "instance-id %u: routing-table %u "
			    "is the one of the default instance", t->iid,
			    t->rt_table);
		if (t->tun_name != NULL && strcmp(t->tun_name, c->tun_name) == 0)
			conf_error(ctx, t->line, "instance-id %u: tun %s is the "
			    "one of the default instance", t->iid, t->tun_name);
		for (o = TAILQ_FIRST(&c->tenants); o != t; o = TAILQ_NEXT(o, entry)) {
			if (o->rt_table == t->rt_table)
				conf_error(ctx, t->line, "instance-id %u: "
				    "routing-table %u is the one of instance-id %u "
				    "(line %d)", t->iid, t->rt_table, o->iid, o->line);
			if (o->tun_name != NULL && t->tun_name != NULL &&
			    strcmp(o->tun_name, t->tun_name) == 0)
				conf_error(ctx, t->line, "instance-id %u: tun %s is "
				    "the one of instance-id %u (line %d)", t->iid,
				    t->tun_name, o->iid, o->line);
		}
		for (i = 0; i < t->nifs; i++) {
			TAILQ_FOREACH(o, &c->tenants, entry)
				if (o->tun_name != NULL &&
				    strcmp(o->tun_name, t->ifs[i]) == 0)
					break;
			if (o != NULL || strcmp(c->tun_name, t->ifs[i]) == 0)
				conf_error(ctx, t->line, "instance-id %u: interface "
				    "%s is a tun of locid", t->iid, t->ifs[i]);
			TAILQ_FOREACH(m, &c->mappings, entry)
				TAILQ_FOREACH(r, &m->rlocs, entry)
					if (r->ifname != NULL &&
					    strcmp(r->ifname, t->ifs[i]) == 0)
						goto rloc_if;
			continue;
rloc_if:
			conf_error(ctx, t->line, "instance-id %u: interface %s "
			    "is an rloc interface of database-mapping %s", t->iid,
			    t->ifs[i], pfx_fmt(&m->eid, m->mlen, buf, sizeof(buf)));
		}
		has = 0;
		TAILQ_FOREACH(m, &c->mappings, entry)
			if (m->eid.has_iid && m->eid.iid == t->iid)
				has = 1;
		if (!has)
			conf_error(ctx, t->line, "instance-id %u has no "
			    "database-mapping", t->iid);
	}
	/* a tenant's EID space is one set of prefixes: none inside another */
	TAILQ_FOREACH(m, &c->mappings, entry) {
		if (conf_tenant_eid(c, &m->eid) == NULL)
			continue;
		for (n = TAILQ_NEXT(m, entry); n != NULL; n = TAILQ_NEXT(n, entry)) {
			const struct conf_mapping *wide = m->mlen <= n->mlen ? m : n;
			const struct conf_mapping *narrow = wide == m ? n : m;

			if (!n->eid.has_iid || n->eid.iid != m->eid.iid ||
			    n->eid.afi != m->eid.afi ||
			    !addr_prefix_covers(&wide->eid, wide->mlen, &narrow->eid))
				continue;
			conf_error(ctx, n->line, "instance-id %u: database-mapping %s "
			    "overlaps %s", m->eid.iid, pfx_fmt(&narrow->eid,
			    narrow->mlen, buf, sizeof(buf)), pfx_fmt(&wide->eid,
			    wide->mlen, buf2, sizeof(buf2)));
		}
	}
}

void
conf_prefix_list(struct parse_ctx *ctx, int line, const char *what,
    struct conf_prefixes *h, char *pfx)
{
	struct pfx_set *set = h == &ctx->conf->pitr_prefixes ? &ctx->pitr_pfx :
	    h == &ctx->conf->petr_prefixes ? &ctx->petr_pfx : &ctx->decap_pfx;
	struct conf_prefix *p;
	struct lisp_addr a;
	char buf[ADDR_STRLEN];
	int mlen;

	if (conf_toplevel(ctx, line, what) == -1 ||
	    eid_parse(ctx, line, pfx, &a, &mlen) == -1)
		goto out;
	if (pfx_find(set, &a, mlen) != NULL)
		conf_error(ctx, line, "%s %s given twice", what,
		    pfx_fmt(&a, mlen, buf, sizeof(buf)));
	else if ((p = prefix_append(ctx, line, h, &a, mlen)) != NULL &&
	    pfx_add(set, &p->eid, p->mlen, p) == -1)
		nomem(ctx, line);
out:
	free(pfx);
}

/* what a role needs */
static void
role_check(struct parse_ctx *ctx, int role, int line)
{
	struct conf *c = ctx->conf;

	switch (role) {
	case ROLE_MS:
		if (TAILQ_EMPTY(&c->sites))
			conf_error(ctx, line, "role map-server needs a site");
		if (c->ms_rtr_auth == MSRTR_AUTH_REQUIRED) {
			struct conf_nat_rtr	*nr;
			char			 a[ADDR_STRLEN];

			TAILQ_FOREACH(nr, &c->nat_rtrs, entry)
				if (nr->key.secret == NULL)
					conf_error(ctx, nr->line, "ms-rtr-auth required: "
					    "nat-rtr %s has no key",
					    addr_fmt(&nr->addr, a, sizeof(a)));
		}
		break;
	case ROLE_MR:
		if (!c->map_server && TAILQ_EMPTY(&c->ms_routes) &&
		    TAILQ_EMPTY(&c->ddt_roots))
			conf_error(ctx, line, "role map-resolver needs an "
			    "ms-route, a ddt-root or role map-server");
		if (c->map_server && !TAILQ_EMPTY(&c->ddt_roots))
			conf_error(ctx, line, "role map-resolver with ddt-root "
			    "cannot run beside role map-server");
		break;
	case ROLE_DDT:
		if (TAILQ_EMPTY(&c->ddt_auth) && TAILQ_EMPTY(&c->ddt_delegs))
			conf_error(ctx, line, "role ddt-node needs a "
			    "ddt-authoritative-prefix or a ddt-delegation");
		break;
	case ROLE_ETR:
		if (TAILQ_EMPTY(&c->mappings))
			conf_error(ctx, line, "role etr needs a "
			    "database-mapping");
		if (TAILQ_EMPTY(&c->map_servers))
			conf_error(ctx, line, "role etr needs a map-server");
		break;
	case ROLE_ITR:
		if (TAILQ_EMPTY(&c->map_resolvers))
			conf_error(ctx, line, "role itr needs a map-resolver");
		if (c->lisp_sec != LISPSEC_OFF && c->nlskeys == 0)
			conf_error(ctx, line, "role itr with lisp-sec needs a "
			    "lisp-sec-key");
		break;
	case ROLE_RTR:
		if (TAILQ_EMPTY(&c->map_servers))
			conf_error(ctx, line, "role rtr needs a map-server");
		break;
	case ROLE_PITR:
		if (TAILQ_EMPTY(&c->pitr_prefixes))
			conf_error(ctx, line, "role pitr needs a pitr-prefix");
		if (TAILQ_EMPTY(&c->map_resolvers))
			conf_error(ctx, line, "role pitr needs a "
			    "map-resolver");
		break;
	default:
		break;
	}
}

/* after the last line: open blocks, then what each role needs */
int
conf_finish(struct parse_ctx *ctx)
{
	struct conf *c = ctx->conf;
	struct conf_mapping *m;
	const int *l = ctx->role_line;
	int line, i;

	if (ctx->block != BLOCK_NONE)
		conf_error(ctx, ctx->block_line, "%s block not closed",
		    block_names[ctx->block]);
	if (ctx->tenant != NULL)
		conf_error(ctx, ctx->tenant->line, "instance-id block not closed");
	if (ctx->nerrors > 0)
		return -1;
	tenants_check(ctx);
	TAILQ_FOREACH(m, &c->mappings, entry)
		if (m->ttl == 0)
			m->ttl = c->timers.map_cache_ttl;
	if (!c->map_server && !c->map_resolver && !c->itr && !c->etr &&
	    !c->pitr && !c->petr && !c->ddt_node && !c->rtr)
		conf_error(ctx, 0, "no role configured");
	if (c->control_ro_path == NULL &&
	    strlen(conf_control_path(c)) + 3 > CONTROL_PATH_MAX)
		conf_error(ctx, 0, "control path %s.ro longer than %d "
		    "characters: set control-socket-ro", conf_control_path(c),
		    CONTROL_PATH_MAX);
	else
		snprintf(c->control_ro_default, sizeof(c->control_ro_default),
		    "%s.ro", conf_control_path(c));
	if (c->ddt_sign_key != NULL && !c->ddt_node && !c->map_server)
		conf_error(ctx, ctx->ddt_sign_line, "ddt-signing-key needs role "
		    "ddt-node or role map-server: it signs their Map-Referrals");
	/* roles in the order of their lines */
	for (line = 1; line <= ctx->line; line++)
		for (i = 0; i < ROLE_MAX; i++)
			if (l[i] == line)
				role_check(ctx, i, line);
	return ctx->nerrors > 0 ? -1 : 0;
}

static void
ctx_done(struct parse_ctx *ctx)
{
	pfx_set_free(&ctx->site_pfx);
	pfx_set_free(&ctx->mapping_pfx);
	pfx_set_free(&ctx->static_pfx);
	pfx_set_free(&ctx->ms_route_pfx);
	pfx_set_free(&ctx->pitr_pfx);
	pfx_set_free(&ctx->petr_pfx);
	pfx_set_free(&ctx->ddt_auth_pfx);
	pfx_set_free(&ctx->ddt_deleg_pfx);
	pfx_set_free(&ctx->decap_pfx);
}

static void
ctx_init(struct parse_ctx *ctx, const char *name, char *err, size_t errlen)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->name = name;
	ctx->err = err;
	ctx->errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
}

struct conf *
conf_load_buf(const char *name, const char *buf, size_t len, char *err,
    size_t errlen)
{
	struct parse_ctx ctx;
	struct conf *c;

	ctx_init(&ctx, name != NULL ? name : "(buffer)", err, errlen);
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		nomem(&ctx, 0);
		return NULL;
	}
	conf_defaults(c);
	ctx.conf = c;
	if (c->control_path == NULL || c->tun_name == NULL ||
	    (c->path = strdup(ctx.name)) == NULL) {
		nomem(&ctx, 0);
		conf_free(c);
		return NULL;
	}
	if (conf_scan(&ctx, buf, len) == -1 || conf_finish(&ctx) == -1) {
		ctx_done(&ctx);
		conf_free(c);
		return NULL;
	}
	ctx_done(&ctx);
	return c;
}

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	struct parse_ctx ctx;
	struct conf *c;
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd;

	ctx_init(&ctx, path, err, errlen);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		conf_error(&ctx, 0, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		conf_error(&ctx, 0, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		conf_error(&ctx, 0, "not a regular file");
		goto fail;
	}
	if (st.st_size > CONF_MAXSIZE) {
		conf_error(&ctx, 0, "file too large");
		goto fail;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		conf_error(&ctx, 0, "out of memory");
		goto fail;
	}
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			conf_error(&ctx, 0, "%s", strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	c = conf_load_buf(path, buf, len, err, errlen);
	free(buf);
	return c;
fail:
	close(fd);
	free(buf);
	return NULL;
}

/* -- DDT (RFC 8111) -------------------------------------------------- */

struct conf_words *
conf_words_add(struct conf_words *ws, char *w)
{
	if (ws == NULL && (ws = calloc(1, sizeof(*ws))) == NULL) {
		free(w);
		return NULL;
	}
	if (ws->n < CONF_DDT_RLOCS)
		ws->w[ws->n++] = w;
	else {
		ws->over = 1;
		free(w);
	}
	return ws;
}

void
conf_words_free(struct conf_words *ws)
{
	int i;

	if (ws == NULL)
		return;
	for (i = 0; i < ws->n; i++)
		free(ws->w[i]);
	free(ws);
}

/* ddt-authoritative-prefix: the space this node answers for; a request
 * inside it that no delegation covers gets a DELEGATION-HOLE */
void
conf_ddt_auth(struct parse_ctx *ctx, int line, char *pfx)
{
	struct conf_prefix *p;
	struct lisp_addr a;
	char buf[ADDR_STRLEN];
	int mlen;

	if (conf_toplevel(ctx, line, "ddt-authoritative-prefix") == -1 ||
	    eid_parse(ctx, line, pfx, &a, &mlen) == -1)
		goto out;
	if (pfx_find(&ctx->ddt_auth_pfx, &a, mlen) != NULL)
		conf_error(ctx, line, "ddt-authoritative-prefix %s given twice",
		    pfx_fmt(&a, mlen, buf, sizeof(buf)));
	else if ((p = prefix_append(ctx, line, &ctx->conf->ddt_auth, &a,
	    mlen)) != NULL && pfx_add(&ctx->ddt_auth_pfx, &p->eid, p->mlen, p) == -1)
		nomem(ctx, line);
out:
	free(pfx);
}

/* a key file named in the config: relative to the config file's
 * directory. the key, or NULL after the error */
static struct evp_pkey_st *
key_load(struct parse_ctx *ctx, int line, const char *what, const char *file,
    int priv, char **pathp)
{
	struct evp_pkey_st	*k;
	const char		*slash = strrchr(ctx->name, '/');
	char			 path[4096], why[512];

	if (file[0] == '\0') {
		conf_error(ctx, line, "%s: empty file name", what);
		return NULL;
	}
	if (file[0] == '/' || slash == NULL)
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - ctx->name),
		    ctx->name, file);
	if ((k = ddtsig_load(path, priv, why, sizeof(why))) == NULL) {
		conf_error(ctx, line, "%s %s", what, why);
		return NULL;
	}
	if ((*pathp = strdup(file)) == NULL) {
		ddtsig_free(k);
		nomem(ctx, line);
		return NULL;
	}
	return k;
}

/* ddt-root RLOC [key "PUBLIC-KEY-FILE"]: a root, and its trust anchor */
void
conf_ddt_root(struct parse_ctx *ctx, int line, char *rloc, char *file)
{
	struct conf_peer *last = TAILQ_LAST(&ctx->conf->ddt_roots, conf_peers), *p;
	uint8_t		  der[DDTSIG_DER_MAX];

	conf_peer(ctx, line, "ddt-root", &ctx->conf->ddt_roots, rloc);
	p = TAILQ_LAST(&ctx->conf->ddt_roots, conf_peers);
	if (file != NULL && p != NULL && p != last &&	/* this line's root */
	    (p->key = key_load(ctx, line, "ddt-root key", file, 0, &p->key_path)) != NULL &&
	    ((p->key_der_len = ddtsig_der(p->key, der, sizeof(der))) == 0 ||
	    (p->key_der = malloc(p->key_der_len)) == NULL))
		nomem(ctx, line);
	else if (p != NULL && p->key_der != NULL)
		memcpy(p->key_der, der, p->key_der_len);
	free(file);
}

/* ddt-signing-key "PRIVATE-KEY-FILE": a DDT node's or Map-Server's
 * Map-Referrals are signed (RFC 8111 §10.2, §10.3) */
void
conf_ddt_sign_key(struct parse_ctx *ctx, int line, char *file)
{
	struct conf *c = ctx->conf;

	if (conf_toplevel(ctx, line, "ddt-signing-key") == -1)
		;
	else if (c->ddt_sign_key != NULL)
		conf_error(ctx, line, "ddt-signing-key given twice");
	else {
		c->ddt_sign_key = key_load(ctx, line, "ddt-signing-key", file, 1,
		    &c->ddt_sign_key_path);
		if (c->ddt_sign_key != NULL)
			c->ddt_sign_tag = ddtsig_key_tag(c->ddt_sign_key);
		ctx->ddt_sign_line = line;
	}
	free(file);
}

/* ddt-delegation PREFIX node|map-server RLOC... [key "PUBLIC-KEY-FILE"] */
void
conf_ddt_deleg(struct parse_ctx *ctx, int line, char *pfx, char *keyfile,
    const char *kind, struct conf_words *ws)
{
	struct conf_ddt_deleg	*d;
	struct lisp_addr	 a, r;
	uint8_t			 der[DDTSIG_DER_MAX];
	char			 buf[ADDR_STRLEN];
	int			 mlen, i, j, to_ms;

	if (conf_toplevel(ctx, line, "ddt-delegation") == -1 ||
	    eid_parse(ctx, line, pfx, &a, &mlen) == -1 || ws == NULL)
		goto out;
	if (strcmp(kind, "node") == 0)
		to_ms = 0;
	else if (strcmp(kind, "map-server") == 0)
		to_ms = 1;
	else {
		conf_error(ctx, line, "ddt-delegation to %s: must be node or "
		    "map-server", kind);
		goto out;
	}
	if (ws->over) {
		conf_error(ctx, line, "ddt-delegation %s: more than %d RLOCs",
		    pfx_fmt(&a, mlen, buf, sizeof(buf)), CONF_DDT_RLOCS);
		goto out;
	}
	if (pfx_find(&ctx->ddt_deleg_pfx, &a, mlen) != NULL) {
		conf_error(ctx, line, "ddt-delegation %s given twice",
		    pfx_fmt(&a, mlen, buf, sizeof(buf)));
		goto out;
	}
	if ((d = entry_alloc(ctx, line, sizeof(*d))) == NULL)
		goto out;
	for (i = 0; i < ws->n; i++) {
		if (rloc_parse(ctx, line, "ddt-delegation", ws->w[i], &r) == -1) {
			free(d);
			goto out;
		}
		for (j = 0; j < d->nrlocs; j++)
			if (addr_equal(&d->rlocs[j], &r)) {
				conf_error(ctx, line, "ddt-delegation: RLOC %s "
				    "given twice", ws->w[i]);
				free(d);
				goto out;
			}
		d->rlocs[d->nrlocs++] = r;
	}
	d->eid = a;
	d->mlen = mlen;
	d->to_ms = to_ms;
	if (keyfile != NULL) {
		if ((d->key = key_load(ctx, line, "ddt-delegation key", keyfile, 0,
		    &d->key_path)) == NULL) {
			free(d);
			goto out;
		}
		if ((d->key_der_len = ddtsig_der(d->key, der, sizeof(der))) == 0 ||
		    (d->key_der = malloc(d->key_der_len)) == NULL) {
			ddtsig_free(d->key);
			free(d->key_path);
			free(d);
			nomem(ctx, line);
			goto out;
		}
		memcpy(d->key_der, der, d->key_der_len);
		/* header, record, each RLOC in its key LCAF, a signature of
		 * up to 4096 bits: within the 2048 octets of DDT_REFERRAL_MAX */
		if (12 + 40 + (size_t)d->nrlocs * (d->key_der_len + 32) + 20 + 512 > 2048) {
			conf_error(ctx, line, "ddt-delegation %s: %d RLOCs with a "
			    "%zu-octet key make a signed Map-Referral larger than "
			    "2048 octets", pfx_fmt(&a, mlen, buf, sizeof(buf)),
			    d->nrlocs, d->key_der_len);
			ddtsig_free(d->key);
			free(d->key_path);
			free(d->key_der);
			free(d);
			goto out;
		}
	}
	TAILQ_INSERT_TAIL(&ctx->conf->ddt_delegs, d, entry);
	if (pfx_add(&ctx->ddt_deleg_pfx, &d->eid, d->mlen, d) == -1)
		nomem(ctx, line);
out:
	free(pfx);
	free(keyfile);
	conf_words_free(ws);
}

/* -- publish/subscribe (RFC 9437) ------------------------------------ */

/* pubsub-key ID ALG "SECRET": the PubSubKey Map-Notifies of publications
 * and their acknowledgements are signed with */
void
conf_pubsub_key(struct parse_ctx *ctx, int line, uint64_t id, char *alg,
    char *secret)
{
	struct conf_key k;

	if (conf_toplevel(ctx, line, "pubsub-key") == -1) {
		free(alg);
		free(secret);
		return;
	}
	if (key_make(ctx, line, id, alg, secret, &k) == -1)
		return;
	free(ctx->conf->pubsub_key.secret);
	ctx->conf->pubsub_key = k;
}
