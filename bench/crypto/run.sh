#!/usr/bin/env bash
# The crypto core in process against OpenSSL itself, in one run on one
# machine:
#   1. AES-256-GCM over 1 MiB payloads through Keyring::encrypt and decrypt
#      (what a caller with a 1 MiB payload uses; the stream format, for
#      payloads above 64 MiB, is shown beside it), against
#      `openssl speed -evp aes-256-gcm -bytes 1048576`, encrypting and
#      decrypting: the cipher alone on the same library;
#   2. data keys generated (Keyring::generateDataKey) and unwrapped
#      (Keyring::unwrap) per second on one core, against
#      `openssl speed -aead -evp aes-256-gcm -bytes 32`: one AEAD operation
#      on 32 bytes with the key set up once and no random nonce, the most a
#      data key operation could reach;
#   3. decrypt requests per second over HTTP with 32 connections: kiod on
#      CPU 0 with the crypto service on its internal listener, `wrk -t1
#      -c32` on CPU 1 posting one sealed message to POST /crypto/v1/decrypt,
#      against the same wrk on the same kiod's trivial route (/livez, as
#      bench/http measures it).
# Then, once, the pieces of a data key operation each alone (crypto_bench
# parts): where its time goes.
# Every program runs pinned to CPU 0, one after the other. Each measurement
# is repeated ROUNDS times, the programs taking turns, and the median is
# reported, so that one disturbed run on a shared machine does not decide.
#
# Usage: bench/crypto/run.sh [SECONDS [ROUNDS]]
#   defaults: 2 s per measurement, 3 rounds (about a minute in all). Run
#   from the repository root after `make build` (or through
#   `make bench-crypto`). Prints Markdown tables.
set -euo pipefail

seconds=${1:-2}
rounds=${2:-3}
[[ $seconds =~ ^[1-9][0-9]*$ && $rounds =~ ^[1-9][0-9]*$ ]] ||
    { echo "bench: SECONDS and ROUNDS are whole numbers (openssl speed counts whole seconds)" >&2; exit 64; }
payload_bytes=1048576
data_key_goal=500000
throughput_goal=0.9

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$root/build/bin/crypto_bench
kiod=$root/build/bin/kiod
for tool in openssl taskset wrk curl; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh bench)" >&2; exit 1; }
done
if [ ! -x "$bench" ] || [ ! -x "$kiod" ]; then
    echo "bench: build first (make build)" >&2
    exit 1
fi
[ "$(nproc)" -ge 2 ] || { echo "bench: needs 2 CPUs (kiod and wrk on separate cores)" >&2; exit 1; }

work=$(mktemp -d /tmp/kiod-bench-crypto.XXXXXX)
kiod_pid=
cleanup() {
    [ -z "$kiod_pid" ] || kill "$kiod_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
on_cpu0() { taskset -c 0 "$@"; }

declare -A samples
# record KEY VALUE: one round's figure.
record() { samples[$1]="${samples[$1]:-} $2"; }
median() { # KEY
    tr ' ' '\n' <<<"${samples[$1]}" | sed '/^$/d' | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}

# Records one `openssl speed` run on BYTES-byte blocks as KEY: bytes per
# second, or with "per-op", operations per second. Its machine-readable
# "+F:N:NAME:VALUE" line holds the bytes per second for the one block size
# asked for. -elapsed divides by wall-clock time, as crypto_bench does.
record_openssl() { # KEY BYTES bytes|per-op [OPTIONS...]
    local key=$1 bytes=$2 divisor=1 value
    if [ "$3" = per-op ]; then divisor=$bytes; fi
    shift 3
    value=$(on_cpu0 openssl speed -elapsed -seconds "$seconds" -bytes "$bytes" -mr "$@" -evp aes-256-gcm 2>/dev/null |
        awk -F: -v divisor="$divisor" '/^\+F:/ {printf "%.0f", $4 / divisor}') || true
    [ -n "$value" ] || { echo "bench: openssl speed $* -bytes $bytes gave no figure" >&2; exit 1; }
    record "$key" "$value"
}
# Records every "name value" line of one crypto_bench run.
record_bench() { # MODE ARGS...
    local out key value
    out=$(on_cpu0 "$bench" "$@")
    while read -r key value; do record "$key" "$value"; done <<<"$out"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: $rounds rounds, ${seconds}s per measurement, on CPU 0" >&2
for round in $(seq "$rounds"); do
    echo "bench: round $round" >&2
    record_openssl openssl_encrypt $payload_bytes bytes
    record_openssl openssl_decrypt $payload_bytes bytes -decrypt
    record_bench payload "$seconds" $payload_bytes
    record_openssl openssl_seal_32 32 per-op -aead
    record_openssl openssl_open_32 32 per-op -aead -decrypt
    record_bench datakeys "$seconds"
done
record_bench parts "$seconds"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- 3. decrypt requests per second over HTTP ------------------------------
# kiod with the catalog and crypto modules, the service on its internal
# listener, on CPU 0; wrk on CPU 1. Both routes are on the same listener, so
# the only difference is the decrypt: parsing the JSON, base64, the
# keyring, and the answer.
# shellcheck source=bench/free-port.sh
source "$root/bench/free-port.sh"
http_seconds=$((seconds < 5 ? 5 : seconds))
port=$(free_port)
printf 'benchmark passphrase\n' >"$work/passphrase"
cat >"$work/kiod.ini" <<INI
[kiod]
modules = catalog, crypto
data_dir = $work/var
[log]
level = warning
[listener.api]
address = 127.0.0.1:$(free_port)
threads = 2
auth.open = true
[listener.internal]
address = 127.0.0.1:$port
threads = 64
auth.open = true
[crypto]
passphrase_file = $work/passphrase
listener = internal
INI
taskset -c 0 "$kiod" --config "$work/kiod.ini" >"$work/kiod.log" 2>&1 &
kiod_pid=$!
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fs "http://127.0.0.1:$port/readyz" >/dev/null ||
    { echo "bench: kiod did not become ready; its log:" >&2; cat "$work/kiod.log" >&2; exit 1; }
owner='{"catalogId": "catalog-1", "scope": "restorepoint/rp-1", "purpose": "metadata"}'
# 256 bytes of metadata, sealed once; every request decrypts it.
plaintext=$(head -c 256 /dev/urandom | base64 -w0)
ciphertext=$(curl -fs "http://127.0.0.1:$port/crypto/v1/encrypt" \
    -d "{\"owner\": $owner, \"plaintext\": \"$plaintext\"}" | sed -E 's/.*"ciphertext":"([^"]*)".*/\1/')
cat >"$work/decrypt.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"owner": $owner, "ciphertext": "$ciphertext"}'
LUA
decrypted=$(curl -fs "http://127.0.0.1:$port/crypto/v1/decrypt" -d "{\"owner\": $owner, \"ciphertext\": \"$ciphertext\"}")
[[ $decrypted == *"$plaintext"* ]] || { echo "bench: decrypt does not round-trip: $decrypted" >&2; exit 1; }
record_wrk() { # KEY PATH [SCRIPT]
    local out value
    out=$(taskset -c 1 wrk -t1 -c32 -d"${http_seconds}s" ${3:+-s "$3"} "http://127.0.0.1:$port$2")
    if grep -q "Non-2xx" <<<"$out"; then
        echo "bench: $2 answered errors under load: $out" >&2
        exit 1
    fi
    value=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
    [ -n "$value" ] || { echo "bench: wrk on $2 gave no figure" >&2; exit 1; }
    record "$1" "$value"
}
taskset -c 1 wrk -t1 -c32 -d1s "http://127.0.0.1:$port/livez" >/dev/null  # warm-up
for round in $(seq "$rounds"); do
    echo "bench: HTTP round $round" >&2
    record_wrk http_livez /livez
    record_wrk http_decrypt /crypto/v1/decrypt "$work/decrypt.lua"
done
http_goal=0.5

# --- report ----------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
mb() { awk -v v="$1" 'BEGIN {printf "%.0f", v / 1e6}'; }
met() { # VALUE GOAL: whether VALUE reaches GOAL
    awk -v v="$1" -v g="$2" 'BEGIN {print (v >= g ? "met" : "**not met**")}'
}
# LABEL OURS_KEY PEER_KEY [goal]: a row in MB/s; with "goal", judged
# against the throughput goal.
throughput_row() {
    local ours peer r goal="" verdict=""
    ours=$(median "$2")
    peer=$(median "$3")
    r=$(ratio "$ours" "$peer")
    if [ -n "${4:-}" ]; then
        goal="≥ $throughput_goal of openssl"
        verdict=$(met "$r" $throughput_goal)
    fi
    echo "| $1 | $(mb "$ours") | $(mb "$peer") | $r | $goal | $verdict |"
}
data_key_row() { # LABEL OURS_KEY PEER_KEY
    local ours peer
    ours=$(median "$2")
    peer=$(median "$3")
    echo "| $1 | $ours | $peer | $(ratio "$ours" "$peer") | ≥ $data_key_goal/s | $(met "$ours" $data_key_goal) |"
}
echo "Crypto core, one thread on CPU 0, median of $rounds rounds of ${seconds}s"
echo "load average before $load_before, after $load_after (other work on the machine shows here)"
echo "$(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(openssl version); kiod at $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)"
echo
echo "AES-256-GCM over $payload_bytes-byte payloads, MB/s (10^6 bytes)"
echo
echo "| measure | kiod | openssl speed | ratio | goal | |"
echo "|---|---|---|---|---|---|"
throughput_row "Keyring::encrypt (seal)" keyring_encrypt_bytes_per_second openssl_encrypt goal
throughput_row "Keyring::decrypt (open)" keyring_decrypt_bytes_per_second openssl_decrypt goal
throughput_row "stream format, 64 KiB segments, seal" stream_encrypt_bytes_per_second openssl_encrypt
throughput_row "stream format, 64 KiB segments, open" stream_decrypt_bytes_per_second openssl_decrypt
echo
echo "Data keys per second on one core (peer: one AES-256-GCM operation on 32 bytes, key set up once)"
echo
echo "| measure | kiod | openssl speed -aead | ratio | goal | |"
echo "|---|---|---|---|---|---|"
data_key_row "Keyring::generateDataKey" generate_data_keys_per_second openssl_seal_32
data_key_row "Keyring::unwrap" unwraps_per_second openssl_open_32
echo
echo "The pieces of a data key operation, each alone, µs"
echo
echo "| piece | µs |"
echo "|---|---|"
echo "| RAND_bytes, 12 bytes (one call per value, as before DrbgBatch) | $(median rand_bytes_12_us) |"
echo "| a nonce from the thread's DrbgBatch | $(median nonce_from_batch_us) |"
echo "| a data key from the process's DrbgBatch, in the secure heap | $(median key_from_batch_us) |"
echo "| a cipher context made, keyed with the root key, freed (each operation) | $(median context_new_keyed_freed_us) |"
echo "| a kept context re-keyed (twice per operation to keep no key schedule) | $(median context_rekeyed_us) |"
echo "| seal of 32 bytes with 64 bytes of associated data, context keyed | $(median seal_32_bytes_keyed_us) |"
echo
echo "Requests per second over HTTP/1.1 on loopback, kiod on CPU 0, wrk -t1 -c32 on CPU 1, median of $rounds rounds of ${http_seconds}s"
echo
echo "| measure | kiod | peer: kiod /livez | ratio | goal | |"
echo "|---|---|---|---|---|---|"
decrypt_rps=$(median http_decrypt)
livez_rps=$(median http_livez)
decrypt_ratio=$(ratio "$decrypt_rps" "$livez_rps")
echo "| POST /crypto/v1/decrypt, 256-byte message | $decrypt_rps | $livez_rps | $decrypt_ratio | ≥ $http_goal of /livez | $(met "$decrypt_ratio" $http_goal) |"
