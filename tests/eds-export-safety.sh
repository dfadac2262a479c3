#!/bin/sh
# An existing bundle, archive or encrypted archive is never replaced
# without --force (73, untouched); --force replaces it.  A run killed with
# SIGKILL at any stage (while the shard streams, while the bag is written,
# while the archive is made and encrypted) leaves nothing that looks like
# a finished bundle, and never a plaintext bundle under the output's name
# when an archive or encryption was asked (only hidden working
# directories, which a SIGKILL cannot clean); one stopped with SIGTERM
# removes all its temporary files and directories.  The kills are made deterministic by waiting for the
# working file of the stage to appear on an input large enough.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/export.sh"

need_openssl
export_setup 9 60 600

spec p.yaml PROJ-X opt-out "secondary" 2026-11-27
dataset p.yaml dpi-patients
dataset p.yaml lab
openssl req -x509 -newkey rsa:2048 -nodes -keyout r.key -out r.pem \
    -days 2 -subj "/CN=Researcher" 2>/dev/null

tree_sum() {
	find "$1" -type f | sort | xargs sha256sum | sha256sum
}

run 0 eds-export -q -P p.yaml -k k.key --registry reg -o b
before=$(tree_sum b)
run 73 eds-export -P p.yaml -k k.key --registry reg -o b
contains "$T/err" "'b' already exists"
[ "$(tree_sum b)" = "$before" ] || fail "the existing bundle was changed"
no_temporaries b
printf 'not a bundle\n' >f
run 73 eds-export -q -P p.yaml -k k.key --registry reg -o f
same f /dev/stdin <<EOF
not a bundle
EOF
run 0 eds-export -q -P p.yaml -k k.key --registry reg -o b --force \
    --bagging-date 2020-02-02
contains b/bag-info.txt "Bagging-Date: 2020-02-02"
no_temporaries b
ok "an existing bundle is 73 and untouched without --force, replaced with it"

run 0 eds-export -q -P p.yaml -k k.key --registry reg -o a --archive
cp a.tar.gz a.before
run 73 eds-export -q -P p.yaml -k k.key --registry reg -o a --archive
contains "$T/err" "a.tar.gz"
same a.before a.tar.gz
run 0 eds-export -q -P p.yaml -k k.key --registry reg -o e --encrypt-to r.pem
cp e.tar.gz.p7m e.before
run 73 eds-export -q -P p.yaml -k k.key --registry reg -o e --encrypt-to r.pem
contains "$T/err" "e.tar.gz.p7m"
same e.before e.tar.gz.p7m
run 0 eds-export -q -P p.yaml -k k.key --registry reg -o e --encrypt-to r.pem --force
cmp -s e.before e.tar.gz.p7m && fail "--force did not replace the encrypted archive"
no_temporaries e
ok "an existing archive or encrypted archive is 73 and untouched without --force"

# A big input for the kills: 25 MB of laboratory rows (the comments,
# which name clinicians, left out so that the leak scan passes).
eds-gen -q -o big -s 9 -p 8000 -n 200000 --only lab || fail "eds-gen failed"
spec k.yaml PROJ-K opt-out "secondary" 2026-11-27
dataset k.yaml lab lab big/lab.csv
printf '    columns: [ipp, nda, sample_time, loinc, value, unit]\n' >>k.yaml

# kill_when SIGNAL GLOB OUT [options]: start an export into OUT, send
# SIGNAL as soon as a path matching GLOB exists, and wait for it to die.
kill_when() {
	sig=$1 glob=$2 out=$3
	shift 3
	eds-export -q -P k.yaml -k k.key --registry reg -o "$out" "$@" \
	    2>kill.err &
	pid=$!
	i=0
	while :; do
		# shellcheck disable=SC2086
		set -- $glob
		[ -e "$1" ] && break
		kill -0 $pid 2>/dev/null ||
		    fail "test bug: the export ended before $glob appeared"
		i=$((i + 1))
		[ $i -lt 20000 ] || { kill -9 $pid; fail "test bug: $glob never appeared"; }
		sleep 0.01
	done
	kill -s "$sig" $pid
	set +e
	wait $pid
	status=$?
	set -e
	[ $status -gt 128 ] || fail "the export was not killed by $sig (exit $status)"
}

kill_when KILL ".k1.part-*/.lab.csv.tmp-*" k1
no_bundle k1
kill_when KILL ".k2.tmp-*/data/.lab.csv.tmp-*" k2
no_bundle k2
ok "SIGKILL while the shard streams or the bag is written: nothing looks like a finished bundle"

kill_when KILL ".k3.export-*/.bag.tar.gz.tmp-*" k3 --encrypt-to r.pem
no_bundle k3
# (Only the run lock, unlocked: nothing can remove it after SIGKILL, and
# the next run takes it over.)
ls | grep '^k3' | grep -vx 'k3\.lock' && fail "something is left under the output's name"
[ -f k3.lock ] || fail "test bug: the run lock was not seen"
ok "SIGKILL while archiving for encryption leaves no plaintext bundle or archive under the output's name"

kill_when TERM ".k4.part-*/.lab.csv.tmp-*" k4
no_bundle k4
no_temporaries k4
kill_when TERM ".k5.tmp-*/data/.lab.csv.tmp-*" k5
no_bundle k5
no_temporaries k5
kill_when TERM ".k6.export-*/.bag.tar.gz.tmp-*" k6 --encrypt-to r.pem
no_bundle k6
no_temporaries k6
for k in k4 k5 k6; do
	[ ! -e $k.lock ] || fail "SIGTERM: the run lock $k.lock is left"
done
ok "SIGTERM at any stage removes every temporary file and directory"
