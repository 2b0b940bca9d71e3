/*
 * parse_json.c - the bound for bench/history: a plain jansson parse of
 * the files named on the command line (json_load_file with
 * JSON_REJECT_DUPLICATES, as testpump reads them), nothing else.  Exits
 * 1 if a file does not parse.
 */
#include <stdio.h>

#include <jansson.h>

int main(int argc, char **argv)
{
	size_t rows = 0;

	for (int i = 1; i < argc; i++) {
		json_error_t err;
		json_t *root =
			json_load_file(argv[i], JSON_REJECT_DUPLICATES, &err);

		if (!root) {
			fprintf(stderr, "%s:%d: %s\n", argv[i], err.line,
				err.text);
			return 1;
		}
		rows += json_array_size(root);
		json_decref(root);
	}
	printf("%zu rows parsed\n", rows);
	return 0;
}
