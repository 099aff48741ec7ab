#!/usr/bin/env python3
"""Medians per (scenario, target, offered load) of bench/run.sh's JSON lines, and the
Krypton/Mosquitto ratio of the main figure."""
import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
groups = defaultdict(list)
for r in rows:
    groups[(r["scenario"], r.get("offered", 0), r["target"])].append(r)

main = {"roundtrip": "per_s", "login-storm": "per_s", "fanout": "per_s", "idle": "bytes_per_session"}
for (scenario, offered, target), rs in sorted(groups.items()):
    keys = [k for k in rs[0] if isinstance(rs[0][k], (int, float))]
    med = {k: statistics.median(r[k] for r in rs) for k in keys}
    print(json.dumps({"scenario": scenario, "target": target, "offered": offered,
                      "runs": len(rs), **{k: round(v, 1) for k, v in med.items()}}))
for (scenario, offered, target), rs in sorted(groups.items()):
    if not target.startswith("krypton"):
        continue
    other = groups.get((scenario, offered, "mosquitto"))
    key = main.get(scenario)
    if not other or not key:
        continue
    k = statistics.median(r[key] for r in rs)
    m = statistics.median(r[key] for r in other)
    if m:
        print(f"ratio {scenario} offered={offered} {key}: {target}/mosquitto = {k / m:.2f}")
