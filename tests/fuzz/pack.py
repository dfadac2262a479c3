#!/usr/bin/env python3
"""pack.py: make a seed for a fuzz target that reads several files.

    pack.py FLAGS DIR [+NAME=FILE ...] > SEED

Writes the flags byte (a number, e.g. 0x05), then every regular file under
DIR as a section of the format fuzz_files_unpack reads (tests/fuzz/fuzz.h):
"@PATH LEN" and the file's bytes, paths relative to DIR in sorted order.
Each +NAME=FILE adds a section "@+NAME" that the target reads itself (e.g.
+import, the events fuzz_registry imports).  Used to make the seeds of
fuzz_registry (DIR a consent registry) and fuzz_bagverify (DIR a bag) in
tests/fuzz/corpus/, e.g.

    pack.py 0x05 reg +import=events.csv > corpus/registry/import-over-2-gens
    pack.py 0x07 bag > corpus/bagverify/eds-bundle
"""

import os
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: pack.py FLAGS DIR [+NAME=FILE ...]")
    flags = int(sys.argv[1], 0)
    root = sys.argv[2]
    out = sys.stdout.buffer
    out.write(bytes([flags]))
    paths = []
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            if os.path.isfile(p) and not os.path.islink(p):
                paths.append(os.path.relpath(p, root))
    for rel in sorted(paths):
        data = open(os.path.join(root, rel), "rb").read()
        out.write(b"@%s %d\n" % (rel.encode(), len(data)))
        out.write(data)
    for extra in sys.argv[3:]:
        name, _, path = extra.partition("=")
        data = open(path, "rb").read()
        out.write(b"@%s %d\n" % (name.encode(), len(data)))
        out.write(data)


if __name__ == "__main__":
    main()
