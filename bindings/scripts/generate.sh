#!/usr/bin/env bash
# Builds the palmbid-ffi cdylib (release) for this machine and generates the
# Kotlin and Swift bindings from it in uniffi "library mode" (the interface is
# read from the metadata embedded in the built library, so the bindings always
# match it).
#
# Output (not committed):
#   target/bindings/kotlin/uniffi/palmbid_ffi/palmbid_ffi.kt
#   target/bindings/swift/{palmbid_ffi.swift, palmbid_ffiFFI.h, palmbid_ffiFFI.modulemap}
# The library itself stays in the cargo target folder:
#   ${CARGO_TARGET_DIR:-target}/release/libpalmbid_ffi.so (.dylib on macOS)
#
# Usage: bindings/scripts/generate.sh [--profile PROFILE]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

profile=release
if [ "${1:-}" = "--profile" ]; then
    profile="${2:?--profile needs a name}"
fi

command -v cargo >/dev/null || {
    echo "error: cargo not found; install Rust 1.85 or newer (https://rustup.rs)" >&2
    exit 1
}

target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$(uname -s)" in
    Darwin) lib_name=libpalmbid_ffi.dylib ;;
    *) lib_name=libpalmbid_ffi.so ;;
esac
# Cargo puts the release profile in release/, a custom profile in its name.
lib="$target_dir/$profile/$lib_name"
out="$root/target/bindings"

echo "building palmbid-ffi ($profile)"
cargo build --locked -p palmbid-ffi --profile "$profile"
[ -f "$lib" ] || {
    echo "error: $lib was not produced by the build" >&2
    exit 1
}

rm -rf "$out/kotlin" "$out/swift"
for language in kotlin swift; do
    echo "generating $language into $out/$language"
    cargo run --locked -q -p palmbid-ffi --features cli --bin uniffi-bindgen -- \
        generate "$lib" --language "$language" --out-dir "$out/$language" \
        --no-format
done

echo "library: $lib"
echo "bindings: $out"
