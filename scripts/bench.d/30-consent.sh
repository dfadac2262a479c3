# scripts/bench.d/30-consent.sh: eds-consent.
#
# 1. Import of the generated consent events ($CONSENT_EVENTS) into a fresh
#    registry, then the filter on the canonical laboratory extract
#    ($LAB_CSV) under both regimes, beside the library's bare read/rewrite
#    floor (FLOOR_SECS).  Target: filter throughput >= 80% of the floor's.
# 2. Scale: a registry of CONSENT_SCALE patients (default 10000000) with 3
#    events each (generated here with awk, kept in $BENCH_DIR between runs;
#    CONSENT_SCALE=0 skips this part).  "Index ready" is a filter run on a
#    one-row input: open the registry, check the manifest and the index's
#    SHA-256, map it, look one patient up.  Targets: ready in <= 2 s, and
#    <= 40 bytes of memory per (patient, scope) entry, memory being the
#    peak RSS of that run less the peak RSS of the same run on a registry
#    of one event (the whole index is resident after its checksum).  Also
#    reported: the index's bytes per entry and a one-file nightly import
#    into the big registry.

consent_bin="$EDS_BIN/eds-consent"
consent_reg="$BENCH_DIR/out/consent-registry"
consent_events_bytes=$(wc -c <"$CONSENT_EVENTS" | tr -d ' ')
consent_events_rows=$(($(wc -l <"$CONSENT_EVENTS") - 1))

rm -rf "$consent_reg"
bench_measure "eds-consent import of $consent_events_rows events" \
    "$consent_events_bytes" "$consent_events_rows" -- \
    "$consent_bin" import -q --registry "$consent_reg" "$CONSENT_EVENTS"

for consent_regime in opt-out opt-in; do
	bench_measure "eds-consent filter --require primary,secondary --regime $consent_regime" \
	    "$LAB_CSV_BYTES" "$LAB_CSV_ROWS" -- \
	    "$consent_bin" filter -q --registry "$consent_reg" \
	    --require primary,secondary --regime "$consent_regime" \
	    --stats "$BENCH_DIR/out/consent-$consent_regime.json" \
	    -o "$BENCH_DIR/out/consent.csv" "$LAB_CSV"
	sed -n 's/.*"rows_out":\([0-9]*\).*"dropped":\({[^}]*}\).*/  kept \1 rows; dropped \2/p' \
	    "$BENCH_DIR/out/consent-$consent_regime.json"
	bench_target "consent filter ($consent_regime) throughput, % of the read/rewrite floor" \
	    "$(bench_ratio "$FLOOR_SECS" "$BENCH_SECS")" ">=" 80
done
rm -f "$BENCH_DIR/out/consent.csv"

CONSENT_SCALE=${CONSENT_SCALE:-10000000}
if [ "$CONSENT_SCALE" -gt 0 ]; then
	consent_scale_dir="$BENCH_DIR/consent-scale-$CONSENT_SCALE"
	consent_scale_events="$consent_scale_dir/events.csv"
	consent_scale_reg="$consent_scale_dir/registry"
	mkdir -p "$consent_scale_dir"
	if [ ! -f "$consent_scale_dir/.events-complete" ]; then
		echo "consent: generating $CONSENT_SCALE patients x 3 events into $consent_scale_events" >&2
		# Every patient: primary and secondary granted, then either a
		# withdrawal, a study decision, or a renewed grant with expiry.
		awk -v n="$CONSENT_SCALE" 'BEGIN {
			print "patient_id,scope,decision,recorded_at,source,expires_at"
			for (i = 0; i < n; i++) {
				id = sprintf("%010d", 1000000000 + i * 7)
				m = 1 + i % 12; d = 1 + i % 28
				t = sprintf("%02d-%02dT%02d:%02d:%02d", m, d, i % 24, i % 60, (i * 7) % 60)
				src = i % 5 ? "dpi" : "portal"
				printf "%s,primary,granted,2023-%sZ,%s,\n", id, t, src
				printf "%s,secondary,granted,2023-%sZ,%s,\n", id, t, src
				k = i % 3
				if (k == 0)
					printf "%s,secondary,withdrawn,2025-%s,portal,\n", id, t
				else if (k == 1)
					printf "%s,study:PROJ-2026-%03d,%s,2025-%s,cse,\n", id, i % 10, i % 4 ? "granted" : "refused", t
				else
					printf "%s,primary,granted,2025-%s,dpi,2027-%02d-%02d\n", id, t, m, d
			}
		}' >"$consent_scale_events"
		: >"$consent_scale_dir/.events-complete"
	fi
	consent_scale_bytes=$(wc -c <"$consent_scale_events" | tr -d ' ')
	consent_scale_rows=$((CONSENT_SCALE * 3))
	if [ ! -f "$consent_scale_dir/.registry-complete" ] ||
	    [ "$consent_bin" -nt "$consent_scale_dir/.registry-complete" ]; then
		rm -rf "$consent_scale_reg"
		bench_measure "eds-consent import of $consent_scale_rows events ($CONSENT_SCALE patients)" \
		    "$consent_scale_bytes" "$consent_scale_rows" -- \
		    "$consent_bin" import -q --registry "$consent_scale_reg" \
		    "$consent_scale_events"
		: >"$consent_scale_dir/.registry-complete"
	fi
	consent_entries=$(sed -n 's/^entries //p' "$consent_scale_reg/manifest")
	consent_index_bytes=$(sed -n 's/^index [^ ]* \([0-9]*\) .*/\1/p' "$consent_scale_reg/manifest")
	printf 'ipp\n1000000007\n' >"$BENCH_DIR/out/consent-one.csv"
	printf 'patient_id,scope,decision,recorded_at,source\n1,primary,granted,2024-01-01,dpi\n' \
	    >"$BENCH_DIR/out/consent-tiny.csv"
	rm -rf "$BENCH_DIR/out/consent-tiny"
	"$consent_bin" import -q --registry "$BENCH_DIR/out/consent-tiny" \
	    "$BENCH_DIR/out/consent-tiny.csv"
	bench_measure "index ready, registry of 1 event (baseline)" 0 1 -- \
	    "$consent_bin" filter -q --registry "$BENCH_DIR/out/consent-tiny" \
	    --require primary,secondary --regime opt-out -o /dev/null \
	    "$BENCH_DIR/out/consent-one.csv"
	consent_base_rss=$BENCH_RSS_MB
	bench_measure "index ready, registry of $CONSENT_SCALE patients ($consent_entries entries)" \
	    "$consent_index_bytes" 1 -- \
	    "$consent_bin" filter -q --registry "$consent_scale_reg" \
	    --require primary,secondary --regime opt-out -o /dev/null \
	    "$BENCH_DIR/out/consent-one.csv"
	bench_target "consent index ready at $CONSENT_SCALE patients, s" \
	    "$BENCH_SECS" "<=" 2
	bench_target "consent memory per (patient, scope) entry, bytes" \
	    "$(awk -v a="$BENCH_RSS_MB" -v b="$consent_base_rss" -v n="$consent_entries" \
	    'BEGIN { printf "%.1f", (a - b) * 1048576 / n }')" "<=" 40
	echo "consent: index file $consent_index_bytes bytes, $(awk -v a="$consent_index_bytes" \
	    -v n="$consent_entries" 'BEGIN { printf "%.1f", a / n }') bytes per entry"
	# A nightly import into a copy of the big registry (hard links are
	# enough: an import never modifies a file, it adds files and renames
	# or unlinks names in its own directory).
	rm -rf "$BENCH_DIR/out/consent-nightly"
	cp -al "$consent_scale_reg" "$BENCH_DIR/out/consent-nightly" 2>/dev/null ||
	    cp -r "$consent_scale_reg" "$BENCH_DIR/out/consent-nightly"
	printf 'patient_id,scope,decision,recorded_at,source\n1000000007,secondary,withdrawn,2026-11-28T10:00:00Z,portal\n9999999999,primary,granted,2026-11-28,dpi\n' \
	    >"$BENCH_DIR/out/consent-nightly.csv"
	bench_measure "eds-consent import of 2 events into the $CONSENT_SCALE-patient registry" \
	    0 2 -- "$consent_bin" import -q --registry "$BENCH_DIR/out/consent-nightly" \
	    "$BENCH_DIR/out/consent-nightly.csv"
	rm -rf "$BENCH_DIR/out/consent-nightly" "$BENCH_DIR/out/consent-tiny"
fi
