#!/usr/bin/env bash
# Runs the Kotlin (JVM) binding tests: builds the palmbid-ffi cdylib
# (release), generates the Kotlin bindings, builds the reference platform
# and the command line (debug: the account tests start the platform, the
# QR tests also `palmbid toolbox`), then `mvn test` with JNA
# pointed at the built library. Needs Java 17+, Maven 3.8+ and the openssl
# command.
# The first run downloads the Maven dependencies; after a run that passed,
# Maven runs offline.
#
# Usage: tests/kotlin/run.sh [extra mvn arguments, e.g. -Dtest=LifetimeTest]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/tests/kotlin"

for tool in cargo java mvn openssl; do
    command -v "$tool" >/dev/null || {
        echo "error: $tool not found; the Kotlin tests need Rust, Java 17+, Maven 3.8+ and OpenSSL" >&2
        exit 1
    }
done

"$root/bindings/scripts/generate.sh"
lib_dir="${CARGO_TARGET_DIR:-$root/target}/release"

# The account tests run the real platform, the QR tests also the bid
# toolbox of the command line. Debug profile: the README's test command
# builds both already in `cargo test --workspace`, so this is a no-op there.
echo "building palmbid-platform and palmbid (debug)"
(cd "$root" && cargo build --locked -q -p palmbid-platform -p palmbid-cli)
platform_bin="${CARGO_TARGET_DIR:-$root/target}/debug/palmbid-platform"
cli_bin="${CARGO_TARGET_DIR:-$root/target}/debug/palmbid"

# Written after a passing run: every dependency and plugin is then in the
# local repository, and Maven need not ask Maven Central again.
cached="$here/target/.maven-dependencies-cached"
offline=()
[ -f "$cached" ] && offline=(-o)

cd "$here"
# Reports of an earlier run would be counted in the summary below.
rm -rf target/surefire-reports
status=0
mvn -q -B "${offline[@]}" test -Dpalmbid.lib.dir="$lib_dir" \
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
            printf "Kotlin binding tests: %d passed, %d failed, %d skipped\n",
                n["tests"] - failed - n["skipped"], failed, n["skipped"]
        }' "${reports[@]}"
fi

[ "$status" -eq 0 ] && touch "$cached"
exit "$status"
