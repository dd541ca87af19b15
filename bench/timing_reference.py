#!/usr/bin/python3
"""The reference watcher of bench/timing-accuracy: what the cluster did, seen
by kubectl and not by kdrill, and kdrill's figures compared with it.

  timing_reference.py watch NAMESPACE OUT
      Runs two `kubectl get -w --output-watch-events` (the namespace's pods,
      and the namespace itself) and writes each event line to OUT prefixed
      with the time it arrived (time.time(), this machine's clock). Stops on
      SIGTERM or SIGINT, ending both kubectl processes it started.

  timing_reference.py compare OUT KDRILL_JSON ORDINAL
      Prints the reference's recovery of ORDINAL (from the DELETED event of
      the pod kdrill killed to the first Ready event of the next pod of that
      name), kdrill's (the report's "recovery" entry), their difference, the
      cluster's own reaction time and kdrill's overhead, one line each, as
      "name value" pairs for bench/timing-accuracy to format.

  timing_reference.py summary FIGURES
      FIGURES: a line "difference overhead wall" per run; prints the summary
      lines (the largest difference against the goal, the median overhead).

Definitions:
  cluster time = rollout (first pod ADDED -> every pod Ready)
               + recovery (reference, as above)
               + teardown (first pod marked for deletion after the recovery
                 -> the namespace's DELETED event)
  overhead     = kdrill's wall time (report "seconds") - cluster time: what
                 kdrill spent on its own work (API calls, execs, checks)
                 rather than waiting on the cluster.
"""

import json
import signal
import statistics
import subprocess
import sys
import threading
import time

# Fields joined by "|" (kubectl pads a tab in watch output), one line per event.
POD_FIELDS = ('{.type}|{.object.metadata.name}|{.object.metadata.uid}|{.object.metadata.deletionTimestamp}|'
              '{.object.status.conditions[?(@.type=="Ready")].status}{"\\n"}')
NS_FIELDS = '{.type}|{.object.metadata.name}|{.object.metadata.deletionTimestamp}{"\\n"}'


def watch(ns, out_path):
    cmds = [
        ("pod", ["kubectl", "get", "pods", "-n", ns, "-w", "--output-watch-events", "-o", "jsonpath=" + POD_FIELDS]),
        ("ns", ["kubectl", "get", "namespaces", "--field-selector", "metadata.name=" + ns, "-w",
                "--output-watch-events", "-o", "jsonpath=" + NS_FIELDS]),
    ]
    lock = threading.Lock()
    out = open(out_path, "w", buffering=1)
    procs = []

    def pump(tag, proc):
        for line in proc.stdout:
            stamp = time.time()
            with lock:
                out.write(f"{stamp:.6f}|{tag}|{line.strip()}\n")

    for tag, cmd in cmds:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
        procs.append(p)
        threading.Thread(target=pump, args=(tag, p), daemon=True).start()

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with open(out_path + ".ready", "w") as f:
        f.write("ready\n")
    while not stop.wait(0.2):
        if all(p.poll() is not None for p in procs):
            break
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
    time.sleep(0.2)  # let the pumps write what kubectl flushed last
    out.close()


def read_events(path):
    events = []
    with open(path) as f:
        for line in f:
            parts = [p.strip() for p in line.rstrip("\n").split("|")]
            if len(parts) < 4:
                continue
            t, tag, kind = float(parts[0]), parts[1], parts[2]
            if tag == "pod" and len(parts) >= 7:
                events.append({"t": t, "tag": "pod", "type": kind, "name": parts[3], "uid": parts[4],
                               "deleting": parts[5] != "", "ready": parts[6] == "True"})
            elif tag == "ns":
                events.append({"t": t, "tag": "ns", "type": kind, "name": parts[3],
                               "deleting": len(parts) > 4 and parts[4] != ""})
    events.sort(key=lambda e: e["t"])
    return events


def compare(path, report_path, ordinal):
    events = read_events(path)
    with open(report_path) as f:
        report = json.load(f)
    if report.get("kind") == "RunReportList":
        report = report["items"][0]
    victim = f"{report['statefulSet']}-{ordinal}"
    pods = [e for e in events if e["tag"] == "pod"]

    # The kill: the DELETED event of the victim; the recovery: the next pod of
    # that name (another UID) Ready and not being deleted.
    killed = next((e for e in pods if e["name"] == victim and e["type"] == "DELETED"), None)
    if killed is None:
        sys.exit(f"timing_reference: no DELETED event of {victim} in {path}")
    back = next((e for e in pods if e["t"] > killed["t"] and e["name"] == victim and e["uid"] != killed["uid"]
                 and e["ready"] and not e["deleting"]), None)
    if back is None:
        sys.exit(f"timing_reference: {victim} never came back Ready in {path}")
    ref_recovery = back["t"] - killed["t"]

    kdrill_recovery = None
    for r in report.get("recovery", []):
        if r.get("ordinal") == ordinal and r.get("seconds") is not None:
            kdrill_recovery = r["seconds"]
    if kdrill_recovery is None:
        sys.exit(f"timing_reference: the report has no recovery figure for ordinal {ordinal}")

    # Rollout: first pod ADDED -> every pod seen so far Ready at once (before the kill).
    first_added = next((e["t"] for e in pods if e["type"] == "ADDED"), None)
    replicas = len({e["name"] for e in pods if e["t"] < killed["t"]})
    state, rollout_done = {}, None
    for e in pods:
        if e["t"] >= killed["t"]:
            break
        state[e["name"]] = e["ready"] and not e["deleting"] and e["type"] != "DELETED"
        if len(state) == replicas and all(state.values()):
            rollout_done = e["t"]
            break
    # Teardown: first pod marked for deletion after the recovery -> namespace DELETED.
    teardown_from = next((e["t"] for e in pods if e["t"] > back["t"] and (e["deleting"] or e["type"] == "DELETED")),
                         None)
    ns_gone = next((e["t"] for e in events if e["tag"] == "ns" and e["type"] == "DELETED"), None)
    if None in (first_added, rollout_done, teardown_from, ns_gone):
        sys.exit("timing_reference: the reference saw no complete rollout or teardown "
                 f"(rollout {first_added}..{rollout_done}, teardown {teardown_from}..{ns_gone})")
    rollout = rollout_done - first_added
    teardown = ns_gone - teardown_from
    cluster = rollout + ref_recovery + teardown
    wall = float(report["seconds"])
    print(f"reference_recovery {ref_recovery:.3f}")
    print(f"kdrill_recovery {kdrill_recovery:.3f}")
    print(f"difference {kdrill_recovery - ref_recovery:+.3f}")
    print(f"rollout {rollout:.3f}")
    print(f"teardown {teardown:.3f}")
    print(f"cluster {cluster:.3f}")
    print(f"wall {wall:.3f}")
    print(f"overhead {wall - cluster:.3f}")


def summary(path):
    rows = [list(map(float, line.split())) for line in open(path) if line.strip()]
    if not rows:
        sys.exit("timing_reference: no runs to summarise")
    diffs = [abs(r[0]) for r in rows]
    n = len(rows)
    worst = max(diffs)
    print(f"timing-accuracy: recovery difference |kdrill - reference| over {n} run(s): mean {sum(diffs) / n:.3f} s, "
          f"max {worst:.3f} s (goal <= 0.100 s): {'met' if worst <= 0.1 else 'NOT met'}")
    print(f"timing-accuracy: kdrill overhead (wall - cluster reaction), median of {n}: "
          f"{statistics.median(r[1] for r in rows):.2f} s of {statistics.median(r[2] for r in rows):.2f} s wall")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "watch":
        watch(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "summary":
        summary(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
