# tests/consent.sh: sourced by the eds-consent tests that watch the
# registry (tests/eds-consent-*.sh, tests/fault-consent.sh), after
# tests/lib.sh: a snapshot of a registry, generated events, and waiting
# for an import to pause itself (EDS_TEST_PAUSE).

# snap DIR: names, modes and checksums of every file, in order.
snap() {
	(cd "$1" && find . -print | LC_ALL=C sort | while read -r f; do
		if [ -f "$f" ]; then
			printf '%s %s %s\n' "$f" "$(stat -c %a "$f")" \
			    "$(sha256sum <"$f" | cut -c1-64)"
		else
			printf '%s\n' "$f"
		fi
	done)
}

# events FILE PREFIX N: N patients PREFIX0.. with two decisions each.
events() {
	awk -v p="$2" -v n="$3" 'BEGIN {
		print "patient_id,scope,decision,recorded_at,source,expires_at"
		for (i = 0; i < n; i++) {
			printf "%s%d,primary,granted,2024-01-01T00:00:%02d,dpi,\n", p, i, i % 60
			printf "%s%d,secondary,%s,2024-02-01,portal,\n", p, i, i % 7 ? "granted" : "refused"
		}
	}' >"$1"
}

# wait_stopped PID: until the process is stopped (state T).
wait_stopped() {
	n=0
	while [ $n -lt 400 ]; do
		st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
		[ "$st" = T ] && return 0
		[ -z "$st" ] && fail "process $1 ended instead of pausing"
		sleep 0.05
		n=$((n + 1))
	done
	fail "process $1 never paused"
}

# wait_lock_waiter LOCKFILE PID: until some process waits for the flock on
# LOCKFILE (a "->" line of /proc/locks: a blocked flock), failing if PID
# ends first.  Skips the test without a readable /proc/locks.
wait_lock_waiter() {
	[ -r /proc/locks ] || skip "no /proc/locks to see an import wait"
	wl_ino=$(stat -c %i "$1")
	wl_n=0
	until grep -Eq -- "-> FLOCK +ADVISORY +WRITE +[0-9]+ [0-9a-f]+:[0-9a-f]+:$wl_ino " /proc/locks; do
		kill -0 "$2" 2>/dev/null || fail "process $2 ended without waiting for '$1'"
		wl_n=$((wl_n + 1))
		[ $wl_n -lt 6000 ] || fail "nobody waited for '$1'"
		sleep 0.05
	done
}
