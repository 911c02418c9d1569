#!/usr/bin/env python3
"""Checks the string keys the iOS views use against the shared catalogue.

Usage: check_strings.py SWIFT_DIR CATALOGUE_DIR

SWIFT_DIR is searched for `String(localized: "key")`. Every key must be a
literal in snake_case (the generated Localizable.xcstrings and the key
lists are built from literals), and must be defined in both
CATALOGUE_DIR/values/strings.xml (zh-CN) and CATALOGUE_DIR/values-en/strings.xml
(English), the Android catalogue that android/scripts/strings.py turns into
ios/Palmbid/Resources/Localizable.xcstrings.

Placeholders: each `Formats.format(String(localized: "key"), ...)` call
must pass one argument per placeholder of the key's text (`%1$s`, `%2$d`),
so a key without placeholders fails there. A key with placeholders that no
`Formats.format` call uses fails too. The calls are read with tree-sitter's
Swift grammar.

When the catalogue is absent the literal and naming rules are still
checked and the comparison is reported as skipped. Exit status 1 on a
problem or when no key was found.
"""

import re
import sys
from pathlib import Path

import tree_sitter
import tree_sitter_swift

LITERAL = re.compile(r'String\(localized:\s*"([^"\\]*)"')
ANY = re.compile(r"String\(localized:")
KEY = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
CATALOGUE_NAME = re.compile(r'<string\s+name="([^"]+)"')
CATALOGUE_ENTRY = re.compile(r'<string\s+name="([^"]+)"[^>]*>(.*?)</string>', re.S)
# Android placeholders: positional (%1$s, %2$d) or plain (%s, %d); %% is a
# literal percent sign.
PLACEHOLDER = re.compile(r"%(?:(\d+)\$)?[sd]")
LOCALIZED_CALL = re.compile(r'^String\(localized:\s*"([^"\\]*)"\)$')


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


def placeholder_counts(path):
    """Returns {key: number of distinct placeholders} of a catalogue file."""
    counts = {}
    for key, text in CATALOGUE_ENTRY.findall(path.read_text(encoding="utf-8")):
        text = text.replace("%%", "")
        positions = set()
        for index, match in enumerate(PLACEHOLDER.finditer(text), 1):
            positions.add(int(match.group(1)) if match.group(1) else index)
        counts[key] = len(positions)
    return counts


def format_uses(swift_dir):
    """Returns {(key, place): arguments after the template} for each
    `Formats.format(String(localized: "key"), ...)` call."""
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))
    uses = {}
    for path in sorted(swift_dir.rglob("*.swift")):
        source = path.read_bytes()
        stack = [parser.parse(source).root_node]
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            if node.type != "call_expression" or not node.children:
                continue
            callee = source[node.children[0].start_byte:node.children[0].end_byte].decode()
            if callee != "Formats.format":
                continue
            arguments = [
                argument
                for suffix in node.children[1:]
                if suffix.type == "call_suffix"
                for values in suffix.children
                if values.type == "value_arguments"
                for argument in values.children
                if argument.type == "value_argument"
            ]
            if not arguments:
                continue
            template = source[arguments[0].start_byte:arguments[0].end_byte].decode()
            match = LOCALIZED_CALL.match(template.strip())
            if match:
                place = f"{path}:{node.start_point[0] + 1}"
                uses[(match.group(1), place)] = len(arguments) - 1
    return uses


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
        formats = format_uses(swift_dir)
        formatted_keys = {key for key, _ in formats}
        for language, path in (("zh-CN", zh), ("en", en)):
            defined = catalogue_keys(path)
            problems += [
                f"{places[0]}: key {key!r} is missing from the {language} catalogue {path}"
                for key, places in sorted(keys.items())
                if key not in defined
            ]
            counts = placeholder_counts(path)
            problems += [
                f"{place}: key {key!r} has {counts[key]} placeholders in the {language} catalogue "
                f"but Formats.format passes {given} arguments"
                for (key, place), given in sorted(formats.items())
                if key in counts and counts[key] != given
            ]
            problems += [
                f"{places[0]}: key {key!r} has placeholders in the {language} catalogue; "
                f"fill them with Formats.format"
                for key, places in sorted(keys.items())
                if counts.get(key, 0) > 0 and key not in formatted_keys
            ]
        compared = f"compared with {zh} and {en}, {len(formats)} format calls"
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
