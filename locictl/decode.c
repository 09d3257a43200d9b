/* locictl decode: the operator's dissector. input is one message in hex
 * (arguments or stdin) or a capture file; output is an indented tree or
 * one JSON object per line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "locictl.h"
#include "msg.h"
#include "pcap_in.h"

#define HEX_TEXT_MAX	(1024 * 1024)
#define MSG_MAX		65535

struct decode_run {
	const struct decode_opts *opt;
	int		 json;
	FILE		*out, *err;
	unsigned	 shown, failed;
};

static void
usage(FILE *err)
{
	fprintf(err, "usage: locictl decode [--json] [--key secret] [--data] hex | -\n"
	    "       locictl decode [--json] [--key secret] -r file.pcap\n");
}

static void
emit(struct decode_run *run, json_t *o)
{
	char *s;

	if (run->json) {
		if ((s = json_dumps(o, JSON_COMPACT)) != NULL) {
			fprintf(run->out, "%s\n", s);
			free(s);
		}
	} else {
		if (run->shown > 0)
			fputc('\n', run->out);
		decode_text(run->out, o);
	}
	run->shown++;
}

static int
frame_cb(unsigned frame, const struct pkt_udp *u, void *arg)
{
	struct decode_run *run = arg;
	char why[256];
	json_t *o, *m;
	int data;

	if (u == NULL)
		return 0;
	if (u->sport == LISP_CONTROL_PORT || u->dport == LISP_CONTROL_PORT)
		data = 0;
	else if (u->sport == LISP_DATA_PORT || u->dport == LISP_DATA_PORT)
		data = 1;
	else
		return 0;		/* not LISP */
	m = data ? decode_data(u->payload, u->len, why, sizeof(why)) :
	    decode_control(u->payload, u->len, run->opt, 0, why, sizeof(why));
	if (m == NULL) {
		if (u->len < u->wire_len)
			fprintf(run->err, "locictl: decode: frame %u: %s "
			    "(captured %zu of %zu octets)\n", frame, why,
			    u->len, u->wire_len);
		else
			fprintf(run->err, "locictl: decode: frame %u: %s\n",
			    frame, why);
		run->failed++;
		return 0;
	}
	o = json_object();
	json_object_set_new(o, "frame", json_integer(frame));
	json_object_set_new(o, "ip_src", json_string(u->ip.src));
	json_object_set_new(o, "ip_dst", json_string(u->ip.dst));
	json_object_set_new(o, "sport", json_integer(u->sport));
	json_object_set_new(o, "dport", json_integer(u->dport));
	json_object_update(o, m);
	json_decref(m);
	emit(run, o);
	json_decref(o);
	return 0;
}

/* the hex arguments joined, or stdin for "-" */
static char *
hex_input(int argc, char **argv, FILE *err)
{
	size_t len = 0, n;
	char *s;
	int i;

	if (argc == 1 && strcmp(argv[0], "-") == 0) {
		if ((s = malloc(HEX_TEXT_MAX + 1)) == NULL)
			return NULL;
		while (len < HEX_TEXT_MAX &&
		    (n = fread(s + len, 1, HEX_TEXT_MAX - len, stdin)) > 0)
			len += n;
		if (len == HEX_TEXT_MAX) {
			fprintf(err, "locictl: decode: input too long\n");
			free(s);
			return NULL;
		}
		s[len] = '\0';
		return s;
	}
	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = malloc(len + 1)) == NULL)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < argc; i++) {
		strcat(s, argv[i]);
		strcat(s, " ");
	}
	return s;
}

/* hex of a control message, or with data (--data) of a data packet (the
 * UDP payload to 4341); a hex that does not decode as a control message
 * is tried as a data packet before it is refused */
static int
decode_hex(struct decode_run *run, int argc, char **argv, int data)
{
	static uint8_t msg[MSG_MAX];
	const char *why;
	char reason[256];
	size_t len;
	json_t *o;
	char *s;

	if ((s = hex_input(argc, argv, run->err)) == NULL)
		return 2;
	if (hex_parse(s, msg, sizeof(msg), &len, &why) == -1) {
		fprintf(run->err, "locictl: decode: bad hex: %s\n", why);
		free(s);
		return 2;
	}
	free(s);
	if (data)
		o = decode_data(msg, len, reason, sizeof(reason));
	else if ((o = decode_control(msg, len, run->opt, 0, reason,
	    sizeof(reason))) == NULL && len > 0 &&
	    ((msg[0] >> 4) == 0 || ((msg[0] >> 4) >= 8 && (msg[0] >> 4) < 15))) {
		/* not a control message, and its first nibble not one of the
		 * types 1-7 or 15: the flags of a data header, maybe (N sets
		 * the same bit as ECM's type 8) */
		char r2[256];

		o = decode_data(msg, len, r2, sizeof(r2));
	}
	if (o == NULL) {
		fprintf(run->err, "locictl: decode: %s\n", reason);
		return 1;
	}
	emit(run, o);
	json_decref(o);
	return 0;
}

int
decode_main(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option longopts[] = {
		{ "json",	no_argument,		NULL,	'j' },
		{ "key",	required_argument,	NULL,	'k' },
		{ "read",	required_argument,	NULL,	'r' },
		{ "socket",	required_argument,	NULL,	's' },
		{ "help",	no_argument,		NULL,	'h' },
		{ "data",	no_argument,		NULL,	'd' },
		{ NULL,		0,			NULL,	0 }
	};
	struct decode_opts opt = { NULL, 0 };
	struct decode_run run = { &opt, 0, out, err, 0, 0 };
	const char *file = NULL;
	char ebuf[512];
	int ch, data = 0;

	optind = 0;		/* a fresh scan for every call */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "dhjk:r:s:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			data = 1;
			break;
		case 'j':
			run.json = 1;
			break;
		case 'k':
			opt.key = (const uint8_t *)optarg;
			opt.keylen = strlen(optarg);
			break;
		case 'r':
			file = optarg;
			break;
		case 's':	/* global option; decode needs no daemon */
			break;
		case 'h':
			usage(out);
			return 0;
		default:
			fprintf(err, "locictl: decode: bad option %s\n",
			    argv[optind - 1]);
			usage(err);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (file != NULL) {
		if (argc != 0) {
			usage(err);
			return 2;
		}
		if (pcap_in_walk(file, frame_cb, &run, ebuf,
		    sizeof(ebuf)) == -1) {
			fprintf(err, "locictl: decode: %s\n", ebuf);
			return 2;
		}
		fflush(out);
		return run.failed > 0 ? 1 : 0;
	}
	if (argc == 0) {
		usage(err);
		return 2;
	}
	ch = decode_hex(&run, argc, argv, data);
	fflush(out);
	return ch;
}

int
cmd_decode(int argc, char **argv)
{
	return decode_main(argc, argv, stdout, stderr);
}
