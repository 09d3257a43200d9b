/* private to the configuration parser (parse.y, lex.l, conf.c,
 * printconf.c): the parser context and the helpers the grammar calls. */
#ifndef LOCID_CONFPRIV_H
#define LOCID_CONFPRIV_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define CONF_STRLEN	255		/* longest quoted string */
#define CONF_NAMELEN	63		/* longest site name */
#define CONF_MAXSIZE	(1024 * 1024 * 1024)	/* longest configuration: 1 GiB */
#define CONF_MAXERRORS	10

enum conf_role {
	ROLE_MS, ROLE_MR, ROLE_ITR, ROLE_ETR, ROLE_PITR, ROLE_PETR, ROLE_DDT,
	ROLE_RTR,
	ROLE_MAX
};

enum conf_block {
	BLOCK_NONE, BLOCK_TIMERS, BLOCK_SITE, BLOCK_MAPPING, BLOCK_STATIC
};

/* prefixes already given, for the duplicate checks in O(1): an open
 * addressing table of (address, mask length) -> the entry's owner */
struct pfx_slot {
	const struct lisp_addr *eid;	/* NULL: free slot */
	uint64_t	 hash;		/* of eid and mlen */
	int		 mlen;
	void		*owner;
};

struct pfx_set {
	struct pfx_slot	*slots;
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 n;
};

struct parse_ctx {
	const char	*name;
	struct conf	*conf;
	char		*err;
	size_t		 errlen;
	size_t		 errused;
	int		 nerrors;
	int		 line;		/* lexer: current line */
	int		 bol;		/* lexer: last token was a newline */
	int		 lexerr;	/* lexer reported; skip the syntax error */
	int		 tok_first;	/* last token began its line */
	char		 tok_text[48];	/* and its text, for messages */
	enum conf_block	 block;
	int		 block_line;
	int		 block_errors;	/* nerrors when the block opened */
	struct conf_site *site;
	struct conf_mapping *mapping;
	struct conf_tenant *tenant;	/* an open instance-id block */
	int		 tenant_errors;	/* nerrors when it opened */
	int		 role_line[ROLE_MAX];
	int		 listen4_line, listen6_line;
	struct pfx_set	 site_pfx;	/* eid-prefix -> its struct conf_site */
	struct pfx_set	 mapping_pfx;	/* database-mapping prefixes */
	struct pfx_set	 static_pfx;	/* map-cache (static) prefixes */
	struct pfx_set	 ms_route_pfx;	/* ms-route prefixes */
	struct pfx_set	 pitr_pfx, petr_pfx, decap_pfx;
	struct pfx_set	 ddt_auth_pfx, ddt_deleg_pfx;
	int		 ddt_sign_line;
};

/* rloc options collected by the grammar */
struct conf_rlocopt {
	int		 prio, weight;	/* -1: not given */
	int		 bad;
};

void	 conf_error(struct parse_ctx *, int line, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	 conf_scan(struct parse_ctx *, const char *, size_t);	/* lex.l */
int	 conf_keyword(const char *);				/* lex.l */

/* grammar actions (conf.c); each takes ownership of its strings */
int	 conf_range(struct parse_ctx *, int, const char *, uint64_t,
	    uint64_t, uint64_t);
void	 conf_role(struct parse_ctx *, int, char *);
void	 conf_control(struct parse_ctx *, int, char *);
void	 conf_control_ro(struct parse_ctx *, int, char *);
void	 conf_pidfile(struct parse_ctx *, int, char *);
void	 conf_control_group(struct parse_ctx *, int, char *);
void	 conf_user(struct parse_ctx *, int, char *);
void	 conf_listen(struct parse_ctx *, int, char *);
void	 conf_yesno(struct parse_ctx *, int, const char *, char *, int *);
void	 conf_decap_check(struct parse_ctx *, int, char *);
void	 conf_static_negative(struct parse_ctx *, int, char *pfx, char *act);
void	 conf_metrics_listen(struct parse_ctx *, int, char *, uint16_t);
void	 conf_timer(struct parse_ctx *, int, const char *, uint64_t);
void	 conf_block_open(struct parse_ctx *, int, enum conf_block, char *);
void	 conf_block_close(struct parse_ctx *, int);
void	 conf_tenant_open(struct parse_ctx *, int, uint64_t);
void	 conf_tenant_if(struct parse_ctx *, int, char *);
/* routing-table: top level or a tenant's; 0 when taken */
void	 conf_rt_table(struct parse_ctx *, int, uint64_t);
/* map-cache-limit: top level or a tenant's */
void	 conf_mc_limit(struct parse_ctx *, int, uint64_t);
void	 conf_description(struct parse_ctx *, int, char *);
void	 conf_site_key(struct parse_ctx *, int, uint64_t, char *, char *);
void	 conf_eid_prefix(struct parse_ctx *, int, char *, int);
void	 conf_allowed_rloc(struct parse_ctx *, int, char *);
void	 conf_proxy_reply(struct parse_ctx *, int);
void	 conf_ms_route(struct parse_ctx *, int, char *, char *);
void	 conf_rloc(struct parse_ctx *, int, char *, char *, int,
	    struct conf_rlocopt);
void	 conf_ttl(struct parse_ctx *, int, uint64_t);
void	 conf_map_server(struct parse_ctx *, int, char *, uint64_t, char *,
	    char *, int);
void	 conf_xtr_id(struct parse_ctx *, int, char *);
void	 conf_peer(struct parse_ctx *, int, const char *, struct conf_peers *,
	    char *);
void	 conf_nat_rtr(struct parse_ctx *, int, char *, int, uint64_t, char *,
	    char *);
void	 conf_ms_rtr_auth(struct parse_ctx *, int, char *);
void	 conf_tun(struct parse_ctx *, int, char *, int, uint64_t);
void	 conf_prefix_list(struct parse_ctx *, int, const char *,
	    struct conf_prefixes *, char *);
/* a list of words after a keyword (ddt-delegation's RLOCs) */
struct conf_words {
	int		 n;
	int		 over;		/* more than CONF_DDT_RLOCS given */
	char		*w[CONF_DDT_RLOCS];
};
struct conf_words *conf_words_add(struct conf_words *, char *);
void	 conf_words_free(struct conf_words *);
void	 conf_ddt_auth(struct parse_ctx *, int, char *);
void	 conf_pubsub_key(struct parse_ctx *, int, uint64_t, char *, char *);
void	 conf_ddt_root(struct parse_ctx *, int, char *, char *);
void	 conf_ddt_sign_key(struct parse_ctx *, int, char *);
void	 conf_ddt_deleg(struct parse_ctx *, int, char *, char *, const char *,
	    struct conf_words *);
void	 conf_lisp_sec(struct parse_ctx *, int, char *);
void	 conf_lisp_sec_key(struct parse_ctx *, int, uint64_t, char *);
int	 conf_toplevel(struct parse_ctx *, int, const char *);
int	 conf_finish(struct parse_ctx *);

#define MSOPT_PROXY_REPLY	0x1
#define MSOPT_WANT_NOTIFY	0x2

#endif
