/*
 * fuzz_config.c - libFuzzer harness for the INI configuration parser
 * (config_load_text()).
 *
 * Each input is loaded on top of the built-in defaults.  A failure must
 * leave the configuration exactly as it was (config.h), which is checked
 * by comparing config_to_json() before and after; a success is turned
 * into JSON (every field read) and copied.  Built and run by
 * tests/fuzz/run-fuzz.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/config.h"
#include "core/err.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg, copy;
	json_t *before, *after;

	err_clear();
	config_init(&cfg);
	before = config_to_json(&cfg);
	if (config_load_text(&cfg, "fuzz.conf", (const char *)data, size) < 0) {
		after = config_to_json(&cfg);
		if (!*err_msg() || !json_equal(before, after))
			abort();
	} else {
		after = config_to_json(&cfg);
		config_copy(&copy, &cfg);
		config_release(&copy);
	}
	json_decref(before);
	json_decref(after);
	config_release(&cfg);
	return 0;
}
