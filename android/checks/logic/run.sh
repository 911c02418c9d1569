#!/usr/bin/env bash
# Runs the JVM checks of the Android app's logic (pom.xml beside this
# file): presenters against the fakes, and core against the real palmbid
# library and the real reference platform on loopback.
#
# Builds nothing: it takes what the Rust build made. By default that is in
# the cargo target folder (CARGO_TARGET_DIR, else target/ at the repository
# root). Each of these variables points one part elsewhere:
#   PALMBID_BINDINGS_DIR  generated Kotlin (bindings/scripts/generate.sh)
#   PALMBID_LIB_DIR       folder holding libpalmbid_ffi.so (release)
#   PALMBID_PLATFORM_BIN  palmbid-platform (debug)
#   PALMBID_CLI_BIN       palmbid, the bid toolbox (debug)
# The first run downloads the Maven dependencies; after a run that passed,
# Maven runs offline.
#
# Usage: android/checks/logic/run.sh [extra mvn arguments, e.g. -Dtest=PinPresenterTest]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"

bindings_dir="${PALMBID_BINDINGS_DIR:-$target/bindings/kotlin}"
lib_dir="${PALMBID_LIB_DIR:-$target/release}"
platform_bin="${PALMBID_PLATFORM_BIN:-$target/debug/palmbid-platform}"
cli_bin="${PALMBID_CLI_BIN:-$target/debug/palmbid}"

for tool in java mvn; do
    command -v "$tool" >/dev/null || {
        echo "error: $tool not found; the logic checks need Java 17+ and Maven 3.8+" >&2
        exit 1
    }
done
missing=0
for need in "$bindings_dir/palmbid/ffi/palmbid_ffi.kt" "$lib_dir/libpalmbid_ffi.so" "$platform_bin" "$cli_bin"; do
    if [ ! -e "$need" ]; then
        echo "error: $need is missing; build it (bindings/scripts/generate.sh, cargo build -p palmbid-platform -p palmbid-cli) or point the variable above at it" >&2
        missing=1
    fi
done
[ "$missing" -eq 0 ] || exit 1

# Written after a passing run: every dependency and plugin is then in the
# local repository, and Maven need not ask the registry again.
cached="$here/target/.maven-dependencies-cached"
offline=()
[ -f "$cached" ] && offline=(-o)

cd "$here"
# Reports of an earlier run would be counted in the summary below.
rm -rf target/surefire-reports
status=0
mvn -q -B "${offline[@]}" test -Dpalmbid.bindings.dir="$bindings_dir" -Dpalmbid.lib.dir="$lib_dir" \
    -Dpalmbid.platform.bin="$platform_bin" -Dpalmbid.cli.bin="$cli_bin" "$@" || status=$?

# `-q` hides Surefire's summary; print one line from its reports.
reports=(target/surefire-reports/TEST-*.xml)
if [ -e "${reports[0]}" ]; then
    awk '/<testsuite / {
            for (i = 1; i <= NF; i++) {
                if (split($i, kv, "=") == 2) { gsub(/"/, "", kv[2]); n[kv[1]] += kv[2] }
            }
        }
        END {
            failed = n["failures"] + n["errors"]
            printf "Android logic checks: %d passed, %d failed, %d skipped\n",
                n["tests"] - failed - n["skipped"], failed, n["skipped"]
        }' "${reports[@]}"
else
    echo "Android logic checks: 0 passed, 1 failed (no test report; see the Maven output above)"
fi

[ "$status" -eq 0 ] && touch "$cached"
exit "$status"
