# tests/export.sh: sourced by the eds-export end-to-end tests
# (tests/eds-export-*.sh) after tests/lib.sh.  A test calls export_setup
# once: a small synthetic hospital is generated into $T by tools/eds-gen
# (raw/), its consent events imported into a registry (reg/), and a key
# made (k.key); then spec and dataset write project specifications, and
# model computes, independently of the toolkit (tests/export-model.py),
# what a bundle must hold.  Everything runs inside $T.

cd "$T"

# export_setup SEED PATIENTS LAB_ROWS [eds-gen options...]
export_setup() {
	_seed=$1 _pat=$2 _rows=$3
	shift 3
	eds-gen -q -o raw -s "$_seed" -p "$_pat" -n "$_rows" "$@" ||
	    fail "eds-gen failed"
	eds-consent import -q --registry reg raw/consent-events.csv ||
	    fail "eds-consent import failed"
	eds-pseudo keygen -q -o k.key || fail "eds-pseudo keygen failed"
}

# need_python: PYTHON, the interpreter itself (not a wrapper script, which
# can cost more than the run it checks), or skip.
need_python() {
	command -v python3 >/dev/null 2>&1 ||
	    skip "python3 is needed to compute the expected bundle"
	PYTHON=$(python3 -c 'import sys; print(sys.executable)')
}

need_openssl() {
	command -v openssl >/dev/null 2>&1 || skip "the openssl command is needed"
}

# The raw layout of each source, as the generator writes it (eds-gen(1)),
# for the model: file, separator, encoding, patient id header, event date
# header and its formats, and the date column's name after ingestion.
source_layout() {
	case $1 in
	dpi-patients) L_FILE=dpi-patients.csv L_SEP=';' L_ENC=cp1252 L_ID=IPP \
	    L_DATE=DATE_DECES L_FMT='%d/%m/%Y' L_COL=death_date ;;
	dpi-stays) L_FILE=dpi-stays.csv L_SEP=';' L_ENC=cp1252 L_ID=IPP \
	    L_DATE=DATE_ENTREE L_FMT='%d/%m/%Y %H:%M|%d/%m/%Y %H:%M:%S' \
	    L_COL=admission ;;
	dpi-diagnoses) L_FILE=dpi-diagnoses.csv L_SEP=';' L_ENC=cp1252 \
	    L_ID=IPP L_DATE=DATE_DIAG L_FMT='%d/%m/%Y' L_COL=diag_date ;;
	dpi-acts) L_FILE=dpi-acts.csv L_SEP=';' L_ENC=cp1252 L_ID=IPP \
	    L_DATE=DATE_ACTE L_FMT='%d/%m/%Y %H:%M|%d/%m/%Y' L_COL=act_time ;;
	lab) L_FILE=lab.csv L_SEP=';' L_ENC=cp1252 L_ID=IPP \
	    L_DATE=DATE_PRELEVEMENT L_FMT='%d/%m/%Y %H:%M|%d/%m/%Y %H:%M:%S' \
	    L_COL=sample_time ;;
	radiology) L_FILE=radiology.csv L_SEP='|' L_ENC=utf-8 L_ID=ipp \
	    L_DATE=exam_datetime L_FMT='%d/%m/%Y %H:%M' L_COL=exam_time ;;
	pathology) L_FILE=pathology.tsv L_SEP=tab L_ENC=utf-8-sig L_ID=IPP \
	    L_DATE=DATE_PRELEVEMENT L_FMT='%d/%m/%Y' L_COL=sample_date ;;
	dictation) L_FILE=dictation.csv L_SEP=, L_ENC=utf-8 L_ID=ipp \
	    L_DATE=dictated_at L_FMT='%d/%m/%Y %H:%M' L_COL=dictated_at ;;
	*) fail "test bug: unknown source $1" ;;
	esac
}

# spec FILE ID REGIME SCOPES AT [FROM TO]: the head of a specification;
# SCOPES is a YAML flow list's inside ("primary, secondary"); AT, FROM and
# TO are "-" for none.  Datasets are added with dataset.
spec() {
	_from=${6:--} _to=${7:--}
	{
		printf 'project: %s\ntitle: Test project %s\n' "$2" "$2"
		printf 'organization: CHU de Test (synthetic)\n'
		printf 'approval: {body: CSE, reference: CSE-%s, date: 2026-01-15}\n' "$2"
		printf 'consent:\n  require: [%s]\n  regime: %s\n' "$4" "$3"
		[ "$5" = - ] || printf '  at: %s\n' "$5"
		if [ "$_from" != - ] || [ "$_to" != - ]; then
			printf 'period:\n'
			[ "$_from" = - ] || printf '  from: %s\n' "$_from"
			[ "$_to" = - ] || printf '  to: %s\n' "$_to"
		fi
		printf 'datasets:\n'
	} >"$1"
}

# dataset FILE SOURCE [NAME [INPUTS]]: append a dataset of the generated
# SOURCE (schema and policy from config/, event date column set); INPUTS
# (a YAML flow list's inside) defaults to the generated file, relative to
# the specification's directory.
dataset() {
	source_layout "$2"
	{
		printf '  - name: %s\n' "${3:-${2#dpi-}}"
		printf '    schema: %s/sources/%s.yaml\n' "$CONFIG" "$2"
		printf '    policy: %s/policies/%s.yaml\n' "$CONFIG" "$2"
		printf '    inputs: [%s]\n' "${4:-raw/$L_FILE}"
		printf '    date_column: %s\n' "$L_COL"
	} >>"$1"
}

# model SOURCE REGIME SCOPES AT FROM TO [IDS]: the expected counts of one
# dataset (JSON on stdout) and, with IDS, its kept patients' pseudonyms
# (domain $DOMAIN, key k.key) in order; SCOPES comma-separated, FROM and
# TO "-" for none.
model() {
	source_layout "$1"
	set -- "$@" ""
	_per=
	[ "$5" = - ] || _per="--from $5"
	[ "$6" = - ] || _per="$_per --to $6"
	# shellcheck disable=SC2086
	"$PYTHON" "$top_srcdir/tests/export-model.py" --events \
	    raw/consent-events.csv --regime "$2" --require "$3" --at "$4" \
	    --source "raw/$L_FILE" --sep "$L_SEP" --encoding "$L_ENC" \
	    --id "$L_ID" --date "$L_DATE" --formats "$L_FMT" $_per \
	    ${7:+--key k.key --domain "$DOMAIN" --ids "$7"}
}

# prov_counts BUNDLE DATASET: the dataset's counts in provenance.json, in
# the model's form.
prov_counts() {
	"$PYTHON" - "$1/data/provenance.json" "$2" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
d = [d for d in p["datasets"] if d["name"] == sys.argv[2]][0]
json.dump({"rows_in": d["rows_in"], "rows_out": d["rows_out"],
           "excluded": d["excluded"]}, sys.stdout, sort_keys=True,
          separators=(",", ":"))
print()
EOF
}

# column FILE NAME: the values of column NAME of a canonical CSV file.
column() {
	"$PYTHON" - "$1" "$2" <<'EOF'
import csv, sys
r = csv.reader(open(sys.argv[1], newline="", encoding="utf-8"))
i = next(r).index(sys.argv[2])
for row in r:
    print(row[i])
EOF
}

# no_bundle NAME: nothing at NAME, nor anything that looks like a bundle
# (a directory or archive holding a tag manifest) beside it.
no_bundle() {
	[ ! -e "$1" ] || fail "$1 exists"
	[ ! -e "$1.tar.gz" ] || fail "$1.tar.gz exists"
	[ ! -e "$1.tar.gz.p7m" ] || fail "$1.tar.gz.p7m exists"
	for f in "$(dirname "$1")"/."$(basename "$1")".*; do
		[ -e "$f" ] || continue
		[ ! -e "$f/tagmanifest-sha256.txt" ] ||
		    fail "$f looks like a finished bundle"
	done
}

# no_temporaries NAME: no hidden working file or directory of NAME left.
no_temporaries() {
	for f in "$(dirname "$1")"/."$(basename "$1")".*; do
		[ ! -e "$f" ] || fail "temporary $f left behind"
	done
}
