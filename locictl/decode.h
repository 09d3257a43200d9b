/* locictl decode: LISP messages to a JSON model, rendered as JSON lines or
 * as an indented text tree */
#ifndef LOCICTL_DECODE_H
#define LOCICTL_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct decode_opts {
	const uint8_t	*key;		/* --key: verify authentication data */
	size_t		 keylen;
};

#define DECODE_DEPTH_MAX	3	/* ECM nesting followed */

/* hex text to octets: whitespace, ':' and '.' separate freely, an optional
 * "0x" prefix is skipped. 0, or -1 with a reason. */
int	hex_parse(const char *, uint8_t *out, size_t cap, size_t *outlen,
	    const char **why);

/* one LISP control message (a UDP payload) to a new JSON object, or NULL
 * with a reason (written into whybuf) */
json_t	*decode_control(const uint8_t *, size_t, const struct decode_opts *,
	    int depth, char *whybuf, size_t whylen);
/* a LISP data packet (UDP payload to port 4341) */
json_t	*decode_data(const uint8_t *, size_t, char *whybuf, size_t whylen);

/* a key of the JSON model and its label in the text rendering (of a
 * field, or of each item of a list); tables end with a NULL key */
struct decode_label {
	const char	*key;
	const char	*text;
};

/* whether the JSON model renders the typed body of this LCAF type; a unit
 * test holds it equal to lcaf_type_known for every type */
int	decode_lcaf_renders(uint8_t type);
/* the labels of the keys the typed LCAF renderers add, by type (NULL for
 * a type without a renderer) */
const struct decode_label *decode_lcaf_labels(uint8_t type);
/* the text label of a key some LCAF renderer adds, or NULL */
const char *decode_lcaf_label(const char *key);

/* render a decoded packet as indented text */
void	decode_text(FILE *, const json_t *);
/* "Map-Request" for "map-request" */
const char *decode_type_title(const char *);

/* the command with explicit streams (cmd_decode uses stdout/stderr) */
int	decode_main(int argc, char **argv, FILE *out, FILE *err);

#endif
