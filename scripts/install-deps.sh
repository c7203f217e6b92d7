#!/usr/bin/env bash
# Installs the Debian 12 packages kiod needs to build, test and benchmark,
# and only those that are missing, so that a second run costs nothing.
set -euo pipefail

# Usage: install-deps.sh [build|bench]
#   build (default): what `make run` and `make test` need;
#   bench: that plus the load generator and the peers bench/ measures against.
packages=(
    build-essential cmake pkg-config
    libpoco-dev            # Foundation, Util, Net, NetSSL, Crypto, JSON
    prometheus-cpp-dev     # metrics registry and text serializer
    libssl-dev libsqlite3-dev sqlite3
    rapidjson-dev          # the catalog's JSON: header-only, parses and writes in place
    libboost-test-dev      # unit and end-to-end tests
    openssl curl
    jq                     # tests/k8s/check-manifests.sh (also needs kubectl, not installed here: skipped without it)
)
if [ "${1:-build}" = bench ]; then
    # nginx-light has the ssl module (bench/api serves HTTPS); etcd-server is
    # etcd 3.4 with its JSON gateway, bench/api's peer
    packages+=(wrk nginx-light etcd-server)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
