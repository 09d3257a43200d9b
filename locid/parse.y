/* locid.conf grammar: one statement per line, blocks opened by "{" at the
 * end of a line and closed by "}" on a line of its own. the grammar is flat
 * (a block is a context, not a nesting rule) so that a statement in the
 * wrong place gets a message that says so; conf.c does the work. */

%define api.pure full
%define api.prefix {conf_yy}
%define parse.error verbose
%locations
%param {void *scanner}
%parse-param {struct parse_ctx *ctx}

%code requires {
#include <stdint.h>
#include "confpriv.h"
}

%code {
#include <stdlib.h>
#include <string.h>

int	yylex(YYSTYPE *, YYLTYPE *, void *);
static void yyerror(YYLTYPE *, void *, struct parse_ctx *, const char *);

#define TOP(l, what)	(conf_toplevel(ctx, (l), (what)) == 0)
#define RANGE(l, what, v, lo, hi) \
	(conf_range(ctx, (l), (what), (v), (lo), (hi)) == 0)
}

%union {
	uint64_t	 num;
	char		*str;
	int		 flags;
	struct conf_rlocopt ro;
	struct conf_words *words;
}

%token ROLE           "role"
%token CONTROL        "control"
%token LISTEN         "listen"
%token CONTROLPORT    "control-port"
%token CONTROLRO      "control-socket-ro"
%token PIDFILE        "pidfile"
%token CONTROLGROUP   "control-group"
%token USER           "user"
%token DATAPORT       "data-port"
%token LOGRATE        "log-rate"
%token MRRATELIMIT    "map-request-ratelimit"
%token STRICTNONCE    "strict-register-nonce"
%token WITHDRAWSTOP   "withdraw-on-stop"
%token METRICSLISTEN  "metrics-listen"
%token TIMERS         "timers"
%token REGINTERVAL    "register-interval"
%token REGTTL         "registration-ttl"
%token NEGTTL         "negative-ttl"
%token UNREGTTL       "unregistered-ttl"
%token MRTIMEOUT      "map-request-timeout"
%token MRRETRIES      "map-request-retries"
%token PROBEINTERVAL  "probe-interval"
%token PROBETIMEOUT   "probe-timeout"
%token MAPCACHETTL    "map-cache-ttl"
%token RECTTLMAX      "record-ttl-max"
%token SITE           "site"
%token DESCRIPTION    "description"
%token KEY            "key"
%token EIDPREFIX      "eid-prefix"
%token ACCEPTMORE     "accept-more-specifics"
%token ALLOWEDRLOC    "allowed-rloc"
%token PROXYREPLY     "proxy-reply"
%token MSROUTE        "ms-route"
%token VIA            "via"
%token DBMAPPING      "database-mapping"
%token RLOC           "rloc"
%token INTERFACE      "interface"
%token INSTANCEID     "instance-id"
%token PRIORITY       "priority"
%token WEIGHT         "weight"
%token TTL            "ttl"
%token MAPSERVER      "map-server"
%token WANTMAPNOTIFY  "want-map-notify"
%token XTRID          "xtr-id"
%token SITEID         "site-id"
%token MAPRESOLVER    "map-resolver"
%token USEPETR        "use-petr"
%token TUN            "tun"
%token DATAPLANE      "dataplane"
%token MTU            "mtu"
%token RTTABLE        "routing-table"
%token RULEPRIO       "rule-priority"
%token QUEUEPERDEST   "queue-per-destination"
%token MCLIMIT        "map-cache-limit"
%token MAPCACHE       "map-cache"
%token REPLYSHORTEST  "map-reply-shortest-prefix"
%token REGSPERPFX     "registrants-per-prefix"
%token PITRPREFIX     "pitr-prefix"
%token PETRPREFIX     "petr-prefix"
%token DDTAUTH        "ddt-authoritative-prefix"
%token DDTDELEG       "ddt-delegation"
%token DDTROOT        "ddt-root"
%token DDTSIGNKEY     "ddt-signing-key"
%token REFTTLMAX      "referral-ttl-max"
%token PUBSUBKEY      "pubsub-key"
%token SUBSMAX        "subscriptions-max"
%token LISPSEC        "lisp-sec"
%token LISPSECKEY     "lisp-sec-key"
%token NATRTR         "nat-rtr"
%token MSRTRAUTH      "ms-rtr-auth"
%token NATTRAVERSAL   "nat-traversal"
%token NATSHORTCUT    "nat-shortcut"
%token INFOINTERVAL   "info-request-interval"
%token INFOUNAUTH     "info-request-unauthenticated"
%token DECAPCHECK     "decap-check"
%token DECAPALLOW     "decap-allow"
%token NL "newline"
%token ERROR "invalid token"
%token <num> NUMBER "number"
%token <str> WORD "word"
%token <str> STRING "string"

%type <str> name rolename dpname
%type <num> family
%type <flags> prefixopts msopts
%type <ro> rlocopts
%type <words> words

%destructor { free($$); } <str>
%destructor { conf_words_free($$); } <words>

%%

grammar	: %empty
	| grammar line
	;

line	: NL
	| stmt NL
	| error NL {
		yyerrok;
		if (ctx->nerrors >= CONF_MAXERRORS)
			YYABORT;
	}
	;

name	: WORD
	| STRING
	;

dpname	: name
	| TUN		{ $$ = strdup("tun"); }
	;

rolename : WORD
	| MAPSERVER	{ $$ = strdup("map-server"); }
	| MAPRESOLVER	{ $$ = strdup("map-resolver"); }
	;

stmt	: ROLE rolename		{ conf_role(ctx, @1.first_line, $2); }
	| CONTROL STRING	{ conf_control(ctx, @1.first_line, $2); }
	| CONTROLRO STRING	{ conf_control_ro(ctx, @1.first_line, $2); }
	| PIDFILE STRING	{ conf_pidfile(ctx, @1.first_line, $2); }
	| CONTROLGROUP name	{ conf_control_group(ctx, @1.first_line, $2); }
	| USER name		{ conf_user(ctx, @1.first_line, $2); }
	| LISTEN WORD		{ conf_listen(ctx, @1.first_line, $2); }
	| METRICSLISTEN WORD NUMBER {
		if (RANGE(@1.first_line, "metrics-listen port", $3, 1, 65535))
			conf_metrics_listen(ctx, @1.first_line, $2, (uint16_t)$3);
		else
			free($2);
	}
	| CONTROLPORT NUMBER {
		if (TOP(@1.first_line, "control-port") &&
		    RANGE(@1.first_line, "control-port", $2, 1, 65535))
			ctx->conf->control_port = (uint16_t)$2;
	}
	| DATAPORT NUMBER {
		if (TOP(@1.first_line, "data-port") &&
		    RANGE(@1.first_line, "data-port", $2, 1, 65535))
			ctx->conf->data_port = (uint16_t)$2;
	}
	| LOGRATE NUMBER {
		if (TOP(@1.first_line, "log-rate") &&
		    RANGE(@1.first_line, "log-rate", $2, 1, 100000))
			ctx->conf->log_rate = (int)$2;
	}
	| MRRATELIMIT NUMBER {
		if (TOP(@1.first_line, "map-request-ratelimit") &&
		    RANGE(@1.first_line, "map-request-ratelimit", $2, 0,
		    10000000))
			ctx->conf->ratelimit_pps = (uint32_t)$2;
	}
	| STRICTNONCE WORD {
		conf_yesno(ctx, @1.first_line, "strict-register-nonce", $2,
		    &ctx->conf->strict_register_nonce);
	}
	| WITHDRAWSTOP WORD {
		conf_yesno(ctx, @1.first_line, "withdraw-on-stop", $2,
		    &ctx->conf->withdraw_on_stop);
	}
	| TIMERS '{'	{ conf_block_open(ctx, @1.first_line, BLOCK_TIMERS, NULL); }
	| '}'		{ conf_block_close(ctx, @1.first_line); }
	| REGINTERVAL NUMBER	{ conf_timer(ctx, @1.first_line, "register-interval", $2); }
	| REGTTL NUMBER		{ conf_timer(ctx, @1.first_line, "registration-ttl", $2); }
	| NEGTTL NUMBER		{ conf_timer(ctx, @1.first_line, "negative-ttl", $2); }
	| UNREGTTL NUMBER	{ conf_timer(ctx, @1.first_line, "unregistered-ttl", $2); }
	| MRTIMEOUT NUMBER	{ conf_timer(ctx, @1.first_line, "map-request-timeout", $2); }
	| MRRETRIES NUMBER	{ conf_timer(ctx, @1.first_line, "map-request-retries", $2); }
	| PROBEINTERVAL NUMBER	{ conf_timer(ctx, @1.first_line, "probe-interval", $2); }
	| PROBETIMEOUT NUMBER	{ conf_timer(ctx, @1.first_line, "probe-timeout", $2); }
	| MAPCACHETTL NUMBER	{ conf_timer(ctx, @1.first_line, "map-cache-ttl", $2); }
	| RECTTLMAX NUMBER	{ conf_timer(ctx, @1.first_line, "record-ttl-max", $2); }
	| REFTTLMAX NUMBER	{ conf_timer(ctx, @1.first_line, "referral-ttl-max", $2); }
	| DDTROOT WORD		{ conf_ddt_root(ctx, @1.first_line, $2, NULL); }
	| DDTROOT WORD KEY STRING { conf_ddt_root(ctx, @1.first_line, $2, $4); }
	| DDTSIGNKEY STRING	{ conf_ddt_sign_key(ctx, @1.first_line, $2); }
	| DDTAUTH WORD		{ conf_ddt_auth(ctx, @1.first_line, $2); }
	| PUBSUBKEY NUMBER WORD STRING {
		conf_pubsub_key(ctx, @1.first_line, $2, $3, $4);
	}
	| SUBSMAX NUMBER {
		if (TOP(@1.first_line, "subscriptions-max") &&
		    RANGE(@1.first_line, "subscriptions-max", $2, 0, 1000000))
			ctx->conf->subscriptions_max = (uint32_t)$2;
	}
	| DDTDELEG WORD WORD words {
		conf_ddt_deleg(ctx, @1.first_line, $2, NULL, $3, $4);
		free($3);
	}
	| DDTDELEG WORD WORD words KEY STRING {
		conf_ddt_deleg(ctx, @1.first_line, $2, $6, $3, $4);
		free($3);
	}
	| DDTDELEG WORD MAPSERVER words {
		conf_ddt_deleg(ctx, @1.first_line, $2, NULL, "map-server", $4);
	}
	| DDTDELEG WORD MAPSERVER words KEY STRING {
		conf_ddt_deleg(ctx, @1.first_line, $2, $6, "map-server", $4);
	}
	| SITE name '{'	{ conf_block_open(ctx, @1.first_line, BLOCK_SITE, $2); }
	| DESCRIPTION STRING	{ conf_description(ctx, @1.first_line, $2); }
	| KEY NUMBER WORD STRING {
		conf_site_key(ctx, @1.first_line, $2, $3, $4);
	}
	| EIDPREFIX WORD prefixopts {
		conf_eid_prefix(ctx, @1.first_line, $2, $3);
	}
	| ALLOWEDRLOC WORD	{ conf_allowed_rloc(ctx, @1.first_line, $2); }
	| PROXYREPLY		{ conf_proxy_reply(ctx, @1.first_line); }
	| MSROUTE WORD VIA WORD	{ conf_ms_route(ctx, @1.first_line, $2, $4); }
	| DBMAPPING WORD '{' {
		conf_block_open(ctx, @1.first_line, BLOCK_MAPPING, $2);
	}
	| MAPCACHE WORD '{' {
		conf_block_open(ctx, @1.first_line, BLOCK_STATIC, $2);
	}
	| MAPCACHE WORD WORD {
		conf_static_negative(ctx, @1.first_line, $2, $3);
	}
	| RLOC WORD rlocopts {
		conf_rloc(ctx, @1.first_line, $2, NULL, 0, $3);
	}
	| RLOC INTERFACE name family rlocopts {
		conf_rloc(ctx, @1.first_line, NULL, $3, (int)$4, $5);
	}
	| TTL NUMBER		{ conf_ttl(ctx, @1.first_line, $2); }
	| MAPSERVER WORD KEY NUMBER WORD STRING msopts {
		conf_map_server(ctx, @1.first_line, $2, $4, $5, $6, $7);
	}
	| XTRID WORD		{ conf_xtr_id(ctx, @1.first_line, $2); }
	| SITEID NUMBER {
		if (TOP(@1.first_line, "site-id"))
			ctx->conf->site_id = $2;
	}
	| MAPRESOLVER WORD {
		conf_peer(ctx, @1.first_line, "map-resolver",
		    &ctx->conf->map_resolvers, $2);
	}
	| USEPETR WORD {
		conf_peer(ctx, @1.first_line, "use-petr", &ctx->conf->petrs, $2);
	}
	| TUN name		{ conf_tun(ctx, @1.first_line, $2, 0, 0); }
	| DATAPLANE dpname {
		if (TOP(@1.first_line, "dataplane")) {
			if (strcmp($2, "auto") == 0)
				ctx->conf->dataplane = CONF_DP_AUTO;
			else if (strcmp($2, "ebpf") == 0)
				ctx->conf->dataplane = CONF_DP_EBPF;
			else if (strcmp($2, "tun") == 0)
				ctx->conf->dataplane = CONF_DP_TUN;
			else
				conf_error(ctx, @1.first_line,
				    "dataplane must be auto, ebpf or tun");
		}
		free($2);
	}
	| TUN name MTU NUMBER	{ conf_tun(ctx, @1.first_line, $2, 1, $4); }
	| RTTABLE NUMBER	{ conf_rt_table(ctx, @1.first_line, $2); }
	| INSTANCEID NUMBER '{' { conf_tenant_open(ctx, @1.first_line, $2); }
	| INTERFACE name	{ conf_tenant_if(ctx, @1.first_line, $2); }
	| RULEPRIO NUMBER {
		if (TOP(@1.first_line, "rule-priority") &&
		    RANGE(@1.first_line, "rule-priority", $2, 1, 32765))
			ctx->conf->rule_prio = (uint32_t)$2;
	}
	| REPLYSHORTEST NUMBER NUMBER {
		if (TOP(@1.first_line, "map-reply-shortest-prefix") &&
		    RANGE(@1.first_line, "map-reply-shortest-prefix", $2, 0, 32) &&
		    RANGE(@1.first_line, "map-reply-shortest-prefix", $3, 0, 128)) {
			ctx->conf->reply_min_len4 = (int)$2;
			ctx->conf->reply_min_len6 = (int)$3;
		}
	}
	| REGSPERPFX NUMBER {
		if (TOP(@1.first_line, "registrants-per-prefix") &&
		    RANGE(@1.first_line, "registrants-per-prefix", $2, 1, 1024))
			ctx->conf->registrants_per_prefix = (int)$2;
	}
	| MCLIMIT NUMBER	{ conf_mc_limit(ctx, @1.first_line, $2); }
	| QUEUEPERDEST NUMBER {
		if (TOP(@1.first_line, "queue-per-destination") &&
		    RANGE(@1.first_line, "queue-per-destination", $2, 0, 1024))
			ctx->conf->queue_per_dest = (int)$2;
	}
	| LISPSEC WORD		{ conf_lisp_sec(ctx, @1.first_line, $2); }
	| LISPSECKEY NUMBER STRING {
		conf_lisp_sec_key(ctx, @1.first_line, $2, $3);
	}
	| PITRPREFIX WORD {
		conf_prefix_list(ctx, @1.first_line, "pitr-prefix",
		    &ctx->conf->pitr_prefixes, $2);
	}
	| PETRPREFIX WORD {
		conf_prefix_list(ctx, @1.first_line, "petr-prefix",
		    &ctx->conf->petr_prefixes, $2);
	}
	| NATRTR WORD		{ conf_nat_rtr(ctx, @1.first_line, $2, 0, 0, NULL, NULL); }
	| NATRTR WORD KEY NUMBER WORD STRING {
		conf_nat_rtr(ctx, @1.first_line, $2, 1, $4, $5, $6);
	}
	| MSRTRAUTH WORD	{ conf_ms_rtr_auth(ctx, @1.first_line, $2); }
	| NATSHORTCUT WORD {
		conf_yesno(ctx, @1.first_line, "nat-shortcut", $2,
		    &ctx->conf->nat_shortcut);
	}
	| NATTRAVERSAL WORD {
		conf_yesno(ctx, @1.first_line, "nat-traversal", $2,
		    &ctx->conf->nat_traversal);
	}
	| INFOUNAUTH WORD {
		conf_yesno(ctx, @1.first_line, "info-request-unauthenticated",
		    $2, &ctx->conf->info_unauth);
	}
	| INFOINTERVAL NUMBER {
		if (TOP(@1.first_line, "info-request-interval") &&
		    RANGE(@1.first_line, "info-request-interval", $2, 1, 3600))
			ctx->conf->info_interval = (uint32_t)$2;
	}
	| DECAPCHECK WORD {
		conf_decap_check(ctx, @1.first_line, $2);
	}
	| DECAPALLOW WORD {
		conf_prefix_list(ctx, @1.first_line, "decap-allow",
		    &ctx->conf->decap_allow, $2);
	}
	;

words	: WORD			{ $$ = conf_words_add(NULL, $1); }
	| words WORD		{ $$ = conf_words_add($1, $2); }
	;

prefixopts : %empty	{ $$ = 0; }
	| ACCEPTMORE		{ $$ = 1; }
	;

family	: %empty		{ $$ = 4; }
	| WORD {
		if (strcmp($1, "ipv4") == 0)
			$$ = 4;
		else if (strcmp($1, "ipv6") == 0)
			$$ = 6;
		else {
			conf_error(ctx, @1.first_line,
			    "address family must be ipv4 or ipv6");
			$$ = 0;
		}
		free($1);
	}
	;

rlocopts : %empty		{ $$.prio = -1; $$.weight = -1; $$.bad = 0; }
	| rlocopts PRIORITY NUMBER {
		$$ = $1;
		if (RANGE(@2.first_line, "priority", $3, 0, 255))
			$$.prio = (int)$3;
		else
			$$.bad = 1;
	}
	| rlocopts WEIGHT NUMBER {
		$$ = $1;
		if (RANGE(@2.first_line, "weight", $3, 0, 255))
			$$.weight = (int)$3;
		else
			$$.bad = 1;
	}
	;

msopts	: %empty		{ $$ = 0; }
	| msopts PROXYREPLY	{ $$ = $1 | MSOPT_PROXY_REPLY; }
	| msopts WANTMAPNOTIFY	{ $$ = $1 | MSOPT_WANT_NOTIFY; }
	;

%%

static void
yyerror(YYLTYPE *loc, void *scanner, struct parse_ctx *ctx, const char *msg)
{
	const char *q = ctx->tok_text[0] == '"' ? "" : "\"";

	if (ctx->lexerr) {
		ctx->lexerr = 0;
		return;
	}
	if (strncmp(msg, "syntax error, ", 14) == 0)
		msg += 14;
	if (ctx->tok_text[0] == '\n' || ctx->tok_text[0] == '\0')
		conf_error(ctx, loc->first_line, "syntax error: %s", msg);
	else if (ctx->tok_first)
		conf_error(ctx, loc->first_line, "unknown statement %s%s%s",
		    q, ctx->tok_text, q);
	else
		conf_error(ctx, loc->first_line, "syntax error at %s%s%s: %s",
		    q, ctx->tok_text, q, msg);
}
