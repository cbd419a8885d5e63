#!/usr/bin/env python3
"""Renders bench/averaging.sh's measurements as Markdown (issue 17): the averaging round's anatomy from each run's
run.json (epochs[].roundMillis), the gloo all-reduce yardstick, the cost model against the measured rounds, and the
accuracy-parity table.
  round_report.py [--gpu-ips R] WORK          the Markdown section
  round_report.py --fixed-seconds WORK        the measured per-stage fixed cost (s) that bench-cost-model takes"""
import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parity_report  # noqa: E402

LOCAL = [("local-f1", "local[2], in memory", 1), ("local-f5", "local[2], in memory", 5),
         ("ring-f1", "local[2], ring", 1), ("ring-f5", "local[2], ring", 5),
         ("spark-f1", "local[2], through Spark", 1)]
STANDALONE = [("standalone2-f1", "standalone, 2 executors, ring", 1), ("standalone2-f5", "standalone, 2 executors, ring", 5),
              ("standalone2-spark-f1", "standalone, 2 executors, through Spark", 1),
              ("standalone4-f1", "standalone, 4 executors, ring", 1), ("standalone4-f5", "standalone, 4 executors, ring", 5)]
PARTS = ["broadcast", "schedule", "taskDeserialize", "fetch", "network", "setState", "connect", "dataWait", "fit",
         "collect", "sync", "allReduce", "resultSerialize", "resultFetch", "aggregate", "treeLevels", "update"]


def epoch(work, name):
    files = glob.glob(os.path.join(work, name, "runs", "*", "run.json"))
    if not files:
        return None
    with open(files[0]) as f:
        run = json.load(f)
    # the last epoch recorded: conf/bench-round.conf trains two and the second is the steady state (kept networks,
    # loaded classes); none when the run failed or diverged before any epoch ended
    return run["epochs"][-1] if run.get("epochs") else None


def peak_gb(work, name):
    try:
        with open(os.path.join(work, name + ".time")) as f:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
        return int(m.group(1)) / 1048576 if m else None
    except OSError:
        return None


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def beyond(e):
    r = e["roundMillis"]
    return r["round"] - r.get("fit", 0) - r.get("dataWait", 0)


RING_RUNS = ["standalone2-f1", "standalone2-f5", "standalone4-f1", "standalone4-f5", "ring-f1", "ring-f5"]


def stage_seconds(work):
    """A ring epoch's fixed cost: scheduling, task deserialization, network construction and the ring's connection, s
    (roundMillis holds them spread over the epoch's rounds), averaged over the ring runs that finished."""
    vals = []
    for name in RING_RUNS:
        e = epoch(work, name)
        if e and e.get("roundMillis"):
            r = e["roundMillis"]
            vals.append((r.get("schedule", 0) + r.get("taskDeserialize", 0) + r.get("connect", 0) + r.get("network", 0))
                        * e["averagingRounds"] / 1000)
    return sum(vals) / len(vals) if vals else 0.5


def cost_rows(path):
    """bench-cost-model's table rows: {(executors, gbit): [cells...]} and the header line."""
    rows, head, intro = {}, None, ""
    try:
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if line.startswith("| executors"):
                    head = line
                elif re.match(r"\| \d+ \|", line):
                    cells = [c.strip() for c in line.strip("|").split("|")]
                    rows[(int(cells[0]), cells[1])] = cells
                elif line and not line.startswith("|"):
                    intro = line
    except OSError:
        pass
    return rows, head, intro


def main():
    args = sys.argv[1:]
    if args[0] == "--stage-seconds":
        print(f"{stage_seconds(args[1]):.4f}")
        return
    gpu_ips = "300"
    if args[0] == "--gpu-ips":
        gpu_ips, args = args[1], args[2:]
    work = args[0]
    gloo = {n: load(os.path.join(work, f"gloo-{n}.json")) for n in (2, 4)}
    loop = load(os.path.join(work, "loopback.json"))
    p = print
    p("## Parameter averaging: a round's anatomy, its yardstick, the cost model and accuracy parity")
    p()
    p("`bench/averaging.sh` (called by bench.sh). cspresnext50 at full width and depth (20.6M parameters + as many")
    p("momentum values: 165 MB of state each way per worker and round) on 200 Fashion-MNIST images at 32 px, 2 workers")
    p("x batch 4 unless said (conf/bench-round.conf), two epochs, the second reported (the first pays class loading and")
    p("network construction on fresh executors once per run); `train` records where each round's time went")
    p("(run.json `epochs[].roundMillis`, mean ms per round). *Beyond compute* = round - fit - data wait. Standalone")
    p("clusters run on this machine (bench/standalone-cluster.sh: one-core workers, so 4 executors oversubscribe the")
    p("2 cores); their peak memory is the driver's. Exchanges (AveragingMaster.Exchange, `-Dmishbench.averaging.exchange`):")
    p("*in memory* is the default in local mode (workers in the driver's JVM); *ring* is the default on a cluster (one")
    p("barrier stage per epoch, rounds averaged over a TCP ring between the executors, nothing through the driver);")
    p("*through Spark* is one job per round, the state out as a broadcast and back as task results (`treeAggregate`),")
    p("the way the cluster path worked before the ring. Ring runs spread their per-epoch costs (broadcast, schedule,")
    p("connect, the result) over the epoch's rounds.")
    p()
    g2 = gloo[2]["seconds_median"] * 1000 if gloo[2] else None
    g4 = gloo[4]["seconds_median"] * 1000 if gloo[4] else None
    p("| run | F | rounds | round ms | fit ms | beyond compute ms | x gloo all-reduce (same bytes, same processes) | peak RSS |")
    p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    measured = {}
    for name, label, f in LOCAL + STANDALONE:
        e = epoch(work, name)
        if not e or not e.get("roundMillis"):
            p(f"| {label} | {f} | failed (mishbench-out/bench/averaging/{name}.log) | | | | | |")
            continue
        r = e["roundMillis"]
        b = beyond(e)
        measured[name] = b
        g = g4 if "standalone4" in name else g2
        x = f"{b / g:.1f}x" if g else "n/a"
        rss = peak_gb(work, name)
        p(f"| {label} | {f} | {e['averagingRounds']} | {r['round']:.0f} | {r.get('fit', 0):.0f} | {b:.0f} | {x} |"
          f" {'' if rss is None else f'{rss:.1f} GB'} |")
    p()
    p("Where a round's time went (mean ms per round; worker parts are the slowest worker's):")
    p()
    names = [(n, l, f) for n, l, f in LOCAL + STANDALONE if epoch(work, n)]
    p("| part | " + " | ".join(f"{l.replace('local[2], ', '').replace('standalone, ', '')} F={f}" for _, l, f in names) + " |")
    p("| --- |" + " ---: |" * len(names))
    for part in PARTS:
        cells = []
        for n, _, _ in names:
            v = (epoch(work, n).get("roundMillis") or {}).get(part)
            cells.append("" if v is None else f"{v:.1f}")
        p(f"| {part} | " + " | ".join(cells) + " |")
    p()
    p("Parts: broadcast = the driver's `sc.broadcast` (serialization; in memory: none; ring: the driver's preparation,")
    p("waiting for executors still registering and opening its port); schedule = job submitted to first task launched;")
    p("taskDeserialize, resultSerialize = Spark's task metrics (slowest task); fetch = getting the state on the")
    p("executor (ring: read from the driver's port straight into the network); network = taking a kept network (or")
    p("building one); setState = copying the state into it (ring: part of fetch); connect = the ring's tasks finding")
    p("and connecting to each other; sync = the round's counts and losses passed around the ring, waiting for the")
    p("slowest worker; allReduce = parameters and updater state averaged over the ring; collect = handing the result")
    p("over (in memory: adding it into the sum; ring: task 0 sending the state back to the driver); resultFetch = the")
    p("driver fetching a task result stored on an executor; aggregate = last training task finished to sum on the")
    p("driver; treeLevels = later stages of the aggregation tree; update = the driver dividing and copying the mean")
    p("(ring: copying task 0's state into its network). Ring runs do broadcast, schedule, taskDeserialize, fetch,")
    p("network, connect and collect once per epoch; the table spreads them over the epoch's rounds.")
    p()
    ring_rows = [(n, l) for n, l, _ in LOCAL + STANDALONE if n in RING_RUNS and epoch(work, n)]
    if ring_rows and (g2 or g4):
        p("The ring's own cost per round (sync + allReduce, the parts paid every round), against gloo's all-reduce of")
        p("the same bytes between as many processes:")
        p()
        p("| run | F | sync + allReduce ms | x gloo |")
        p("| --- | ---: | ---: | ---: |")
        for n, l in ring_rows:
            r = epoch(work, n)["roundMillis"]
            ms = r.get("sync", 0) + r.get("allReduce", 0)
            g = g4 if "standalone4" in n else g2
            f = next(ff for nn, _, ff in LOCAL + STANDALONE if nn == n)
            p(f"| {l} | {f} | {ms:.0f} | {ms / g:.1f}x |" if g else f"| {l} | {f} | {ms:.0f} | n/a |")
        p()
    p("**Yardstick.** `bench/gloo_allreduce.py`: torch.distributed all-reduce (gloo) of the same float32 values")
    for n in (2, 4):
        if gloo[n]:
            gl = gloo[n]
            p(f"between {n} local processes: {gl['floats']:,} floats ({gl['bytes'] / 1e6:.0f} MB): median"
              f" {gl['seconds_median'] * 1000:.0f} ms (min {gl['seconds_min'] * 1000:.0f}, max {gl['seconds_max'] * 1000:.0f}),"
              f" torch {gl['torch']}.")
    if loop:
        p(f"Loopback TCP (`bench/loopback.py`, one Python sender): {loop['bytes_per_sec'] / 1e9:.2f} GB/s.")
    if "local-f1" in measured and g2:
        ratio = measured["local-f1"] / g2
        p()
        p(f"**Target** (one round with the full payload, 2 workers, local, at most 3x the all-reduce): {measured['local-f1']:.0f} ms"
          f" beyond compute = **{ratio:.1f}x** gloo's {g2:.0f} ms"
          + (f"; over the ring in local mode {measured['ring-f1'] / g2:.1f}x" if "ring-f1" in measured else "")
          + (f"; on the 2-executor standalone cluster over the ring {measured['standalone2-f1'] / g2:.1f}x"
             if "standalone2-f1" in measured else "")
          + (f", through Spark {measured['standalone2-spark-f1'] / g2:.1f}x" if "standalone2-spark-f1" in measured else "")
          + ".")
    p()
    rows, head, intro = cost_rows(os.path.join(work, "cost-local.md"))
    p("### The cost model against the measured rounds")
    p()
    p(f"`bench-cost-model --model cspresnext50 --resolution 32 --classes 10 --images-per-sec 1 --batch 4 --images-per-epoch"
      f" 200 --stage-seconds {stage_seconds(work):.3f} --executors 2,4 --loopback --cores 2 --frequencies 1,5`"
      f" (io.mishbench.averaging.AveragingCostModel, the ring exchange): copy and add rates, the loopback link (both")
    p("directions at once) and a hop measured in that process; an epoch's fixed cost (scheduling + task deserialization")
    p("+ network construction + the ring's connection) from the ring runs' anatomy; 4 executors on 2 cores get half a core each. Compared: the model's time beyond compute per round")
    p("with the measured one (target: within 25%).")
    if intro:
        p()
        p("> " + intro)
    p()
    p("| executors | F | model: beyond compute ms | measured ms | model / measured |")
    p("| ---: | ---: | ---: | ---: | ---: |")
    for n in (2, 4):
        for f in (1, 5):
            row = next((c for (e, _), c in rows.items() if e == n), None)
            m = measured.get(f"standalone{n}-f{f}")
            if row is None or m is None:
                p(f"| {n} | {f} | n/a | {'' if m is None else f'{m:.0f}'} | |")
                continue
            idx = 3 + 3 * (0 if f == 1 else 1) + 2
            model_ms = float(row[idx]) * 1000
            p(f"| {n} | {f} | {model_ms:.0f} | {m:.0f} | {model_ms / m:.2f} |")
    p()
    rows, head, intro = cost_rows(os.path.join(work, "cost-cluster.md"))
    p(f"### On a cluster, on paper: `bench-cost-model --model cspresnext50 --images-per-sec {gpu_ips} --batch 32"
      f" --stage-seconds {stage_seconds(work):.3f} --hop-seconds 0.0001`")
    p()
    p(f"{gpu_ips} images/s per GPU executor and a 100 us hop between executors are assumptions (no GPU or cluster")
    p("network here; BENCH_GPU_IMAGES_PER_SEC); ImageNet's 1,281,167 images per epoch. Upper bounds: no stragglers,")
    p("full-duplex links used alone.")
    p()
    try:
        with open(os.path.join(work, "cost-cluster.md")) as f:
            p(f.read().rstrip())
    except OSError:
        p("(bench-cost-model failed)")
    p()
    if os.path.isdir(os.path.join(work, "parity")):
        p("### Accuracy parity")
        p()
        p("conf/bench-parity.conf: the quickstart's network (cspresnet50 at width 0.25 and depth 0.34, Mish, Adam 0.003,")
        p("batch 32 per worker) on the quickstart's 4,000 Fashion-MNIST training images, 2 epochs, validation top-1 on its")
        p("1,000 validation images, seeds 1-3; one worker at F = 1 is plain fitting (AveragingMasterTest proves it equal).")
        p("The paired difference is by seed; the interval is Student's t with n - 1 degrees of freedom.")
        p()
        sys.stdout.flush()
        parity_report.sys.argv = ["parity_report.py", os.path.join(work, "parity")]
        parity_report.main()


if __name__ == "__main__":
    main()
