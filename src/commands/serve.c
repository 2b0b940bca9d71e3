/*
 * serve.c - serve: the dashboard and the JSON API over HTTP.
 *
 * Starts server/dashboard_server.h on --listen (else [server] listen of
 * the config, else 127.0.0.1:8080), says where, and serves until SIGINT
 * or SIGTERM; then it stops cleanly and prints what it served.
 */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands/commands.h"
#include "config/config.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timestamp.h"
#include "server/dashboard_server.h"
#include "server/faux_server.h"
#include "web/pages.h"
#include "core/banned.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"

static volatile sig_atomic_t stop_serving;

static void on_signal(int sig)
{
	(void)sig;
	stop_serving = 1;
}

static const char *listen_of(const struct request *req)
{
	const char *l = request_str(req, "listen");

	if (!l || !*l)
		l = req->config->server_listen;
	return l && *l ? l : DEFAULT_LISTEN;
}

/* The name of the token's variable (--token-env, else config), or NULL. */
static const char *token_env_of(const struct request *req)
{
	const char *name = request_str(req, "token-env");

	if (!name || !*name)
		name = req->config->server_token_env;
	return name && *name ? name : NULL;
}

static int serve_check(const struct request *req)
{
	const char *name = token_env_of(req);
	const char *value;
	char host[16];
	int port;

	if (faux_server_parse_listen(listen_of(req), host, &port) < 0)
		return err_prefix("option '--listen'");
	if (!name)
		return 0;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return err_set("option '--token-env': '%s' is not an "
				       "environment variable name",
				       name);
	value = getenv(name);
	if (!value || !*value)
		return err_set("option '--token-env': the variable '%s' is "
			       "not set or empty; set it to the token clients "
			       "must send",
			       name);
	return 0;
}

/* Says where it serves, even without -v: that is the point of it. */
static void announce(const char *host, int port, int token)
{
	enum log_level level = log_get_level();

	if (level == LOG_WARN)
		log_set_level(LOG_INFO);
	log_info("serving the dashboard at http://%s:%d/ (API under "
		 "/api/v1/%s); stop with Ctrl-C",
		 host, port, token ? ", bearer token required" : "");
	log_set_level(level);
}

static void describe(json_t *resp, const char *listen, int token,
		     int64_t requests, double seconds)
{
	json_object_set_new(resp, "listen", json_string(listen));
	json_object_set_new(resp, "token", json_boolean(token));
	json_object_set_new(resp, "requests", json_integer(requests));
	json_object_set_new(resp, "seconds", json_real(seconds));
}

static void options_of(const struct request *req,
		       struct dashboard_server_options *o)
{
	const char *name = token_env_of(req);

	o->token = name ? getenv(name) : NULL;
	o->env = req->env;
	o->page_find = web_page_find;
	o->asset_find = web_asset_find;
	o->max_connections = (unsigned)request_int(req, "max-connections");
	o->max_per_ip = (unsigned)request_int(req, "max-per-ip");
	o->timeout_s = (unsigned)request_int(req, "timeout");
	o->max_body = (size_t)request_int(req, "max-body");
	o->allow_admin = request_flag(req, "allow-admin");
	o->cache_ms = (unsigned)request_int(req, "cache-ms");
}

static int serve_handler(struct request *req, json_t *resp)
{
	struct dashboard_server_options o = {0};
	struct dashboard_server *s;
	struct sigaction sa = {0}, old_int, old_term;
	char host[16], listen[40];
	int64_t started = timestamp_now_ms(), requests;
	struct timespec tick = {0, 50000000L};

	if (faux_server_parse_listen(listen_of(req), host, &o.port) < 0)
		return -1;
	o.host = host;
	options_of(req, &o);
	stop_serving = 0;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	if (dashboard_server_start(&s, &o) < 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		return -1;
	}
	snprintf(listen, sizeof(listen), "%s:%d", host,
		 dashboard_server_port(s));
	announce(host, dashboard_server_port(s), o.token != NULL);
	while (!stop_serving)
		nanosleep(&tick, NULL);
	requests = (int64_t)dashboard_server_requests(s);
	dashboard_server_stop(s);
	describe(resp, listen, o.token != NULL, requests,
		 (double)(timestamp_now_ms() - started) / 1000.0);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return API_EXIT_OK;
}

static void serve_mock(const struct request *req, json_t *resp)
{
	(void)req;
	describe(resp, DEFAULT_LISTEN, 0, 1280, 3600.0);
}

const struct command cmd_serve = {
	.name = "serve",
	.summary = "serve the dashboard and the JSON API over HTTP",
	.description =
		"Serves the dashboard pages and the JSON API until "
		"interrupted (SIGINT or SIGTERM), then prints how many "
		"requests it answered. --listen (else [server] listen of the "
		"config, else 127.0.0.1:8080; port 0 takes any free port). "
		"With --token-env NAME (or [server] token_env) every request "
		"needs 'Authorization: Bearer' and the value of $NAME. The "
		"API: 'POST /api/v1/COMMAND' (words joined by '/': "
		"/api/v1/db/status) with the options as a JSON object "
		"(Content-Type: application/json) and the call type in "
		"'?call_type=' or 'X-Call-Type'; the exit code is in "
		"'X-Testpump-Exit' and the status is 200 (exit 0), 422 (2, "
		"with the response), 207 (3, with the response) or 400 (1, "
		"with {\"error\"}). 'GET /api/v1/commands' is the command "
		"table. Every command answers the mock call types; execute "
		"and validate-only run only help, version, config show, db "
		"status, jobs list, releases list, releases add, report, "
		"faux list and pump, plus db init and db migrate with "
		"--allow-admin, and never with an option naming a file of "
		"the server (403 otherwise). A request must arrive whole "
		"within --timeout seconds, its body within --max-body bytes "
		"(413) and its request line and headers within the 32 KiB a "
		"connection may use (414 or 431). Every response "
		"carries Content-Security-Policy: default-src 'self'. A "
		"rendered page is kept --cache-ms milliseconds (default "
		"1000), so every open dashboard costs one rendering a "
		"second; the API is never cached. -v logs "
		"one line per request (method, path without the query, "
		"status, bytes, milliseconds).",
	.options =
		(const struct opt_spec[]){
			{"listen", OPT_STRING, 0, "HOST:PORT",
			 "the IPv4 address and port (default: config, else "
			 "127.0.0.1:8080)",
			 NULL, 0, 0, NULL},
			{"token-env", OPT_STRING, 0, "NAME",
			 "require the bearer token held by variable NAME", NULL,
			 0, 0, NULL},
			{"max-connections", OPT_INT, 0, "N",
			 "connections served at once", NULL, 1, 10000, "256"},
			{"max-per-ip", OPT_INT, 0, "N",
			 "connections at once from one address (0: no own "
			 "limit)",
			 NULL, 0, 10000, "0"},
			{"timeout", OPT_INT, 0, "S",
			 "seconds a request may take to arrive", NULL, 1, 3600,
			 "10"},
			{"max-body", OPT_INT, 0, "BYTES",
			 "largest request body", NULL, 1024, 67108864,
			 "1048576"},
			{"cache-ms", OPT_INT, 0, "MS",
			 "keep each rendered page this long (0: render every "
			 "request)",
			 NULL, 0, 600000, "1000"},
			{"allow-admin", OPT_FLAG, 0, NULL,
			 "let the API run db init and db migrate", NULL, 0, 0,
			 NULL},
			{0},
		},
	.response =
		(const struct resp_field[]){
			{"listen", RESP_STRING, 0, "the address served"},
			{"token", RESP_BOOL, 0, "whether a token was required"},
			{"requests", RESP_INT, 0, "requests answered"},
			{"seconds", RESP_NUMBER, 0, "how long it served"},
			{0},
		},
	.handler = serve_handler,
	.check = serve_check,
	.mock_success = serve_mock,
};
