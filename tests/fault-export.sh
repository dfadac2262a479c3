#!/bin/sh
# eds-export under faults, forced with the fault-injection shim: every
# call that creates, writes, syncs, renames or closes a file or directory
# of the run (the partial, the bag, the archive, the encrypted file),
# traced from a good run of an archived, encrypted and signed export,
# failing in turn.  Each failure is 73 or 74 (66 when a file the run
# wrote cannot be opened to be read back) with a message naming the file, and leaves nothing that looks like a finished bundle, no plaintext
# bag or archive beside the encrypted output, no working file, no lock.
# A failure that the run may ignore (closing a file, syncing a directory
# after a rename into it) must leave a whole bundle that opens and
# verifies.  Then the run lock: a second run
# on the same output is refused (73) while the first runs, and a run
# stopped by SIGTERM or killed by SIGKILL does not block the next one.
# The key file as a symbolic link, readable by others, or empty.
#
# Under EDS_WRAPPER (valgrind), every fourth call is failed, and every
# rename: the whole list takes minutes there.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/export.sh"
. "$top_srcdir/tests/fault.sh"

need_openssl
export_setup 5 60 600
spec p.yaml PROJ-FAULT opt-out "secondary" 2026-11-27
dataset p.yaml dpi-patients
dataset p.yaml lab
openssl req -x509 -newkey rsa:2048 -nodes -keyout r.key -out r.pem \
    -days 2 -subj "/CN=Researcher" 2>/dev/null
chmod 600 r.key
# The output's name, "bndl", is in no input's path: FI_PATH='*bndl*'
# selects the run's own files only.
EXPORT="eds-export -q -P p.yaml -k k.key --registry reg --bagging-date 2026-11-27 --encrypt-to r.pem --sign-key r.key --sign-cert r.pem -o bndl"

# opens CMS FILE: decrypt, extract and verify (the whole bundle is there).
opens() {
	rm -rf open-x
	mkdir open-x
	openssl cms -decrypt -inform DER -in "$1" -inkey r.key -recip r.pem \
	    -out open-x/a.tar.gz 2>/dev/null || fail "$2: cannot decrypt"
	(cd open-x && tar -xzf a.tar.gz) || fail "$2: cannot extract"
	eds-export verify -q open-x/bndl >/dev/null 2>&1 ||
	    fail "$2: the bundle does not verify"
	rm -rf open-x
}

# clean NAME: nothing of a failed run is left (the lock included).
clean() {
	no_bundle bndl
	no_temporaries bndl
	[ ! -e bndl.tar.gz ] || fail "$1: a plaintext archive is left"
	[ ! -e bndl.lock ] || fail "$1: the lock file is left"
	for f in bndl* .bndl*; do
		[ ! -e "$f" ] || fail "$1: $f is left"
	done
}

CALLS=open,mkstemp,mkdtemp,mkdir,write,fsync,close,rename,link
rm -f trace
env LD_PRELOAD="$PRELOAD" FI_CALL=$CALLS FI_PATH='*bndl*' FI_NTH=1000000 \
    FI_TRACE="$T/trace" $EXPORT || fail "the traced export failed"
opens bndl.tar.gz.p7m "the traced run"
rm -f bndl.tar.gz.p7m
clean "the traced run"
steps=$(wc -l <trace)
# Only the first write of each file: the others fail the same way.
awk '$2 != "write" || !seen[$4]++' trace >steps
echo "# $steps calls on the run's files; $(wc -l <steps) failed in turn"

failed=0 ignored=0 n_run=0 reread=0
while read -r n call type path; do
	if [ -n "${EDS_WRAPPER:-}" ] && [ $((n % 4)) != 0 ] &&
	    [ "$call" != rename ]; then
		continue
	fi
	nth=$(awk -v n="$n" -v c="$call" '$2 == c && $1 <= n' trace | wc -l)
	errno=EIO
	[ "$call" = write ] && errno=ENOSPC
	[ "$call" = mkstemp ] || [ "$call" = mkdtemp ] ||
	    [ "$call" = mkdir ] && errno=EACCES
	rm -f "$T/fi.log"
	set +e
	env LD_PRELOAD="$PRELOAD" FI_CALL="$call" FI_PATH='*bndl*' \
	    FI_ERRNO=$errno FI_NTH=$nth FI_LOG="$T/fi.log" \
	    $EXPORT >"$T/out" 2>"$T/err"
	got=$?
	set -e
	n_run=$((n_run + 1))
	[ -s "$T/fi.log" ] || fail "call $n ($call $path) was not failed"
	short=$(printf '%s' "$path" | sed 's|.*/||')
	if [ $got = 0 ]; then
		# Only what cannot matter may fail unnoticed: closing a file
		# (what was written is already synced), or opening and syncing
		# a directory once a file in it has been renamed into place
		# (output.c: the file is whole; the directory entry's
		# durability is what may be lost, and the run goes on).
		case $call:$type in
		close:*|open:d|fsync:d) ;;
		*) fail "call $n ($call $short) failed and the export exited 0" ;;
		esac
		opens bndl.tar.gz.p7m "call $n ($call $short)"
		rm -f bndl.tar.gz.p7m
		ignored=$((ignored + 1))
	else
		case $got:$call:$type in
		73:*|74:*) ;;
		66:open:f)
			# Reading back a file the run wrote (a partial, a bag
			# file to hash or archive): an input that cannot be
			# opened is 66, whatever the reason (DESIGN section 3).
			reread=$((reread + 1)) ;;
		*) cat "$T/err" >&2; fail "call $n ($call $short): exit $got, expected 73 or 74" ;;
		esac
		grep -q "^eds-export: .*bndl" "$T/err" ||
		    fail "call $n ($call $short): the message names no file of the run: $(cat "$T/err")"
		failed=$((failed + 1))
	fi
	clean "call $n ($call $short)"
done <steps
echo "# $n_run calls failed: $failed reported (73/74, or 66 for $reread files read back; the file named, nothing left), $ignored without effect (closing, syncing a directory after a rename)"
ok "export: each call on the partial, the bag, the archive and the encrypted file failing: 73/74 naming the file, nothing left that looks finished, no plaintext"

# A short write is finished, not an error.
FI_TIMES=0 inject 0 write '*bndl*' short 1 $EXPORT
opens bndl.tar.gz.p7m "short writes"
rm -f bndl.tar.gz.p7m
clean "short writes"
ok "export: short writes are finished, the bundle is whole"

# --- the run lock ---------------------------------------------------------------
# A bigger laboratory extract, so that a run lasts long enough to be
# caught: the second run must be refused while the first holds the lock.
eds-gen -q -o big -s 9 -p 2000 -n 60000 --only lab || fail "eds-gen failed"
spec k.yaml PROJ-LOCK opt-out "secondary" 2026-11-27
dataset k.yaml lab lab big/lab.csv
printf '    columns: [ipp, nda, sample_time, loinc, value, unit]\n' >>k.yaml
LONG="eds-export -q -P k.yaml -k k.key --registry reg -o bndl"

says() {
	contains "$T/err" "$1"
}

# started_and_stopped: start $LONG, stop it (SIGSTOP) once it holds the
# lock; its pid in $pid (killed if this test fails: a stopped process
# would hold make check up).
pid=
trap '[ -z "$pid" ] || kill -KILL $pid 2>/dev/null || :; rm -rf "$T"' EXIT
started_and_stopped() {
	$LONG 2>long.err &
	pid=$!
	i=0
	until [ -s bndl.lock ]; do
		kill -0 $pid 2>/dev/null || fail "test bug: the export ended before the lock was seen"
		i=$((i + 1))
		[ $i -lt 3000 ] || { kill -9 $pid; fail "no lock file after 30 s"; }
		sleep 0.01
	done
	kill -STOP $pid
}

started_and_stopped
run 73 $LONG
says "eds-export: another run holds the lock 'bndl.lock' (pid $pid since "
[ ! -e bndl ] || fail "the refused run wrote the bundle"
kill -CONT $pid
set +e
wait $pid
st=$?
set -e
[ $st = 0 ] || { cat long.err >&2; fail "the first run, resumed, failed ($st)"; }
[ -d bndl ] || fail "the first run wrote its bundle"
[ ! -e bndl.lock ] || fail "the lock file is removed at the end of the run"
eds-export verify -q bndl >/dev/null || fail "the first run's bundle verifies"
rm -rf bndl
ok "two runs on one output: the second is refused at once (73, the holder's pid), the first finishes; no lock left"

started_and_stopped
kill -TERM $pid
kill -CONT $pid
set +e
wait $pid
st=$?
set -e
[ $st = 143 ] || fail "SIGTERM: exit $st"
clean "SIGTERM"
run 0 $LONG
rm -rf bndl
ok "a run stopped by SIGTERM removes its lock and working files; the next run succeeds"

started_and_stopped
kill -KILL $pid
set +e
wait $pid
set -e
[ -e bndl.lock ] || fail "SIGKILL leaves the lock file (nothing can remove it)"
no_bundle bndl
run 0 $LONG
[ ! -e bndl.lock ] || fail "the next run takes the stale lock over and removes it"
eds-export verify -q bndl >/dev/null || fail "the bundle after a killed run verifies"
rm -rf bndl
for f in .bndl.*; do
	[ -e "$f" ] && rm -rf "$f"	# a killed run's working directories
done
ok "a run killed by SIGKILL leaves its lock file unlocked: the next run takes it over"

# --- the key file -----------------------------------------------------------------
ln -s k.key link.key
run 77 eds-export -q -P p.yaml -k link.key --registry reg -o bndl
says "link.key: key file is a symbolic link"
clean "symlinked key"
cp k.key open.key
chmod 644 open.key
run 77 eds-export -q -P p.yaml -k open.key --registry reg -o bndl
says "open.key: key file is accessible by group or others"
clean "world-readable key"
: >empty.key
chmod 600 empty.key
run 78 eds-export -q -P p.yaml -k empty.key --registry reg -o bndl
says "empty.key: no key in file"
clean "empty key"
ok "key file: symbolic link 77, readable by others 77, empty 78; nothing written"
