/*
 * router.c - runs one command for one call type; decides the exit code.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "config/config.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "store/migrations.h"
#include "core/banned.h"

#define DEFAULT_DB_URL "sqlite:testpump.db"

static json_t *new_response(void)
{
	json_t *resp = json_object();

	json_object_set_new(resp, "api_version", json_integer(API_VERSION));
	return resp;
}

/* Loads the configuration and settles which database the call uses. */
static int load_config(struct request *req)
{
	const char *url;

	req->config = xcalloc(1, sizeof(*req->config));
	if (config_load(req->config, req->env->config_path) < 0)
		return -1;
	url = req->env->db_url;
	if (!url || !*url)
		url = getenv("TESTPUMP_DB");
	if (!url || !*url)
		url = req->config->store_url;
	if (!url || !*url)
		url = DEFAULT_DB_URL;
	req->db_url = xstrdup(url);
	return 0;
}

static void request_release(struct request *req)
{
	store_close(req->store);
	if (req->config) {
		config_release(req->config);
		free(req->config);
	}
	free(req->db_url);
	json_decref(req->options);
}

/* Runs the mock responder of a mock call; returns the exit code. */
static enum api_exit run_mock(struct request *req, json_t **resp)
{
	const struct command *cmd = req->cmd;

	if (req->call_type == CALL_MOCK_SUCCESS) {
		*resp = new_response();
		if (cmd->mock_success)
			cmd->mock_success(req, *resp);
		return API_EXIT_OK;
	}
	if (!cmd->mock_failure)
		return API_EXIT_ERROR; /* an empty error: no output */
	*resp = new_response();
	cmd->mock_failure(req, *resp);
	return cmd->mock_failure_exit;
}

/* Validates and, for execute, runs the handler; returns the exit code. */
static enum api_exit run_real(struct request *req, json_t **resp)
{
	const struct command *cmd = req->cmd;
	int rc;

	if (api_validate(cmd, req->options) < 0 || load_config(req) < 0 ||
	    (cmd->check && cmd->check(req) < 0))
		return API_EXIT_ERROR;
	if (req->call_type == CALL_VALIDATE_ONLY) {
		log_info("options of '%s' are valid", cmd->name);
		return API_EXIT_OK;
	}
	*resp = new_response();
	rc = cmd->handler(req, *resp);
	if (rc < 0) {
		json_decref(*resp);
		*resp = NULL;
		return API_EXIT_ERROR;
	}
	return (enum api_exit)rc;
}

enum api_exit api_route(const struct command *cmd, enum call_type type,
			const json_t *options, const struct api_env *env,
			json_t **resp_out)
{
	static const struct api_env no_env;
	struct request req = {0};
	json_t *resp = NULL;
	enum api_exit rc;

	*resp_out = NULL;
	err_clear();
	if (type == CALL_MOCK_INVALID)
		return API_EXIT_ERROR;

	req.cmd = cmd;
	req.call_type = type;
	req.env = env ? env : &no_env;
	req.options = options ? json_deep_copy(options) : json_object();
	if (!json_is_object(req.options)) {
		json_decref(req.options);
		err_set("options of '%s' must be a JSON object", cmd->name);
		return API_EXIT_ERROR;
	}

	if (type == CALL_MOCK_SUCCESS || type == CALL_MOCK_FAILURE)
		rc = run_mock(&req, &resp);
	else
		rc = run_real(&req, &resp);

	/* The response shape is a published contract: never break it. */
	if (resp && api_check_response(cmd, resp) < 0) {
		err_prefix("internal error");
		json_decref(resp);
		resp = NULL;
		rc = API_EXIT_ERROR;
	}
	request_release(&req);
	*resp_out = resp;
	return rc;
}

int request_store(struct request *req, enum store_open_mode mode,
		  struct store **out)
{
	if (!req->store && store_open(&req->store, req->db_url, mode) < 0)
		return -1;
	*out = req->store;
	return 0;
}

int request_store_current(struct request *req, struct store **out)
{
	struct migration_status ms;
	enum store_open_mode mode =
		req->env->dry_run ? STORE_OPEN_READONLY : STORE_OPEN_EXISTING;

	if (request_store(req, mode, out) < 0 ||
	    migrations_status(*out, &ms) < 0)
		return -1;
	if (ms.current < ms.latest)
		return err_set("database '%s' has schema version %u, this "
			       "testpump needs %u; run 'testpump db migrate'",
			       (*out)->url, ms.current, ms.latest);
	return 0;
}

const char *request_str(const struct request *req, const char *name)
{
	const json_t *v = json_object_get(req->options, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t request_int(const struct request *req, const char *name)
{
	return json_integer_value(json_object_get(req->options, name));
}

double request_float(const struct request *req, const char *name)
{
	return json_number_value(json_object_get(req->options, name));
}

int request_flag(const struct request *req, const char *name)
{
	return json_is_true(json_object_get(req->options, name));
}

const json_t *request_list(const struct request *req, const char *name)
{
	const json_t *v = json_object_get(req->options, name);

	return json_is_array(v) ? v : NULL;
}
