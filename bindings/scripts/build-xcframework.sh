#!/usr/bin/env bash
# Builds PalmbidFFI.xcframework (static libraries for iOS devices and the iOS
# simulator, arm64 and x86_64) and the Swift bindings for it:
#
#   target/ios/PalmbidFFI.xcframework
#   target/ios/Sources/PalmbidFFI/PalmbidFFI.swift
#
# The Swift package in ios/ wraps both: a binaryTarget for the XCFramework
# and a target holding the generated Swift file.
#
# Needs: macOS with Xcode (xcodebuild, lipo) and the Rust targets
# (`rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios`).
#
# Usage: bindings/scripts/build-xcframework.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

fail() {
    echo "error: $*" >&2
    exit 1
}

[ "$(uname -s)" = Darwin ] || fail "the XCFramework is built on macOS with Xcode; this is $(uname -s)"
command -v xcodebuild >/dev/null || fail "xcodebuild not found; install Xcode and run: sudo xcode-select -s /Applications/Xcode.app"
command -v lipo >/dev/null || fail "lipo not found; install the Xcode command line tools: xcode-select --install"
command -v cargo >/dev/null || fail "cargo not found; install Rust 1.85 or newer (https://rustup.rs)"
device=aarch64-apple-ios
simulators=(aarch64-apple-ios-sim x86_64-apple-ios)
if command -v rustup >/dev/null; then
    installed="$(rustup target list --installed)"
    for triple in "$device" "${simulators[@]}"; do
        grep -qx "$triple" <<<"$installed" ||
            fail "Rust target $triple missing; run: rustup target add $triple"
    done
fi

target_dir="${CARGO_TARGET_DIR:-$root/target}"
out="$root/target/ios"
rm -rf "$out"
mkdir -p "$out/headers" "$out/simulator" "$out/Sources/PalmbidFFI"

export IPHONEOS_DEPLOYMENT_TARGET="${IPHONEOS_DEPLOYMENT_TARGET:-15.0}"
for triple in "$device" "${simulators[@]}"; do
    echo "building palmbid-ffi for $triple"
    cargo build --locked --release -p palmbid-ffi --target "$triple"
done

# One simulator library for both simulator architectures.
lipo -create \
    "$target_dir/aarch64-apple-ios-sim/release/libpalmbid_ffi.a" \
    "$target_dir/x86_64-apple-ios/release/libpalmbid_ffi.a" \
    -output "$out/simulator/libpalmbid_ffi.a"

# Swift wrapper, C header and module map, read from the built library.
echo "generating Swift"
generated="$out/generated"
cargo run --locked -q -p palmbid-ffi --features cli --bin uniffi-bindgen -- \
    generate "$target_dir/$device/release/libpalmbid_ffi.dylib" --language swift \
    --out-dir "$generated" --no-format
cp "$generated/palmbid_ffiFFI.h" "$out/headers/"
# Inside an XCFramework the module map must be called module.modulemap.
cp "$generated/palmbid_ffiFFI.modulemap" "$out/headers/module.modulemap"
cp "$generated/PalmbidFFI.swift" "$out/Sources/PalmbidFFI/PalmbidFFI.swift"

xcodebuild -create-xcframework \
    -library "$target_dir/$device/release/libpalmbid_ffi.a" -headers "$out/headers" \
    -library "$out/simulator/libpalmbid_ffi.a" -headers "$out/headers" \
    -output "$out/PalmbidFFI.xcframework"

echo "XCFramework: $out/PalmbidFFI.xcframework"
echo "Swift:       $out/Sources/PalmbidFFI/PalmbidFFI.swift"
