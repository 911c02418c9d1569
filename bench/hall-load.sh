#!/usr/bin/env bash
# Load benchmark of the bid-opening hall: the platform and N phones in one
# process on loopback (see platform/benches/hall_load.rs for what is timed).
# Usage: bench/hall-load.sh [BIDDERS [STREAMS]]   (default 200 and 1000)
# Prints a Markdown table; the set-up's progress goes to standard error.
set -euo pipefail
cd "$(dirname "$0")/.."
bidders=${1:-200}
streams=${2:-1000}
# One connection a stream on each side, plus the database and the bidders'
# HTTP pools: well above the usual default of 1024 open files.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((2 * streams + 4 * bidders + 256)) ]; then
    echo "error: the open-file limit $(ulimit -n) is too low for $streams streams; raise it (ulimit -n)" >&2
    exit 1
fi
echo "hall load: $bidders bidders, $streams event streams, $(nproc) cores" >&2
cargo bench --locked -q -p palmbid-platform --bench hall_load -- --bidders "$bidders" --streams "$streams"
