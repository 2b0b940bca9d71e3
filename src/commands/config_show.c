/*
 * config_show.c - config show: the effective configuration, secrets masked.
 */
#include <stdlib.h>

#include "commands/commands.h"
#include "config/config.h"
#include "core/banned.h"

static int config_show(struct request *req, json_t *resp)
{
	json_t *cfg = config_to_json(req->config);
	char *masked = config_mask_url(req->db_url);

	json_object_update(resp, cfg);
	json_decref(cfg);
	/* The database this call would really use, after --db and the env. */
	json_object_set_new(json_object_get(resp, "store"), "effective_url",
			    json_string(masked));
	free(masked);
	return API_EXIT_OK;
}

static void mock_config(const struct request *req, json_t *resp)
{
	(void)req;
	json_object_set_new(resp, "file", json_null());
	json_object_set_new(resp, "store",
			    json_pack("{s:n, s:s}", "url", "effective_url",
				      "sqlite:testpump.db"));
	json_object_set_new(resp, "server",
			    json_pack("{s:s, s:n}", "listen", "127.0.0.1:8080",
				      "token_env"));
	json_object_set_new(
		resp, "aggregation",
		json_pack(
			"{s:i, s:i, s:f, s:i, s:i, s:i, s:f, s:f, s:[], s:[]}",
			"min_attempts", 6, "pity", 2, "alpha", 0.05, "corpus",
			250, "history_runs", 200, "history_days", 21,
			"no_history_percent", 70.0, "failed_history_percent",
			99.0, "always_pass", "never_fail"));
	json_object_set_new(resp, "projects",
			    json_pack("[{s:s, s:i}]", "name", "fenix",
				      "testrail_project_id", 59));
	json_object_set_new(resp, "credentials",
			    json_pack("{s:n, s:s}", "TESTRAIL_HOST",
				      "TESTRAIL_PASSWORD", "********"));
}

const struct command cmd_config_show = {
	.name = "config show",
	.summary = "show the effective configuration, secrets masked",
	.description =
		"Prints the configuration testpump would use: the built-in "
		"defaults (the Mozilla mobile projects of testops-dashboard) "
		"with the config file on top (--config, $TESTPUMP_CONFIG, or "
		"./testpump.conf), the database it would open, and which "
		"credentials are set in the environment. Secrets are shown "
		"as ******** and never printed.",
	.response =
		(const struct resp_field[]){
			{"file", RESP_STRING, RESP_NULLABLE,
			 "the config file read, or null for built-in only"},
			{"store", RESP_OBJECT, 0, "url, effective_url"},
			{"server", RESP_OBJECT, 0, "listen, token_env"},
			{"aggregation", RESP_OBJECT, 0,
			 "the aggregate command's defaults"},
			{"projects", RESP_ARRAY, 0, "configured projects"},
			{"credentials", RESP_OBJECT, 0,
			 "environment variables read, secrets masked"},
			{0},
		},
	.rows_key = "projects",
	.handler = config_show,
	.mock_success = mock_config,
};
