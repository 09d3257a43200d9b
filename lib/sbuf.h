/* the text appender of the address formatters (addr_fmt, prefix_fmt): it
 * truncates and always NUL-terminates. addr.c renders an address, lcaf.c
 * the LCAF types; each calls the other for nested addresses. */
#ifndef LOCID_SBUF_H
#define LOCID_SBUF_H

#include <stddef.h>

struct lisp_addr;

struct sbuf {
	char	*p;
	size_t	 cap;
	size_t	 len;
};

void	sbuf_printf(struct sbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* an address at a nesting depth (0 at top level) */
void	addr_sbuf(struct sbuf *, const struct lisp_addr *, int depth);
/* an address with afi == AFI_LCAF: "lcaf-elp(...)", or its octet count
 * when the body is not known or nested too deep */
void	lcaf_sbuf(struct sbuf *, const struct lisp_addr *, int depth);

#endif
