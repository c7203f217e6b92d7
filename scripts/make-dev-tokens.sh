#!/usr/bin/env bash
# Writes var/kiod-tokens.csv for `make run` if it is not there yet: an admin
# token and a metrics reader's token, random, readable by this user only.
# They are generated rather than shipped so that no installation ever
# listens with a token anyone could read in the repository.
#
# Usage: scripts/make-dev-tokens.sh [FILE]   (default var/kiod-tokens.csv)
set -euo pipefail

file=${1:-var/kiod-tokens.csv}
[ -e "$file" ] && exit 0
mkdir -p "$(dirname "$file")"
umask 077
{
    echo "$(openssl rand -hex 24),admin,1000,\"system:masters\""
    echo "$(openssl rand -hex 24),prometheus,1001,\"kiod:metrics-readers\""
} >"$file"
echo "kiod: wrote $file: the admin token is its first field on line 1, the metrics reader's on line 2" >&2
