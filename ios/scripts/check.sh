#!/usr/bin/env bash
# Checks of the iOS app that run on a machine without Xcode or Swift:
#
#   1. every .swift file under ios/ parses with tree-sitter's Swift grammar
#      with no ERROR or MISSING node (scripts/swift_parse.py);
#   2. the Swift bindings generated from the current library
#      (${CARGO_TARGET_DIR:-target}/bindings/swift, written by
#      bindings/scripts/generate.sh) are
#      byte for byte the copy committed in PalmbidKit;
#   3. Package.swift and project.yml name only files and folders that exist
#      (scripts/check_paths.py);
#   4. every `String(localized: "key")` of the app has a literal snake_case
#      key defined in the shared catalogue, android/ui/src/main/res, with as
#      many format arguments as placeholders (scripts/check_strings.py).
#      While that catalogue is absent, the comparison is reported as
#      skipped;
#   5. the layers import only what they may: PalmbidBindings only in
#      PalmbidCore, Foundation and PalmbidCore only in the view models and
#      mocks (scripts/check_layers.py).
#
# Compilation, XCTest, the Secure Enclave, the camera, APNs and universal
# links need a Mac and a device; see ios/README.md.
#
# tree-sitter runs in a virtualenv under the cargo target directory, made on
# first use and reused after.
#
# Usage: ios/scripts/check.sh [--self-test]
#   --self-test  also feeds each check a broken input and fails unless every
#                check rejects its input
set -euo pipefail
ios="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$ios/.." && pwd)"
cd "$root"

fail() {
    echo "ios check: $*" >&2
    exit 1
}

python3 -c 'import ensurepip, venv' 2>/dev/null ||
    fail "python3 with venv is needed; install python3-venv"

venv="${CARGO_TARGET_DIR:-$root/target}/swift-parse-venv"
pins=(tree-sitter==0.26.1 tree-sitter-swift==0.7.4)
if ! "$venv/bin/python" - "${pins[@]}" 2>/dev/null <<'PY'
import sys
from importlib.metadata import version
sys.exit(any(version(name) != wanted for name, wanted in (pin.split("==") for pin in sys.argv[1:])))
PY
then
    echo "creating the tree-sitter virtualenv in $venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet "${pins[@]}"
fi
python="$venv/bin/python"

bindings_copy="$ios/PalmbidKit/Sources/PalmbidBindings/PalmbidFFI.swift"

check_parse() {
    "$python" "$ios/scripts/swift_parse.py" "$1"
}

check_bindings() {
    local generated="$1" copy="$2"
    if [ ! -f "$generated" ]; then
        local found
        found="$(cd "$(dirname "$generated")" 2>/dev/null && ls ./*.swift 2>/dev/null | tr '\n' ' ' || true)"
        fail "$generated is missing (Swift files there: ${found:-none}); run bindings/scripts/generate.sh first, and if the file name changed, update ios/scripts/check.sh and update-bindings.sh"
    fi
    if ! cmp -s "$generated" "$copy"; then
        echo "ios check: $copy differs from the bindings generated from the current library ($generated)" >&2
        echo "ios check: refresh it with ios/scripts/update-bindings.sh and commit it" >&2
        return 1
    fi
    echo "bindings: $(wc -c <"$copy") bytes, identical to $generated"
}

check_paths() {
    "$python" "$ios/scripts/check_paths.py" "$1"
}

check_layers() {
    "$python" "$ios/scripts/check_layers.py" "$1"
}

check_strings() {
    "$python" "$ios/scripts/check_strings.py" "$1" "$2"
}

self_test() {
    local scratch
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' RETURN

    # A Swift file with an unclosed brace and a stray token.
    mkdir -p "$scratch/swift"
    printf 'struct Fine {\n    let value = 1\n}\n' >"$scratch/swift/Fine.swift"
    printf 'func broken( {\n    let = 3\n' >"$scratch/swift/Broken.swift"
    if check_parse "$scratch/swift" >"$scratch/parse.out"; then
        cat "$scratch/parse.out"
        fail "self-test: the parse check accepted a broken Swift file"
    fi
    grep -q 'Broken.swift' "$scratch/parse.out" ||
        fail "self-test: the parse check did not name the broken file"
    echo "self-test: the parse check rejects a broken file (problems reported: $(grep -c 'Broken.swift' "$scratch/parse.out"))"

    mkdir -p "$scratch/empty"
    if check_parse "$scratch/empty" >/dev/null 2>&1; then
        fail "self-test: the parse check passed a folder without Swift files"
    fi
    echo "self-test: the parse check rejects a folder without Swift files"

    # A bindings copy one byte off.
    cp "$bindings_copy" "$scratch/copy.swift"
    printf '\n' >>"$scratch/copy.swift"
    if (check_bindings "$generated" "$scratch/copy.swift") >/dev/null 2>&1; then
        fail "self-test: the bindings check accepted a changed copy"
    fi
    echo "self-test: the bindings check rejects a copy that differs by one byte"

    # Manifests naming a folder that is not there.
    mkdir -p "$scratch/ios/PalmbidKit"
    cp -R "$ios/Palmbid" "$scratch/ios/Palmbid"
    cp -R "$ios/PalmbidKit/Sources" "$ios/PalmbidKit/Tests" "$scratch/ios/PalmbidKit/"
    sed 's|path: "Sources/PalmbidCore"|path: "Sources/PalmbidCoreGone"|' \
        "$ios/PalmbidKit/Package.swift" >"$scratch/ios/PalmbidKit/Package.swift"
    cp "$ios/project.yml" "$scratch/ios/project.yml"
    if check_paths "$scratch/ios" >"$scratch/paths.out"; then
        cat "$scratch/paths.out"
        fail "self-test: the path check accepted a Package.swift naming a missing folder"
    fi
    grep -q 'PalmbidCoreGone' "$scratch/paths.out" ||
        fail "self-test: the path check did not name the missing folder"
    sed 's|path: Palmbid/Palmbid.entitlements|path: Palmbid/Gone.entitlements|' \
        "$ios/project.yml" >"$scratch/ios/project.yml"
    cp "$ios/PalmbidKit/Package.swift" "$scratch/ios/PalmbidKit/Package.swift"
    if check_paths "$scratch/ios" >"$scratch/paths.out"; then
        cat "$scratch/paths.out"
        fail "self-test: the path check accepted a project.yml naming a missing file"
    fi
    echo "self-test: the path check rejects manifests naming missing paths"

    # A view using a key the catalogue lacks.
    mkdir -p "$scratch/strings/swift" "$scratch/strings/res/values" "$scratch/strings/res/values-en"
    printf 'let title = String(localized: "home_title")\nlet gone = String(localized: "home_no_such_key")\n' \
        >"$scratch/strings/swift/View.swift"
    printf 'let tries = Formats.format(String(localized: "pin_tries_left"), 3, 4)\n' \
        >"$scratch/strings/swift/Pin.swift"
    for folder in values values-en; do
        printf '<resources>\n    <string name="home_title">x</string>\n    <string name="pin_tries_left">%%1$d</string>\n</resources>\n' \
            >"$scratch/strings/res/$folder/strings.xml"
    done
    if check_strings "$scratch/strings/swift" "$scratch/strings/res" >"$scratch/strings.out"; then
        cat "$scratch/strings.out"
        fail "self-test: the strings check accepted a key missing from the catalogue"
    fi
    grep -q 'home_no_such_key' "$scratch/strings.out" ||
        fail "self-test: the strings check did not name the missing key"
    grep -q "'pin_tries_left' has 1 placeholders" "$scratch/strings.out" ||
        fail "self-test: the strings check did not name the placeholder mismatch"
    echo "self-test: the strings check rejects a missing key and a wrong placeholder count"

    # A view model importing SwiftUI and a view importing the bindings.
    mkdir -p "$scratch/layers/PalmbidKit/Sources/PalmbidPresentation" "$scratch/layers/Palmbid/Views"
    printf 'import Foundation\nimport SwiftUI\n' >"$scratch/layers/PalmbidKit/Sources/PalmbidPresentation/Model.swift"
    printf 'import SwiftUI\nimport PalmbidBindings\n' >"$scratch/layers/Palmbid/Views/View.swift"
    if check_layers "$scratch/layers" >"$scratch/layers.out"; then
        cat "$scratch/layers.out"
        fail "self-test: the layer check accepted forbidden imports"
    fi
    [ "$(grep -c 'imports' "$scratch/layers.out")" -eq 2 ] ||
        fail "self-test: the layer check did not name both forbidden imports"
    echo "self-test: the layer check rejects a view model importing SwiftUI and a view importing the bindings"
}

generated="${CARGO_TARGET_DIR:-$root/target}/bindings/swift/PalmbidFFI.swift"

check_parse "$ios"
check_bindings "$generated" "$bindings_copy"
check_paths "$ios"
check_strings "$ios/Palmbid" "$root/android/ui/src/main/res"
check_layers "$ios"
if [ "${1:-}" = "--self-test" ]; then
    self_test
fi
echo "ios check: passed"
