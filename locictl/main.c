/* locictl: the operator's tool. a table maps each command to its function
 * in its own file; options given before the command are handed on to it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locictl.h"

struct command {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*usage;
};

static const struct command commands[] = {
	{ "show",	cmd_show,	"show site|stats|metrics|map-cache|database|running-config|version [args]" },
	{ "clear",	cmd_clear,	"clear map-cache|site|stats [args]" },
	{ "reload",	cmd_reload,	"reload" },
	{ "lig",	cmd_lig,	"lig [options] EID" },
	{ "decode",	cmd_decode,	"decode [--json] [--key SECRET] HEX | -r FILE" },
	{ "monitor",	cmd_monitor,	"monitor [--json] [-c COUNT] [-t SECONDS] [KIND...]" },
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: locictl [-s socket] [--json] command [args]\n"
	    "       locictl -h | --help | -V | --version\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "       locictl %s\n", commands[i].usage);
}

/* global options that take a value */
static int
opt_has_arg(const char *o)
{
	return strcmp(o, "-s") == 0 || strcmp(o, "--socket") == 0;
}

int
main(int argc, char **argv)
{
	const struct command *c = NULL;
	char **av;
	int i, j, nglob, ac, rc;
	size_t k;

	/* leading options: keep them to pass after the command name */
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--version") == 0) {
			printf("locictl %s\n", LOCID_VERSION);
			return 0;
		}
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (opt_has_arg(argv[i]) && ++i == argc) {
			fprintf(stderr, "locictl: %s needs an argument\n",
			    argv[i - 1]);
			return 2;
		}
	}
	nglob = i - 1;
	if (i == argc) {
		usage(stderr);
		return 2;
	}
	for (k = 0; k < NCOMMANDS; k++)
		if (strcmp(argv[i], commands[k].name) == 0)
			c = &commands[k];
	if (c == NULL) {
		fprintf(stderr, "locictl: unknown command \"%s\"\n", argv[i]);
		usage(stderr);
		return 2;
	}
	/* -h/--help anywhere after the command: its usage, exit 0, nothing
	 * sent to the daemon (lig and monitor say more themselves) */
	for (j = i + 1; j < argc; j++)
		if ((strcmp(argv[j], "-h") == 0 || strcmp(argv[j], "--help") == 0) &&
		    strcmp(c->name, "lig") != 0 && strcmp(c->name, "monitor") != 0) {
			printf("usage: locictl [-s socket] [--json] %s\n", c->usage);
			if (strcmp(c->name, "show") == 0)
				printf("objects: site [NAME] [--detail], stats, metrics, "
				    "map-cache [PREFIX], database, running-config, version\n");
			else if (strcmp(c->name, "clear") == 0)
				printf("objects: map-cache [PREFIX], site NAME, stats\n");
			return 0;
		}

	/* argv for the command: name, global options, its own arguments */
	if ((av = calloc((size_t)argc + 1, sizeof(*av))) == NULL) {
		perror("locictl");
		return 2;
	}
	ac = 0;
	av[ac++] = argv[i];
	if (nglob > 0 && strcmp(argv[nglob], "--") == 0)
		nglob--;
	memcpy(av + ac, argv + 1, (size_t)nglob * sizeof(*av));
	/* a global -s is the socket: passed on as --socket, so that a
	 * command's own -s (lig's source) cannot be mistaken for it */
	for (j = ac; j < ac + nglob; j++)
		if (strcmp(av[j], "-s") == 0)
			av[j] = "--socket";
	ac += nglob;
	memcpy(av + ac, argv + i + 1, (size_t)(argc - i - 1) * sizeof(*av));
	ac += argc - i - 1;
	av[ac] = NULL;
	rc = c->fn(ac, av);
	free(av);
	return rc;
}
