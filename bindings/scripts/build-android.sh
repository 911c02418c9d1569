#!/usr/bin/env bash
# Builds libpalmbid_ffi.so for Android (arm64-v8a, armeabi-v7a, x86_64) with
# cargo-ndk, and the Kotlin bindings beside it, ready for an Android library
# module:
#
#   target/android/jniLibs/<abi>/libpalmbid_ffi.so   -> src/main/jniLibs/
#   target/android/kotlin/palmbid/ffi/palmbid_ffi.kt -> src/main/kotlin/
#
# The app also needs `net.java.dev.jna:jna:<version>@aar` and
# kotlinx-coroutines-core.
#
# Needs: the Android NDK (r27 or newer; ANDROID_NDK_HOME or ANDROID_NDK_ROOT),
# cargo-ndk (`cargo install cargo-ndk`), and the Rust targets
# (`rustup target add aarch64-linux-android armv7-linux-androideabi
# x86_64-linux-android`).
#
# Every ELF load segment is aligned to 16 KiB, as Android 15+ devices with
# 16 KB pages require (Google Play requires it for new apps).
#
# Usage: bindings/scripts/build-android.sh [--api LEVEL]   (default 24)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

api=24
if [ "${1:-}" = "--api" ]; then
    api="${2:?--api needs a level}"
fi

fail() {
    echo "error: $*" >&2
    exit 1
}

command -v cargo >/dev/null || fail "cargo not found; install Rust 1.85 or newer (https://rustup.rs)"
cargo ndk --version >/dev/null 2>&1 || fail "cargo-ndk not found; install it with: cargo install cargo-ndk"
ndk="${ANDROID_NDK_HOME:-${ANDROID_NDK_ROOT:-}}"
[ -n "$ndk" ] && [ -d "$ndk" ] ||
    fail "Android NDK not found; install it (Android Studio > SDK Manager > NDK) and set ANDROID_NDK_HOME to its folder"
if command -v rustup >/dev/null; then
    installed="$(rustup target list --installed)"
    for triple in aarch64-linux-android armv7-linux-androideabi x86_64-linux-android; do
        grep -qx "$triple" <<<"$installed" ||
            fail "Rust target $triple missing; run: rustup target add $triple"
    done
fi

target_dir="${CARGO_TARGET_DIR:-$root/target}"
out="$root/target/android"
rm -rf "$out"
mkdir -p "$out/jniLibs" "$out/kotlin"

# 16 KiB page alignment for every ABI (the linker's default is 4 KiB on
# arm64 NDKs before r28, and on the other ABIs).
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384"

echo "building palmbid-ffi for Android (API $api)"
cargo ndk --platform "$api" -t arm64-v8a -t armeabi-v7a -t x86_64 -o "$out/jniLibs" \
    build --locked --release -p palmbid-ffi

# Check the alignment instead of trusting the flag (llvm-readelf is in the NDK).
readelf_bin="$(find "$ndk/toolchains/llvm/prebuilt" -name llvm-readelf -type f 2>/dev/null | head -n 1)"
if [ -n "$readelf_bin" ]; then
    for so in "$out"/jniLibs/*/libpalmbid_ffi.so; do
        if "$readelf_bin" -lW "$so" | awk '$1 == "LOAD" && $NF != "0x4000" { bad = 1 } END { exit !bad }'; then
            fail "$so has a LOAD segment not aligned to 16 KiB"
        fi
    done
    echo "16 KiB alignment checked"
fi

echo "generating Kotlin"
cargo run --locked -q -p palmbid-ffi --features cli --bin uniffi-bindgen -- \
    generate "$out/jniLibs/arm64-v8a/libpalmbid_ffi.so" --language kotlin --out-dir "$out/kotlin" --no-format

echo "Android libraries: $out/jniLibs"
echo "Kotlin bindings:   $out/kotlin"
echo "(cargo's own output is under $target_dir/<triple>/release)"
