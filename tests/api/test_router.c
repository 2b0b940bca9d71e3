/*
 * test_router.c - the router's order of call types and the declarative
 * validators, on a command table made for the test (the chromite faux,
 * validate and router unit tests are the oracle).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/api.h"
#include "core/err.h"

static int handler_calls;
static int check_calls;
static int handler_result;

static int handler(struct request *req, json_t *resp)
{
	handler_calls++;
	json_object_set_new(resp, "value",
			    json_string(request_str(req, "job")
						? request_str(req, "job")
						: ""));
	if (handler_result < 0)
		return err_set("the handler failed on purpose");
	return handler_result;
}

static int check(const struct request *req)
{
	check_calls++;
	if (request_int(req, "attempts") == 13)
		return err_set("option '--attempts' must not be 13");
	return 0;
}

static void mock_ok(const struct request *req, json_t *resp)
{
	(void)req;
	json_object_set_new(resp, "value", json_string("mocked"));
}

static void mock_bad(const struct request *req, json_t *resp)
{
	(void)req;
	json_object_set_new(resp, "value", json_string("mock failure"));
}

static const char *const colours[] = {"red", "green", NULL};

static const struct opt_spec test_options[] = {
	{"job", OPT_STRING, OPT_REQUIRED, "J", "the job", NULL, 0, 0, NULL},
	{"attempts", OPT_INT, 0, "N", "attempts", NULL, 1, 100, "6"},
	{"alpha", OPT_FLOAT, 0, "A", "alpha", NULL, 0, 1, NULL},
	{"colour", OPT_CHOICE, 0, "C", "a colour", colours, 0, 0, NULL},
	{"input", OPT_PATH, OPT_EXISTS, "F", "a file", NULL, 0, 0, NULL},
	{"variant", OPT_KEYVALUE, OPT_MULTI, "K=V", "variants", NULL, 0, 0,
	 NULL},
	{"at", OPT_TIME, 0, "T", "a time", NULL, 0, 0, NULL},
	{"fast", OPT_FLAG, 0, NULL, "go fast", NULL, 0, 0, NULL},
	{"slow", OPT_FLAG, 0, NULL, "go slow", NULL, 0, 0, NULL},
	{"url", OPT_STRING, 0, "U", "a url", NULL, 0, 0, NULL},
	{"run", OPT_STRING, 0, "R", "a run", NULL, 0, 0, NULL},
	{0},
};

static const struct opt_constraint constraints[] = {
	{CONSTRAINT_EXCLUSIVE, (const char *const[]){"fast", "slow", NULL}},
	{CONSTRAINT_AT_LEAST_ONE, (const char *const[]){"url", "run", NULL}},
	{0},
};

static const struct resp_field response[] = {
	{"value", RESP_STRING, 0, "a value"},
	{0},
};

static struct command cmd = {
	.name = "test thing",
	.summary = "a command for the router test",
	.options = test_options,
	.constraints = constraints,
	.response = response,
	.handler = handler,
	.check = check,
	.mock_success = mock_ok,
	.mock_failure = mock_bad,
	.mock_failure_exit = API_EXIT_UNSUCCESSFUL,
};

static int setup(void **state)
{
	(void)state;
	handler_calls = check_calls = handler_result = 0;
	cmd.mock_success = mock_ok;
	cmd.mock_failure = mock_bad;
	setenv("TESTPUMP_CONFIG", "", 1);
	return 0;
}

/* Routes with options given as JSON text; returns the exit code. */
static enum api_exit route(enum call_type t, const char *options, json_t **resp)
{
	json_error_t jerr;
	json_t *opts = json_loads(options, 0, &jerr);
	enum api_exit rc;

	assert_non_null(opts);
	rc = api_route(&cmd, t, opts, NULL, resp);
	json_decref(opts);
	return rc;
}

static void test_mock_invalid_is_exit_1_and_silent(void **state)
{
	json_t *resp;

	(void)state;
	assert_int_equal(route(CALL_MOCK_INVALID, "{}", &resp), 1);
	assert_null(resp);
	assert_string_equal(err_msg(), "");
	assert_int_equal(handler_calls + check_calls, 0);
}

static void test_mock_success_skips_validation(void **state)
{
	json_t *resp;

	(void)state;
	/* Invalid options: mocks never validate. */
	assert_int_equal(
		route(CALL_MOCK_SUCCESS, "{\"attempts\": \"x\"}", &resp), 0);
	assert_string_equal(json_string_value(json_object_get(resp, "value")),
			    "mocked");
	assert_int_equal(
		json_integer_value(json_object_get(resp, "api_version")),
		API_VERSION);
	assert_int_equal(handler_calls + check_calls, 0);
	json_decref(resp);
}

static void test_mock_failure_uses_responder_exit(void **state)
{
	json_t *resp;

	(void)state;
	assert_int_equal(route(CALL_MOCK_FAILURE, "{}", &resp), 2);
	assert_string_equal(json_string_value(json_object_get(resp, "value")),
			    "mock failure");
	json_decref(resp);
	cmd.mock_failure_exit = API_EXIT_INCOMPLETE;
	assert_int_equal(route(CALL_MOCK_FAILURE, "{}", &resp), 3);
	json_decref(resp);
	cmd.mock_failure_exit = API_EXIT_UNSUCCESSFUL;
	assert_int_equal(handler_calls, 0);
}

static void test_empty_mock_failure_is_exit_1(void **state)
{
	json_t *resp;

	(void)state;
	cmd.mock_failure = NULL;
	assert_int_equal(route(CALL_MOCK_FAILURE, "{}", &resp), 1);
	assert_null(resp);
}

static void test_mock_success_shape_is_enforced(void **state)
{
	json_t *resp;

	(void)state;
	/* An empty success for a command that declares keys is a bug. */
	cmd.mock_success = NULL;
	assert_int_equal(route(CALL_MOCK_SUCCESS, "{}", &resp), 1);
	assert_null(resp);
	assert_non_null(strstr(err_msg(), "lacks key 'value'"));
}

static void test_validate_only_runs_nothing(void **state)
{
	json_t *resp;

	(void)state;
	assert_int_equal(route(CALL_VALIDATE_ONLY,
			       "{\"job\": \"j\", \"run\": \"r\"}", &resp),
			 0);
	assert_null(resp);
	assert_int_equal(handler_calls, 0);
	assert_int_equal(check_calls, 1);
}

static void test_execute_runs_handler(void **state)
{
	json_t *resp;

	(void)state;
	assert_int_equal(
		route(CALL_EXECUTE, "{\"job\": \"j\", \"run\": \"r\"}", &resp),
		0);
	assert_string_equal(json_string_value(json_object_get(resp, "value")),
			    "j");
	json_decref(resp);
	handler_result = API_EXIT_UNSUCCESSFUL;
	assert_int_equal(
		route(CALL_EXECUTE, "{\"job\": \"j\", \"run\": \"r\"}", &resp),
		2);
	json_decref(resp);
	handler_result = API_EXIT_INCOMPLETE;
	assert_int_equal(
		route(CALL_EXECUTE, "{\"job\": \"j\", \"run\": \"r\"}", &resp),
		3);
	json_decref(resp);
	handler_result = -1;
	assert_int_equal(
		route(CALL_EXECUTE, "{\"job\": \"j\", \"run\": \"r\"}", &resp),
		1);
	assert_null(resp);
	assert_string_equal(err_msg(), "the handler failed on purpose");
	assert_int_equal(handler_calls, 4);
}

/* One row: options as JSON, and the message expected (NULL = valid). */
struct vcase {
	const char *options;
	const char *message;
};

static const struct vcase vcases[] = {
	{"{\"job\": \"j\", \"run\": \"r\"}", NULL},
	{"{\"run\": \"r\"}", "option '--job' is required"},
	{"{\"job\": \"\", \"run\": \"r\"}", "option '--job' must not be empty"},
	{"{\"job\": \"j\"}", "at least one of '--url', '--run' is required"},
	{"{\"job\": \"j\", \"url\": \"u\"}", NULL},
	{"{\"job\": \"j\", \"run\": \"r\", \"fast\": true, \"slow\": true}",
	 "option '--slow' cannot be used with '--fast'"},
	{"{\"job\": \"j\", \"run\": \"r\", \"fast\": true, \"slow\": false}",
	 NULL},
	{"{\"job\": \"j\", \"run\": \"r\", \"attempts\": \"0\"}",
	 "option '--attempts' must be an integer from 1 to 100, got '0'"},
	{"{\"job\": \"j\", \"run\": \"r\", \"attempts\": \"12x\"}",
	 "option '--attempts' must be an integer from 1 to 100, got '12x'"},
	{"{\"job\": \"j\", \"run\": \"r\", \"attempts\": 7}", NULL},
	{"{\"job\": \"j\", \"run\": \"r\", \"attempts\": \"13\"}",
	 "option '--attempts' must not be 13"},
	{"{\"job\": \"j\", \"run\": \"r\", \"alpha\": \"1.5\"}",
	 "option '--alpha' must be a number from 0 to 1, got '1.5'"},
	{"{\"job\": \"j\", \"run\": \"r\", \"alpha\": \"nan\"}",
	 "option '--alpha' must be a number from 0 to 1, got 'nan'"},
	{"{\"job\": \"j\", \"run\": \"r\", \"alpha\": 0.05}", NULL},
	{"{\"job\": \"j\", \"run\": \"r\", \"colour\": \"blue\"}",
	 "option '--colour' must be one of: red, green; got 'blue'"},
	{"{\"job\": \"j\", \"run\": \"r\", \"input\": \"/no/such/file\"}",
	 "option '--input': cannot access '/no/such/file': No such file or "
	 "directory"},
	{"{\"job\": \"j\", \"run\": \"r\", \"input\": \"/\"}", NULL},
	{"{\"job\": \"j\", \"run\": \"r\", \"input\": \"-\"}", NULL},
	{"{\"job\": \"j\", \"run\": \"r\", \"variant\": [\"a=b\", \"=c\"]}",
	 "option '--variant' must be key=value with a non-empty key, got '=c'"},
	{"{\"job\": \"j\", \"run\": \"r\", \"job2\": 1}",
	 "unknown option 'job2' for 'test thing'"},
	{"{\"job\": [\"a\", \"b\"], \"run\": \"r\"}",
	 "option '--job' may be given only once"},
	{"{\"job\": \"j\", \"run\": \"r\", \"at\": \"yesterday\"}",
	 "option '--at' must be a time (RFC 3339, e.g. 2024-05-01T12:34:56Z, "
	 "or epoch seconds), got 'yesterday'"},
	{"{\"job\": \"j\", \"run\": \"r\", \"fast\": \"maybe\"}",
	 "option '--fast' is a flag and takes no value (JSON: true or false), "
	 "got 'maybe'"},
	{"{\"job\": {}, \"run\": \"r\"}",
	 "option '--job' must be a single value, not a container"},
};

static void test_validators(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
		json_t *resp;
		enum api_exit rc =
			route(CALL_VALIDATE_ONLY, vcases[i].options, &resp);

		if (!vcases[i].message) {
			if (rc != 0)
				fail_msg("case %zu: %s: %s", i,
					 vcases[i].options, err_msg());
			continue;
		}
		if (rc != 1 || strcmp(err_msg(), vcases[i].message))
			fail_msg("case %zu: %s: exit %d, got '%s', want '%s'",
				 i, vcases[i].options, rc, err_msg(),
				 vcases[i].message);
		assert_null(resp);
	}
	assert_int_equal(handler_calls, 0);
}

static void test_normalisation_and_defaults(void **state)
{
	json_error_t jerr;
	json_t *opts = json_loads(
		"{\"job\": \"j\", \"run\": \"r\", \"attempts\": \"9\", "
		"\"alpha\": \"0.5\", \"at\": \"1714565696\", "
		"\"fast\": \"true\", \"variant\": \"a=b\"}",
		0, &jerr);

	(void)state;
	assert_int_equal(api_validate(&cmd, opts), 0);
	assert_int_equal(json_integer_value(json_object_get(opts, "attempts")),
			 9);
	assert_true(json_real_value(json_object_get(opts, "alpha")) == 0.5);
	assert_string_equal(json_string_value(json_object_get(opts, "at")),
			    "2024-05-01T12:14:56Z");
	assert_true(json_is_true(json_object_get(opts, "fast")));
	assert_int_equal(json_array_size(json_object_get(opts, "variant")), 1);
	json_decref(opts);

	opts = json_loads("{\"job\": \"j\", \"url\": \"u\"}", 0, &jerr);
	assert_int_equal(api_validate(&cmd, opts), 0);
	assert_int_equal(json_integer_value(json_object_get(opts, "attempts")),
			 6);
	assert_int_equal(json_array_size(json_object_get(opts, "variant")), 0);
	json_decref(opts);
}

static void test_response_shape(void **state)
{
	json_error_t jerr;
	json_t *r;

	(void)state;
	r = json_loads("{\"api_version\": 1, \"value\": \"x\"}", 0, &jerr);
	assert_int_equal(api_check_response(&cmd, r), 0);
	json_object_set_new(r, "extra", json_true());
	assert_int_equal(api_check_response(&cmd, r), -1);
	assert_string_equal(err_msg(),
			    "response of 'test thing' has undeclared key "
			    "'extra'");
	json_object_del(r, "extra");
	json_object_set_new(r, "value", json_integer(3));
	assert_int_equal(api_check_response(&cmd, r), -1);
	assert_string_equal(err_msg(), "response of 'test thing': key 'value' "
				       "must be string");
	json_decref(r);
}

static void test_describe(void **state)
{
	json_t *d = api_describe(&cmd);
	json_t *job = json_array_get(json_object_get(d, "options"), 0);

	(void)state;
	assert_string_equal(json_string_value(json_object_get(d, "name")),
			    "test thing");
	assert_string_equal(json_string_value(json_object_get(job, "name")),
			    "--job");
	assert_true(json_is_true(json_object_get(job, "required")));
	assert_int_equal(json_array_size(json_object_get(d, "constraints")), 2);
	assert_int_equal(
		json_integer_value(json_object_get(d, "mock_failure_exit")), 2);
	json_decref(d);
}

static void test_call_type_names(void **state)
{
	enum call_type t;

	(void)state;
	for (int i = CALL_EXECUTE; i <= CALL_MOCK_INVALID; i++) {
		assert_int_equal(call_type_parse(call_type_name(i), &t), 0);
		assert_int_equal(t, i);
	}
	assert_int_equal(call_type_parse("mock", &t), -1);
	assert_non_null(strstr(err_msg(), "'mock'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_mock_invalid_is_exit_1_and_silent,
				       setup),
		cmocka_unit_test_setup(test_mock_success_skips_validation,
				       setup),
		cmocka_unit_test_setup(test_mock_failure_uses_responder_exit,
				       setup),
		cmocka_unit_test_setup(test_empty_mock_failure_is_exit_1,
				       setup),
		cmocka_unit_test_setup(test_mock_success_shape_is_enforced,
				       setup),
		cmocka_unit_test_setup(test_validate_only_runs_nothing, setup),
		cmocka_unit_test_setup(test_execute_runs_handler, setup),
		cmocka_unit_test_setup(test_validators, setup),
		cmocka_unit_test_setup(test_normalisation_and_defaults, setup),
		cmocka_unit_test_setup(test_response_shape, setup),
		cmocka_unit_test_setup(test_describe, setup),
		cmocka_unit_test_setup(test_call_type_names, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
