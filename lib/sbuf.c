/* text appender shared by addr.c and lcaf.c */
#include <stdarg.h>
#include <stdio.h>

#include "sbuf.h"

void
sbuf_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->len + 1 >= sb->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->p + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sb->cap - sb->len)
		sb->len = sb->cap - 1;
	else
		sb->len += (size_t)n;
}
