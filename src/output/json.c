/*
 * json.c - pretty JSON through jansson.
 */
#include "output/json.h"

#include <errno.h>
#include <stdlib.h>
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
	/*
	 * Encoded in memory and written at once: json_dumpf() makes one
	 * locked fwrite() per token, a fifth of a big aggregation's time.
	 */
	char *text = json_dumps(value, flags);
	int ret;

	if (!text)
		return err_set("cannot encode the response as json");
	ret = output_write(fp, text, strlen(text));
	free(text);
	if (ret < 0 || output_write(fp, "\n", 1) < 0)
		return -1;
	return output_flush(fp);
}
