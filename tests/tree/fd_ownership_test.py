#!/usr/bin/python3
"""Fails when sckd's own code closes a file descriptor by hand.

Every fd in daemon/, drivers/ and config/ is owned by a UniqueFd
(daemon/base/unique_fd.h), the one place that calls close(), so no error path can leak
or double-close one.

Usage: fd_ownership_test.py SOURCE_ROOT
"""
import os
import re
import sys

OWNER = "daemon/base/unique_fd.h"
CLOSE = re.compile(r"(?<![\w.>])(?:::)?close\s*\(")


def bare_closes(path, text):
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        code = line.split("//", 1)[0]
        if CLOSE.search(code):
            found.append(f"{path}:{number}: closes an fd by hand; own it with a UniqueFd")
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    assert bare_closes("x.cpp", "  ::close(fd);\n")  # the check can fail
    assert bare_closes("x.cpp", "if (fd >= 0) close(fd);\n")
    assert not bare_closes("x.cpp", "  file.close();  // a stream\n")
    problems, checked = [], 0
    for top in ("daemon", "drivers", "config"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                path = os.path.relpath(os.path.join(dirpath, name), root)
                if not name.endswith((".h", ".cpp")) or path == OWNER:
                    continue
                with open(os.path.join(root, path), encoding="utf-8") as f:
                    problems += bare_closes(path, f.read())
                checked += 1
    for p in problems:
        print(p)
    print(f"{checked} files checked, {len(problems)} bare close() calls")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
