#!/usr/bin/env python3
"""Plots p50/p99 latency against offered load for both servers (gnuplot, PNG)."""
import json
import statistics
import subprocess
import sys
from collections import defaultdict

rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
series = defaultdict(lambda: defaultdict(list))
for r in rows:
    series[r["target"]][r["offered"]].append(r)
data_files = []
for target, by_rate in series.items():
    path = f"{sys.argv[2]}.{target}.dat"
    with open(path, "w") as f:
        for rate in sorted(by_rate):
            rs = by_rate[rate]
            f.write(f"{rate} {statistics.median(r['p50_us'] for r in rs) / 1000:.3f} "
                    f"{statistics.median(r['p99_us'] for r in rs) / 1000:.3f}\n")
    data_files.append((target, path))
plots = []
for target, path in data_files:
    plots.append(f"'{path}' using 1:2 with linespoints title '{target} p50'")
    plots.append(f"'{path}' using 1:3 with linespoints title '{target} p99'")
script = f"""set terminal pngcairo size 900,540
set output '{sys.argv[2]}'
set title 'Round-trip latency against offered load (loopback, 20 pairs)'
set xlabel 'offered round trips per second'
set ylabel 'latency (ms)'
set logscale y
set grid
set key left top
plot {', '.join(plots)}
"""
subprocess.run(["gnuplot"], input=script.encode(), check=True)
print("plot:", sys.argv[2])
