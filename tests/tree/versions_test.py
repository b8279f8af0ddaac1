#!/usr/bin/python3
"""Fails when a place that states sckd's version disagrees with meson.build.

The version lives in one place, meson.build's project(version:), which the binary reports
(`sckd --version`, from sckd_version.h). The other places a user or apt sees it are
checked against it: the newest entry of debian/changelog (which names the .deb's version;
a Debian revision "-N" or a "~"/"+" suffix may follow the upstream version) and the
man pages' headers. Bumping the version is: meson.build, a new changelog entry, the two
.TH lines; this check names the ones forgotten.

Usage: versions_test.py SOURCE_ROOT
"""
import os
import re
import sys

PROJECT = re.compile(r"project\(\s*'sckd'[^)]*?version\s*:\s*'([^']+)'", re.S)
CHANGELOG = re.compile(r"^sckd \(([^)]+)\) ")
MAN_TH = re.compile(r'^\.TH \S+ \d \S+ "sckd ([^"]+)"', re.M)


def upstream(debian_version):
    """The upstream part of a Debian version: no epoch, no revision, no ~ or + suffix."""
    version = debian_version.split(":", 1)[-1]
    if "-" in version:
        version = version.rsplit("-", 1)[0]
    return re.split(r"[~+]", version, maxsplit=1)[0]


def mismatches(root):
    def read(path):
        with open(os.path.join(root, path), encoding="utf-8") as f:
            return f.read()

    found = PROJECT.search(read("meson.build"))
    if not found:
        return ["meson.build: no project('sckd', version: '...')"], "?"
    version = found.group(1)
    wrong = []
    head = read("debian/changelog").splitlines()[0]
    entry = CHANGELOG.match(head)
    if not entry:
        wrong.append(f"debian/changelog:1: not a changelog entry: {head!r}")
    elif upstream(entry.group(1)) != version:
        wrong.append(f"debian/changelog:1: newest entry is {entry.group(1)}, "
                     f"meson.build says {version} (add an entry: dch -v {version})")
    for page in ("docs/sckd.8", "docs/sckd.yaml.5"):
        th = MAN_TH.search(read(page))
        if not th:
            wrong.append(f"{page}: no .TH line naming \"sckd VERSION\"")
        elif th.group(1) != version:
            wrong.append(f"{page}: .TH says sckd {th.group(1)}, meson.build says {version}")
    return wrong, version


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    # The check can fail: a revision and suffixes are stripped, a different number is not.
    assert upstream("1:0.2.0-1") == "0.2.0" and upstream("0.2.0~rc1") == "0.2.0"
    assert upstream("0.2.1") != "0.2.0"
    wrong, version = mismatches(root)
    for line in wrong:
        print(line)
    if wrong:
        return 1
    print(f"meson.build, debian/changelog and the man pages all say {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
