/* decode failure reasons (msg_err.h) */
#include <stdio.h>
#include <string.h>

#include "msg_err.h"

/* append to buf without overrunning it; *off may pass len (truncation) */
static void
put(char *buf, size_t len, size_t *off, const char *s, size_t n)
{
	size_t room;

	if (*off < len) {
		room = len - *off - 1;
		memcpy(buf + *off, s, n < room ? n : room);
		buf[*off + (n < room ? n : room)] = '\0';
	}
	*off += n;
}

static void
put_str(char *buf, size_t len, size_t *off, const char *s)
{
	put(buf, len, off, s, strlen(s));
}

static void
putu(char *buf, size_t len, size_t *off, unsigned v)
{
	char tmp[16];
	int n;

	n = snprintf(tmp, sizeof(tmp), "%u", v);
	put(buf, len, off, tmp, (size_t)n);
}

const char *
msg_err_str(const struct msg_err *e, char *buf, size_t len)
{
	const char *r, *q;
	size_t off = 0;
	unsigned i = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (e->within != NULL) {
		put_str(buf, len, &off, e->within);
		put_str(buf, len, &off, " ");
	}
	if (e->rec > 0) {
		put_str(buf, len, &off, "record ");
		putu(buf, len, &off, e->rec);
		put_str(buf, len, &off, ": ");
	}
	if (e->loc > 0) {
		put_str(buf, len, &off, "locator ");
		putu(buf, len, &off, e->loc);
		put_str(buf, len, &off, ": ");
	}
	if (e->part != NULL) {
		put_str(buf, len, &off, e->part);
		if (e->part_idx > 0) {
			put_str(buf, len, &off, " ");
			putu(buf, len, &off, e->part_idx);
		}
		put_str(buf, len, &off, ": ");
	}
	/* the reason, with each "%u" replaced by the next argument; no
	 * other conversion is interpreted */
	r = e->reason != NULL ? e->reason : "malformed";
	while ((q = strstr(r, "%u")) != NULL) {
		put(buf, len, &off, r, (size_t)(q - r));
		putu(buf, len, &off, i < 2 ? e->arg[i] : 0);
		i++;
		r = q + 2;
	}
	put_str(buf, len, &off, r);
	return buf;
}
