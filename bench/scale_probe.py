#!/usr/bin/python3
"""The helpers of bench/scale: the load, kdrill's footprint, the churn, and
the figures.

  scale_probe.py load NAMESPACE STATEFULSETS REPLICAS
      Prints the load's manifests: STATEFULSETS StatefulSets load-00, load-01,
      ... of REPLICAS pods each, without claims, Parallel, bound to the KWOK
      fake nodes (nodeSelector type=kwok, tolerating their taint).

  scale_probe.py sample PID OUT
      Every 0.1 s appends "time cpu_ticks rss_kib hwm_kib" for process PID
      (/proc/PID/stat utime+stime, /proc/PID/status VmRSS and VmHWM) to OUT,
      until the process is gone.

  scale_probe.py churn NAMESPACE STATEFULSETS REPLICAS RATE OUT
      Until SIGTERM: each second deletes RATE pods of the load chosen at
      random (one `kubectl delete pod --wait=false`), logging
      "time count" per batch to OUT; their StatefulSets create them again.

  scale_probe.py figures REPORT SAMPLES EVENTS CHURN
      Prints the summary lines from kdrill's JSON report, the samples, the
      reference watcher's events (bench/timing_reference.py watch) and the
      churn log. The idle window is the drill's first pause, the churn window
      its second. Event lag: for each pod event of the load after the churn
      began, kdrill's arrival stamp (the report's timeline) minus the
      reference watcher's, paired by pod name, event type and occurrence.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime

TICKS = os.sysconf("SC_CLK_TCK")


def load(ns, sets, replicas):
    docs = []
    for i in range(sets):
        name = f"load-{i:02d}"
        docs.append(json.dumps({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "namespace": ns, "labels": {"bench": "scale"}},
            "spec": {
                "serviceName": name, "replicas": replicas, "podManagementPolicy": "Parallel",
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name, "bench": "scale"}},
                    "spec": {
                        "nodeSelector": {"type": "kwok"},
                        "tolerations": [{"key": "kwok.x-k8s.io/node", "operator": "Exists", "effect": "NoSchedule"}],
                        "containers": [{"name": "c", "image": "localhost/busybox:lab"}],
                    },
                },
            },
        }))
    print("\n---\n".join(docs))


def read_proc(pid):
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    rss = hwm = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return ticks, rss, hwm


def sample(pid, out_path):
    with open(out_path, "w", buffering=1) as out:
        while True:
            try:
                ticks, rss, hwm = read_proc(pid)
            except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
                return
            if rss == 0:  # a zombie: exited, not yet reaped
                return
            out.write(f"{time.time():.6f} {ticks} {rss} {hwm}\n")
            time.sleep(0.1)


def churn(ns, sets, replicas, rate, out_path):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    names = [f"load-{i:02d}-{r}" for i in range(sets) for r in range(replicas)]
    with open(out_path, "w", buffering=1) as out:
        next_at = time.time()
        while not stop:
            victims = random.sample(names, min(rate, len(names)))
            out.write(f"{time.time():.6f} {len(victims)}\n")
            subprocess.run(["kubectl", "delete", "pod", "-n", ns, "--wait=false", "--ignore-not-found", *victims],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            next_at += 1.0
            time.sleep(max(0.0, next_at - time.time()))


def wall(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def figures(report_path, samples_path, events_path, churn_path):
    with open(report_path) as f:
        report = json.load(f)
    if report.get("kind") == "RunReportList":
        report = report["items"][0]
    samples = [tuple(float(x) for x in line.split()) for line in open(samples_path) if line.strip()]
    if len(samples) < 2:
        sys.exit("scale_probe: fewer than two samples of kdrill's process")
    timeline = report["timeline"]
    # The drill's two pauses: idle, then churn.
    pauses = []
    begin = None
    for e in timeline:
        if e["kind"] == "wait" and e["name"].endswith("s pause"):
            if e["event"] == "begin":
                begin = wall(e["wall"])
            elif e["event"] == "done" and begin is not None:
                pauses.append((begin, wall(e["wall"])))
                begin = None
    if len(pauses) < 2:
        sys.exit(f"scale_probe: the report has {len(pauses)} completed pause(s), want 2 (idle, churn)")

    def cpu_between(a, b):
        inside = [s for s in samples if a <= s[0] <= b]
        if len(inside) < 2:
            return None, 0.0
        span = inside[-1][0] - inside[0][0]
        return (inside[-1][1] - inside[0][1]) / TICKS / span * 100 if span > 0 else None, span

    hwm = max(s[3] for s in samples) / 1024
    end_rss = samples[-1][2] / 1024
    idle_cpu, idle_span = cpu_between(*pauses[0])
    churn_cpu, churn_span = cpu_between(*pauses[1])
    total_cpu = (samples[-1][1] - samples[0][1]) / TICKS
    run_wall = samples[-1][0] - samples[0][0]

    batches = [tuple(float(x) for x in line.split()) for line in open(churn_path) if line.strip()]
    churn_start = batches[0][0] if batches else pauses[1][0]
    deleted = int(sum(b[1] for b in batches))

    # Event lag: load pods only, from the churn's start, paired by occurrence.
    def key_list(items):
        keyed = {}
        for t, name, typ in items:
            keyed.setdefault((name, typ), []).append(t)
        return keyed

    ns = report["namespace"]
    mine = []
    for e in timeline:
        if e["kind"] == "Pod" and e["event"] in ("ADDED", "MODIFIED", "DELETED"):
            name = e["name"].split("/", 1)[-1]
            t = wall(e["wall"])
            if name.startswith("load-") and t >= churn_start:
                mine.append((t, name, e["event"]))
    ref = []
    for line in open(events_path):
        parts = [p.strip() for p in line.rstrip("\n").split("|")]
        if len(parts) >= 4 and parts[1] == "pod" and parts[3].startswith("load-"):
            t = float(parts[0])
            if t >= churn_start:
                ref.append((t, parts[3], parts[2]))
    mk, rk = key_list(mine), key_list(ref)
    lags = []
    for k, ts in mk.items():
        for a, b in zip(ts, rk.get(k, [])):
            lags.append((a - b) * 1000)
    print(f"scale: kdrill peak RSS {hwm:.1f} MB (goal <= 50 MB): {'met' if hwm <= 50 else 'NOT met'}; "
          f"RSS at exit {end_rss:.1f} MB")
    if idle_cpu is not None:
        print(f"scale: kdrill CPU when idle {idle_cpu:.2f} % of a core over {idle_span:.1f} s "
              f"(goal <= 5 %): {'met' if idle_cpu <= 5 else 'NOT met'}")
    if churn_cpu is not None:
        print(f"scale: kdrill CPU under churn {churn_cpu:.2f} % of a core over {churn_span:.1f} s "
              f"({deleted} pods deleted by the bench, {len(mine)} pod events of the load seen by kdrill)")
    print(f"scale: kdrill CPU {total_cpu:.2f} s in {run_wall:.1f} s wall")
    if lags:
        worst = max(lags)
        print(f"scale: event lag kdrill - reference watcher over {len(lags)} events: median {percentile(lags, 50):.1f} ms, "
              f"p99 {percentile(lags, 99):.1f} ms, max {worst:.1f} ms (goal <= 100 ms): "
              f"{'met' if worst <= 100 else 'NOT met'}")
    else:
        print("scale: event lag: no pod event of the load seen by both kdrill and the reference watcher")
    print(f"scale: drill {report['drill']['name']} in {ns}: "
          f"{'passed' if report['summary']['ok'] else 'FAILED'} ({report['summary']['tests']} cases, "
          f"{report['seconds']:.1f} s)")


def main():
    a = sys.argv[1:]
    if len(a) == 4 and a[0] == "load":
        load(a[1], int(a[2]), int(a[3]))
    elif len(a) == 3 and a[0] == "sample":
        sample(int(a[1]), a[2])
    elif len(a) == 6 and a[0] == "churn":
        churn(a[1], int(a[2]), int(a[3]), int(a[4]), a[5])
    elif len(a) == 5 and a[0] == "figures":
        figures(a[1], a[2], a[3], a[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
