/*
 * json.c - pretty JSON through jansson.
 */
#include "output/json.h"

#include <errno.h>
#include <string.h>

#include "core/err.h"
#include "output/output.h"
#include "core/banned.h"

int output_json(FILE *fp, const json_t *value)
{
	/*
	 * 15 significant digits: every decimal a person or a config wrote
	 * (0.05, 12.5) comes back as written, where 17 would print
	 * 0.050000000000000003; computed values keep 15 digits, far more
	 * than any rate or percentile testpump reports needs.
	 */
	size_t flags =
		JSON_INDENT(2) | JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY;

	if (json_dumpf(value, fp, flags) < 0) {
		if (ferror(fp))
			return err_set("cannot write output: %s",
				       strerror(errno));
		return err_set("cannot encode the response as json");
	}
	if (output_write(fp, "\n", 1) < 0)
		return -1;
	return output_flush(fp);
}
