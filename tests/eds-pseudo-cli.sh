#!/bin/sh
# eds-pseudo end to end: -h matches the man page SYNOPSIS, --version,
# keygen (mode 0600, never overwrites, never to stdout), the key file checks
# with their exit statuses, the domain rule, --stats, and no key in any
# output.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

POLICY="$CONFIG/policies/lab.yaml"
KEYHEX=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f

# -h: usage on stdout, exit 0, the same words as SYNOPSIS.
run 0 eds-pseudo -h
contains "$T/out" "usage: eds-pseudo -p POLICY -k KEYFILE"
if command -v groff >/dev/null 2>&1; then
	bs=$(printf '\b')
	groff -mdoc -Tascii "$top_srcdir/man/eds-pseudo.1" 2>/dev/null |
	    sed "s/.$bs//g" | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' |
	    sed '1d;$d' | tr -s ' \n' '  ' | sed 's/^ //;s/ $//' >"$T/synopsis"
	sed -n '/^usage:/,/^See /p' "$T/out" | sed '$d' | sed 's/^usage: //' |
	    tr -s ' \n' '  ' | sed 's/^ //;s/ $//' >"$T/usage"
	same "$T/synopsis" "$T/usage"
	ok "-h matches the SYNOPSIS of eds-pseudo(1)"
else
	ok "# groff absent: SYNOPSIS comparison not run"
fi
run 0 eds-pseudo --version
contains "$T/out" "eds-pseudo (eds-tools)"
run 64 eds-pseudo -k x
contains "$T/err" "a policy is required"
ok "usage errors are 64"

# keygen
run 0 eds-pseudo keygen -o "$T/k.key"
[ "$(stat -c %a "$T/k.key")" = 600 ] || fail "key mode $(stat -c %a "$T/k.key")"
keyline=$(grep -v '^#' "$T/k.key")
[ ${#keyline} = 64 ] || fail "key line has ${#keyline} characters"
lacks "$T/err" "$keyline"
cp "$T/k.key" "$T/k.before"
run 73 eds-pseudo keygen -o "$T/k.key"
contains "$T/err" "already exists"
same "$T/k.key" "$T/k.before"
ln -s "$T/nowhere.key" "$T/dangling.key"
run 73 eds-pseudo keygen -o "$T/dangling.key"
[ ! -e "$T/nowhere.key" ] || fail "keygen followed a symlink"
run 64 eds-pseudo keygen -o -
run 64 eds-pseudo keygen
ok "keygen makes a 0600 key and never overwrites"

# key file checks
printf '# test key\n%s\n' "$KEYHEX" >"$T/good.key"
chmod 600 "$T/good.key"
printf 'ipp,nda,nir,last_name,first_name,birth_date,sample_time,loinc,label,value,unit,ref_low,ref_high,comment\n1234567890,,,Dupont,Jean,1950-01-01,2024-01-01T10:00:00,718-7,Hb,12,g/dL,,,\n' >"$T/in.csv"
run 0 eds-pseudo -p "$POLICY" -k "$T/good.key" --domain P "$T/in.csv"
cp "$T/good.key" "$T/open.key"
chmod 644 "$T/open.key"
run 77 eds-pseudo -p "$POLICY" -k "$T/open.key" --domain P "$T/in.csv"
contains "$T/err" "group or others"
[ ! -s "$T/out" ] || fail "output written with a refused key"
chmod 640 "$T/open.key"
run 77 eds-pseudo -p "$POLICY" -k "$T/open.key" --domain P "$T/in.csv"
run 0 eds-pseudo -p "$POLICY" -k "$T/open.key" --allow-unsafe-key --domain P "$T/in.csv"
contains "$T/err" "warning"
ln -s "$T/good.key" "$T/link.key"
run 77 eds-pseudo -p "$POLICY" -k "$T/link.key" --domain P "$T/in.csv"
contains "$T/err" "symbolic link"
run 66 eds-pseudo -p "$POLICY" -k "$T/absent.key" --domain P "$T/in.csv"
for bad in "" "# comment only" "${KEYHEX}00" "${KEYHEX%??}" "zz${KEYHEX#??}" "$KEYHEX
$KEYHEX"; do
	printf '%s\n' "$bad" >"$T/bad.key"
	chmod 600 "$T/bad.key"
	run 78 eds-pseudo -p "$POLICY" -k "$T/bad.key" --domain P "$T/in.csv"
	contains "$T/err" "bad.key"
	lacks "$T/err" "0102030405"
done
ok "key files: symlink and group/other access 77, malformed 78, never quoted"

# the domain: --domain, else the policy's, else 64
run 64 eds-pseudo -p "$POLICY" -k "$T/good.key" "$T/in.csv"
contains "$T/err" "no domain"
sed 's/^policy: lab$/policy: lab\ndomain: P/' "$POLICY" >"$T/withdomain.yaml"
run 0 eds-pseudo -p "$T/withdomain.yaml" -k "$T/good.key" "$T/in.csv"
cp "$T/out" "$T/by-policy.csv"
run 0 eds-pseudo -p "$POLICY" -k "$T/good.key" --domain P "$T/in.csv"
same "$T/out" "$T/by-policy.csv"
run 64 eds-pseudo -p "$POLICY" -k "$T/good.key" --domain "" "$T/in.csv"
ok "the domain comes from --domain or the policy, never a default"

# --stats: counts, key id, domain, policy checksum; never the key
run 0 eds-pseudo -p "$POLICY" -k "$T/good.key" --domain PROJ-2026-014 \
    --stats "$T/stats.json" -o "$T/out.csv" "$T/in.csv"
contains "$T/stats.json" '"key_id":"ecfbc93293f83703"'
contains "$T/stats.json" '"domain":"PROJ-2026-014"'
contains "$T/stats.json" '"rows_in":1'
contains "$T/stats.json" '"rows_out":1'
contains "$T/stats.json" '"pseudonymised":1'
contains "$T/stats.json" "\"config_sha256\":\"$(sha256sum "$POLICY" | cut -c1-64)\""
lacks "$T/stats.json" "$KEYHEX"
lacks "$T/stats.json" "1234567890"
run 0 eds-pseudo -p "$POLICY" -k "$T/good.key" --domain PROJ-2026-014 \
    --journal "$T/journal" "$T/in.csv"
contains "$T/journal" '"key_id":"ecfbc93293f83703"'
lacks "$T/journal" "$KEYHEX"
ok "--stats and --journal carry the key id and domain, never the key"
