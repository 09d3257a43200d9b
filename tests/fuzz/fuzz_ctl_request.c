// fuzz-sources: locid/control_req.c
/* the control protocol's request parser: any line -> a request with a
 * command name and an args object, or a refusal with a reason; never a
 * crash, and a parsed request always has both */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		*line, err[256];
	const char	*cmd;
	json_t		*req, *args;
	json_int_t	 v;
	json_error_t	 jerr;

	if ((line = malloc(len + 1)) == NULL)
		return 0;
	memcpy(line, data, len);
	line[len] = '\0';
	err[0] = '\0';
	req = ctl_request_parse(line, &cmd, &args, &v, &jerr, err, sizeof(err));
	if (req != NULL) {
		if (cmd == NULL || !json_is_object(args) || v < 0 || v > CTL_PROTOCOL)
			abort();
		json_decref(req);
	} else if (err[0] == '\0' || cmd != NULL)
		abort();
	free(line);
	return 0;
}
