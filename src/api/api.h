/*
 * api.h - commands as data, and the one router that runs them.
 *
 * Every command is declared once, as a struct command: its name, summary,
 * options, constraints, response shape, handler and mock responders.  The
 * command line (cli/) and the HTTP server (server/) both turn their input
 * into a JSON object of options and call api_route(); the router applies
 * the call type, validates, and runs the handler, so the two front ends
 * cannot drift.
 *
 * The router does, in order (DESIGN.md, "The command table and call types"):
 *   1. mock-invalid:  exit 1 at once, no output;
 *   2. mock-success:  the mock-success responder (or an empty success), 0;
 *   3. mock-failure:  the mock-failure responder and its exit code (2 or 3),
 *                     or an empty error and 1;
 *   4. validation of the options against their specs and constraints, then
 *      the command's own check; a failure names the option, exit 1;
 *   5. validate-only: exit 0, nothing executed;
 *   6. execute:       the handler.
 *
 * Exit codes are decided here and nowhere else.
 */
#ifndef TESTPUMP_API_API_H
#define TESTPUMP_API_API_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

struct config;

/* The version of every JSON response's shape; bumped on breaking change. */
#define API_VERSION 1

/* Process exit codes, everywhere. */
enum api_exit {
	API_EXIT_OK = 0,	   /* success */
	API_EXIT_ERROR = 1,	   /* unrecoverable error or invalid input */
	API_EXIT_UNSUCCESSFUL = 2, /* unsuccessful, response available */
	API_EXIT_INCOMPLETE =
		3, /* completed unsuccessfully; kept what worked */
};

enum call_type {
	CALL_EXECUTE = 0,
	CALL_VALIDATE_ONLY,
	CALL_MOCK_SUCCESS,
	CALL_MOCK_FAILURE,
	CALL_MOCK_INVALID,
};

/* Parses "execute", "validate-only", ...; the error lists the five names. */
int call_type_parse(const char *s, enum call_type *out);

/* The name of t as parsed by call_type_parse(). */
const char *call_type_name(enum call_type t);

/* The type of an option's value, after validation. */
enum opt_type {
	OPT_FLAG,     /* true when given; no value on the command line */
	OPT_STRING,   /* any non-empty text */
	OPT_INT,      /* a decimal integer, range [min, max] when min < max */
	OPT_FLOAT,    /* a finite number, range [min, max] when min < max */
	OPT_PATH,     /* a file system path */
	OPT_CHOICE,   /* one of `choices` */
	OPT_KEYVALUE, /* "key=value" with a non-empty key */
	OPT_TIME,     /* RFC 3339 or epoch; normalised to RFC 3339 UTC */
};

/* Option flags. */
#define OPT_REQUIRED 0x01   /* must be given */
#define OPT_MULTI 0x02	    /* may be repeated; the value is an array */
#define OPT_POSITIONAL 0x04 /* given without a name on the command line */
#define OPT_EXISTS 0x08	    /* OPT_PATH: must exist ("-" means stdin) */

struct opt_spec {
	const char *name; /* "job": --job on the command line, "job" in JSON */
	enum opt_type type;
	unsigned flags;
	const char *argname;	    /* "J" in "--job J"; NULL for flags */
	const char *help;	    /* one line, lower-case, no full stop */
	const char *const *choices; /* OPT_CHOICE: NULL-terminated */
	double min, max;    /* OPT_INT, OPT_FLOAT: a range when min < max */
	const char *defval; /* applied when absent; NULL for none */
};

enum constraint_kind {
	CONSTRAINT_END = 0,
	CONSTRAINT_EXCLUSIVE,	 /* at most one of names */
	CONSTRAINT_AT_LEAST_ONE, /* one or more of names */
};

struct opt_constraint {
	enum constraint_kind kind;
	const char *const *names; /* NULL-terminated option names */
};

/* The JSON type of one top-level key of a response. */
enum resp_type {
	RESP_STRING,
	RESP_INT,
	RESP_NUMBER, /* integer or real */
	RESP_BOOL,
	RESP_ARRAY,
	RESP_OBJECT,
};

#define RESP_NULLABLE 0x01 /* the value may also be null */

struct resp_field {
	const char *key;
	enum resp_type type;
	unsigned flags;
	const char *help;
};

struct request;

/*
 * A handler does the work.  It fills resp (an empty object the router owns)
 * and returns API_EXIT_OK, API_EXIT_UNSUCCESSFUL or API_EXIT_INCOMPLETE; or
 * a negative value with the message set (core/err.h), which the router turns
 * into exit 1 with no response.
 */
typedef int (*command_fn)(struct request *req, json_t *resp);

/* Fills resp with static, realistic data shaped like a real response. */
typedef void (*mock_fn)(const struct request *req, json_t *resp);

/* A command's own validation, after the specs pass; negative to refuse. */
typedef int (*check_fn)(const struct request *req);

struct command {
	const char *name;	 /* as typed: "db init" */
	const char *summary;	 /* one line, lower-case, no full stop */
	const char *description; /* a paragraph for help and the man page */
	const struct opt_spec *options; /* ends with {0}; may be NULL */
	const struct opt_constraint
		*constraints;		   /* ends with {0}; may be NULL */
	const struct resp_field *response; /* ends with {0} */
	const char *rows_key; /* the response key a table shows, or NULL */
	command_fn handler;
	check_fn check;			 /* may be NULL */
	mock_fn mock_success;		 /* NULL: an empty success */
	mock_fn mock_failure;		 /* NULL: an empty error, exit 1 */
	enum api_exit mock_failure_exit; /* with mock_failure: 2 or 3 */
};

/* What the front end knows that is not an option of the command. */
struct api_env {
	const char *db_url;	 /* --db, or NULL */
	const char *config_path; /* --config, or NULL */
	int dry_run;		 /* --dry-run: read everything, write nothing */
	int faux;		 /* --faux: sources answer from built-in data */
	int no_progress;	 /* --no-progress: never draw a progress bar */
};

/* One call of one command; handlers read it, the router owns it. */
struct request {
	const struct command *cmd;
	enum call_type call_type;
	json_t *options; /* option name -> value, validated and defaulted */
	const struct api_env *env;
	struct config *config; /* loaded for validation and execution */
	char *db_url;	       /* the effective database URL */
	struct store *store;   /* opened by request_store(), closed by router */
};

/*
 * Runs cmd for the given call type with options (a JSON object the caller
 * keeps; it is copied).  On return *resp_out is the response to print (with
 * "api_version" first), or NULL when there is none; the caller decrefs it.
 * Returns the exit code.  With exit 1 and no response, err_msg() says why,
 * or is empty for mock-invalid and empty mock errors, which print nothing.
 */
enum api_exit api_route(const struct command *cmd, enum call_type type,
			const json_t *options, const struct api_env *env,
			json_t **resp_out);

/*
 * Opens the request's database once, in the given mode, and returns it in
 * *out; later calls return the same store.  The router closes it.
 */
int request_store(struct request *req, enum store_open_mode mode,
		  struct store **out);

/*
 * As request_store() for a database that must exist and hold the newest
 * schema this testpump knows: opened read-only under --dry-run, and
 * refused, naming the command that fixes it, when it is behind.
 */
int request_store_current(struct request *req, struct store **out);

/* Option values, for handlers: the validated value or the default. */
const char *request_str(const struct request *req, const char *name);
int64_t request_int(const struct request *req, const char *name);
double request_float(const struct request *req, const char *name);
int request_flag(const struct request *req, const char *name);
/*
 * The array of an OPT_MULTI option: empty when absent after validation;
 * NULL in mock calls, which are not validated.
 */
const json_t *request_list(const struct request *req, const char *name);

/* The spec of option `name` of cmd, or NULL. */
const struct opt_spec *command_option(const struct command *cmd,
				      const char *name);

/* The option's name as a person types it: "--job", or "PATH" if positional. */
const char *opt_display(const struct opt_spec *spec, char *tmp, size_t size);

/* The name of an opt_type, as help --format json reports it. */
const char *opt_type_name(enum opt_type t);

/* The name of a resp_type, as help --format json reports it. */
const char *resp_type_name(enum resp_type t);

/*
 * Validates options (a JSON object) against cmd's specs and constraints,
 * normalising each value in place (text to numbers, times to RFC 3339) and
 * adding defaults.  Returns 0, or -1 with a message naming the option and
 * what is allowed.  Does not run cmd->check.
 */
int api_validate(const struct command *cmd, json_t *options);

/*
 * Checks that resp has exactly the top-level keys cmd declares, each of its
 * declared type (plus "api_version"); -1 with the first difference named.
 */
int api_check_response(const struct command *cmd, const json_t *resp);

/* The command as data: name, summary, options, constraints, response. */
json_t *api_describe(const struct command *cmd);

#endif
