#!/usr/bin/env bash
# Offline checks of etc/k8s/, with no cluster (kubectl's --dry-run needs one
# for its REST mapping, so it cannot be used here):
#   1. every file parses as Kubernetes objects (kubectl ... --local);
#   2. the Deployment, Service and bindings decode into their Go types, and
#      no field of ours is dropped by that decode (a misspelt field would be);
#   3. kiod-admin and kiod-basic name every resource of
#      shared/api/RESOURCES.md with its verbs and its status and details
#      subresources;
#   4. the ConfigMap's kiod.ini passes `kiod --check-config`, with the files
#      it names under /etc/kiod/ in a temporary directory: etc/kiod-rules.json
#      as the rules, and a generated front-proxy CA.
# What it cannot check offline: the schemas of APIService, ConfigMap, PVC,
# Namespace and ClusterRole fields (those are parsed, not typed).
#
# Usage: tests/k8s/check-manifests.sh [K8S_DIR] [KIOD_BINARY]
# Exit 0 passed, 1 failed, 77 skipped (kubectl or jq missing).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$root/etc/k8s}
kiod=${2:-$root/build/bin/kiod}
resources_md=$root/../shared/api/RESOURCES.md

for tool in kubectl jq openssl; do
    command -v "$tool" >/dev/null || { echo "check-manifests: $tool is missing; skipped"; exit 77; }
done
# Never reach for a cluster, even if a kubeconfig is around.
export KUBECONFIG=/dev/null
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# 1. Parse everything.
names=$(kubectl label --local -f "$dir" kiod-check=1 -o name) || { fail "kubectl cannot parse $dir"; names=""; }
echo "parsed: $(wc -l <<<"$names" | tr -d ' ') objects"
for want in namespace/kiod-system serviceaccount/kiod configmap/kiod-config \
    persistentvolumeclaim/kiod-data deployment.apps/kiod service/kiod \
    apiservice.apiregistration.k8s.io/v1alpha1.actions.kio.kasten.io \
    apiservice.apiregistration.k8s.io/v1alpha1.apps.kio.kasten.io \
    apiservice.apiregistration.k8s.io/v1alpha1.vault.kio.kasten.io \
    rolebinding.rbac.authorization.k8s.io/kiod-auth-reader \
    clusterrolebinding.rbac.authorization.k8s.io/kiod:system:auth-delegator \
    clusterrole.rbac.authorization.k8s.io/kiod-admin \
    clusterrole.rbac.authorization.k8s.io/kiod-basic; do
    grep -qxF "$want" <<<"$names" || fail "no $want in $dir"
done

# 2. Typed decode: `kubectl set ... --local` decodes into the Go type (a
# wrong type fails) and drops unknown fields, which the path diff shows.
leaf_paths='[paths(scalars) | map(if type == "number" then "[]" else . end) | join(".")] | unique | .[]'
typed_check() {
    local file=$1
    shift
    local parsed typed dropped
    parsed=$(kubectl annotate --local -f "$dir/$file" kiod-check=1 -o json | jq -r "$leaf_paths" | grep -v kiod-check) || true
    if ! typed=$(kubectl "$@" --local -f "$dir/$file" -o json 2>&1); then
        fail "$file does not decode: $typed"
        return
    fi
    typed=$(jq -r "$leaf_paths" <<<"$typed")
    dropped=$(comm -23 <(sort <<<"$parsed") <(sort <<<"$typed"))
    [ -z "$dropped" ] || fail "$file: fields the API does not know: $dropped"
    echo "typed: $file"
}
typed_check 04-deployment.yaml set env KIOD_CHECK=1
typed_check 05-service.yaml set selector app.kubernetes.io/name=kiod
typed_check 07-auth-delegation.yaml set subject --user=kiod-check

# 3. RBAC against RESOURCES.md.
if [ -r "$resources_md" ]; then
    roles=$(kubectl annotate --local -f "$dir/08-clusterroles.yaml" kiod-check=1 -o json |
        jq -r '(if .kind == "List" then .items[] else . end) | .metadata.name as $role
               | .rules[] | .apiGroups[] as $g | .resources[] as $r | .verbs[] as $v
               | "\($role) \($g) \($r) \($v)"')
    has() { grep -qxF "$1 $2 $3 $4" <<<"$roles"; }
    # Rows "| Kind | plural | scope | verbs | subresources |" under "## group".
    checked=0
    while IFS='|' read -r group plural verbs subresources; do
        checked=$((checked + 1))
        [ "$verbs" = same ] && verbs="create get list watch delete deletecollection"
        for verb in $verbs; do
            case $verb in create | get | list | watch | delete | deletecollection | update | patch) ;; *) continue ;; esac
            has kiod-admin "$group" "$plural" "$verb" || fail "kiod-admin lacks $verb on $plural.$group"
        done
        if [ "$verbs" != "create only; never stored" ]; then
            for verb in get list watch; do
                has kiod-basic "$group" "$plural" "$verb" || fail "kiod-basic lacks $verb on $plural.$group"
            done
        fi
        for sub in status details; do
            [[ $subresources == *$sub* ]] || continue
            has kiod-admin "$group" "$plural/$sub" get || fail "kiod-admin lacks get on $plural/$sub.$group"
            has kiod-basic "$group" "$plural/$sub" get || fail "kiod-basic lacks get on $plural/$sub.$group"
        done
    done < <(awk -F'|' '
        /^## [a-z]+\.kio\.kasten\.io/ { group = $0; sub(/^## /, "", group); sub(/ .*/, "", group) }
        group != "" && /^\| [A-Z]/ && $2 !~ /Kind/ {
            for (i = 2; i <= NF; i++) { gsub(/^ +| +$/, "", $i) }
            # "create (status writers only)" is not a verb for users; other
            # parentheses are remarks
            verbs = $5; gsub(/create \(status writers only\)/, "", verbs); gsub(/ *\([^)]*\)/, "", verbs)
            print group "|" $3 "|" verbs "|" (NF > 6 ? $6 : "")
        }' "$resources_md")
    [ "$checked" -ge 15 ] || fail "read only $checked resources from $resources_md"
    echo "rbac: $checked resources of $resources_md"
else
    echo "rbac: $resources_md not found; not checked"
fi

# 4. kiod.ini. Modules not built yet (aggregatedapi, until it lands) are left
# out of kiod.modules so that the sections of the others are still checked.
if [ -x "$kiod" ]; then
    files=$(mktemp -d)
    trap 'rm -rf "$files"' EXIT
    ini=$files/kiod.ini
    mkdir -p "$files/rules" "$files/front-proxy"
    cp "$root/etc/kiod-rules.json" "$files/rules/kiod-rules.json"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=front-proxy-ca \
        -keyout "$files/front-proxy/ca.key" -out "$files/front-proxy/ca.crt" 2>/dev/null
    kubectl annotate --local -f "$dir/02-configmap.yaml" kiod-check=1 -o jsonpath='{.data.kiod\.ini}' |
        sed "s#/etc/kiod/#$files/#g" >"$ini"
    modules=$(awk -F= '/^modules *=/ {print $2}' "$ini" | tr ',' ' ')
    present=()
    for m in $modules; do
        if [ -e "$(dirname "$kiod")/../lib/kiod/libkiod_$m.so" ]; then present+=("$m"); else echo "kiod.ini: module $m not built; its section is not checked"; fi
    done
    list=$(IFS=,; echo "${present[*]}")
    if out=$("$kiod" --config "$ini" --set "kiod.modules=$list" --check-config 2>&1); then
        echo "kiod.ini: --check-config passed (modules $list)"
    else
        fail "kiod.ini does not pass --check-config: $out"
    fi
else
    echo "kiod.ini: $kiod not built; not checked"
fi

[ "$failures" -eq 0 ] && echo "etc/k8s: all checks passed" || { echo "etc/k8s: $failures failures"; exit 1; }
