#!/usr/bin/env bash
# Puts Debian 12's kubectl 1.20 (package kubernetes-client) under DEST
# (default build/kubectl-1.20), without installing it: /usr/bin/kubectl
# belongs to another package here, and the end-to-end tests run the same
# kubectl suite with both clients. A second run costs nothing.
set -euo pipefail

dest="${1:-$(dirname "$0")/../build/kubectl-1.20}"
binary="$dest/usr/bin/kubectl"
if [ -x "$binary" ]; then
    exit 0
fi
mkdir -p "$dest"
work="$(mktemp -d)"
chmod a+rwx "$work"  # apt-get download runs as _apt when it can
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download kubernetes-client >/dev/null)
dpkg-deb -x "$work"/kubernetes-client_*.deb "$dest"
"$binary" version --client --short >/dev/null 2>&1 || "$binary" version --client >/dev/null
echo "fetch-kubectl-1.20: $binary"
