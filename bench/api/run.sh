#!/usr/bin/env bash
# The aggregated API over HTTPS, in one run on one machine: kiod against
# etcd 3.4 (what kube-apiserver keeps objects in, through its JSON gateway:
# the peer) and nginx serving the same bytes from files (the limit).
#   1. GET of one object (about 1 KB of JSON);
#   2. LIST, a page of 500 objects;
#   3. durable creates with 32 connections, each of a new name;
#   4. watch fan-out: 1,000 watch streams, one write, time until all saw it.
# Servers are pinned to CPU 0 and the load generators (wrk, api_watch_fanout,
# the loaders) to CPU 1, so every server gets the same single core. All three
# speak TLS with self-signed certificates generated into the run's directory.
#
# Usage: bench/api/run.sh [options]
#   --seconds S       length of each measurement (default 10)
#   --connections C   wrk connections for GET and LIST (default 16)
#   --writers W       wrk connections for creates (default 32)
#   --watchers N      watch streams (default 1000)
#   --preload N       before kiod starts, load N BackupActions straight into
#                     its catalog with catalog_bench (backup-I in app-(I%100)),
#                     so that LIST can be measured at, say, 1000000 objects
#   --peers-only      measure etcd and nginx only (no kiod)
#   --kiod-set K=V    passed to kiod as --set K=V (repeatable)
# Run from the repository root after `make build`, with
# `scripts/install-deps.sh bench`. Prints Markdown tables. Exits 1 if any
# server failed; the kiod half fails (clearly, after the peers are measured)
# while the aggregatedapi module is not built or answers 404.
set -euo pipefail

duration=10
connections=16
writers=32
watchers=1000
preload=0
peers_only=0
kiod_sets=()
while [ $# -gt 0 ]; do
    case $1 in
    --seconds) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --writers) writers=$2; shift 2 ;;
    --watchers) watchers=$2; shift 2 ;;
    --preload) preload=$2; shift 2 ;;
    --peers-only) peers_only=1; shift ;;
    --kiod-set) kiod_sets+=(--set "$2"); shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
done

root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/bench/api
kiod=$root/build/bin/kiod
catalog_bench=$root/build/bin/catalog_bench
fanout=$root/build/bin/api_watch_fanout
for tool in wrk nginx etcd taskset curl openssl base64 jq ss; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh bench)" >&2; exit 1; }
done
for bin in "$kiod" "$catalog_bench" "$fanout"; do
    [ -x "$bin" ] || { echo "bench: $bin is missing: build first (make build)" >&2; exit 1; }
done
[ "$(nproc)" -ge 2 ] || { echo "bench: needs 2 CPUs (servers and load generators on separate cores)" >&2; exit 1; }
# a descriptor per watch stream, in the servers and in the generator
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((watchers + 200)) ] || { echo "bench: ulimit -n $(ulimit -n) is too low for $watchers watchers" >&2; exit 1; }

work=$(mktemp -d /tmp/kiod-bench-api.XXXXXX)
chmod 755 "$work" # nginx's workers run as an unprivileged user when started by root
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    # A server that has not stopped within 10 s (a watch stream that holds
    # kiod's stop, say) is killed, so that the run never hangs here.
    any_alive() {
        local p
        for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done
        return 1
    }
    for _ in $(seq 100); do
        any_alive || break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do
        kill -0 "$pid" 2>/dev/null || continue
        echo "bench: pid $pid did not stop on SIGTERM; killed" >&2
        kill -9 "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/free-port.sh
source "$root/bench/free-port.sh"
on_cpu1() { taskset -c 1 "$@"; }

# The kiod half: any failure is recorded here, reported with the tables, and
# makes the run exit 1; the peers are measured regardless.
kiod_error=""
[ "$peers_only" = 1 ] && kiod_error="not measured (--peers-only)"
kiod_fail() {
    [ -n "$kiod_error" ] || kiod_error=$1
    echo "bench: kiod: $1" >&2
}
peer_error=0

namespace=app-1
count=500
etcd_prefix=/registry/actions.kio.kasten.io/backupactions/$namespace/

# --- the objects ------------------------------------------------------------
# A BackupAction as kiod serves it, 1,024 bytes: NAME RESOURCEVERSION.
served_object() {
    local name=$1 rv=$2 head tail pad
    head='{"apiVersion":"actions.kio.kasten.io/v1alpha1","kind":"BackupAction","metadata":{"name":"'$name'","namespace":"'$namespace'","uid":"'$(printf '%08x-0000-4000-8000-%012x' "$rv" "$rv")'","resourceVersion":"'$rv'","generation":1,"creationTimestamp":"2026-11-24T00:00:00Z","labels":{"k10.kasten.io/appName":"'$namespace'","k10.kasten.io/appNamespace":"'$namespace'","k10.kasten.io/policyName":"policy-1","k10.kasten.io/runActionName":"run-1"},"annotations":{"bench.kio.kasten.io/padding":"'
    tail='"}},"spec":{"subject":{"name":"'$namespace'","namespace":"'$namespace'"}},"status":{"state":"Pending"}}'
    pad=$((1024 - ${#head} - ${#tail}))
    printf '%s%*s%s' "$head" "$pad" '' "$tail" | tr ' ' x
}
# What a client creates (kiod adds uid, resourceVersion, generation,
# creationTimestamp and status, about 1 KB in all); @NAME@ is filled in.
mkdir -p "$work/objects"
served_object @NAME@ 1 | sed -e 's/"uid":"[^"]*",//; s/"resourceVersion":"[^"]*",//; s/"generation":1,//' \
    -e 's/"creationTimestamp":"[^"]*",//; s/,"status":{[^}]*}//' >"$work/objects/create.json"
served_object "bench-0" 1 >"$work/objects/object.json"
{
    printf '{"kind":"BackupActionList","apiVersion":"actions.kio.kasten.io/v1alpha1","metadata":{"resourceVersion":"%d","continue":"eyJ2IjoxLCJydiI6NTAwLCJzdGFydCI6ImJlbmNoLTQ5OSJ9"},"items":[' $count
    for i in $(seq 0 $((count - 1))); do
        [ "$i" = 0 ] || printf ,
        served_object "bench-$i" $((i + 1))
    done
    printf ']}'
} >"$work/objects/list-500.json"

# --- TLS --------------------------------------------------------------------
mkdir -p "$work/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=kiod-bench \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$work/tls/key.pem" -out "$work/tls/cert.pem" 2>/dev/null

# --- kiod -------------------------------------------------------------------
kiod_port=$(free_port)
if [ -z "$kiod_error" ]; then
    mkdir -p "$work/kiod/catalog"
    if [ "$preload" -gt 0 ]; then
        echo "bench: preloading $preload objects into kiod's catalog (catalog_bench load)" >&2
        "$catalog_bench" load "$work/kiod/catalog" "$preload" >&2
    fi
    cat >"$work/kiod.ini" <<INI
[kiod]
modules = metrics, catalog, aggregatedapi
data_dir = $work/kiod
; watch streams in flight would otherwise hold the stop for 30 s
shutdown_grace = 1s
[log]
level = warning
[listener.api]
address = 127.0.0.1:$kiod_port
tls.auto = true
auth.open = true
[listener.metrics]
address = 127.0.0.1:$(free_port)
threads = 2
auth.open = true
INI
    taskset -c 0 "$kiod" --config "$work/kiod.ini" "${kiod_sets[@]}" >"$work/kiod.log" 2>&1 &
    pids+=($!)
    kiod_pid=$!
fi

# --- etcd -------------------------------------------------------------------
etcd_port=$(free_port)
etcd_peer_port=$(free_port)
taskset -c 0 etcd --name bench --data-dir "$work/etcd" \
    --listen-client-urls "https://127.0.0.1:$etcd_port" --advertise-client-urls "https://127.0.0.1:$etcd_port" \
    --cert-file "$work/tls/cert.pem" --key-file "$work/tls/key.pem" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "bench=http://127.0.0.1:$etcd_peer_port" --log-level warn >"$work/etcd.log" 2>&1 &
pids+=($!)

# --- nginx ------------------------------------------------------------------
nginx_port=$(free_port)
mkdir -p "$work/nginx/www"
cp "$work/objects/object.json" "$work/objects/list-500.json" "$work/nginx/www/"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
worker_cpu_affinity 0001;
worker_rlimit_nofile 65536;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    # nginx at its best: no open/fstat/close per request
    open_file_cache max=16 inactive=60s;
    open_file_cache_valid 60s;
    default_type application/json;
    server {
        listen 127.0.0.1:$nginx_port ssl;
        ssl_certificate $work/tls/cert.pem;
        ssl_certificate_key $work/tls/key.pem;
        root $work/nginx/www;
    }
}
CONF
taskset -c 0 nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
pids+=($!)

# Waits until a server answers 200 on URL (at most 20 s); $2 is its log.
wait_https() {
    for _ in $(seq 200); do
        curl -fsk "$1" >/dev/null 2>&1 && return 0
        [ -z "${3:-}" ] || kill -0 "$3" 2>/dev/null || break
        sleep 0.1
    done
    echo "bench: no 200 from $1; its log says:" >&2
    tail -20 "$2" >&2
    return 1
}
etcd_url=https://127.0.0.1:$etcd_port
nginx_url=https://127.0.0.1:$nginx_port
kiod_url=https://127.0.0.1:$kiod_port
collection=$kiod_url/apis/actions.kio.kasten.io/v1alpha1/namespaces/$namespace/backupactions
wait_https "$etcd_url/health" "$work/etcd.log"
wait_https "$nginx_url/object.json" "$work/nginx/error.log"
if [ -z "$kiod_error" ]; then
    # Without the aggregatedapi module kiod exits at once, saying so:
    # "kiod: cannot start: module aggregatedapi: libkiod_aggregatedapi.so not found in module_path".
    wait_https "$kiod_url/readyz" "$work/kiod.log" "$kiod_pid" 2>/dev/null ||
        kiod_fail "kiod did not become ready: $(tail -3 "$work/kiod.log" | tr '\n' ' ')"
fi
if [ -z "$kiod_error" ]; then
    code=$(curl -sk -o "$work/discovery.json" -w '%{http_code}' "$kiod_url/apis/actions.kio.kasten.io/v1alpha1")
    [ "$code" = 200 ] || kiod_fail "GET /apis/actions.kio.kasten.io/v1alpha1 answered $code, not 200: the aggregated API is not served ($(head -c 200 "$work/discovery.json"))"
fi

# --- load -------------------------------------------------------------------
# One curl process per server, every request on one keep-alive connection.
# Prints the HTTP codes that were not 200 or 201, with their counts.
curl_batch() {
    on_cpu1 curl -sk -K "$1" | sort | uniq -c | awk '$2 != 200 && $2 != 201 {print $2 " x" $1}'
}
echo "bench: loading $count objects into etcd$([ -n "$kiod_error" ] || echo " and kiod")" >&2
for i in $(seq 0 $((count - 1))); do
    printf 'url = "%s/v3/kv/put"\ninsecure\ndata = "{\\"key\\":\\"%s\\",\\"value\\":\\"%s\\"}"\noutput = /dev/null\nwrite-out = "%%{http_code}\\n"\n%s\n' \
        "$etcd_url" "$(printf '%s' "${etcd_prefix}bench-$i" | base64 -w0)" \
        "$(served_object "bench-$i" $((i + 1)) | base64 -w0)" "$([ "$i" = $((count - 1)) ] || echo next)"
done >"$work/etcd-load.curl"
bad=$(curl_batch "$work/etcd-load.curl")
[ -z "$bad" ] || { echo "bench: etcd refused puts: $bad" >&2; exit 1; }
if [ -z "$kiod_error" ]; then
    for i in $(seq 0 $((count - 1))); do
        printf 'url = "%s"\ninsecure\nheader = "Content-Type: application/json"\ndata = "%s"\noutput = /dev/null\nwrite-out = "%%{http_code}\\n"\n%s\n' \
            "$collection" "$(sed "s/@NAME@/bench-$i/" "$work/objects/create.json" | sed 's/"/\\"/g')" \
            "$([ "$i" = $((count - 1)) ] || echo next)"
    done >"$work/kiod-load.curl"
    bad=$(curl_batch "$work/kiod-load.curl")
    [ -z "$bad" ] || kiod_fail "POST $collection answered $bad (of $count creates)"
fi
etcd_prefix_end=${etcd_prefix%/}0 # the next key after every key under the prefix
printf '{"key":"%s"}' "$(printf '%s' "${etcd_prefix}bench-0" | base64 -w0)" >"$work/etcd-get.json"
printf '{"key":"%s","range_end":"%s","limit":%d}' "$(printf '%s' "$etcd_prefix" | base64 -w0)" \
    "$(printf '%s' "$etcd_prefix_end" | base64 -w0)" $count >"$work/etcd-list.json"

# Checks one response of each kind before measuring: status, size, item count.
# Prints the size in bytes.
probe() { # NAME URL [BODY_FILE] JQ_COUNT WANT
    local name=$1 url=$2 body=$3 count_expr=$4 want=$5 code got
    if [ -n "$body" ]; then
        code=$(curl -sk -o "$work/probe" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$body" "$url")
    else
        code=$(curl -sk -o "$work/probe" -w '%{http_code}' "$url")
    fi
    got=$(jq -r "$count_expr" "$work/probe" 2>/dev/null || echo "not JSON")
    if [ "$code" != 200 ] || [ "$got" != "$want" ]; then
        echo "bench: $name: $url answered $code with $got where $want was expected: $(head -c 300 "$work/probe")" >&2
        return 1
    fi
    stat -c %s "$work/probe"
}
size_nginx_get=$(probe "nginx GET" "$nginx_url/object.json" "" .metadata.name bench-0)
size_nginx_list=$(probe "nginx LIST" "$nginx_url/list-500.json" "" '.items | length' $count)
size_etcd_get=$(probe "etcd GET" "$etcd_url/v3/kv/range" "$work/etcd-get.json" '.kvs | length' 1)
size_etcd_list=$(probe "etcd LIST" "$etcd_url/v3/kv/range" "$work/etcd-list.json" '.kvs | length' $count)
size_kiod_get="" size_kiod_list=""
if [ -z "$kiod_error" ]; then
    size_kiod_get=$(probe "kiod GET" "$collection/bench-0" "" .metadata.name bench-0) ||
        kiod_fail "GET $collection/bench-0 failed (above)"
fi
if [ -z "$kiod_error" ]; then
    size_kiod_list=$(probe "kiod LIST" "$collection?limit=$count" "" '.items | length' $count) ||
        kiod_fail "GET $collection?limit=$count failed (above)"
fi

# --- measurements -----------------------------------------------------------
# Prints "requests/s p50 p99 errors" for one wrk run (after a 1 s warm-up).
measure() { # CONNECTIONS URL [LUA_SCRIPT [SCRIPT_ARGS...]]
    local conns=$1 url=$2 script=${3:-} out errors
    shift 2
    shift || true
    # a slow answer counts in the latencies rather than as an error
    local args=(-t1 -c"$conns" --timeout 10s ${script:+-s "$script"} "$url" -- "$@")
    on_cpu1 wrk -d1s "${args[@]}" >/dev/null
    out=$(on_cpu1 wrk -d"${duration}s" --latency "${args[@]}")
    errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")
    [ "$errors" = 0 ] || grep -E 'Non-2xx|Socket errors' <<<"$out" | sed "s|^|bench: $url: |" >&2
    awk -v e="$errors" '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print rps, p50, p99, e}' <<<"$out"
}
declare -A rps p50 p99
# run KEY IS_KIOD CONNECTIONS URL [LUA_SCRIPT [ARGS...]]: fills rps[KEY] and so on.
run() {
    local key=$1 is_kiod=$2 r a b e
    shift 2
    if [ "$is_kiod" = 1 ] && [ -n "$kiod_error" ]; then return; fi
    read -r r a b e < <(measure "$@")
    if [ "$e" != 0 ]; then
        echo "bench: $key: $e requests failed (non-2xx or socket errors)" >&2
        if [ "$is_kiod" = 1 ]; then kiod_fail "$key: $e requests failed"; return; fi
        peer_error=1
    fi
    rps[$key]=$r p50[$key]=$a p99[$key]=$b
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: measuring, ${duration}s each" >&2
run nginx_get 0 "$connections" "$nginx_url/object.json"
run etcd_get 0 "$connections" "$etcd_url/v3/kv/range" "$here/post.lua" "$work/etcd-get.json"
run kiod_get 1 "$connections" "$collection/bench-0"
run nginx_list 0 "$connections" "$nginx_url/list-500.json"
run etcd_list 0 "$connections" "$etcd_url/v3/kv/range" "$here/post.lua" "$work/etcd-list.json"
run kiod_list 1 "$connections" "$collection?limit=$count"
sed "s/@NAMESPACE@/$namespace/" "$work/objects/create.json" >"$work/objects/create-template.json"
run etcd_create 0 "$writers" "$etcd_url/v3/kv/put" "$here/create.lua" etcd "$work/objects/create-template.json" "/registry/bench/creates/"
run kiod_create 1 "$writers" "$collection" "$here/create.lua" kiod "$work/objects/create-template.json"

# Watch fan-out: prints "open_s last_ms p50_ms p99_ms".
fanout() { # etcd|kiod PORT
    local out
    out=$(on_cpu1 "$fanout" "$1" "127.0.0.1:$2" "$work/objects/create-template.json" --watchers "$watchers" \
        --rounds 5 --namespace "$namespace" --timeout 60 2>&1) || { echo "$out" >&2; return 1; }
    echo "$out" | sed 's/^/  /' >&2
    sed -n 's/^fanout .* open_s=\([^ ]*\) last_ms=\([^ ]*\) p50_ms=\([^ ]*\) p99_ms=\([^ ]*\)$/\1 \2 \3 \4/p' <<<"$out"
}
declare -A fan
echo "bench: watch fan-out, $watchers watchers" >&2
fan[etcd]=$(fanout etcd "$etcd_port") || { echo "bench: etcd watch fan-out failed" >&2; peer_error=1; }
if [ -z "$kiod_error" ]; then
    fan[kiod]=$(fanout kiod "$kiod_port") || kiod_fail "watch fan-out failed (above)"
fi

# --- report -----------------------------------------------------------------
ratio() { # A B: A/B, or "" when either is missing
    [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}' || true
}
missing() { # KEY: what a table says for a measurement that is not there
    if [ "${1%%_*}" = kiod ] && [ -n "$kiod_error" ]; then echo "not measured (see below)"; else echo failed; fi
}
row() { # LABEL KEY SIZE: a GET or LIST row
    local key=$2 op=${2#*_} r=${rps[$2]:-}
    if [ -z "$r" ]; then echo "| $1 | ${3:-} | $(missing "$key") | | | | |"; return; fi
    echo "| $1 | ${3:-} | $r | ${p50[$key]} | ${p99[$key]} | $(ratio "$r" "${rps[etcd_$op]:-}") | $(ratio "$r" "${rps[nginx_$op]:-}") |"
}
create_row() { # LABEL KEY
    local key=$2 r=${rps[$2]:-}
    if [ -z "$r" ]; then echo "| $1 | $(missing "$key") | | | |"; return; fi
    echo "| $1 | $r | ${p50[$key]} | ${p99[$key]} | $(ratio "$r" "${rps[etcd_create]:-}") |"
}
echo "Aggregated API over TLS on loopback; servers on CPU 0, wrk -t1 and api_watch_fanout on CPU 1, ${duration}s per run"
echo "load average before the measurements $load_before, after $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine shows here)"
echo "$(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); etcd $(etcd --version | awk '/etcd Version/ {print $3}'), nginx $(nginx -v 2>&1 | sed 's|.*/||'); kiod at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$([ "$preload" = 0 ] || echo ", $preload objects preloaded")"
echo
echo "GET of one object, $connections connections"
echo
echo "| server | bytes | requests/s | p50 | p99 | ratio to etcd | ratio to nginx |"
echo "|---|---|---|---|---|---|---|"
row "nginx (static file)" nginx_get "$size_nginx_get"
row "etcd range, one key" etcd_get "$size_etcd_get"
row "kiod GET" kiod_get "$size_kiod_get"
echo
echo "LIST of a page of $count objects, $connections connections"
echo
echo "| server | bytes | requests/s | p50 | p99 | ratio to etcd | ratio to nginx |"
echo "|---|---|---|---|---|---|---|"
row "nginx (static file)" nginx_list "$size_nginx_list"
row "etcd range, prefix, limit $count" etcd_list "$size_etcd_list"
row "kiod LIST ?limit=$count" kiod_list "$size_kiod_list"
echo
echo "Durable creates of new objects, $writers connections"
echo
echo "| server | creates/s | p50 | p99 | ratio to etcd |"
echo "|---|---|---|---|---|"
create_row "etcd put" etcd_create
create_row "kiod POST" kiod_create
echo
echo "Watch fan-out: $watchers streams, one create, median of 5 rounds"
echo
echo "| server | streams open in | all $watchers saw it | p50 | p99 |"
echo "|---|---|---|---|---|"
for server in etcd kiod; do
    if [ -n "${fan[$server]:-}" ]; then
        read -r open last a b <<<"${fan[$server]}"
        echo "| $server | $open s | $last ms | $a ms | $b ms |"
    else
        echo "| $server | $(missing "${server}_fanout") | | | |"
    fi
done
[ -z "$kiod_error" ] || printf '\nkiod: not measured: %s\n' "$kiod_error"

status=0
[ "$peer_error" = 0 ] || { echo "bench: a peer failed (above)" >&2; status=1; }
if [ -n "$kiod_error" ] && [ "$peers_only" = 0 ]; then
    echo "bench: FAILED: the kiod half was not measured: $kiod_error" >&2
    status=1
fi
exit $status
