# Helpers for the volume and StatefulSet-spec fault e2e tests (source after
# lib.sh). Besides running the scenarios as they are (setup creates and
# removes everything), these tests run drills against a target the test
# creates itself, so the state a fault touched can be read after kdrill is
# done (or dead) and compared with the state before.

VOL_WEB="$E2E_REPO/scenarios/manifests/web.yaml"

# make_target NS: namespace NS with the web StatefulSet of the scenarios, settled.
make_target() {
  local ns="$1"
  kubectl delete namespace "$ns" --ignore-not-found --wait=true >/dev/null 2>&1
  kubectl create namespace "$ns" >/dev/null || { fail "cannot create namespace $ns"; return 1; }
  kubectl -n "$ns" apply -f "$VOL_WEB" >/dev/null || { fail "cannot apply $VOL_WEB in $ns"; return 1; }
  if ! kubectl -n "$ns" rollout status statefulset/web --timeout=180s >/dev/null; then
    fail "web in $ns did not become ready"
    { kubectl -n "$ns" get statefulset,pods,pvc -o wide; kubectl get nodes
      kubectl -n "$ns" get events --sort-by=.lastTimestamp | tail -20; } >&2
    return 1
  fi
}

# drop_target NS: removes what make_target made (claims go with the namespace).
drop_target() {
  kubectl -n "$1" patch statefulset web --type=json -p='[{"op":"remove","path":"/metadata/finalizers"}]' >/dev/null 2>&1
  kubectl delete namespace "$1" --ignore-not-found --wait=true --timeout=180s >/dev/null 2>&1
}

# without_setup SCENARIO OUT [hold]: the scenario without its setup section
# (it runs against a target made by make_target); with "hold", its final
# statefulset-settled wait becomes a 600s pause.
without_setup() {
  awk -v hold="${3:-}" '
    /^  setup:/ { skip = 1; next }
    skip && /^  [a-z]/ { skip = 0 }
    skip { next }
    hold != "" && /^    - wait: statefulset-settled/ { print "    - wait: duration"; getline; print "      timeout: 600s"; next }
    { print }' "$1" >"$2"
}

# fill_files NS: every .kdrill-fill-* file on the pods' /data ("pod:file" words).
fill_files() {
  local ns="$1" pod
  for pod in $(kubectl -n "$ns" get pods -l app=web -o jsonpath='{.items[*].metadata.name}'); do
    kubectl -n "$ns" exec "$pod" -- sh -c 'ls -a /data' 2>/dev/null | grep '^\.kdrill-fill-' | sed "s/^/$pod:/"
  done
}

# sts_json NS JQ: a canonical (sorted-key) piece of the StatefulSet.
sts_json() { kubectl -n "$1" get statefulset web -o json | jq -S -c "$2"; }

# pod_uids NS: "name=uid" per pod, sorted.
pod_uids() {
  kubectl -n "$1" get pods -l app=web -o jsonpath='{range .items[*]}{.metadata.name}={.metadata.uid}{"\n"}{end}' | sort
}

# claim_capacity NS CLAIM
claim_capacity() { kubectl -n "$1" get pvc "$2" -o jsonpath='{.status.capacity.storage}'; }

expect_eq() {  # expect_eq WHAT WANT GOT
  if [[ "$2" == "$3" ]]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi
}
