#!/usr/bin/python3
"""Fails when a file includes a header of a layer above its own.

The layers, lowest first (each is its own static library, see meson.build):
  daemon/base      errors, clock, log, event loop, timers, backoff, notify, UniqueFd
  config           the config file, validated against a schema table handed in
  daemon/outbox    the SQLite outbox
  drivers          buses and chip drivers (read their options from config)
  daemon/uplink    the MQTT session, publisher, payload
  daemon/sampling  scheduler, sampler
  daemon           the Daemon object
  daemon/cli       the commands
A layer may include itself and the layers listed in ALLOWED for it. Tests under
tests/<layer>/ follow their layer's rule and may also use the fakes of the layers they may
include and the harness in tests/support/.

Usage: layers_test.py SOURCE_ROOT
"""
import os
import re
import sys

BASE = "daemon/base/"
CONFIG = "config/"
OUTBOX = "daemon/outbox/"
DRIVERS = "drivers/"
UPLINK = "daemon/uplink/"
SAMPLING = "daemon/sampling/"
DAEMON = "daemon/"  # only daemon.h/daemon.cpp: the sub-folders are matched first
CLI = "daemon/cli/"

# Longest prefix first, so daemon/base/x.h is base, not daemon.
LAYERS = [BASE, OUTBOX, UPLINK, SAMPLING, CLI, CONFIG, DRIVERS, DAEMON]
ALLOWED = {
    BASE: {BASE},
    CONFIG: {BASE, CONFIG},
    OUTBOX: {BASE, OUTBOX},
    DRIVERS: {BASE, CONFIG, DRIVERS},
    UPLINK: {BASE, CONFIG, OUTBOX, UPLINK},
    SAMPLING: {BASE, CONFIG, OUTBOX, DRIVERS, SAMPLING},
    DAEMON: {BASE, CONFIG, OUTBOX, DRIVERS, UPLINK, SAMPLING, DAEMON},
    CLI: {BASE, CONFIG, OUTBOX, DRIVERS, UPLINK, SAMPLING, DAEMON, CLI},
}
# Fakes belong to the layer whose seam they fake.
FAKES = {
    "tests/fakes/fake_clock.h": BASE,
    "tests/fakes/fake_timers.h": BASE,
    "tests/fakes/fake_fd_watcher.h": BASE,
    "tests/fakes/fake_wall_clock.h": BASE,
}
FAKES_DEFAULT = DRIVERS  # the fake I2C bus and the chip simulators
# tests/<folder>/ holds the tests of one layer.
TEST_DIRS = {"tests/base/": BASE, "tests/config/": CONFIG, "tests/outbox/": OUTBOX,
             "tests/drivers/": DRIVERS, "tests/uplink/": UPLINK, "tests/sampling/": SAMPLING,
             "tests/daemon/": DAEMON, "tests/cli/": CLI}
GENERATED = {"sckd_version.h", "sckd_features.h"}  # made by meson, no layer
# The executable's main() and black-box test programs stand above every layer.
UNCHECKED = ("daemon/main.cpp", "tests/integration/", "tests/support/", "tests/kernel/",
             "tests/fuzzers/", "bench/", "tests/tree/")

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(path):
    for layer in LAYERS:
        if path.startswith(layer):
            return layer
    return None


def header_layer(header):
    if header in GENERATED:
        return BASE
    if header.startswith("tests/fakes/"):
        return FAKES.get(header, FAKES_DEFAULT)
    if header.startswith("tests/support/"):
        return BASE  # the harness uses no sckd code
    # A test's own helpers (tests/drivers/driver_fixture.h) are of the tested layer.
    return test_layer(header) or layer_of(header) or header


def test_layer(path):
    for folder, layer in TEST_DIRS.items():
        if path.startswith(folder):
            return layer
    return None


def file_layer(path):
    if path.startswith("tests/fakes/"):
        return FAKES.get(path.replace(".cpp", ".h"), FAKES_DEFAULT)
    if path.startswith("tests/"):
        return test_layer(path)
    return layer_of(path)


def violations(path, text):
    """The includes in `text` (the contents of `path`) that point up or out of the tree."""
    own = file_layer(path)
    if own is None:
        return []
    found = []
    for header in INCLUDE.findall(text):
        target = header_layer(header)
        if target not in ALLOWED[own]:
            found.append(f"{path}: includes {header} ({target.rstrip('/')}), above or beside "
                         f"its layer {own.rstrip('/')}")
    return found


def self_test():
    # The check must be able to fail: an upward include and a sideways one are caught.
    assert violations("drivers/x.cpp", '#include "daemon/outbox/outbox.h"\n')
    assert violations("config/x.h", '#include "drivers/driver.h"\n')
    assert violations("daemon/base/x.h", '#include "config/config.h"\n')
    assert violations("tests/base/x_test.cpp", '#include "tests/fakes/fake_i2c_bus.h"\n')
    assert not violations("daemon/sampling/x.cpp", '#include "drivers/driver.h"\n')
    assert not violations("tests/config/x_test.cpp", '#include "tests/fakes/fake_clock.h"\n')


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    self_test()
    problems = []
    checked = 0
    for top in ("daemon", "drivers", "config", "tests"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if not name.endswith((".h", ".cpp")):
                    continue
                path = os.path.relpath(os.path.join(dirpath, name), root)
                if path.startswith(UNCHECKED):
                    continue
                with open(os.path.join(root, path), encoding="utf-8") as f:
                    problems += violations(path, f.read())
                checked += 1
    for p in problems:
        print(p)
    print(f"{checked} files checked, {len(problems)} includes against the layers")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
