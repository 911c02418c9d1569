#!/usr/bin/env bash
# Builds the palmbid native library for Android and the Kotlin bindings
# generated from it, and puts both into the :bindings Gradle module:
#
#   android/bindings/src/main/jniLibs/{arm64-v8a,armeabi-v7a,x86_64}/libpalmbid_ffi.so
#   android/bindings/src/main/kotlin/palmbid/ffi/palmbid_ffi.kt
#
# Both are generated, git-ignored, and replaced whole on every run, so a
# library and bindings from different builds never sit side by side.
#
# The build itself is bindings/scripts/build-android.sh: cargo-ndk for the
# three ABIs, every library linked for 16 KB pages (and checked), and the
# Kotlin generated in uniffi library mode from the built arm64 library.
# It stops first, naming what to install, when the NDK, cargo-ndk or a
# Rust target is missing.
#
# Usage: android/scripts/build-bindings.sh
set -euo pipefail
android="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$android/.." && pwd)"

# Build against the app's minSdk (gradle/libs.versions.toml), so the
# libraries load on the oldest phone the app supports.
min_sdk="$(sed -n 's/^android-minSdk = "\([0-9]*\)"$/\1/p' "$android/gradle/libs.versions.toml")"
if [ -z "$min_sdk" ]; then
    echo "error: android-minSdk not found in $android/gradle/libs.versions.toml; restore that line" >&2
    exit 1
fi

"$root/bindings/scripts/build-android.sh" --api "$min_sdk"

built="$root/target/android"
module="$android/bindings/src/main"
for artifact in jniLibs/arm64-v8a/libpalmbid_ffi.so jniLibs/armeabi-v7a/libpalmbid_ffi.so \
    jniLibs/x86_64/libpalmbid_ffi.so kotlin/palmbid/ffi/palmbid_ffi.kt; do
    if [ ! -f "$built/$artifact" ]; then
        echo "error: $built/$artifact is missing after the build; check the cargo-ndk output above and run again" >&2
        exit 1
    fi
done

rm -rf "$module/jniLibs" "$module/kotlin"
mkdir -p "$module"
cp -R "$built/jniLibs" "$module/jniLibs"
cp -R "$built/kotlin" "$module/kotlin"

echo "bindings module ready: $module/{jniLibs,kotlin}"
