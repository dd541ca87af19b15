#!/usr/bin/env bash
# No secret in anything kdrill writes. The lab's admin kubeconfig holds only
# a client certificate, so drills here run as a ServiceAccount: one kubeconfig
# with its bearer token (TokenRequest API), one whose exec plugin prints a
# second token (and echoes it on stderr). A passing drill, a failing drill and
# a backup-restore drill run through them; then every file they produced
# (console output, JUnit, JSON, journals, backup manifests and archives) is
# searched for both tokens and for the admin client key.
source "$(dirname "$0")/lib.sh"

sa_ns="$(e2e_ns kdrill-secrets-sa)"
role="kdrill-e2e-secrets-$E2E_SUFFIX"
creds="$E2E_OUT/creds"  # kubeconfigs and the plugin: the only files allowed to hold a token
mkdir -p "$creds" "$E2E_OUT/runs"
cleanup() {
  kubectl delete clusterrolebinding "$role" --ignore-not-found >/dev/null 2>&1
  kubectl delete clusterrole "$role" --ignore-not-found >/dev/null 2>&1
  kubectl delete namespace "$sa_ns" --ignore-not-found --wait=false >/dev/null 2>&1
}
trap cleanup EXIT

# What a drill needs, and nothing cluster-wide beyond reading nodes and classes.
kubectl create namespace "$sa_ns" >/dev/null
kubectl -n "$sa_ns" create serviceaccount drill >/dev/null
kubectl apply -f - >/dev/null <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: $role}
rules:
- apiGroups: [""]
  resources: [namespaces]
  verbs: [get, list, watch, create, delete]
- apiGroups: [""]
  resources: [pods, persistentvolumeclaims, services, configmaps, events, serviceaccounts]
  verbs: [get, list, watch, create, update, patch, delete, deletecollection]
- apiGroups: [""]
  resources: [pods/exec, pods/eviction]
  verbs: [create, get]
- apiGroups: [""]
  resources: [pods/log, nodes, persistentvolumes]
  verbs: [get, list, watch]
- apiGroups: [apps]
  resources: [statefulsets, statefulsets/scale, controllerrevisions, deployments, replicasets]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [storage.k8s.io]
  resources: [storageclasses]
  verbs: [get, list, watch]
- apiGroups: [snapshot.storage.k8s.io]
  resources: [volumesnapshots, volumesnapshotcontents, volumesnapshotclasses]
  verbs: [get, list, watch, create, delete]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [get, list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: $role}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: $role}
subjects: [{kind: ServiceAccount, name: drill, namespace: $sa_ns}]
YAML
token1="$(kubectl -n "$sa_ns" create token drill --duration 1h)"
token2="$(kubectl -n "$sa_ns" create token drill --duration 1h)"
if [[ ${#token1} -gt 100 && ${#token2} -gt 100 && "$token1" != "$token2" ]]; then
  pass "two ServiceAccount tokens from the TokenRequest API"
else
  fail "could not get two tokens for the ServiceAccount"; e2e_finish
fi

admin="$KUBECONFIG"
server="$(kubectl config view --raw -o jsonpath='{.clusters[0].cluster.server}')"
ca_data="$(kubectl config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')"
key_data="$(kubectl config view --raw -o jsonpath='{.users[0].user.client-key-data}')"
key_line="$(printf '%s' "$key_data" | base64 -d | sed -n 2p)"  # a line of the PEM body
[[ -n "$key_data" && -n "$key_line" ]] || fail "the admin kubeconfig has no client-key-data to search for"

kubeconfig_with() {  # FILE USER-YAML
  cat > "$1" <<YAML
apiVersion: v1
kind: Config
clusters: [{name: lab, cluster: {server: "$server", certificate-authority-data: "$ca_data"}}]
contexts: [{name: lab, context: {cluster: lab, user: drill}}]
current-context: lab
users:
- name: drill
  user:
$2
YAML
}
kubeconfig_with "$creds/token.kubeconfig" "    token: $token1"
cat > "$creds/plugin.sh" <<SH
#!/bin/sh
echo "plugin: handing out $token2" >&2
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\n' "$token2"
SH
chmod +x "$creds/plugin.sh"
kubeconfig_with "$creds/exec.kubeconfig" "    exec: {apiVersion: client.authentication.k8s.io/v1, command: $creds/plugin.sh, interactiveMode: Never}"

# Three drills at once, each in its own namespace.
pass_ns="$(e2e_ns kdrill-secrets-pass)"
fail_ns="$(e2e_ns kdrill-secrets-fail)"
backup_ns="$(e2e_ns kdrill-secrets-backup)"
mkdir -p "$E2E_OUT/runs/backup"
(KUBECONFIG="$creds/token.kubeconfig" run_kdrill pass run "$E2E_REPO/scenarios/pod-kill.yaml" -n "$pass_ns" \
   --junit "$E2E_OUT/runs/pass.xml" --json "$E2E_OUT/runs/pass.json"; echo "$RC" > "$E2E_OUT/runs/pass.rc") &
runs=($!)
(KUBECONFIG="$creds/exec.kubeconfig" run_kdrill fail run "$E2E_REPO/tests/e2e/drills/pvc-recreated.yaml" -n "$fail_ns" \
   --junit "$E2E_OUT/runs/fail.xml" --json "$E2E_OUT/runs/fail.json"; echo "$RC" > "$E2E_OUT/runs/fail.rc") &
runs+=($!)
(KUBECONFIG="$creds/token.kubeconfig" run_kdrill backup run "$E2E_REPO/scenarios/backup-restore.yaml" -n "$backup_ns" \
   --junit "$E2E_OUT/runs/backup/junit.xml" --json "$E2E_OUT/runs/backup/report.json"; echo "$RC" > "$E2E_OUT/runs/backup.rc") &
runs+=($!)
# These three only: a bare `wait` would also wait for lib.sh's tee of the
# output (E2E_LOG_DIR under .ci/run), which never ends.
wait "${runs[@]}"
for run in pass:0 fail:1 backup:0; do
  RC="$(cat "$E2E_OUT/runs/${run%%:*}.rc" 2>/dev/null)"
  expect_rc "${run##*:}" "${run%%:*} drill as the ServiceAccount" "${run%%:*}"
done
if compgen -G "$E2E_OUT/runs/backup/backups/*/backup/manifest.json" >/dev/null; then
  pass "the backup drill wrote its backup"
else
  fail "no backup manifest under $E2E_OUT/runs/backup/backups"
fi

# Everything the runs produced, except the credential files themselves.
found=0
while IFS= read -r -d '' f; do
  for secret in "$token1" "$token2" "$key_data" "$key_line"; do
    if grep -aqF -- "$secret" "$f"; then
      fail "a secret (${secret:0:12}...) is in $f"
      found=1
    fi
  done
done < <(find "$E2E_OUT" -path "$creds" -prune -o -type f -print0)
files="$(find "$E2E_OUT" -path "$creds" -prune -o -type f -print | wc -l)"
if ((found == 0)); then pass "no token and no client key in $files files the runs wrote"; fi
if ((files < 8)); then fail "only $files files were searched; the runs wrote less than expected"; fi

KUBECONFIG="$admin"
for ns in "$pass_ns" "$fail_ns" "$backup_ns"; do expect_namespace_gone "$ns"; done
expect_no_pending_journal
e2e_finish
