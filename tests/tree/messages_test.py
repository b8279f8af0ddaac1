#!/usr/bin/python3
"""Fails when the stable event names in the code and in docs/messages.md differ.

An event an operator may act on ends its log line with its name in capitals, in
parentheses: "... (SENSOR_FAILING)". Every such name the code can log must have its row in
docs/messages.md, and every row there must still be logged somewhere, so monitoring that
matches on a name never waits for a line that no longer exists.

Usage: messages_test.py SOURCE_ROOT
"""
import os
import re
import sys

STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
EVENT = re.compile(r"\(([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\)")
ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|", re.M)


def names_in_code(text):
    found = set()
    for literal in STRING.findall(text):
        found.update(EVENT.findall(literal))
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    # The check can fail: a name in a string is found, one in code is not.
    assert names_in_code('log("x (SENSOR_FAILING)");') == {"SENSOR_FAILING"}
    assert names_in_code("epoll_create1(EPOLL_CLOEXEC);") == set()
    code = {}
    for top in ("daemon", "drivers", "config"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if name.endswith((".h", ".cpp")):
                    path = os.path.join(dirpath, name)
                    with open(path, encoding="utf-8") as f:
                        for event in names_in_code(f.read()):
                            code.setdefault(event, os.path.relpath(path, root))
    with open(os.path.join(root, "docs", "messages.md"), encoding="utf-8") as f:
        documented = set(ROW.findall(f.read()))
    problems = []
    for event in sorted(set(code) - documented):
        problems.append(f"{event}: logged by {code[event]} but has no row in docs/messages.md")
    for event in sorted(documented - set(code)):
        problems.append(f"{event}: documented in docs/messages.md but never logged")
    for p in problems:
        print(p)
    print(f"{len(code)} event names in the code, {len(documented)} documented, "
          f"{len(problems)} mismatches")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
