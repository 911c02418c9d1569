#!/usr/bin/env python3
"""Checks that ios/PalmbidKit/Package.swift and ios/project.yml name only
files and folders that exist.

Usage: check_paths.py IOS_DIR

Package.swift: every `path: "..."` argument, relative to the package. The
binary target's local XCFramework is a build output of
bindings/scripts/build-xcframework.sh (made on a Mac), so it is reported as
such instead of checked.

project.yml: every `path:` value and `CODE_SIGN_ENTITLEMENTS`, relative to
ios/, except `info: path:`, the Info.plist XcodeGen writes.

Prints what it checked; exit status 1 when something is missing or when
nothing was checked.
"""

import re
import sys
from pathlib import Path

# Build outputs named on purpose, with what makes them.
OUTPUTS = {
    "Frameworks/PalmbidFFI.xcframework": "bindings/scripts/build-xcframework.sh (macOS)",
}

PACKAGE_PATH = re.compile(r'\bpath:\s*"([^"]+)"')
YAML_PATH = re.compile(r"^(\s*)(?:-\s+)?path:\s*(\S+)\s*$")
YAML_KEY = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_][\w.-]*):")
ENTITLEMENTS = re.compile(r"^\s*CODE_SIGN_ENTITLEMENTS:\s*(\S+)\s*$")


def package_paths(package_dir):
    """Yields (relative path, what makes it or None) from Package.swift."""
    text = (package_dir / "Package.swift").read_text(encoding="utf-8")
    for match in PACKAGE_PATH.finditer(text):
        yield match.group(1), OUTPUTS.get(match.group(1))


def project_paths(project_file):
    """Yields (relative path, what makes it or None) from project.yml, by
    indentation: a `path:` under an `info:` key is XcodeGen's output."""
    parents = []  # (indent, key)
    for line in project_file.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        entitlements = ENTITLEMENTS.match(line)
        if entitlements:
            yield entitlements.group(1), None
            continue
        path = YAML_PATH.match(line)
        if path:
            indent = len(path.group(1))
            while parents and parents[-1][0] >= indent:
                parents.pop()
            owner = parents[-1][1] if parents else ""
            yield path.group(2), ("XcodeGen" if owner == "info" else None)
            continue
        key = YAML_KEY.match(line)
        if key:
            indent = len(key.group(1))
            while parents and parents[-1][0] >= indent:
                parents.pop()
            parents.append((indent, key.group(2)))


def check(base, entries, label):
    checked = 0
    missing = []
    for relative, made_by in entries:
        if made_by:
            print(f"{label}: {relative} is made by {made_by}; not checked here")
            continue
        checked += 1
        if not (base / relative).exists():
            missing.append(relative)
    for relative in missing:
        print(f"{label}: names {relative}, which does not exist under {base}")
    print(f"{label}: {checked} paths checked, {len(missing)} missing")
    return checked, missing


def main(arguments):
    if len(arguments) != 1:
        print("usage: check_paths.py IOS_DIR", file=sys.stderr)
        return 2
    ios = Path(arguments[0])
    package_dir = ios / "PalmbidKit"

    package_checked, package_missing = check(package_dir, package_paths(package_dir), "Package.swift")
    project_checked, project_missing = check(ios, project_paths(ios / "project.yml"), "project.yml")

    if package_checked == 0 or project_checked == 0:
        print("check_paths: a manifest named no path; the parser no longer matches it", file=sys.stderr)
        return 1
    return 1 if package_missing or project_missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
