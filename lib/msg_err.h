/* why a control-message decode failed: a static reason plus the place in
 * the message, filled by the decoders in msg.h and rendered on demand.
 * the caller owns the struct, so two decodes never share a reason. */
#ifndef LOCID_MSG_ERR_H
#define LOCID_MSG_ERR_H

#include <stddef.h>
#include <string.h>

/* reason: static text, each "%u" in it is the next arg[]. rec and loc:
 * the 1-based EID-record and RLOC-record in it (0: n/a). part: another
 * piece named before the reason ("eid", "source-eid", "itr-rloc",
 * "signature"; NULL: none), part_idx its 1-based index (0: n/a). within:
 * the record is not in the message's own list ("map-reply": a
 * Map-Request's Map-Reply record; NULL: n/a). */
struct msg_err {
	const char	*reason;
	unsigned	 arg[2];
	unsigned	 rec, loc;
	const char	*part;
	unsigned	 part_idx;
	const char	*within;
};

#define MSG_ERR_LEN	160	/* enough for any rendered reason */

/* clear *e (which may be NULL) and set reason and arguments; returns -1 */
static inline int
msg_err_set(struct msg_err *e, const char *reason, unsigned a0, unsigned a1)
{
	if (e != NULL) {
		memset(e, 0, sizeof(*e));
		e->reason = reason;
		e->arg[0] = a0;
		e->arg[1] = a1;
	}
	return -1;
}

/* "record 2: locator 1: unknown AFI 99"; returns buf */
const char *msg_err_str(const struct msg_err *, char *buf, size_t len);

#endif
