#!/usr/bin/env python3
"""Checks the string keys the iOS views use against the shared catalogue.

Usage: check_strings.py SWIFT_DIR CATALOGUE_DIR

SWIFT_DIR is searched for `String(localized: "key")`. Every key must be a
literal in snake_case (the generated Localizable.xcstrings and the key
lists are built from literals), and must be defined in both
CATALOGUE_DIR/values/strings.xml (zh-CN) and CATALOGUE_DIR/values-en/strings.xml
(English), the Android catalogue that android/scripts/strings.py turns into
ios/Palmbid/Resources/Localizable.xcstrings.

When the catalogue is absent the literal and naming rules are still
checked and the comparison is reported as skipped. Exit status 1 on a
problem or when no key was found.
"""

import re
import sys
from pathlib import Path

LITERAL = re.compile(r'String\(localized:\s*"([^"\\]*)"')
ANY = re.compile(r"String\(localized:")
KEY = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
CATALOGUE_NAME = re.compile(r'<string\s+name="([^"]+)"')


def used_keys(swift_dir):
    """Returns {key: [places]} and a list of calls whose key is not a literal."""
    keys = {}
    non_literal = []
    for path in sorted(swift_dir.rglob("*.swift")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            literals = LITERAL.findall(line)
            if len(ANY.findall(line)) != len(literals):
                non_literal.append(f"{path}:{number}")
            for key in literals:
                keys.setdefault(key, []).append(f"{path}:{number}")
    return keys, non_literal


def catalogue_keys(path):
    return set(CATALOGUE_NAME.findall(path.read_text(encoding="utf-8")))


def main(arguments):
    if len(arguments) != 2:
        print("usage: check_strings.py SWIFT_DIR CATALOGUE_DIR", file=sys.stderr)
        return 2
    swift_dir, catalogue_dir = Path(arguments[0]), Path(arguments[1])

    keys, non_literal = used_keys(swift_dir)
    problems = [f"{place}: String(localized:) needs a literal key" for place in non_literal]
    problems += [
        f"{places[0]}: key {key!r} is not snake_case with a screen prefix"
        for key, places in sorted(keys.items())
        if not KEY.match(key)
    ]

    zh = catalogue_dir / "values" / "strings.xml"
    en = catalogue_dir / "values-en" / "strings.xml"
    if zh.is_file() and en.is_file():
        for language, path in (("zh-CN", zh), ("en", en)):
            defined = catalogue_keys(path)
            problems += [
                f"{places[0]}: key {key!r} is missing from the {language} catalogue {path}"
                for key, places in sorted(keys.items())
                if key not in defined
            ]
        compared = f"compared with {zh} and {en}"
    else:
        compared = f"catalogue comparison skipped: {zh} not found"

    for problem in problems:
        print(problem)
    print(f"strings: {len(keys)} keys in {swift_dir}, {compared}, {len(problems)} problems")
    if not keys:
        print("strings: no String(localized:) key found", file=sys.stderr)
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
