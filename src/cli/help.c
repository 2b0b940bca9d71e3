/*
 * help.c - help text and the man page, printed from the command table.
 *
 * Both come from the same data that parses argv (commands_all[] and
 * cli_global_options[]), and tests/cli/test_docs.sh fails when
 * docs/testpump.1 differs from `testpump help --man`.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "commands/commands.h"
#include "core/buf.h"
#include "core/banned.h"

#define WRAP 78

static const char overview[] =
	"testpump pumps test data from where it lives (JUnit XML from any "
	"CI, TestRail, Bugzilla, GitHub, Taskcluster, Bitrise) into SQL, "
	"judges repeated runs of one CI job for one payload with "
	"flake-tolerant statistics, compares history, and draws it as "
	"graphs. Every command also answers in mock and validate-only "
	"modes, so a pipeline that uses it can be checked in seconds "
	"without network or credentials.";

static const char exit_codes[][80] = {
	"0  success",
	"1  unrecoverable error or invalid input (nothing is half-written)",
	"2  unsuccessful, response available (e.g. a failed aggregation)",
	"3  completed unsuccessfully; what succeeded is kept",
};

/*
 * Prints text wrapped at WRAP columns.  The first line continues a line
 * already `col` columns wide; the others are indented by `indent`.
 */
static void wrap_at(FILE *fp, const char *text, int col, int indent)
{
	const char *p = text;
	int pad = col < indent ? indent - col : 0;

	if (col > indent) {
		fputc('\n', fp);
		pad = indent;
	}
	while (*p) {
		size_t room = WRAP - (size_t)indent, len = strlen(p), cut;

		if (len <= room) {
			cut = len;
		} else {
			cut = room;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (!cut)
				cut = room;
		}
		fprintf(fp, "%*s%.*s\n", pad, "", (int)cut, p);
		pad = indent;
		p += cut;
		while (*p == ' ')
			p++;
	}
}

/* Prints a paragraph wrapped at WRAP columns, every line indented. */
static void wrap(FILE *fp, const char *text, int indent)
{
	wrap_at(fp, text, 0, indent);
}

/* "--job J" or "PATH..." as a person types the option. */
static void option_usage(struct buf *b, const struct opt_spec *o)
{
	if (o->flags & OPT_POSITIONAL)
		buf_adds(b, o->argname);
	else if (o->argname)
		buf_addf(b, "--%s %s", o->name, o->argname);
	else
		buf_addf(b, "--%s", o->name);
	if (o->flags & OPT_MULTI)
		buf_adds(b, "...");
}

/* The option's help with what validation enforces appended. */
static void option_help(struct buf *b, const struct opt_spec *o)
{
	buf_adds(b, o->help);
	if (o->flags & OPT_REQUIRED)
		buf_adds(b, " (required)");
	if ((o->flags & OPT_MULTI) && !(o->flags & OPT_POSITIONAL))
		buf_adds(b, " (repeatable)");
	if (o->flags & OPT_EXISTS)
		buf_adds(b, " (must exist)");
	if (o->choices) {
		buf_adds(b, "; one of:");
		for (size_t i = 0; o->choices[i]; i++)
			buf_addf(b, "%s %s", i ? "," : "", o->choices[i]);
	}
	if (o->min < o->max)
		buf_addf(b, "; from %g to %g", o->min, o->max);
	if (o->defval)
		buf_addf(b, "; default %s", o->defval);
}

static void print_options(FILE *fp, const struct opt_spec *opts)
{
	struct buf u = BUF_INIT, h = BUF_INIT;

	for (const struct opt_spec *o = opts; o && o->name; o++) {
		buf_reset(&u);
		buf_reset(&h);
		option_usage(&u, o);
		option_help(&h, o);
		fprintf(fp, "  %-22s", u.data);
		wrap_at(fp, h.data, (int)(u.len < 22 ? 24 : u.len + 2), 24);
	}
	buf_release(&u);
	buf_release(&h);
}

static void command_synopsis(struct buf *b, const struct command *cmd)
{
	buf_addf(b, "testpump %s", cmd->name);
	for (const struct opt_spec *o = cmd->options; o && o->name; o++) {
		buf_addch(b, ' ');
		if (!(o->flags & OPT_REQUIRED))
			buf_addch(b, '[');
		option_usage(b, o);
		if (!(o->flags & OPT_REQUIRED))
			buf_addch(b, ']');
	}
}

void cli_help_overview(FILE *fp)
{
	size_t width = 0;

	fputs("usage: testpump [GLOBAL OPTIONS] COMMAND [OPTIONS]\n\n", fp);
	wrap(fp, overview, 0);
	fputs("\nCommands:\n", fp);
	for (size_t i = 0; commands_all[i]; i++)
		if (strlen(commands_all[i]->name) > width)
			width = strlen(commands_all[i]->name);
	for (size_t i = 0; commands_all[i]; i++)
		fprintf(fp, "  %-*s  %s\n", (int)width, commands_all[i]->name,
			commands_all[i]->summary);
	fputs("\nGlobal options (before or after the command):\n", fp);
	print_options(fp, cli_global_options);
	fputs("\nExit codes:\n", fp);
	for (size_t i = 0; i < sizeof(exit_codes) / sizeof(exit_codes[0]); i++)
		fprintf(fp, "  %s\n", exit_codes[i]);
	fputs("\nRun 'testpump help COMMAND' for a command's options, and "
	      "'testpump --format json help'\nfor the command table as "
	      "data.\n",
	      fp);
}

static void print_command(FILE *fp, const struct command *cmd)
{
	struct buf b = BUF_INIT;

	command_synopsis(&b, cmd);
	fprintf(fp, "usage: ");
	wrap(fp, b.data, 0);
	fputc('\n', fp);
	wrap(fp, cmd->description ? cmd->description : cmd->summary, 2);
	if (cmd->options && cmd->options->name) {
		fputs("\nOptions:\n", fp);
		print_options(fp, cmd->options);
	}
	for (const struct opt_constraint *c = cmd->constraints;
	     c && c->kind != CONSTRAINT_END; c++) {
		buf_reset(&b);
		buf_adds(&b, c->kind == CONSTRAINT_EXCLUSIVE
				     ? "at most one of"
				     : "at least one of");
		for (size_t i = 0; c->names[i]; i++)
			buf_addf(&b, "%s --%s", i ? "," : "", c->names[i]);
		fprintf(fp, "  %s\n", b.data);
	}
	fputs("\nResponse (--format json):\n", fp);
	for (const struct resp_field *f = cmd->response; f && f->key; f++) {
		buf_reset(&b);
		buf_addf(&b, "%s%s, %s", resp_type_name(f->type),
			 f->flags & RESP_NULLABLE ? " or null" : "", f->help);
		fprintf(fp, "  %-22s", f->key);
		wrap_at(fp, b.data, 24, 24);
	}
	fprintf(fp, "\nMock failure: %s\n",
		cmd->mock_failure
			? (cmd->mock_failure_exit == API_EXIT_INCOMPLETE
				   ? "exit 3 with a response"
				   : "exit 2 with a response")
			: "exit 1, no response");
	buf_release(&b);
}

void cli_help_topic(FILE *fp, const char *topic)
{
	size_t len = strlen(topic);
	int first = 1;

	for (size_t i = 0; commands_all[i]; i++) {
		const char *n = commands_all[i]->name;

		if (strcmp(n, topic) &&
		    (strncmp(n, topic, len) || n[len] != ' '))
			continue;
		if (!first)
			fputs("\n", fp);
		first = 0;
		print_command(fp, commands_all[i]);
	}
}

/* Writes s with troff's special characters escaped. */
static void roff(FILE *fp, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", fp);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", fp);
		else if (*s == '-')
			fputs("\\-", fp);
		else
			fputc(*s, fp);
	}
}

static void man_options(FILE *fp, const struct opt_spec *opts)
{
	struct buf b = BUF_INIT;

	for (const struct opt_spec *o = opts; o && o->name; o++) {
		buf_reset(&b);
		option_usage(&b, o);
		fputs(".TP\n.B ", fp);
		roff(fp, b.data);
		fputc('\n', fp);
		buf_reset(&b);
		option_help(&b, o);
		roff(fp, b.data);
		fputc('\n', fp);
	}
	buf_release(&b);
}

void cli_help_man(FILE *fp)
{
	struct buf b = BUF_INIT;

	fprintf(fp,
		".\\\" Generated by 'testpump help --man'; do not edit.\n"
		".TH TESTPUMP 1 \"\" \"testpump %s\" \"User Commands\"\n"
		".SH NAME\ntestpump \\- pump, judge and graph CI test "
		"results\n.SH SYNOPSIS\n.B testpump\n[\\fIGLOBAL "
		"OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n"
		".SH DESCRIPTION\n",
		TESTPUMP_VERSION);
	roff(fp, overview);
	fputs("\n.SH GLOBAL OPTIONS\n", fp);
	man_options(fp, cli_global_options);
	fputs(".SH COMMANDS\n", fp);
	for (size_t i = 0; commands_all[i]; i++) {
		const struct command *cmd = commands_all[i];

		fputs(".SS ", fp);
		roff(fp, cmd->name);
		fputs("\n", fp);
		buf_reset(&b);
		command_synopsis(&b, cmd);
		fputs(".B ", fp);
		roff(fp, b.data);
		fputs("\n.PP\n", fp);
		roff(fp, cmd->description ? cmd->description : cmd->summary);
		fputc('\n', fp);
		man_options(fp, cmd->options);
	}
	fputs(".SH EXIT STATUS\n", fp);
	for (size_t i = 0; i < sizeof(exit_codes) / sizeof(exit_codes[0]);
	     i++) {
		fprintf(fp, ".TP\n.B %c\n", exit_codes[i][0]);
		roff(fp, exit_codes[i] + 3);
		fputc('\n', fp);
	}
	fputs(".SH ENVIRONMENT\n.TP\n.B TESTPUMP_DB\ndefault database "
	      "URL\n.TP\n.B TESTPUMP_CONFIG\ndefault config file\n"
	      ".SH FILES\n.TP\n.I testpump.conf\nthe config file read "
	      "when no other is named\n.TP\n.I testpump.db\nthe default "
	      "SQLite database\n",
	      fp);
	buf_release(&b);
}
