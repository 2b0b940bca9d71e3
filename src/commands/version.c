/*
 * version.c - version: what this testpump is and what it was built with.
 */
#include <jansson.h>

#include "commands/commands.h"
#include "core/banned.h"

static void fill(json_t *resp)
{
	json_object_set_new(resp, "version", json_string(TESTPUMP_VERSION));
	json_object_set_new(resp, "engines",
			    json_pack("[s, s]", "sqlite", "pg"));
	json_object_set_new(resp, "sqlite_version",
			    json_string(store_engine_version("sqlite")));
	json_object_set_new(resp, "jansson_version",
			    json_string(JANSSON_VERSION));
}

static int version(struct request *req, json_t *resp)
{
	(void)req;
	fill(resp);
	return API_EXIT_OK;
}

static void mock_version(const struct request *req, json_t *resp)
{
	(void)req;
	json_object_set_new(resp, "version", json_string("0.0.0-mock"));
	json_object_set_new(resp, "engines",
			    json_pack("[s, s]", "sqlite", "pg"));
	json_object_set_new(resp, "sqlite_version", json_string("3.40.1"));
	json_object_set_new(resp, "jansson_version", json_string("2.14"));
}

const struct command cmd_version = {
	.name = "version",
	.summary = "print the version and the libraries built in",
	.description = "Prints testpump's version, the response API version, "
		       "the store engines built in and the versions of the "
		       "libraries linked.",
	.response =
		(const struct resp_field[]){
			{"version", RESP_STRING, 0, "testpump's version"},
			{"engines", RESP_ARRAY, 0, "store engines built in"},
			{"sqlite_version", RESP_STRING, 0, "libsqlite3"},
			{"jansson_version", RESP_STRING, 0, "jansson"},
			{0},
		},
	.handler = version,
	.mock_success = mock_version,
};
