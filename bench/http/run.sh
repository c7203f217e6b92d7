#!/usr/bin/env bash
# HTTP/1.1 on loopback: kiod's trivial route (/livez, body "ok") against
# nginx serving a static file with the same body (the practical ceiling) and
# Poco's bare HTTPServer (what kiod is built on), measured in one run on one
# machine. Each server is pinned to CPU 0 and wrk to CPU 1, so every server
# gets the same single core and the load generator never competes with it.
#
# Usage: bench/http/run.sh [DURATION_SECONDS] [CONNECTIONS...]
#   defaults: 10 s, 16 and 64 connections. Run from the repository root after
#   `make build` (or through `make bench`). Prints a Markdown table.
set -euo pipefail

duration=${1:-10}
shift || true
connections=("${@:-16 64}")
read -r -a connections <<<"${connections[*]}"

root=$(cd "$(dirname "$0")/../.." && pwd)
kiod=$root/build/bin/kiod
bare=$root/build/bin/bare_poco_server
for tool in wrk nginx taskset; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh bench)" >&2; exit 1; }
done
[ -x "$kiod" ] && [ -x "$bare" ] || { echo "bench: build first (make build)" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || { echo "bench: needs 2 CPUs (server and load generator on separate cores)" >&2; exit 1; }

work=$(mktemp -d /tmp/kiod-bench-http.XXXXXX)
chmod 755 "$work"  # nginx's workers run as an unprivileged user when started by root
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/free-port.sh
source "$root/bench/free-port.sh"

# Waits until an HTTP server answers 200 on the port (at most 10 s); shows
# the server's log ($3) when it does not.
wait_http() {
    for _ in $(seq 100); do
        curl -fs "http://127.0.0.1:$1$2" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "bench: no 200 from http://127.0.0.1:$1$2; $3 says:" >&2
    cat "$3" >&2
    exit 1
}

threads=128  # Poco serves a connection per thread: enough for the most connections tried

kiod_port=$(free_port)
cat >"$work/kiod.ini" <<INI
[kiod]
modules = metrics
data_dir = $work/var
[log]
level = warning
[listener.bench]
address = 127.0.0.1:$kiod_port
threads = $threads
auth.open = true
[listener.metrics]
address = 127.0.0.1:$(free_port)
threads = 2
auth.open = true
INI
taskset -c 0 "$kiod" --config "$work/kiod.ini" >"$work/kiod.log" 2>&1 &
pids+=($!)

bare_port=$(free_port)
taskset -c 0 "$bare" "$bare_port" "$threads" >"$work/bare.log" 2>&1 &
pids+=($!)

nginx_port=$(free_port)
mkdir -p "$work/nginx/www"
printf ok >"$work/nginx/www/livez"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
worker_cpu_affinity 0001;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    # nginx at its best: no open/fstat/close per request
    open_file_cache max=16 inactive=60s;
    open_file_cache_valid 60s;
    default_type "text/plain; charset=utf-8";
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/nginx/www;
    }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
pids+=($!)

wait_http "$kiod_port" /livez "$work/kiod.log"
wait_http "$bare_port" / "$work/bare.log"
wait_http "$nginx_port" /livez "$work/nginx/error.log"

# Prints "requests/s p50 p99" for one wrk run.
measure() {
    local url=$1 conns=$2 out
    out=$(taskset -c 1 wrk -t1 -c"$conns" -d"${duration}s" --latency "$url")
    awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print rps, p50, p99}' <<<"$out"
}

echo "HTTP/1.1 keep-alive on loopback, body \"ok\"; servers on CPU 0, wrk -t1 on CPU 1, ${duration}s per run"
echo "$(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo
echo "| connections | server | requests/s | p50 | p99 | ratio to nginx |"
echo "|---|---|---|---|---|---|"
for conns in "${connections[@]}"; do
    # warm-up, so that thread pools and caches are filled for each server
    for url in "http://127.0.0.1:$nginx_port/livez" "http://127.0.0.1:$bare_port/" "http://127.0.0.1:$kiod_port/livez"; do
        taskset -c 1 wrk -t1 -c"$conns" -d1s "$url" >/dev/null
    done
    read -r nginx_rps nginx_p50 nginx_p99 < <(measure "http://127.0.0.1:$nginx_port/livez" "$conns")
    read -r bare_rps bare_p50 bare_p99 < <(measure "http://127.0.0.1:$bare_port/" "$conns")
    read -r kiod_rps kiod_p50 kiod_p99 < <(measure "http://127.0.0.1:$kiod_port/livez" "$conns")
    ratio() { awk -v a="$1" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a / b}'; }
    echo "| $conns | nginx (static file) | $nginx_rps | $nginx_p50 | $nginx_p99 | 1.00 |"
    echo "| $conns | Poco HTTPServer, bare | $bare_rps | $bare_p50 | $bare_p99 | $(ratio "$bare_rps") |"
    echo "| $conns | kiod /livez | $kiod_rps | $kiod_p50 | $kiod_p99 | $(ratio "$kiod_rps") |"
done
