#!/usr/bin/env bash
# Runs every check of the Android app that works without the Android SDK:
#
#   1. the string catalogue: generated Strings.kt and Localizable.xcstrings
#      are up to date, and the Android and iOS catalogues have the same keys
#      and placeholders (scripts/strings.py check, with its own unit tests);
#   2. the logic: domain, core over the generated bindings, fakes and
#      presenters compiled by Maven, presenter tests on the JVM against the
#      fakes and against the real library and platform (logic/run.sh);
#   3. the screens: every composable compiled against Compose Multiplatform
#      desktop, every sample state rendered to PNG in zh-CN and English
#      (screens/run.sh).
#
# The logic checks take the Rust build's outputs from the cargo target
# folder (see logic/run.sh); run bindings/scripts/generate.sh and
# `cargo build -p palmbid-platform -p palmbid-cli` first, as the README's
# test command does.
#
# Usage: android/checks/run.sh
set -euo pipefail
android="$(cd "$(dirname "$0")/.." && pwd)"

command -v python3 >/dev/null || {
    echo "error: python3 not found; the strings check needs Python 3" >&2
    exit 1
}

echo "android: strings"
python3 "$android/scripts/test_strings.py" -q
python3 "$android/scripts/strings.py" check

echo "android: logic (presenters, core over the real library)"
"$android/checks/logic/run.sh"

echo "android: screens (rendered to $android/checks/screens/target/screens)"
"$android/checks/screens/run.sh"
