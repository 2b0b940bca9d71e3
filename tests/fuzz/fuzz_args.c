/*
 * fuzz_args.c - libFuzzer harness for the command line: cli_parse() over
 * argv made from the input (words split at NUL or newline, at most 40),
 * then api_validate() of the options against the command's specs, as the
 * router does before any handler runs.  Nothing is executed.
 *
 * The input's words are put after "testpump"; the first byte, when it is
 * below 32, instead picks a command name from the table to start with,
 * so that every command's options are reached.  Built and run by
 * tests/fuzz/run-fuzz.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "cli/cli.h"
#include "commands/commands.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_WORDS 40

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_WORDS + 4];
	char *copy, *p, *end, *name = NULL;
	struct cli_call call;
	int argc = 0;
	size_t ncmd = 0;

	err_clear();
	while (commands_all[ncmd])
		ncmd++;
	copy = xmalloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[argc++] = "testpump";
	p = copy;
	end = copy + size;
	if (size && (unsigned char)*p < 32 && ncmd) {
		name = xstrdup(commands_all[(unsigned char)*p % ncmd]->name);
		p++;
		/* "db init" is two words. */
		char *sp = strchr(name, ' ');
		argv[argc++] = name;
		if (sp) {
			*sp = '\0';
			argv[argc++] = sp + 1;
		}
	}
	while (p < end && argc < MAX_WORDS) {
		size_t n = strcspn(p, "\n");

		p[n] = '\0';
		argv[argc++] = p;
		p += n + 1;
	}
	argv[argc] = NULL;
	memset(&call, 0, sizeof(call));
	if (cli_parse(argc, argv, &call) < 0) {
		if (!*err_msg())
			abort();
	} else if (call.command && call.options) {
		if (api_validate(call.command, call.options) < 0 && !*err_msg())
			abort();
	}
	cli_call_release(&call);
	free(name);
	free(copy);
	return 0;
}
