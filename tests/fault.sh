# tests/fault.sh: sourced by the fault-injection tests (tests/fault-*.sh)
# after tests/lib.sh and tests/ingest.sh: runs a tool with the shim
# tests/faultinject.so preloaded (see tests/faultinject.c) so that chosen
# calls fail, and checks that the fault really fired.
#
# Sanitizer builds: ASan wants its runtime first among the loaded
# libraries.  gcc links it as a shared library (libasan.so), so it is
# preloaded before the shim; clang links it into the executable, which
# comes first anyway, and its interceptors reach the shim as the "next"
# definition.  Either way the tests run in every build.

SHIM=$top_builddir/tests/faultinject.so
[ -f "$SHIM" ] || skip "$SHIM not built (make check builds it)"
asan=$(ldd "$top_builddir/eds-ingest" 2>/dev/null |
    sed -n 's/^[[:space:]]*libasan[^ ]* => \([^ ]*\) .*/\1/p' | head -1)
PRELOAD="${asan:+$asan }$SHIM"

# inject STATUS CALL PATTERN ERRNO NTH CMD...: run CMD (as run does) with
# CALL failing with ERRNO on the NTH call on a path matching PATTERN, and
# require both STATUS and that the fault fired.
inject() {
	i_want=$1 i_call=$2 i_path=$3 i_errno=$4 i_nth=$5
	shift 5
	rm -f "$T/fi.log"
	run "$i_want" env LD_PRELOAD="$PRELOAD" FI_CALL="$i_call" \
	    FI_PATH="$i_path" FI_ERRNO="$i_errno" FI_NTH="$i_nth" \
	    FI_LOG="$T/fi.log" "$@"
	[ -s "$T/fi.log" ] ||
	    fail "the $i_call fault on '$i_path' never fired: '$*'"
}

# rows N: a people extract of N rows (about 50 bytes each) on stdout.
rows() {
	awk -v n="$1" -v h="$HDR" 'BEGIN { print h
	for (i = 1; i <= n; i++)
		printf "%d;;01/02/1980;%d,5;a note long enough to fill buffers\n", i, i % 200 }'
}

# no_temps: no temporary file of an output is left in the directory.
no_temps() {
	for f in .*.tmp-*; do
		[ ! -e "$f" ] || fail "temporary $f left behind"
	done
}

# stats_faults TOOL CMD: the run "CMD --stats st.json -o out.csv in.csv"
# with each step of writing the stats file failing: 73 or 74 with a
# message naming it, no stats file and no temporary left, and the output,
# committed before the stats, in place and equal to want.csv.
stats_faults() {
	sf_tool=$1 sf_cmd=$2
	for sf in "mkstemp 73 cannot create 'st.json'" \
	    "write 74 cannot write 'st.json'" \
	    "fsync 74 cannot write 'st.json'" \
	    "close 74 cannot write 'st.json'" \
	    "rename 73 cannot rename into 'st.json'"; do
		set -- $sf
		inject "$2" "$1" '*st.json*' ENOSPC 1 \
		    $sf_cmd --stats st.json -o out.csv in.csv
		says "$sf_tool: ${sf#* * }"
		absent st.json
		no_temps
		same out.csv want.csv
		rm -f out.csv
		ok "stats: $1 failing exits $2, no stats file in place"
	done
}

# journal_faults TOOL CMD: the run "CMD --journal j.jsonl -o out.csv
# in.csv" with the journal failing to open, to be written (also short:
# a cut line is undone) and to be synced.  Appended in place (O_APPEND),
# so a failed append leaves the journal as it was; a failed fsync after
# a whole line leaves the line, and the chain goes on from it.
journal_faults() {
	jf_tool=$1 jf_cmd=$2
	rm -f j.jsonl
	run 0 $jf_cmd --journal j.jsonl -o out.csv in.csv
	cp j.jsonl j.before
	inject 73 open '*j.jsonl' EACCES 1 \
	    $jf_cmd --journal j.jsonl -o out.csv in.csv
	says "$jf_tool: cannot open journal 'j.jsonl': Permission denied"
	same j.jsonl j.before
	inject 74 write '*j.jsonl' ENOSPC 1 \
	    $jf_cmd --journal j.jsonl -o out.csv in.csv
	says "$jf_tool: cannot write journal 'j.jsonl': No space left on device"
	same j.jsonl j.before
	inject 74 write '*j.jsonl' short 1 \
	    $jf_cmd --journal j.jsonl -o out.csv in.csv
	says "$jf_tool: cannot write journal 'j.jsonl': No space left on device"
	same j.jsonl j.before
	ok "journal: open, write or a short write failing is 73/74, journal unchanged"
	inject 74 fsync '*j.jsonl' EIO 1 \
	    $jf_cmd --journal j.jsonl -o out.csv in.csv
	says "$jf_tool: cannot write journal 'j.jsonl': Input/output error"
	[ "$(wc -l <j.jsonl)" = 2 ] || fail "the written line stays"
	run 0 eds-export journal verify j.jsonl
	run 0 $jf_cmd --journal j.jsonl -o out.csv in.csv
	contains j.jsonl '{"seq":3,'
	run 0 eds-export journal verify j.jsonl
	rm -f out.csv
	ok "journal: fsync failing is 74, the chain stays whole"
}

# output_faults TOOL CMD [AFTER]: the run "CMD -o out.csv in.csv" (and
# big.csv, whose good output is want-big.csv) with each step of writing
# its output failing: 73 or 74 with a message naming it, nothing in place,
# no temporary left, the stats saying the status; a write failing
# mid-run, plain and gzip (-z); short writes completed; standard output
# failing.  AFTER, when given, is a function called with the failing
# call's name after each of the first cases, for the tool's own checks.
output_faults() {
	of_tool=$1 of_cmd=$2 of_after=${3:-}
	for of in "mkstemp ENOSPC 73 cannot create 'out.csv': No space left on device" \
	    "mkstemp EACCES 73 cannot create 'out.csv': Permission denied" \
	    "write EIO 74 cannot write 'out.csv': Input/output error" \
	    "write ENOSPC 74 cannot write 'out.csv': No space left on device" \
	    "fsync EIO 74 cannot write 'out.csv': Input/output error" \
	    "close EIO 74 cannot write 'out.csv': Input/output error" \
	    "rename EACCES 73 cannot rename into 'out.csv': Permission denied"; do
		set -- $of
		inject "$3" "$1" '*out.csv*' "$2" 1 \
		    $of_cmd --stats st.json -o out.csv in.csv
		says "$of_tool: ${of#* * * }"
		absent out.csv
		no_temps
		contains st.json "\"status\":$3"
		rm -f st.json
		[ -z "$of_after" ] || "$of_after" "$1"
		ok "output: $1 failing with $2 exits $3, nothing in place"
	done
	inject 74 write '*out.csv*' ENOSPC 3 $of_cmd -o out.csv big.csv
	says "$of_tool: cannot write 'out.csv': No space left on device"
	absent out.csv
	no_temps
	inject 74 write '*out.csv.gz*' ENOSPC 1 $of_cmd -z -o out.csv.gz big.csv
	says "$of_tool: cannot write 'out.csv.gz': No space left on device"
	absent out.csv.gz
	no_temps
	ok "output: a write failing mid-run (plain or gzip) is 74, nothing in place"
	FI_TIMES=0 inject 0 write '*out.csv*' short 1 $of_cmd -o out.csv big.csv
	same out.csv want-big.csv
	rm -f out.csv
	ok "output: short writes are completed, the output is whole"
	inject 74 write '*/out' EIO 1 $of_cmd in.csv
	says "$of_tool: cannot write '<stdout>': Input/output error"
	ok "standard output failing is 74"
}
