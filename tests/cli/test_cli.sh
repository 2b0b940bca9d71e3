# The command-line contract: parsing, errors, call types, help, exit codes.
. "$(dirname "$0")/lib.sh"

tp --version
expect_rc 0 "--version"
expect_out_has "testpump " "--version prints the version"

tp --help
expect_rc 0 "--help"
for c in "db init" "db migrate" "db status" "config show" "version" "help"; do
	expect_out_has "  $c " "--help lists '$c'"
done

tp help db
expect_rc 0 "help db"
expect_out_has "usage: testpump db init" "help db documents db init"
expect_out_has "usage: testpump db status" "help db documents db status"

tp help nosuch
expect_rc 1 "help for an unknown command"
expect_err_has "nosuch" "names it"

tp
expect_rc 1 "no command at all"

tp db
expect_rc 1 "a group without a sub-command"
expect_err_has "init, migrate, status" "lists the sub-commands"

tp db inti
expect_rc 1 "a misspelt sub-command"
expect_err_has "did you mean 'db init'" "suggests the right one"

tp verison
expect_rc 1 "a misspelt command"
expect_err_has "did you mean 'version'" "suggests the right one"

tp version --nosuch
expect_rc 1 "an unknown option"
expect_err_has "--nosuch" "names it"

tp --format xml version
expect_rc 1 "a bad --format"
expect_err_has "table, json, csv" "lists the formats"

tp --db
expect_rc 1 "a global option without its value"
expect_err_has "--db" "names it"

tp --mock-success --mock-failure version
expect_rc 1 "two call types"
expect_err_has "cannot be used with" "says they conflict"

tp --call-type nope version
expect_rc 1 "an unknown call type"
expect_err_has "validate-only" "lists the call types"

tp version --format json
expect_rc 0 "global options may follow the command"
expect_json "version --format json"

tp --format json version
[ "$(json_get 'd["api_version"], "sqlite" in d["engines"]')" = "1 True" ] && ok || fail "version reports api_version and engines"

tp -q -v version
expect_rc 0 "-q and -v"

tp help extra words here
expect_rc 1 "help with an unknown multi-word topic"

tp --validate-only version
expect_rc 0 "validate-only of a valid call"
expect_out_empty "validate-only prints nothing"

tp --format json config show
expect_rc 0 "config show"
[ "$(json_get '[p["name"] for p in d["projects"]][:1], d["file"]')" = "['fenix'] None" ] && ok || fail "built-in projects, no file"

GITHUB_TOKEN=ghp_topsecretvalue tp --format json config show
expect_rc 0 "config show with a secret set"
case "$out$err" in *topsecret*) fail "the secret leaked" ;; *) ok ;; esac
expect_out_has '"GITHUB_TOKEN": "********"' "the secret is masked"

printf '[store]\nbogus = 1\n' >bad.conf
tp --config bad.conf config show
expect_rc 1 "a bad config file"
expect_err_has "bad.conf:2" "names file and line"

tp --config nosuch.conf config show
expect_rc 1 "a missing config file"
expect_err_has "nosuch.conf" "names it"

finish
