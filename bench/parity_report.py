#!/usr/bin/env python3
"""Accuracy parity of parameter averaging (bench.sh, issue 17): reads the runs of conf/bench-parity.conf under
RESULTS_ROOT/w<N>-f<F>/runs/*/run.json and prints a Markdown table: final validation top-1 mean +- std over seeds
for each (workers, F), and the paired difference to one process (workers 1, F 1) by seed with its 95% interval
(Student's t, n - 1 degrees of freedom). Usage: parity_report.py RESULTS_ROOT"""
import glob
import json
import math
import os
import re
import statistics
import sys

T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}


def runs(root):
    cells = {}
    for path in glob.glob(os.path.join(root, "w*-f*", "runs", "*", "run.json")):
        m = re.search(r"w(\d+)-f(\d+)", path)
        with open(path) as f:
            r = json.load(f)
        if r.get("status") != "COMPLETE" or r.get("top1") is None:
            continue
        seed = r["config"].get("seed")
        cells.setdefault((int(m.group(1)), int(m.group(2))), {})[seed] = (r["top1"], r.get("wallSeconds"))
    return cells


def main():
    cells = runs(sys.argv[1])
    base = cells.get((1, 1), {})
    print("| workers | F | seeds | top-1 mean +- std (%) | paired difference to one process (points) | 95% interval |"
          " mean run s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (w, f) in sorted(cells):
        c = cells[(w, f)]
        top = [100 * v[0] for v in c.values()]
        sd = statistics.stdev(top) if len(top) > 1 else float("nan")
        secs = statistics.mean(v[1] for v in c.values() if v[1] is not None)
        if (w, f) == (1, 1):
            diff = ci = "(reference)"
        else:
            d = [100 * (c[s][0] - base[s][0]) for s in sorted(c) if s in base]
            if len(d) > 1:
                md = statistics.mean(d)
                half = T95.get(len(d) - 1, 1.96) * statistics.stdev(d) / math.sqrt(len(d))
                diff, ci = f"{md:+.2f}", f"[{md - half:+.2f}, {md + half:+.2f}]"
            elif d:
                diff, ci = f"{d[0]:+.2f}", "n/a (one seed)"
            else:
                diff = ci = "n/a"
        label = "1 (one process)" if w == 1 else str(w)
        print(f"| {label} | {f} | {len(top)} | {statistics.mean(top):.2f} +- {sd:.2f} | {diff} | {ci} | {secs:.0f} |")


if __name__ == "__main__":
    main()
