#!/usr/bin/env bash
# Builds PalmbidFFI.xcframework (static libraries for iOS devices and the iOS
# simulator) and the Swift bindings for it:
#
#   target/ios/PalmbidFFI.xcframework
#     ios-arm64/                       device (aarch64-apple-ios)
#     ios-arm64_x86_64-simulator/      simulator (aarch64-apple-ios-sim and
#                                      x86_64-apple-ios, one lipo'd library)
#   target/ios/Sources/PalmbidFFI/PalmbidFFI.swift
#
# and copies the XCFramework into the Swift package of the app,
# ios/PalmbidKit/Frameworks/PalmbidFFI.xcframework (git-ignored), where its
# binaryTarget expects it. With --zip it also writes
# target/ios/PalmbidFFI.xcframework.zip and prints the checksum a release's
# Package.swift needs (see the comment there).
#
# Each library has its bundled SQLite hidden: see prelink() below.
#
# Needs: macOS with Xcode (xcodebuild, lipo, ld, libtool, nm) and the Rust
# targets (`rustup target add aarch64-apple-ios aarch64-apple-ios-sim
# x86_64-apple-ios`).
#
# Usage: bindings/scripts/build-xcframework.sh [--zip]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

fail() {
    echo "error: $*" >&2
    exit 1
}

zip_release=false
case "${1:-}" in
    "") ;;
    --zip) zip_release=true ;;
    *) fail "unknown option $1; usage: bindings/scripts/build-xcframework.sh [--zip]" ;;
esac

[ "$(uname -s)" = Darwin ] || fail "the XCFramework is built on macOS with Xcode; this is $(uname -s)"
command -v xcodebuild >/dev/null || fail "xcodebuild not found; install Xcode and run: sudo xcode-select -s /Applications/Xcode.app"
for tool in lipo ld libtool nm; do
    xcrun --find "$tool" >/dev/null 2>&1 || fail "$tool not found; install the Xcode command line tools: xcode-select --install"
done
command -v cargo >/dev/null || fail "cargo not found; install Rust 1.85 or newer (https://rustup.rs)"
if $zip_release; then
    command -v swift >/dev/null || fail "swift not found (needed for the release checksum); install Xcode"
fi
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
mkdir -p "$out/headers" "$out/prelinked" "$out/simulator" "$out/Sources/PalmbidFFI"

# The app's minimum iOS version (ios/project.yml, Package.swift).
export IPHONEOS_DEPLOYMENT_TARGET="${IPHONEOS_DEPLOYMENT_TARGET:-16.0}"
for triple in "$device" "${simulators[@]}"; do
    echo "building palmbid-ffi for $triple"
    # The static library is named here, not in Cargo.toml (see there).
    cargo rustc --locked --release -p palmbid-ffi --lib --target "$triple" \
        --crate-type staticlib,cdylib
done

# Swift wrapper, C header and module map, read from the built library.
echo "generating Swift"
generated="$out/generated"
cargo run --locked -q -p palmbid-ffi --features cli --bin uniffi-bindgen -- \
    generate "$target_dir/$device/release/libpalmbid_ffi.dylib" --language swift \
    --out-dir "$generated" --no-format
cp "$generated"/*.h "$out/headers/"
# An XCFramework's headers folder has one module map, module.modulemap.
# uniffi writes one per crate whose exports reach the library; merge them
# all, so a second exporting crate needs no change here.
cat "$generated"/*.modulemap >"$out/headers/module.modulemap"
cp "$generated/PalmbidFFI.swift" "$out/Sources/PalmbidFFI/PalmbidFFI.swift"

# The symbols the Swift wrapper calls: every uniffi function the generated
# header declares. Everything else in the library is made local.
exports="$out/exported_symbols.txt"
grep -ohE '\b(uniffi|ffi)_palmbid_ffi_[A-Za-z0-9_]+' "$out"/headers/*.h | sort -u | sed 's/^/_/' >"$exports"
[ -s "$exports" ] || fail "no uniffi symbol found in the generated header"

# Hiding the bundled SQLite.
#
# rusqlite's "bundled" feature compiles the SQLite amalgamation into the
# library with the usual global sqlite3_* names. An app that also links the
# system libsqlite3 (directly, or through another SDK) would then have two
# SQLites under one name, and which one a call reaches depends on the link
# order. That failure is silent and hard to find.
#
# Choice: prelink each static library into one relocatable object with
# `ld -r -exported_symbols_list`, keeping global only the uniffi functions
# above; `ld -r` turns every other global (SQLite, Rust's own, ring's) into
# a local symbol, after resolving the library's internal references, so
# palmbid's calls still reach its own SQLite. The alternatives were weighed:
# - `nmedit -R` on the archive localizes symbols member by member, which
#   breaks references between archive members (palmbid's code and SQLite
#   are in different members);
# - renaming SQLite with a prefix (SQLITE_API / -Dsqlite3_open=...) needs a
#   patched libsqlite3-sys build and covers only the names listed.
# The check after the prelink fails the build if any sqlite3_ symbol is
# still global.
prelink() {
    local library="$1" arch="$2" output="$3"
    local object="${output%.a}.o"
    mkdir -p "$(dirname "$output")"
    xcrun ld -r -arch "$arch" -force_load "$library" -exported_symbols_list "$exports" -o "$object"
    xcrun libtool -static -o "$output" "$object"
    rm -f "$object"

    if xcrun nm -gU "$output" | grep -E ' _sqlite3_' >/dev/null; then
        fail "$output still exports sqlite3_* symbols after the prelink"
    fi
    local exported
    exported="$(xcrun nm -gU "$output" | grep -cE ' _(uniffi|ffi)_palmbid_ffi_' || true)"
    [ "$exported" -eq "$(wc -l <"$exports")" ] ||
        fail "$output exports $exported uniffi symbols, the header declares $(wc -l <"$exports")"
}

echo "prelinking (hiding the bundled SQLite)"
prelink "$target_dir/$device/release/libpalmbid_ffi.a" arm64 "$out/prelinked/ios-arm64/libpalmbid_ffi.a"
prelink "$target_dir/aarch64-apple-ios-sim/release/libpalmbid_ffi.a" arm64 "$out/prelinked/sim-arm64/libpalmbid_ffi.a"
prelink "$target_dir/x86_64-apple-ios/release/libpalmbid_ffi.a" x86_64 "$out/prelinked/sim-x86_64/libpalmbid_ffi.a"

# One simulator library for both simulator architectures.
xcrun lipo -create \
    "$out/prelinked/sim-arm64/libpalmbid_ffi.a" \
    "$out/prelinked/sim-x86_64/libpalmbid_ffi.a" \
    -output "$out/simulator/libpalmbid_ffi.a"

xcodebuild -create-xcframework \
    -library "$out/prelinked/ios-arm64/libpalmbid_ffi.a" -headers "$out/headers" \
    -library "$out/simulator/libpalmbid_ffi.a" -headers "$out/headers" \
    -output "$out/PalmbidFFI.xcframework"

# The app's Swift package takes it from inside the package.
package_frameworks="$root/ios/PalmbidKit/Frameworks"
mkdir -p "$package_frameworks"
rm -rf "$package_frameworks/PalmbidFFI.xcframework"
cp -R "$out/PalmbidFFI.xcframework" "$package_frameworks/"

# The package compiles its committed copy of the Swift wrapper; it must be
# the one generated with this library.
committed="$root/ios/PalmbidKit/Sources/PalmbidBindings/PalmbidFFI.swift"
if ! cmp -s "$out/Sources/PalmbidFFI/PalmbidFFI.swift" "$committed"; then
    echo "warning: $committed differs from the Swift generated now; run ios/scripts/update-bindings.sh" >&2
fi

if $zip_release; then
    (cd "$out" && rm -f PalmbidFFI.xcframework.zip && zip -qry PalmbidFFI.xcframework.zip PalmbidFFI.xcframework)
    checksum="$(swift package compute-checksum "$out/PalmbidFFI.xcframework.zip")"
    echo "release zip: $out/PalmbidFFI.xcframework.zip"
    echo "checksum:    $checksum (PALMBID_FFI_CHECKSUM)"
fi

echo "XCFramework: $out/PalmbidFFI.xcframework (copied to $package_frameworks)"
echo "Swift:       $out/Sources/PalmbidFFI/PalmbidFFI.swift"
