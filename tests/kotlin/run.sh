#!/usr/bin/env bash
# Runs the Kotlin (JVM) binding tests: builds the palmbid-ffi cdylib
# (release), generates the Kotlin bindings, then `mvn test` with JNA pointed
# at the built library. Needs Java 17+ and Maven 3.8+; the first run
# downloads the Maven dependencies, later runs work offline.
#
# Usage: tests/kotlin/run.sh [extra mvn arguments, e.g. -Dtest=ErrorsTest]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

for tool in cargo java mvn; do
    command -v "$tool" >/dev/null || {
        echo "error: $tool not found; the Kotlin tests need Rust, Java 17+ and Maven 3.8+" >&2
        exit 1
    }
done

"$root/bindings/scripts/generate.sh"

lib_dir="${CARGO_TARGET_DIR:-$root/target}/release"

# Offline when every dependency is already in the local repository.
offline=()
if mvn -q -B -o -f "$root/tests/kotlin/pom.xml" dependency:go-offline >/dev/null 2>&1; then
    offline=(-o)
fi

cd "$root/tests/kotlin"
exec mvn -q -B "${offline[@]}" test -Dpalmbid.lib.dir="$lib_dir" "$@"
