# The man page and --help come from the command table; the checked-in
# docs/testpump.1 must be exactly what the table makes.
. "$(dirname "$0")/lib.sh"

tp help --man
expect_rc 0 "help --man"
if printf '%s\n' "$out" | diff -u "$SRCDIR/docs/testpump.1" - >"$TMP/man.diff"; then
	ok
else
	fail "docs/testpump.1 differs from 'testpump help --man' (regenerate it):
$(head -n 40 "$TMP/man.diff")"
fi

tp --format json help
names=$(json_get '"\n".join(c["name"] for c in d["commands"])')
tp --help
help=$out
tp help --man
man=$out
while IFS= read -r name; do
	case "$help" in *"  $name "*) ok ;; *) fail "--help lacks '$name'" ;; esac
	roffname=$(printf '%s' "$name" | sed 's/-/\\\\-/g')
	case "$man" in *".SS $roffname"*) ok ;; *) fail "the man page lacks '$name'" ;; esac
done <<EOS
$names
EOS

# Every option of every command is documented in help and the man page.
tp --format json help
opts=$(printf '%s' "$out" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["commands"]:
    for o in c["options"]:
        print(c["name"] + "\t" + o["name"])')
while IFS="$(printf '\t')" read -r cmd opt; do
	[ -n "$cmd" ] || continue
	tp help $cmd
	expect_out_has "$opt" "help $cmd documents $opt"
done <<EOS
$opts
EOS

finish
