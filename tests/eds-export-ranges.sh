#!/bin/sh
# Shards by byte ranges: a project of ONE lab file (Windows-1252, CRLF, no
# BOM) and ONE radiology file (UTF-8 with a BOM, multi-line quoted
# reports), with bad rows (a bad date, a wrong column count, a quote out
# of place), run in 2, 3, 4 and 7 shards: the files are cut at row
# boundaries, and the merged bundle is byte-identical to a single run's,
# with the same rejects on the same lines.  Cuts placed on purpose inside
# the header, inside a multi-line quoted field, at the exact start of a
# row, past the last row and on a badly quoted row; a gzip input stays
# whole; more shards than rows.  A row the scan misjudges (too large, a
# quote out of place) fails the shard with 65 naming the file, byte and
# line, and --whole-files then works; a file changed between the shards
# and partials mixing --whole-files with cut files are refused (65).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/export.sh"

need_python
export_setup 6 100 3000

# The inputs: bad rows in lab at known lines, a BOM on radiology.
"$PYTHON" - <<'EOF' >bad-lines || fail "cannot prepare the inputs"
lab = open("raw/lab.csv", "rb").read().split(b"\r\n")
assert lab[-1] == b"" and len(lab) > 1000
body = lab[1:-1]
def field(row, i, v):
    f = row.split(b";")
    f[i] = v
    return b";".join(f)
n = len(body)
bad = {n // 4: field(body[n // 4], 6, b"31/02/2025 10:00"),
       n // 2: b";".join(body[n // 2].split(b";")[:-2]),
       3 * n // 4: field(body[3 * n // 4], 12, b'ab"cd')}
for i, row in bad.items():
    body[i] = row
open("raw/lab.csv", "wb").write(b"\r\n".join([lab[0]] + body + [b""]))
for i in sorted(bad):
    print("raw/lab.csv:%d:" % (i + 2))
rad = open("raw/radiology.csv", "rb").read()
assert not rad.startswith(b"\xef\xbb\xbf") and b'"Indication' in rad
open("raw/radiology.csv", "wb").write(b"\xef\xbb\xbf" + rad)
EOF
[ "$(wc -l <bad-lines)" -eq 3 ] || fail "test bug: bad lines"

spec p.yaml PROJ-R opt-out "primary, secondary" 2026-11-27 2019-01-01 2026-11-27
dataset p.yaml lab
dataset p.yaml radiology
D=--bagging-date=2026-11-28

# rejects FILE: the reject messages of the last run, appended to FILE.
rejects() {
	grep -F ': rejected (' "$T/err" >>"$1" || true
}

run 0 eds-export -P p.yaml -k k.key --registry reg -o single $D
: >single.rejects
rejects single.rejects
while read -r where; do
	contains single.rejects "$where"
done <bad-lines
[ "$(count_rows single/data/radiology.csv)" -gt 100 ] || fail "test bug: few rows"

# shards SPEC N NAME [options]: shards NAME-1..N of SPEC, merged into
# NAME; their reject messages, in shard order, in NAME.rejects.
shards() {
	_spec=$1 _n=$2 _name=$3
	shift 3
	_i=1 _parts=
	: >"$_name.rejects"
	while [ $_i -le "$_n" ]; do
		run 0 eds-export -P "$_spec" -k k.key --registry reg \
		    --shard "$_i/$_n" -o "$_name-$_i" "$@"
		rejects "$_name.rejects"
		_parts="$_parts $_name-$_i"
		_i=$((_i + 1))
	done
	# shellcheck disable=SC2086
	run 0 eds-export merge -q -k k.key -P "$_spec" -o "$_name" $D $_parts
}

# identical A B: two bundles identical, every file.
identical() {
	diff -r "$1" "$2" >/dev/null ||
	    fail "$2 differs from $1: $(diff -r "$1" "$2" | head -5)"
}

# pieces PART FILE: the pieces of FILE that PART read, "start-end ...".
pieces() {
	"$PYTHON" - "$1/partial.json" "$2" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
out = []
for d in p["datasets"]:
    for f in d["inputs"]:
        if f["path"] == sys.argv[2]:
            out.append("%d-%d" % (f["piece"]["start"], f["piece"]["end"])
                       if "piece" in f else "whole")
print(" ".join(out))
EOF
}

for n in 2 3 4 7; do
	shards p.yaml $n m$n
	identical single m$n
	same single.rejects m$n.rejects
done
# The files were cut: lab by the first three shards of 4, radiology by
# the last two.
for i in 1 2 3; do
	case $(pieces m4-$i raw/lab.csv) in
	*-*) ;;
	*) fail "shard $i of 4 did not read a piece of lab.csv: $(pieces m4-$i raw/lab.csv)" ;;
	esac
done
case $(pieces m4-3 raw/radiology.csv)/$(pieces m4-4 raw/radiology.csv) in
0-*/[1-9]*-*) ;;
*) fail "shards 3 and 4 of 4 did not read radiology.csv in two pieces" ;;
esac
ok "one lab and one radiology file cut into 2, 3, 4 and 7 shards merge into the single run's bundle, same rejects on the same lines"

# What a shard records (--stats, the journal): the bytes of its piece,
# named so, or, for the file's last shard, which read all of it, the file.
run 0 eds-export -q -P p.yaml -k k.key --registry reg --shard 1/2 -o s-1 --stats s1.json
run 0 eds-export -q -P p.yaml -k k.key --registry reg --shard 2/2 -o s-2 --stats s2.json
"$PYTHON" - <<'EOF' || fail "the shards' records do not name what they read"
import hashlib, json, re
data = open("raw/lab.csv", "rb").read()
one = [i for i in json.load(open("s1.json"))["inputs"]]
assert len(one) == 1, one
m = re.fullmatch(r"raw/lab\.csv \(bytes 0-(\d+)\)", one[0]["path"])
assert m, one[0]["path"]
end = int(m.group(1))
assert 0 < end < len(data) and data[end - 1:end] == b"\n", end
assert one[0]["sha256"] == hashlib.sha256(data[:end]).hexdigest()
two = {i["path"]: i for i in json.load(open("s2.json"))["inputs"]}
assert two["raw/lab.csv"]["sha256"] == hashlib.sha256(data).hexdigest()
assert two["raw/lab.csv"]["bytes"] == len(data)
EOF
ok "a shard records the bytes of its piece, the file's last shard the whole file"

# Cuts on purpose: a gzip file of another dataset (which stays whole),
# padded (empty gzip members with long names) to G bytes so that the one
# boundary of 2 shards, at T/2, falls at byte X of the S-byte cut file:
# before the file, G = S - 2X; after it, G = 2X - S.
# place SPEC FILE SOURCE X: write SPEC with the gzip and FILE (of SOURCE).
place() {
	"$PYTHON" - "$2" "$4" <<'EOF' >where || fail "cannot pad the gzip file"
import gzip, io, os, sys
size, x = os.path.getsize(sys.argv[1]), int(sys.argv[2])
out = io.BytesIO()
with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as z:
    z.write(open("raw/dpi-patients.csv", "rb").read())
want = size - 2 * x if 2 * x < size else 2 * x - size
pad = want - len(out.getvalue())
assert pad == 0 or pad >= 22, "test bug: the gzip file cannot be that small"
while pad > 0:
    k = min(pad, 60000)
    if pad - k != 0 and pad - k < 22:
        k = pad - 22
    m = io.BytesIO()
    with gzip.GzipFile(filename="n" * (k - 21), mode="wb", fileobj=m,
                       mtime=0):
        pass
    assert len(m.getvalue()) == k, (k, len(m.getvalue()))
    out.write(m.getvalue())
    pad -= k
assert len(out.getvalue()) == want
open("raw/pad.csv.gz", "wb").write(out.getvalue())
print("before" if 2 * x < size else "after")
EOF
	_where=$(cat where)
	spec "$1" PROJ-X opt-out "primary, secondary" 2026-11-27 2019-01-01 2026-11-27
	[ "$_where" = after ] || dataset "$1" dpi-patients patients raw/pad.csv.gz
	dataset "$1" "$3" "$3" "$2"
	[ "$_where" = before ] || dataset "$1" dpi-patients patients raw/pad.csv.gz
}

# cut_at SPEC FILE SOURCE X WANT: 2 shards with the boundary at X, which
# must move to byte WANT; the merged bundle is the single run's.
cut_at() {
	place "$1" "$2" "$3" "$4"
	run 0 eds-export -P "$1" -k k.key --registry reg -o "$1.single" $D
	: >"$1.single.rejects"
	rejects "$1.single.rejects"
	shards "$1" 2 "$1.m"
	identical "$1.single" "$1.m"
	_got=$(pieces "$1.m-1" "$2")
	[ "$_got" = "0-$5" ] || fail "$1: shard 1 read $_got of $2, not 0-$5"
	case $(pieces "$1.m-2" "$2") in
	"$5-"*) ;;
	*) fail "$1: shard 2 read $(pieces "$1.m-2" "$2") of $2" ;;
	esac
	same "$1.single.rejects" "$1.m.rejects"
}

# The offsets: the header's end, a row start, a line inside a quoted
# report, the last row, a badly quoted row.
eval "$("$PYTHON" - <<'EOF'
lab = open("raw/lab.csv", "rb").read()
rad = open("raw/radiology.csv", "rb").read()
head = lab.index(b"\r\n") + 2
row = lab.index(b"\r\n", 5000) + 2
q = rad.index(b'"Indication')
inq = rad.index(b"\n", q) + 1
end = rad.index(b'"', inq)
while True:   # the end of that quoted row: the closing quote's line end
    nxt = rad.index(b'"', end + 1)
    if rad[end + 1:end + 2] == b'"':
        end = nxt
        continue
    break
rowend = rad.index(b"\n", end) + 1
last = lab.rindex(b"\r\n", 0, len(lab) - 2) + 2
bq = lab.index(b'ab"cd')
bqend = lab.index(b"\n", bq) + 1
print("HEAD=%d ROW=%d INQ=%d RADEND=%d LAST=%d SIZE=%d BQ=%d BQEND=%d"
      % (head, row, inq, rowend, last, len(lab), bq, bqend))
EOF
)"
cut_at h.yaml raw/lab.csv lab 10 "$HEAD"
ok "a boundary inside the header row moves to its end (the first piece is the header alone)"
cut_at r.yaml raw/lab.csv lab "$ROW" "$ROW"
ok "a boundary at the exact start of a row stays there"
cut_at q.yaml raw/radiology.csv radiology "$INQ" "$RADEND"
ok "a boundary inside a multi-line quoted report, at a line start, moves to the row's end"
cut_at l.yaml raw/lab.csv lab $((LAST + 5)) "$SIZE"
ok "a boundary in the last row moves to the end: the last shard's piece is empty"
cut_at b.yaml raw/lab.csv lab $((BQ + 3)) "$BQEND"
ok "a boundary just after a quote out of place in an unquoted field: the same bundle"

# A gzip input stays whole: it goes to the shard its middle falls in.
gzip -n -c raw/lab.csv >raw/lab.csv.gz
spec z.yaml PROJ-Z opt-out "primary, secondary" 2026-11-27 2019-01-01 2026-11-27
dataset z.yaml lab lab raw/lab.csv.gz
run 0 eds-export -q -P z.yaml -k k.key --registry reg -o z.single $D
shards z.yaml 3 z.m
identical z.single z.m
[ "$(pieces z.m-2 raw/lab.csv.gz)" = whole ] || fail "shard 2 did not read the gzip file whole"
[ -z "$(pieces z.m-1 raw/lab.csv.gz)$(pieces z.m-3 raw/lab.csv.gz)" ] ||
    fail "shards 1 and 3 read some of the gzip file"
ok "a gzip input stays whole, in the shard its middle falls in"

# More shards than rows.
head -c "$((ROW))" raw/lab.csv | head -n 4 >raw/tiny.csv
spec t.yaml PROJ-T opt-out "primary, secondary" 2026-11-27 2019-01-01 2026-11-27
dataset t.yaml lab lab raw/tiny.csv
run 0 eds-export -q -P t.yaml -k k.key --registry reg -o t.single $D
shards t.yaml 7 t.m
identical t.single t.m
[ "$(count_rows t.m/data/lab.csv)" -ge 1 ] || fail "test bug: no rows in tiny"
ok "more shards than rows: the same bundle"

# A row the scan misjudges: larger than max_row_bytes, with a quote out
# of place, the reader skips it by quote parity through the next lines;
# the scan ends it at its own line end.  A cut there is refused (65).
sed 's/^header: true$/header: true\nmax_row_bytes: 400/' \
    "$CONFIG/sources/lab.yaml" >biglab.yaml
"$PYTHON" - <<'EOF' || fail "cannot prepare lab-big.csv"
lab = open("raw/lab.csv", "rb").read().split(b"\r\n")
i = len(lab) // 3
f = lab[i].split(b";")
f[12] = b'x"' + b"y" * 500
lab[i] = b";".join(f)
f = lab[i + 3].split(b";")
f[12] = b'z"'
lab[i + 3] = b";".join(f)
open("raw/lab-big.csv", "wb").write(b"\r\n".join(lab))
data = b"\r\n".join(lab)
start = data.index(b'x"yyy')
end = data.index(b"\n", start) + 1
open("big-at", "w").write("%d %d %d\n" % (start, end, i + 1))
EOF
read -r BIG BIGEND BIGLINE <big-at
place g.yaml raw/lab-big.csv lab $((BIG + 10))
sed -i "s#schema: .*/lab.yaml#schema: biglab.yaml#" g.yaml
run 0 eds-export -P g.yaml -k k.key --registry reg -o g.single $D
contains "$T/err" "raw/lab-big.csv:$BIGLINE: rejected (row-too-large)"
run 65 eds-export -q -P g.yaml -k k.key --registry reg --shard 1/2 -o g-1
contains "$T/err" "raw/lab-big.csv:$((BIGLINE + 1)): cannot cut the file at byte $BIGEND: the rows there do not end where the scan found (a quote out of place?); run the shards with --whole-files"
[ ! -e g-1 ] || fail "a failed shard left its partial"
run 0 eds-export -q -P g.yaml -k k.key --registry reg --shard 2/2 -o g-2
shards g.yaml 2 g.w --whole-files
identical g.single g.w
[ "$(pieces g.w-2 raw/lab-big.csv)" = whole ] || fail "--whole-files cut the file"
ok "a cut the reader does not end a row at is 65 naming file, line and byte; --whole-files then gives the single run's bundle"

# Partials of shards run with and without --whole-files do not merge.
run 65 eds-export merge -q -k k.key -P g.yaml -o m $D g.w-1 g-2
contains "$T/err" "g-2: shard 2 was run without --whole-files and shard 1 with: run every shard the same way"
no_bundle m
ok "the merge refuses partials mixing --whole-files and cut files"

# A file changed between two shards' runs (same size, one digit).
cp raw/lab.csv raw/lab-orig.csv
run 0 eds-export -q -P p.yaml -k k.key --registry reg --shard 1/2 -o c-1
"$PYTHON" - <<'EOF'
d = bytearray(open("raw/lab.csv", "rb").read())
i = d.index(b"mmol/L", 200) - 2
d[i] = ord("7") if d[i] != ord("7") else ord("8")
open("raw/lab.csv", "wb").write(bytes(d))
EOF
run 0 eds-export -q -P p.yaml -k k.key --registry reg --shard 2/2 -o c-2
run 65 eds-export merge -q -k k.key -P p.yaml -o m $D c-1 c-2
contains "$T/err" "raw/lab.csv: the file changed between the shards: bytes 0-"
contains "$T/err" "as shard 1 read them differ from what shard 2 read"
no_bundle m
# Partials of another cut of the file (another size) do not fit together.
printf 'x\r\n' >>raw/lab.csv
run 0 eds-export -q -P p.yaml -k k.key --registry reg --shard 2/2 -o c-2b
run 65 eds-export merge -q -k k.key -P p.yaml -o m $D c-1 c-2b
contains "$T/err" "raw/lab.csv: "
no_bundle m
cp raw/lab-orig.csv raw/lab.csv
ok "a file changed between the shards is refused by the merge (65), naming it and the shards"
