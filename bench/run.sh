#!/usr/bin/env bash
# palmbid benchmarks, side by side with the reference tools in one run:
#   1. `palmbid decrypt` against `openssl cms -decrypt` on the same
#      AuthEnvelopedData (AES-256-GCM), 1 GiB and 1 MiB: time, throughput
#      and peak RSS of each; `openssl speed` for the raw AES-256-GCM rate.
#   2. One PIN unlock (`palmbid sign` of an empty file: Argon2id m = 64 MiB,
#      t = 3, p = 1, then one ECDSA signature) against Debian's `argon2`
#      command with the same parameters.
#   3. The size of the stripped release cdylib for the apps (x86_64).
# Usage: [BENCH_DIR=DIR] bench/run.sh [SIZE_MIB]   (default 1024 MiB, DIR
# default /dev/shm). Prints Markdown tables.
# Needs: openssl, argon2, hyperfine, GNU time (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}

missing=()
command -v argon2 >/dev/null || missing+=(argon2)
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
if ((${#missing[@]})); then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

cargo build --release --locked -p palmbid-cli
palmbid_root=$PWD
palmbid=$PWD/target/release/palmbid
# BENCH_DIR: where the files go; /dev/shm (RAM) measures the tools rather
# than the disk, /var/tmp adds the disk (palmbid syncs its output, OpenSSL
# does not).
work=$(mktemp -d "${BENCH_DIR:-/dev/shm}/palmbid-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# A CA and a P-256 certificate with keyAgreement, imported into a fresh keystore.
openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -x509 -new -key ca.key -subj "/CN=bench CA/O=palmbid" -days 30 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign -out ca.pem
openssl ecparam -name prime256v1 -genkey -noout -out key.pem
openssl req -new -key key.pem -subj "/CN=bench/O=palmbid" -out req.pem
printf 'keyUsage=critical,digitalSignature,keyAgreement\n' > ext.cnf
openssl x509 -req -in req.pem -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
    -extfile ext.cnf -out cert.pem 2>/dev/null
pin=135790
printf '%s\n%s\n' "$pin" "$pin" | "$palmbid" --home home --pin-stdin import --key key.pem --cert cert.pem --chain ca.pem >/dev/null

peak_rss_kib() { # command... -> prints peak RSS in KiB
    /usr/bin/time -f '%M' -o rss.txt "$@" >/dev/null 2>&1
    cat rss.txt
}
seconds() { # command... -> prints wall seconds
    local start end
    start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}

echo "## Envelope decryption"
echo
echo "| envelope | tool | seconds | MiB/s | peak RSS MiB |"
echo "|---|---|---|---|---|"
for mib in 1 "$size_mib"; do
    head -c $((mib * 1024 * 1024)) /dev/urandom > plain.bin
    openssl cms -encrypt -binary -aes-256-gcm -outform DER -in plain.bin -out env.p7m cert.pem
    sync
    for tool in openssl palmbid; do
        rm -f out.bin
        if [ $tool = openssl ]; then
            cmd=(openssl cms -decrypt -binary -inform DER -in env.p7m -recip cert.pem -inkey key.pem -out out.bin)
        else
            cmd=(sh -c "echo $pin | '$palmbid' --home home --pin-stdin decrypt --in env.p7m --out out.bin")
        fi
        secs=$(seconds "${cmd[@]}")
        cmp -s plain.bin out.bin || { echo "error: $tool output differs from the plaintext" >&2; exit 1; }
        rm -f out.bin
        rss=$(peak_rss_kib "${cmd[@]}")
        awk -v mib="$mib" -v tool="$tool" -v s="$secs" -v rss="$rss" \
            'BEGIN { printf "| %s MiB | %s | %.2f | %.0f | %.1f |\n", mib, tool, s, mib / s, rss / 1024 }'
    done
done
echo
echo "Raw AES-256-GCM (openssl speed -evp aes-256-gcm, 16 KiB blocks):"
openssl speed -evp aes-256-gcm -bytes 16384 -seconds 2 2>/dev/null | tail -1
echo

echo "## PIN unlock (Argon2id m = 64 MiB, t = 3, p = 1)"
echo
: > empty.txt
hyperfine --warmup 1 --runs 10 --export-markdown unlock.md \
    -n "argon2 (Debian)" "echo -n $pin | argon2 0123456789abcdef -id -m 16 -t 3 -p 1 -l 32 -r" \
    -n "palmbid sign (unlock + ECDSA)" "echo $pin | $palmbid --home home --pin-stdin sign --in empty.txt --out empty.p7s" >/dev/null
cat unlock.md
echo
echo "## Mobile library size"
echo
lib="$palmbid_root/target/release/libpalmbid_ffi.so"
(cd "$palmbid_root" && cargo build --release --locked -p palmbid-ffi >/dev/null 2>&1)
strip -o libpalmbid_ffi.stripped.so "$lib"
echo "Stripped x86_64 cdylib: $(stat -c %s libpalmbid_ffi.stripped.so) bytes"
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
