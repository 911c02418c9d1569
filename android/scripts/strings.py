#!/usr/bin/env python3
"""The app's string catalogue: one source, two generated files, one check.

The catalogue is Android's resource pair
  android/ui/src/main/res/values/strings.xml      (zh-CN, the default)
  android/ui/src/main/res/values-en/strings.xml   (English)
with snake_case keys prefixed by screen and positional placeholders
(`%1$s` text, `%1$d` integer; in a text with placeholders `%%` is a literal
percent sign, in a text without any a `%` is literal as written).

`generate` writes from it
  android/ui/src/main/kotlin/palmbid/app/ui/i18n/Strings.kt
      a `Strings` class with a property per plain key and a function per
      key with placeholders (parameters typed from them), and the two
      instances `Strings.zhCN` and `Strings.en`;
  ios/Palmbid/Resources/Localizable.xcstrings
      Xcode's string catalogue, source language zh-Hans, with en beside it;
      `%1$s` becomes `%1$@` and `%1$d` becomes `%1$lld`.

`check` exits non-zero, naming each difference, when a key is missing in
one language, when zh-CN and English differ in placeholders, when a
generated file is not what `generate` would write, or when the iOS catalogue
differs from the Android one in keys or placeholders.

Python 3 standard library only. Usage: strings.py generate|check [--root DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ZH_XML = Path("android/ui/src/main/res/values/strings.xml")
EN_XML = Path("android/ui/src/main/res/values-en/strings.xml")
KOTLIN_OUT = Path("android/ui/src/main/kotlin/palmbid/app/ui/i18n/Strings.kt")
XCSTRINGS_OUT = Path("ios/Palmbid/Resources/Localizable.xcstrings")

# Android's conversions we accept, and what each becomes elsewhere.
KOTLIN_TYPES = {"s": "String", "d": "Int"}
IOS_CONVERSIONS = {"s": "@", "d": "lld"}

# `%%`, or a positional conversion `%N$c`; anything else after `%` is refused.
ANDROID_PLACEHOLDER = re.compile(r"%(?:(%)|(\d+)\$([a-z]+)|(.?))")
IOS_PLACEHOLDER = re.compile(r"%(?:(%)|(\d+)\$(@|lld)|(.?))")
POSITIONAL = re.compile(r"%\d+\$")
KEY = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


class CatalogueError(Exception):
    """A catalogue that cannot be read; the message names the file and the entry."""


@dataclass(frozen=True)
class Entry:
    key: str
    zh: str
    en: str
    # Conversion letter by position, 1-based: ("s", "d") for %1$s, %2$d.
    placeholders: tuple[str, ...]


# --- reading ----------------------------------------------------------------

def unescape_android(raw: str) -> str:
    """Returns the text Android shows for a resource value (backslash escapes and quotes undone)."""
    out = []
    i = 0
    quoted = False
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        else:
            out.append(c)
        i += 1
    return "".join(out)


def read_xml(path: Path) -> dict[str, str]:
    """Key to shown text, in file order; fails on duplicates and bad keys."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        raise CatalogueError(f"{path}: cannot read: {error}") from error
    strings: dict[str, str] = {}
    for element in root:
        if element.tag != "string":
            raise CatalogueError(f"{path}: <{element.tag}> is not supported; use <string>")
        key = element.get("name", "")
        if not KEY.match(key):
            raise CatalogueError(f"{path}: key {key!r} is not snake_case with a screen prefix")
        if key in strings:
            raise CatalogueError(f"{path}: key {key} appears twice")
        if len(element):
            raise CatalogueError(f"{path}: {key} has markup inside; plain text only")
        strings[key] = unescape_android(element.text or "")
    return strings


def placeholders(text: str, pattern: re.Pattern[str], allowed: dict[str, str] | set[str],
                 where: str) -> tuple[str, ...]:
    """Conversions by position (1-based, gap-free) found in [text].

    A text without any positional placeholder is plain: it is shown as
    written, so a `%` in it is literal and needs no doubling.
    """
    if not POSITIONAL.search(text):
        stray = re.search(r"%[sd@]", text)
        if stray:
            raise CatalogueError(f"{where}: '{stray.group()}' is not a positional placeholder such as %1$s")
        return ()
    found: dict[int, str] = {}
    for match in pattern.finditer(text):
        percent, index, conversion, other = match.groups()
        if percent:
            continue
        if index is None:
            raise CatalogueError(f"{where}: '%{other}' is not a positional placeholder such as %1$s")
        if conversion not in allowed:
            raise CatalogueError(f"{where}: %{index}${conversion} has an unsupported conversion")
        position = int(index)
        if found.get(position, conversion) != conversion:
            raise CatalogueError(f"{where}: placeholder {position} is used with two conversions")
        found[position] = conversion
    if sorted(found) != list(range(1, len(found) + 1)):
        raise CatalogueError(f"{where}: placeholders {sorted(found)} must be numbered 1..{len(found)}")
    return tuple(found[i] for i in range(1, len(found) + 1))


def load(root: Path) -> tuple[list[Entry], list[str]]:
    """Reads the catalogue: its entries (zh-CN order) and the differences between its languages."""
    zh = read_xml(root / ZH_XML)
    en = read_xml(root / EN_XML)
    problems = []
    for key in zh:
        if key not in en:
            problems.append(f"{key}: in {ZH_XML} but missing in {EN_XML}")
    for key in en:
        if key not in zh:
            problems.append(f"{key}: in {EN_XML} but missing in {ZH_XML}")
    entries = []
    for key, zh_text in zh.items():
        if key not in en:
            continue
        zh_places = placeholders(zh_text, ANDROID_PLACEHOLDER, KOTLIN_TYPES, f"{ZH_XML}: {key}")
        en_places = placeholders(en[key], ANDROID_PLACEHOLDER, KOTLIN_TYPES, f"{EN_XML}: {key}")
        if zh_places != en_places:
            problems.append(f"{key}: placeholders differ: zh-CN {describe(zh_places)}, en {describe(en_places)}")
            continue
        entries.append(Entry(key, zh_text, en[key], zh_places))
    return entries, problems


def describe(places: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"%{i}${c}" for i, c in enumerate(places, 1)) + "]" if places else "none"


# --- generating -------------------------------------------------------------

def camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def kotlin_literal(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
               .replace("\n", "\\n").replace("\t", "\\t"))
    return f'"{escaped}"'


def kotlin_comment(text: str) -> str:
    return text.replace("\n", " ").replace("*/", "* /")


def render_kotlin(entries: list[Entry]) -> str:
    lines = [
        "// Generated by android/scripts/strings.py from android/ui/src/main/res/values*/strings.xml.",
        "// Do not edit: change the catalogue and run `android/scripts/strings.py generate`.",
        "package palmbid.app.ui.i18n",
        "",
        "import java.util.Locale",
        "import palmbid.app.domain.Language",
        "",
        "/**",
        " * Every user-visible text of the screens, in one language. Composables read",
        " * it through `LocalStrings.current`; texts with placeholders are functions",
        " * whose parameters follow the placeholders' order and type.",
        " */",
        "class Strings private constructor(",
        "    /** The language these texts are in. */",
        "    val language: Language,",
        "    private val texts: Array<String>,",
        ") {",
    ]
    for index, entry in enumerate(entries):
        lines.append(f"    /** {kotlin_comment(entry.zh)} */")
        name = camel(entry.key)
        if entry.placeholders:
            params = ", ".join(f"arg{i}: {KOTLIN_TYPES[c]}" for i, c in enumerate(entry.placeholders, 1))
            args = ", ".join(f"arg{i}" for i in range(1, len(entry.placeholders) + 1))
            lines.append(f"    fun {name}({params}): String = String.format(Locale.ROOT, texts[{index}], {args})")
        else:
            lines.append(f"    val {name}: String get() = texts[{index}]")
        lines.append("")
    lines += [
        "    companion object {",
        "        /** Simplified Chinese, the default. */",
        "        val zhCN: Strings = Strings(",
        "            Language.ZH_CN,",
        "            arrayOf(",
    ]
    lines += [f"                {kotlin_literal(e.zh)}," for e in entries]
    lines += [
        "            ),",
        "        )",
        "",
        "        /** English. */",
        "        val en: Strings = Strings(",
        "            Language.EN,",
        "            arrayOf(",
    ]
    lines += [f"                {kotlin_literal(e.en)}," for e in entries]
    lines += [
        "            ),",
        "        )",
        "",
        "        /** Returns the texts for [language]. */",
        "        fun of(language: Language): Strings = when (language) {",
        "            Language.ZH_CN -> zhCN",
        "            Language.EN -> en",
        "        }",
        "    }",
        "}",
        "",
    ]
    return "\n".join(lines)


def to_ios(text: str) -> str:
    if not POSITIONAL.search(text):
        return text

    def convert(match: re.Match[str]) -> str:
        percent, index, conversion, _ = match.groups()
        if percent:
            return "%%"
        return f"%{index}${IOS_CONVERSIONS[conversion]}"
    return ANDROID_PLACEHOLDER.sub(convert, text)


def render_xcstrings(entries: list[Entry]) -> str:
    def unit(value: str) -> dict:
        return {"stringUnit": {"state": "translated", "value": value}}

    strings = {
        e.key: {
            "extractionState": "manual",
            "localizations": {"en": unit(to_ios(e.en)), "zh-Hans": unit(to_ios(e.zh))},
        }
        for e in entries
    }
    document = {"sourceLanguage": "zh-Hans", "strings": strings, "version": "1.0"}
    # Xcode's own layout: two-space indent, " : " separators, sorted keys.
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True, separators=(",", " : ")) + "\n"


def outputs(entries: list[Entry]) -> dict[Path, str]:
    return {KOTLIN_OUT: render_kotlin(entries), XCSTRINGS_OUT: render_xcstrings(entries)}


# --- comparing with iOS -----------------------------------------------------

def compare_ios(root: Path, entries: list[Entry]) -> list[str]:
    """Differences in keys and placeholders between the catalogue and the xcstrings file."""
    path = root / XCSTRINGS_OUT
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        ios = document["strings"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        return [f"{XCSTRINGS_OUT}: cannot read: {error}"]
    problems = []
    if document.get("sourceLanguage") != "zh-Hans":
        problems.append(f"{XCSTRINGS_OUT}: sourceLanguage is {document.get('sourceLanguage')!r}, not 'zh-Hans'")
    android = {e.key: e for e in entries}
    for key in android:
        if key not in ios:
            problems.append(f"{key}: in the Android catalogue but missing in {XCSTRINGS_OUT}")
    for key, item in ios.items():
        if key not in android:
            problems.append(f"{key}: in {XCSTRINGS_OUT} but missing in the Android catalogue")
            continue
        expected = tuple(IOS_CONVERSIONS[c] for c in android[key].placeholders)
        for language in ("zh-Hans", "en"):
            try:
                value = item["localizations"][language]["stringUnit"]["value"]
            except (KeyError, TypeError):
                problems.append(f"{key}: {XCSTRINGS_OUT} has no {language} text")
                continue
            try:
                found = placeholders(value, IOS_PLACEHOLDER, {"@", "lld"}, f"{XCSTRINGS_OUT}: {key} ({language})")
            except CatalogueError as error:
                problems.append(str(error))
                continue
            if found != expected:
                shown = lambda places: "[" + ", ".join(f"%{i}${c}" for i, c in enumerate(places, 1)) + "]"
                problems.append(f"{key}: placeholders differ: Android {shown(expected)}, "
                                f"{XCSTRINGS_OUT} ({language}) {shown(found)}")
    return problems


# --- commands ---------------------------------------------------------------

def generate(root: Path) -> int:
    entries, problems = load(root)
    if problems:
        return report(problems)
    for relative, text in outputs(entries).items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {relative}")
    return 0


def check(root: Path) -> int:
    entries, problems = load(root)
    for relative, text in outputs(entries).items():
        target = root / relative
        try:
            current = target.read_text(encoding="utf-8")
        except OSError:
            problems.append(f"{relative}: missing; run android/scripts/strings.py generate")
            continue
        if current != text:
            problems.append(f"{relative}: stale; run android/scripts/strings.py generate")
    problems += compare_ios(root, entries)
    if problems:
        return report(problems)
    print(f"strings: {len(entries)} keys in zh-CN and en; Strings.kt and Localizable.xcstrings up to date")
    return 0


def report(problems: list[str]) -> int:
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    print(f"strings: {len(problems)} problem(s)", file=sys.stderr)
    return 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["generate", "check"])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2],
                        help="repository root (default: the one holding this script)")
    args = parser.parse_args(argv)
    try:
        return generate(args.root) if args.command == "generate" else check(args.root)
    except CatalogueError as error:
        return report([str(error)])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
