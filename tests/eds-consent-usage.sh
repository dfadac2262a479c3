#!/bin/sh
# eds-consent -h, --version, and the usage matching the SYNOPSIS of
# eds-consent(1).
. "$top_srcdir/tests/lib.sh"

run 0 eds-consent -h
contains "$T/out" "usage: eds-consent import --registry DIR"
contains "$T/out" "See eds-consent(1) for details."
run 0 eds-consent filter -h
contains "$T/out" "eds-consent filter --registry DIR --require SCOPE[,SCOPE...]"
run 0 eds-consent --version
grep -qx "eds-consent (eds-tools) [0-9.]*" "$T/out" || fail "--version"
run 64 eds-consent
contains "$T/err" "a subcommand is required"
contains "$T/err" "usage: eds-consent"
run 64 eds-consent frobnicate
contains "$T/err" "unknown subcommand 'frobnicate'"
run 64 eds-consent stats --registry x --bogus
ok "-h, --version and usage errors"

command -v groff >/dev/null 2>&1 || skip "groff is needed to render eds-consent(1)"
groff -mandoc -Tascii -P-c -P-b -P-u "$top_srcdir/man/eds-consent.1" 2>/dev/null |
    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \n' '  ' |
    sed 's/^ *//; s/ *$//' >"$T/synopsis"
run 0 eds-consent -h
sed '1s/^usage: //; /^See /d' "$T/out" | tr -s ' \n' '  ' |
    sed 's/^ *//; s/ *$//' >"$T/usage"
same "$T/synopsis" "$T/usage"
ok "the usage is the SYNOPSIS of eds-consent(1)"
