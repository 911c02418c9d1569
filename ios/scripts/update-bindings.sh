#!/usr/bin/env bash
# Refreshes the committed copy of the generated Swift bindings,
# ios/PalmbidKit/Sources/PalmbidBindings/PalmbidFFI.swift, from the library
# as it is now: runs bindings/scripts/generate.sh (a release build of
# palmbid-ffi) and copies its Swift output.
#
# Usage: ios/scripts/update-bindings.sh [--no-generate]
#   --no-generate  copy target/bindings/swift/PalmbidFFI.swift as it is
#                  (generate.sh already ran)
#
# Like generate.sh, it reads the bindings from $CARGO_TARGET_DIR when that is
# set, so a worktree can take them from a shared target directory.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

generated="${CARGO_TARGET_DIR:-$root/target}/bindings/swift/PalmbidFFI.swift"
copy="$root/ios/PalmbidKit/Sources/PalmbidBindings/PalmbidFFI.swift"

if [ "${1:-}" != "--no-generate" ]; then
    bindings/scripts/generate.sh
fi
[ -f "$generated" ] || {
    echo "error: $generated is missing; run bindings/scripts/generate.sh" >&2
    exit 1
}

if cmp -s "$generated" "$copy"; then
    echo "ios bindings: $copy is already current"
else
    cp "$generated" "$copy"
    echo "ios bindings: updated $copy; commit it with the library change"
fi
