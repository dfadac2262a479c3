#!/bin/sh
# eds-ingest fails loudly and leaves no output that looks complete: bad
# headers (65), unwritable outputs (73, 74), missing inputs (66), bad
# schemas (78, with file:line:column), usage errors (64); -h, --version.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/ingest.sh"

printf '%s\n1;;01/02/1980;70;ok\n' "$HDR" >good.csv

# Header columns must match the schema.
printf '%s;EXTRA\n1;;;;;x\n' "$HDR" >extra.csv
run 65 eds-ingest -c "$S" --rejects rej.csv --stats st.json -o out.csv extra.csv
says "eds-ingest: extra.csv:1: unknown column 'EXTRA' in the header (not in schema 'people'; add it to the schema, or set extra_columns: drop)"
absent out.csv
contains st.json '"status":65'
printf 'ID;NIR;NAISSANCE;POIDS\n1;;;\n' >short.csv
run 65 eds-ingest -c "$S" -o out.csv short.csv
says "eds-ingest: short.csv:1: missing column 'NOTE' in the header (schema 'people')"
absent out.csv
printf 'ID;NIR;NAISSANCE;POIDS;NOTE;id\n' >twice.csv
run 65 eds-ingest -c "$S" -o out.csv twice.csv
says "eds-ingest: twice.csv:1: column 'ID' appears twice in the header"
# A later file with a bad header fails the run; the output is not written.
run 65 eds-ingest -c "$S" -o out.csv good.csv short.csv
absent out.csv
ok "unknown, missing or doubled header columns fail with 65, no output"

# Output that cannot be written: a full device, at commit or mid-run.
if [ -w /dev/full ]; then
	run 74 eds-ingest -c "$S" --stats st.json -o /dev/full good.csv
	says "eds-ingest: cannot write '/dev/full': No space left on device"
	contains st.json '"status":74'
	set +e
	eds-ingest -c "$S" good.csv >/dev/full 2>"$T/err"
	got=$?
	set -e
	[ "$got" = 74 ] || fail "stdout on /dev/full exited $got"
	says "eds-ingest: cannot write '<stdout>': No space left on device"
	{
		printf '%s\n' "$HDR"
		i=0
		while [ $i -lt 5000 ]; do
			printf '%d;;01/02/1980;70;a longer note to fill buffers\n' $i
			i=$((i + 1))
		done
	} >big.csv
	run 74 eds-ingest -c "$S" -o /dev/full big.csv
	says "eds-ingest: cannot write '/dev/full': No space left on device"
	ok "a full device is an I/O error (74), at the end or mid-run"
fi

# Outputs in a missing directory cannot be created (73), and nothing of
# the run is left in place.
run 73 eds-ingest -c "$S" -o no-dir/out.csv good.csv
says "eds-ingest: cannot create 'no-dir/out.csv': No such file or directory"
run 73 eds-ingest -c "$S" --rejects no-dir/rej.csv -o out.csv good.csv
says "no-dir/rej.csv"
absent out.csv
run 73 eds-ingest -c "$S" --stats no-dir/st.json -o out.csv good.csv
says "no-dir/st.json"
rm -f out.csv	# the run itself succeeded: only its stats failed
ok "outputs that cannot be created fail with 73"

# Missing inputs (66): a file, a directory, the schema itself.
run 66 eds-ingest -c "$S" --stats st.json -o out.csv nope.csv
says "eds-ingest: cannot open 'nope.csv': No such file or directory"
absent out.csv
contains st.json '"status":66'
run 66 eds-ingest -c "$S" -o out.csv good.csv .
says "eds-ingest: cannot read '.': Is a directory"
absent out.csv
run 66 eds-ingest -c nope.yaml good.csv
says "eds-ingest: cannot open 'nope.yaml': No such file or directory"
ok "missing inputs fail with 66"

# Bad schemas (78) are reported at file:line:column.
cat >bad.yaml <<'YAML'
source: people
columns:
  - name: id
    type: id
  - name: born
    type: date
    formt: "%d/%m/%Y"
YAML
run 78 eds-ingest -c bad.yaml -o out.csv good.csv
says "eds-ingest: bad.yaml:7:5: unknown key 'formt' in a column (expected one of: name, input, description, type, role, required, format, values, pattern, case, min, max, comparators)"
absent out.csv
printf 'source: x\ncolumns:\n  - {name: a, type: date, format: "%%d.%%m"}\n' >fmt.yaml
run 78 eds-ingest -c fmt.yaml good.csv
says "eds-ingest: fmt.yaml:3:35: bad date format '%d.%m'"
printf 'source: x\ncolumns: [\n' >syntax.yaml
run 78 eds-ingest -c syntax.yaml good.csv
grep -q "^eds-ingest: syntax\.yaml:[0-9]*:[0-9]*: " "$T/err" ||
    fail "YAML syntax errors need file:line:column"
ok "bad schemas fail with 78 at file:line:column"

# Usage errors (64): usage on stderr, nothing on stdout.
run 64 eds-ingest good.csv
says "eds-ingest: a schema is required (-c SCHEMA)"
says "usage: eds-ingest -c SCHEMA"
[ ! -s "$T/out" ] || fail "usage errors print nothing on stdout"
run 64 eds-ingest -c "$S" --no-such-option good.csv
says "usage: eds-ingest"
run 64 eds-ingest -c
run 64 eds-ingest -c "$S" --max-reject-rate
run 64 eds-ingest -c "$S" --max-reject-rate lots good.csv
says "eds-ingest: --max-reject-rate takes a fraction from 0 to 1 or a percentage, not 'lots'"
ok "usage errors fail with 64"

# -h and --version.
run 0 eds-ingest -h
contains "$T/out" "usage: eds-ingest -c SCHEMA"
contains "$T/out" "See eds-ingest(1)"
[ ! -s "$T/err" ] || fail "-h prints nothing on stderr"
run 0 eds-ingest --help
run 0 eds-ingest --version
grep -q '^eds-ingest (eds-tools) [0-9][0-9.]*$' "$T/out" || fail "--version"
ok "-h prints the usage on stdout, --version the version"

# --journal appends one line per run, failed runs included.
run 0 eds-ingest -c "$S" --journal j.jsonl -o out.csv good.csv
run 66 eds-ingest -c "$S" --journal j.jsonl -o out.csv nope.csv
[ "$(wc -l <j.jsonl)" = 2 ] || fail "two journal lines expected"
contains j.jsonl '{"seq":1,'
contains j.jsonl '{"seq":2,'
contains j.jsonl '"tool":"eds-ingest"'
contains j.jsonl '"status":66'
ok "--journal records every run"
