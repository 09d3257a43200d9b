/* conf_print: the configuration in canonical form (every setting, defaults
 * included, in a fixed order), which parses back to the same struct conf.
 * control-socket-ro, pidfile, control-group and user are printed only when
 * set, so that the output of configurations without them stays as it was. */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "msg.h"
#include "confpriv.h"

static void
print_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* bare when the lexer reads it back as the same word, else quoted */
static void
print_name(FILE *f, const char *s)
{
	const char *p;
	int digits = 1;

	for (p = s; *p != '\0'; p++) {
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_.:/[]-", *p) == NULL)
			break;
		if (*p < '0' || *p > '9')
			digits = 0;
	}
	if (*s == '\0' || *p != '\0' || digits || conf_keyword(s) != 0)
		print_string(f, s);
	else
		fputs(s, f);
}

static void
print_addr(FILE *f, const struct lisp_addr *a)
{
	char buf[ADDR_STRLEN];

	fputs(addr_fmt(a, buf, sizeof(buf)), f);
}

static void
print_prefix(FILE *f, const struct lisp_addr *a, int mlen)
{
	char buf[ADDR_STRLEN];

	fputs(prefix_fmt(a, mlen, buf, sizeof(buf)), f);
}

static void
print_key(FILE *f, const struct conf_key *k, int redact)
{
	fprintf(f, "key %u %s ", k->key_id,
	    k->alg == ALG_HMAC_SHA1_96 ? "sha1" : "sha256");
	print_string(f, redact ? "<redacted>" : k->secret);
}

static void
print_prefixes(FILE *f, const char *what, const struct conf_prefixes *h)
{
	const struct conf_prefix *p;

	TAILQ_FOREACH(p, h, entry) {
		fprintf(f, "%s ", what);
		print_prefix(f, &p->eid, p->mlen);
		fputc('\n', f);
	}
}

static void
print_peers(FILE *f, const char *what, const struct conf_peers *h)
{
	const struct conf_peer *p;

	TAILQ_FOREACH(p, h, entry) {
		fprintf(f, "%s ", what);
		print_addr(f, &p->addr);
		fputc('\n', f);
	}
}

static void
print_general(FILE *f, const struct conf *c)
{
	const struct conf_role_kw *k;
	int i;

	for (k = conf_role_kws; k->name != NULL; k++)
		if (conf_role_on(c, k))
			fprintf(f, "role %s\n", k->name);
	fputc('\n', f);
	fputs("control ", f);
	print_string(f, c->control_path);
	fputc('\n', f);
	if (c->control_ro_path != NULL) {
		fputs("control-socket-ro ", f);
		print_string(f, c->control_ro_path);
		fputc('\n', f);
	}
	if (c->pidfile != NULL) {
		fputs("pidfile ", f);
		print_string(f, c->pidfile);
		fputc('\n', f);
	}
	if (c->control_group != NULL) {
		fputs("control-group ", f);
		print_name(f, c->control_group);
		fputc('\n', f);
	}
	if (c->user != NULL) {
		fputs("user ", f);
		print_name(f, c->user);
		fputc('\n', f);
	}
	if (c->listen_v4.afi != AFI_NONE) {
		fputs("listen ", f);
		print_addr(f, &c->listen_v4);
		fputc('\n', f);
	}
	if (c->listen_v6.afi != AFI_NONE) {
		fputs("listen ", f);
		print_addr(f, &c->listen_v6);
		fputc('\n', f);
	}
	fprintf(f, "control-port %u\n", c->control_port);
	if (c->metrics_port != 0) {
		fputs("metrics-listen ", f);
		print_addr(f, &c->metrics_addr);
		fprintf(f, " %u\n", c->metrics_port);
	}
	fprintf(f, "data-port %u\n", c->data_port);
	fprintf(f, "log-rate %d\n", c->log_rate);
	fprintf(f, "map-request-ratelimit %u\n", c->ratelimit_pps);
	fprintf(f, "strict-register-nonce %s\n",
	    c->strict_register_nonce ? "yes" : "no");
	fprintf(f, "withdraw-on-stop %s\n", c->withdraw_on_stop ? "yes" : "no");
	/* lisp-sec only when used: configs without it print as before */
	if (c->lisp_sec != LISPSEC_OFF)
		fprintf(f, "lisp-sec %s\n", c->lisp_sec == LISPSEC_REQUIRED ?
		    "required" : "on");
	for (i = 0; i < c->nlskeys; i++) {
		fprintf(f, "lisp-sec-key %u ", c->lskeys[i].key_id);
		print_string(f, c->lskeys[i].secret);
		fputc('\n', f);
	}
	fputc('\n', f);
	fprintf(f, "timers {\n");
	fprintf(f, "\tregister-interval %u\n", c->timers.register_interval);
	fprintf(f, "\tregistration-ttl %u\n", c->timers.registration_ttl);
	fprintf(f, "\tnegative-ttl %u\n", c->timers.negative_ttl);
	fprintf(f, "\tunregistered-ttl %u\n", c->timers.unregistered_ttl);
	fprintf(f, "\tmap-request-timeout %u\n",
	    c->timers.map_request_timeout_ms);
	fprintf(f, "\tmap-request-retries %u\n",
	    c->timers.map_request_retries);
	fprintf(f, "\tprobe-interval %u\n", c->timers.probe_interval);
	fprintf(f, "\tprobe-timeout %u\n", c->timers.probe_timeout);
	fprintf(f, "\tmap-cache-ttl %u\n", c->timers.map_cache_ttl);
	fprintf(f, "\trecord-ttl-max %u\n", c->timers.record_ttl_max);
	if (c->timers.referral_ttl_max != 86400)
		fprintf(f, "\treferral-ttl-max %u\n", c->timers.referral_ttl_max);
	fprintf(f, "}\n");
}

static void
print_sites(FILE *f, const struct conf *c, int redact)
{
	const struct conf_site *s;
	const struct conf_prefix *p;
	const struct conf_rloc *r;
	int i;

	TAILQ_FOREACH(s, &c->sites, entry) {
		fputs("\nsite ", f);
		print_name(f, s->name);
		fputs(" {\n", f);
		if (s->description != NULL) {
			fputs("\tdescription ", f);
			print_string(f, s->description);
			fputc('\n', f);
		}
		for (i = 0; i < s->nkeys; i++) {
			fputc('\t', f);
			print_key(f, &s->keys[i], redact);
			fputc('\n', f);
		}
		TAILQ_FOREACH(p, &s->prefixes, entry) {
			fputs("\teid-prefix ", f);
			print_prefix(f, &p->eid, p->mlen);
			if (p->accept_more_specifics)
				fputs(" accept-more-specifics", f);
			fputc('\n', f);
		}
		TAILQ_FOREACH(r, &s->allowed_rlocs, entry) {
			fputs("\tallowed-rloc ", f);
			print_addr(f, &r->addr);
			fputc('\n', f);
		}
		if (s->force_proxy_reply)
			fputs("\tproxy-reply\n", f);
		fputs("}\n", f);
	}
}

/* a database-mapping or static map-cache entry; in a tenant's block
 * (ind "\t") without the instance-id it takes from the block */
static void
print_mapping(FILE *f, const struct conf_mapping *m, int is_static, const char *ind)
{
	const struct conf_rloc *r;
	struct lisp_addr e = m->eid;

	if (*ind != '\0')
		e.has_iid = 0;
	fprintf(f, "\n%s%s ", ind, is_static ? "map-cache" : "database-mapping");
	print_prefix(f, &e, m->mlen);
	if (is_static && m->negative) {
		fprintf(f, " %s\n", m->act == ACT_DROP ? "drop" :
		    m->act == ACT_SEND_MAP_REQUEST ? "send-map-request" :
		    "native-forward");
		return;
	}
	fputs(" {\n", f);
	TAILQ_FOREACH(r, &m->rlocs, entry) {
		fprintf(f, "%s\trloc ", ind);
		if (r->ifname != NULL) {
			fputs("interface ", f);
			print_name(f, r->ifname);
			fprintf(f, " ipv%d", r->family);
		} else
			print_addr(f, &r->addr);
		fprintf(f, " priority %u weight %u\n", r->priority, r->weight);
	}
	if (!is_static)
		fprintf(f, "%s\tttl %u\n", ind, m->ttl);
	fprintf(f, "%s}\n", ind);
}

static void
print_xtr(FILE *f, const struct conf *c, int redact)
{
	const struct conf_mapping *m;
	const struct conf_tenant *t;
	const struct conf_map_server *ms;
	int i;

	TAILQ_FOREACH(m, &c->mappings, entry)
		if (conf_tenant_eid(c, &m->eid) == NULL)
			print_mapping(f, m, 0, "");
	TAILQ_FOREACH(m, &c->static_mappings, entry)
		if (conf_tenant_eid(c, &m->eid) == NULL)
			print_mapping(f, m, 1, "");
	TAILQ_FOREACH(t, &c->tenants, entry) {
		fprintf(f, "\ninstance-id %u {\n", t->iid);
		for (i = 0; i < t->nifs; i++) {
			fputs("\tinterface ", f);
			print_name(f, t->ifs[i]);
			fputc('\n', f);
		}
		fprintf(f, "\trouting-table %u\n", t->rt_table);
		fputs("\ttun ", f);
		print_name(f, t->tun_name);
		fputc('\n', f);
		if (t->map_cache_limit != 0)
			fprintf(f, "\tmap-cache-limit %zu\n", t->map_cache_limit);
		TAILQ_FOREACH(m, &c->mappings, entry)
			if (conf_tenant_eid(c, &m->eid) == t)
				print_mapping(f, m, 0, "\t");
		TAILQ_FOREACH(m, &c->static_mappings, entry)
			if (conf_tenant_eid(c, &m->eid) == t)
				print_mapping(f, m, 1, "\t");
		fputs("}\n", f);
	}
	if (!TAILQ_EMPTY(&c->map_servers) || c->has_xtr_id || c->site_id != 0)
		fputc('\n', f);
	TAILQ_FOREACH(ms, &c->map_servers, entry) {
		fputs("map-server ", f);
		print_addr(f, &ms->addr);
		fputc(' ', f);
		print_key(f, &ms->key, redact);
		if (ms->proxy_reply)
			fputs(" proxy-reply", f);
		if (ms->want_map_notify)
			fputs(" want-map-notify", f);
		fputc('\n', f);
	}
	if (c->has_xtr_id) {
		fputs("xtr-id 0x", f);
		for (i = 0; i < 16; i++)
			fprintf(f, "%02x", c->xtr_id[i]);
		fputc('\n', f);
	}
	if (c->site_id != 0)
		fprintf(f, "site-id %llu\n", (unsigned long long)c->site_id);
	fputc('\n', f);
	print_peers(f, "map-resolver", &c->map_resolvers);
	print_peers(f, "use-petr", &c->petrs);
	fputs("tun ", f);
	print_name(f, c->tun_name);
	if (c->tun_mtu != 0)
		fprintf(f, " mtu %d", c->tun_mtu);
	fputc('\n', f);
	if (c->dataplane != CONF_DP_AUTO)
		fprintf(f, "dataplane %s\n", c->dataplane == CONF_DP_EBPF ? "ebpf" : "tun");
	fprintf(f, "routing-table %u\n", c->rt_table);
	fprintf(f, "rule-priority %u\n", c->rule_prio);
	fprintf(f, "queue-per-destination %d\n", c->queue_per_dest);
	fprintf(f, "map-cache-limit %zu\n", c->map_cache_limit);
	fprintf(f, "map-reply-shortest-prefix %d %d\n", c->reply_min_len4, c->reply_min_len6);
	fprintf(f, "decap-check %s\n", conf_decap_check_name(c->decap_check));
	print_prefixes(f, "decap-allow", &c->decap_allow);
	fprintf(f, "registrants-per-prefix %d\n", c->registrants_per_prefix);
}

/* DDT: the roots a Map-Resolver walks from, a node's space and delegations */
static void
print_ddt(FILE *f, const struct conf *c)
{
	const struct conf_ddt_deleg *d;
	int i;

	const struct conf_peer *p;

	if (TAILQ_EMPTY(&c->ddt_roots) && TAILQ_EMPTY(&c->ddt_auth) &&
	    TAILQ_EMPTY(&c->ddt_delegs) && c->ddt_sign_key_path == NULL)
		return;
	fputc('\n', f);
	TAILQ_FOREACH(p, &c->ddt_roots, entry) {
		fputs("ddt-root ", f);
		print_addr(f, &p->addr);
		if (p->key_path != NULL)
			fprintf(f, " key \"%s\"", p->key_path);
		fputc('\n', f);
	}
	if (c->ddt_sign_key_path != NULL)
		fprintf(f, "ddt-signing-key \"%s\"\n", c->ddt_sign_key_path);
	print_prefixes(f, "ddt-authoritative-prefix", &c->ddt_auth);
	TAILQ_FOREACH(d, &c->ddt_delegs, entry) {
		fputs("ddt-delegation ", f);
		print_prefix(f, &d->eid, d->mlen);
		fputs(d->to_ms ? " map-server" : " node", f);
		for (i = 0; i < d->nrlocs; i++) {
			fputc(' ', f);
			print_addr(f, &d->rlocs[i]);
		}
		if (d->key_path != NULL)
			fprintf(f, " key \"%s\"", d->key_path);
		fputc('\n', f);
	}
}

/* NAT traversal: printed only when something is set, so that configs
 * without it print as before */
static void
print_nat(FILE *f, const struct conf *c, int redact)
{
	const struct conf_nat_rtr *r;
	char a[ADDR_STRLEN];

	if (TAILQ_EMPTY(&c->nat_rtrs) && !c->info_unauth &&
	    !c->nat_traversal && !c->nat_shortcut && c->info_interval == 15 &&
	    c->ms_rtr_auth == MSRTR_AUTH_ON)
		return;
	fputc('\n', f);
	TAILQ_FOREACH(r, &c->nat_rtrs, entry) {
		fprintf(f, "nat-rtr %s", addr_fmt(&r->addr, a, sizeof(a)));
		if (r->key.secret != NULL) {
			fputc(' ', f);
			print_key(f, &r->key, redact);
		}
		fputc('\n', f);
	}
	if (c->ms_rtr_auth != MSRTR_AUTH_ON)
		fprintf(f, "ms-rtr-auth %s\n", c->ms_rtr_auth == MSRTR_AUTH_OFF ?
		    "off" : "required");
	if (c->info_unauth)
		fputs("info-request-unauthenticated yes\n", f);
	if (c->nat_shortcut)
		fputs("nat-shortcut yes\n", f);
	if (c->nat_traversal)
		fputs("nat-traversal yes\n", f);
	fprintf(f, "info-request-interval %u\n", c->info_interval);
}
static void print_conf(FILE *, const struct conf *, int);

void
conf_print(FILE *f, const struct conf *c)
{
	print_conf(f, c, 0);
}

void
conf_print_redacted(FILE *f, const struct conf *c)
{
	print_conf(f, c, 1);
}

static void
print_conf(FILE *f, const struct conf *c, int redact)
{
	const struct conf_ms_route *r;

	print_general(f, c);
	print_sites(f, c, redact);
	if (!TAILQ_EMPTY(&c->ms_routes))
		fputc('\n', f);
	TAILQ_FOREACH(r, &c->ms_routes, entry) {
		fputs("ms-route ", f);
		print_prefix(f, &r->eid, r->mlen);
		fputs(" via ", f);
		print_addr(f, &r->ms);
		fputc('\n', f);
	}
	print_xtr(f, c, redact);
	if (!TAILQ_EMPTY(&c->pitr_prefixes) || !TAILQ_EMPTY(&c->petr_prefixes))
		fputc('\n', f);
	print_prefixes(f, "pitr-prefix", &c->pitr_prefixes);
	print_prefixes(f, "petr-prefix", &c->petr_prefixes);
	print_ddt(f, c);
	if (c->pubsub_key.secret != NULL || c->subscriptions_max != 10000)
		fputc('\n', f);
	if (c->pubsub_key.secret != NULL) {
		fputs("pubsub-", f);
		print_key(f, &c->pubsub_key, redact);
		fputc('\n', f);
	}
	if (c->subscriptions_max != 10000)
		fprintf(f, "subscriptions-max %u\n", c->subscriptions_max);
	print_nat(f, c, redact);
}
