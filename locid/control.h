/* the control protocol's request parser, apart from the sockets so that
 * it can be fuzzed (tests/fuzz/fuzz_ctl_request.c) */
#ifndef LOCID_CONTROL_H
#define LOCID_CONTROL_H

#include <jansson.h>

#define CTL_PROTOCOL	1
/* the version of the JSON the commands answer with (tests/schema,
 * locictl(8) JSON FIELDS): a key renamed, retyped or removed bumps it, a
 * key added does not */
#define CTL_SCHEMA	1
#define CTL_LINE_MAX	65536

/* parse one request line {"v":1,"cmd":"...","args":{...}}: the request
 * object (a new reference holding *cmd and *args; args is an empty object
 * when absent) or NULL with err filled. a version above ours is refused */
json_t	*ctl_request_parse(const char *line, const char **cmd, json_t **args,
	    json_int_t *version, json_error_t *, char *err, size_t errlen);

#endif
