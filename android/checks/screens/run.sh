#!/usr/bin/env bash
# Renders every sample state of every Android screen in zh-CN and English
# on the desktop JVM (Compose Multiplatform, skia raster; no Android SDK, no
# display) into android/checks/screens/target/screens/<lang>/<screen>-<state>.png
# with an index.html to look through them. Fails when a screen throws while
# composing or draws a blank image. Needs Java 17+, Maven 3.8+ and the
# fonts-wqy-zenhei font (Chinese glyphs; another CJK font through
# PALMBID_CJK_FONT).
# The first run downloads the Maven dependencies; after a run that passed,
# Maven runs offline.
#
# Usage: android/checks/screens/run.sh [extra mvn arguments]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

for tool in java mvn; do
    command -v "$tool" >/dev/null || {
        echo "error: $tool not found; the screens check needs Java 17+ and Maven 3.8+" >&2
        exit 1
    }
done
font="${PALMBID_CJK_FONT:-/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc}"
[ -f "$font" ] || {
    echo "error: CJK font $font not found; install fonts-wqy-zenhei or set PALMBID_CJK_FONT" >&2
    exit 1
}

# Written after a passing run: every dependency and plugin is then in the
# local repository, and Maven need not ask Maven Central again.
cached="$here/target/.maven-dependencies-cached"
offline=()
[ -f "$cached" ] && offline=(-o)

cd "$here"
# Earlier reports and pictures would be counted, or looked at, as this run's.
rm -rf target/surefire-reports target/screens
status=0
mvn -q -B "${offline[@]}" test -Dpalmbid.cjk.font="$font" "$@" || status=$?

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
            printf "Android screens: %d passed, %d failed, %d skipped\n",
                n["tests"] - failed - n["skipped"], failed, n["skipped"]
        }' "${reports[@]}"
    echo "pictures: $here/target/screens/index.html"
fi

[ "$status" -eq 0 ] && touch "$cached"
exit "$status"
