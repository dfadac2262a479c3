#!/usr/bin/env python3
"""export-model.py: what eds-export must keep, computed independently.

The eds-export end-to-end tests (tests/eds-export-*.sh) compare the bundle
with this model, written from the DESIGN text alone (section 4 for the
pseudonyms, section 5 for consent, eds-project(5) for the period), never
by calling the toolkit:

    export-model.py --events consent-events.csv --regime opt-in|opt-out
        --require S1[,S2...] --at DATE[TIME]
        --source FILE --sep ';' --encoding cp1252 --id IPP
        [--date COLUMN --formats 'F1|F2' --from DATE --to DATE]
        [--key KEYFILE --domain DOMAIN --namespace patient --ids OUT]

prints {"rows_in": N, "rows_out": N, "excluded": {reason: N, ...}} for one
raw extract (period first, then consent, as eds-export applies them) and,
with --key, writes to OUT the patient pseudonym of every kept row, in
order, one per line.
"""

import argparse
import csv
import datetime as dt
import hashlib
import hmac
import json
import sys

UTC = dt.timezone.utc


def parse_time(s):
    """An ISO 8601 time; a date alone is 00:00:00 UTC; no offset is UTC."""
    s = s.strip()
    if len(s) == 10:
        return dt.datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=UTC)
    t = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC)


def parse_at(s):
    """--at: a date means the end of that day (UTC)."""
    if len(s) == 10:
        d = dt.datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=UTC)
        return d + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    return parse_time(s)


def load_events(path):
    """(patient, scope) -> [(recorded_at, order, decision, expires_at)]."""
    hist = {}
    with open(path, newline="", encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f)):
            exp = (row.get("expires_at") or "").strip()
            hist.setdefault((row["patient_id"].strip(), row["scope"].strip()),
                            []).append((parse_time(row["recorded_at"]), n,
                                        row["decision"].strip(),
                                        parse_time(exp) if exp else None))
    return hist


def status(hist, patient, scope, at):
    """allowed, refused, withdrawn, expired (unknown) or no-record."""
    past = [e for e in hist.get((patient, scope), []) if e[0] <= at]
    if not past:
        return "no-record"
    # The latest recorded_at decides; at equal times the later imported.
    _, _, decision, expires = max(past, key=lambda e: (e[0], e[1]))
    if decision == "granted":
        if expires is not None and expires <= at:
            return "expired"
        return "allowed"
    return decision


def consent_reason(hist, patient, scopes, opt_out, at):
    """None if the row is kept, else the reason of the first failing scope."""
    if patient == "":
        return "empty-id"
    for scope in scopes:
        st = status(hist, patient, scope, at)
        if opt_out:
            if st in ("refused", "withdrawn"):
                return st
        elif st != "allowed":
            return st
    return None


def read_key(path):
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                return bytes.fromhex(line)
    raise SystemExit("no key in " + path)


def domain_key(key, domain):
    """HKDF-SHA256, empty salt, info "eds-pseudo v1 domain:" || domain."""
    prk = hmac.new(b"\0" * 32, key, hashlib.sha256).digest()
    info = b"eds-pseudo v1 domain:" + domain.encode()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def pseudonym(kd, ns, value, length=32):
    if value == "":
        return ""
    msg = ns.encode() + b"\0" + value.encode()
    return hmac.new(kd, msg, hashlib.sha256).hexdigest()[:length]


def event_day(value, formats):
    for f in formats:
        try:
            return dt.datetime.strptime(value, f).date()
        except ValueError:
            pass
    raise SystemExit("model: cannot read the date %r" % value)


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--events", required=True)
    a.add_argument("--regime", choices=["opt-in", "opt-out"], required=True)
    a.add_argument("--require", required=True)
    a.add_argument("--at", required=True)
    a.add_argument("--source", required=True)
    a.add_argument("--sep", required=True)
    a.add_argument("--encoding", default="utf-8")
    a.add_argument("--id", required=True)
    a.add_argument("--date")
    a.add_argument("--formats", default="")
    a.add_argument("--from", dest="start")
    a.add_argument("--to", dest="end")
    a.add_argument("--key")
    a.add_argument("--domain")
    a.add_argument("--namespace", default="patient")
    a.add_argument("--ids")
    o = a.parse_args()

    hist = load_events(o.events)
    at = parse_at(o.at)
    scopes = o.require.split(",")
    start = dt.date.fromisoformat(o.start) if o.start else None
    end = dt.date.fromisoformat(o.end) if o.end else None
    formats = [f for f in o.formats.split("|") if f]
    sep = "\t" if o.sep == "tab" else o.sep
    kd = domain_key(read_key(o.key), o.domain) if o.key else None

    counts = {"rows_in": 0, "rows_out": 0, "excluded": {}}
    kept = []
    with open(o.source, newline="", encoding=o.encoding) as f:
        rows = csv.reader(f, delimiter=sep)
        header = next(rows)
        idc = header.index(o.id)
        dc = header.index(o.date) if o.date else None
        for row in rows:
            counts["rows_in"] += 1
            why = None
            if dc is not None and (start or end):
                v = row[dc].strip()
                if v == "":
                    why = "no-date"
                else:
                    day = event_day(v, formats)
                    if (start and day < start) or (end and day > end):
                        why = "out-of-period"
            patient = row[idc].strip()
            if why is None:
                why = consent_reason(hist, patient, scopes,
                                     o.regime == "opt-out", at)
            if why is not None:
                counts["excluded"][why] = counts["excluded"].get(why, 0) + 1
                continue
            counts["rows_out"] += 1
            if kd is not None:
                kept.append(pseudonym(kd, o.namespace, patient))
    if o.ids:
        with open(o.ids, "w") as f:
            for p in kept:
                f.write(p + "\n")
    json.dump(counts, sys.stdout, sort_keys=True, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
