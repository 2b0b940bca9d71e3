/*
 * faux.c - faux list, faux serve: the built-in static upstream responses.
 *
 * `faux list` names the scenarios and the endpoints whose responses are
 * built in.  `faux serve` answers them over HTTP until it is interrupted
 * (SIGINT or SIGTERM), so the real libcurl path of the connectors, their
 * paging and their retries can be run end to end without the network:
 * point TESTRAIL_HOST at it.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commands/commands.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timestamp.h"
#include "server/faux_server.h"
#include "sources/faux.h"
#include "core/banned.h"

static const char *const scenario_choices[] = {
	"ok", "rate-limited", "server-error", "malformed", "legacy", NULL,
};

static volatile sig_atomic_t stop_serving;

static void on_signal(int sig)
{
	(void)sig;
	stop_serving = 1;
}

static int list_handler(struct request *req, json_t *resp)
{
	json_t *rows = json_array(), *endpoints = json_array();

	(void)req;
	for (size_t i = 0; faux_scenarios[i].name; i++)
		json_array_append_new(
			rows, json_pack("{s:s, s:s, s:s}", "source", "testrail",
					"scenario", faux_scenarios[i].name,
					"summary", faux_scenarios[i].summary));
	for (unsigned i = 0; i < faux_files_count; i++)
		json_array_append_new(endpoints,
				      json_string(faux_files[i].name));
	json_object_set_new(resp, "scenarios", rows);
	json_object_set_new(resp, "endpoints", endpoints);
	return API_EXIT_OK;
}

static void list_mock(const struct request *req, json_t *resp)
{
	list_handler((struct request *)req, resp);
}

const struct command cmd_faux_list = {
	.name = "faux list",
	.summary = "name the built-in upstream responses and their scenarios",
	.description =
		"Lists the scenarios of the faux upstream (ok, rate-limited, "
		"server-error, malformed, legacy) and the endpoints whose "
		"responses are built into testpump. 'testpump --faux pump' "
		"reads them in-process; 'testpump faux serve' serves them "
		"over HTTP.",
	.response =
		(const struct resp_field[]){
			{"scenarios", RESP_ARRAY, 0,
			 "source, scenario and summary of each scenario"},
			{"endpoints", RESP_ARRAY, 0,
			 "the built-in responses, SOURCE/ENDPOINT"},
			{0},
		},
	.rows_key = "scenarios",
	.handler = list_handler,
	.mock_success = list_mock,
};

static int serve_check(const struct request *req)
{
	char host[16];
	int port;

	if (faux_server_parse_listen(request_str(req, "listen"), host, &port) <
	    0)
		return err_prefix("option '--listen'");
	return 0;
}

/* Says where it serves, even without -v: that is the point of it. */
static void announce(const char *host, int port, const char *scenario)
{
	enum log_level level = log_get_level();

	if (level == LOG_WARN)
		log_set_level(LOG_INFO);
	log_info("serving the faux upstream at http://%s:%d (scenario '%s'); "
		 "stop with Ctrl-C",
		 host, port, scenario);
	log_set_level(level);
}

static void describe(json_t *resp, const char *listen, const char *scenario,
		     int64_t calls, double seconds)
{
	json_object_set_new(resp, "listen", json_string(listen));
	json_object_set_new(resp, "scenario", json_string(scenario));
	json_object_set_new(resp, "calls", json_integer(calls));
	json_object_set_new(resp, "seconds", json_real(seconds));
}

static int serve_handler(struct request *req, json_t *resp)
{
	struct faux_server_options o = {0};
	struct faux_server *s;
	struct sigaction sa = {0}, old_int, old_term;
	const char *scenario = request_str(req, "scenario");
	char host[16], listen[40];
	int64_t started = timestamp_now_ms();
	struct timespec tick = {0, 100000000L};

	if (faux_server_parse_listen(request_str(req, "listen"), host,
				     &o.port) < 0 ||
	    faux_scenario_parse(scenario, &o.faux.scenario) < 0)
		return -1;
	o.host = host;
	o.faux.size = request_int(req, "size");
	o.faux.now_ms = timestamp_now_ms();
	o.delay_ms = (long)request_int(req, "delay-ms");
	stop_serving = 0;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	if (faux_server_start(&s, &o) < 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		return -1;
	}
	snprintf(listen, sizeof(listen), "%s:%d", host, faux_server_port(s));
	announce(host, faux_server_port(s), scenario);
	while (!stop_serving)
		nanosleep(&tick, NULL);
	describe(resp, listen, scenario, (int64_t)faux_server_calls(s),
		 (double)(timestamp_now_ms() - started) / 1000.0);
	faux_server_stop(s);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return API_EXIT_OK;
}

static void serve_mock(const struct request *req, json_t *resp)
{
	(void)req;
	describe(resp, "127.0.0.1:8081", "ok", 412, 63.5);
}

const struct command cmd_faux_serve = {
	.name = "faux serve",
	.summary = "serve the built-in upstream responses over HTTP",
	.description =
		"Answers the connectors' endpoints (TestRail's "
		"index.php?/api/v2/...) from the built-in responses over "
		"HTTP until interrupted, then prints how many calls it "
		"answered. Point a pump at it with "
		"TESTRAIL_HOST=http://127.0.0.1:PORT (any user name and "
		"password). --scenario makes it misbehave as a real upstream "
		"does, --delay-ms adds latency to every response, --size "
		"generates that many test cases (5 projects x 10 suites) for "
		"benchmarks. Port 0 takes any free port.",
	.options =
		(const struct opt_spec[]){
			{"listen", OPT_STRING, 0, "HOST:PORT",
			 "the IPv4 address and port to listen on", NULL, 0, 0,
			 "127.0.0.1:8081"},
			{"scenario", OPT_CHOICE, 0, "NAME",
			 "how the upstream behaves", scenario_choices, 0, 0,
			 "ok"},
			{"delay-ms", OPT_INT, 0, "N",
			 "milliseconds added to every response", NULL, 0, 60000,
			 "0"},
			{"size", OPT_INT, 0, "N",
			 "generate N test cases instead of the static ones "
			 "(0: static)",
			 NULL, 0, 100000000, "0"},
			{0},
		},
	.response =
		(const struct resp_field[]){
			{"listen", RESP_STRING, 0, "the address served"},
			{"scenario", RESP_STRING, 0, "the scenario"},
			{"calls", RESP_INT, 0, "calls answered"},
			{"seconds", RESP_NUMBER, 0, "how long it served"},
			{0},
		},
	.handler = serve_handler,
	.check = serve_check,
	.mock_success = serve_mock,
};
