#!/usr/bin/env python3
"""Renders BENCHMARKS.md from the raw files submit-scripts/bench.sh leaves in its work folder.

    bench/bench_report.py WORK [--quickstart DIR] > BENCHMARKS.md
    bench/bench_report.py WORK --only-pytorch BENCHMARKS.md > NEW   (bench.sh --only pytorch: those sections replaced)

bench.sh only launches processes (JVMs with different flags, /usr/bin/time, PyTorch) and keeps what they
print; every number in the report is read, computed and formatted here. The files of WORK:

  facts.txt                       key=value: the machine, the versions, the script's arguments and settings
  weights-ours-M.json, weights-torch-M.json   `models --format json` / `pytorch_bench.py --count` lines
  train-M-A.json, train-torch-M-A.json, train-torchm-M-A.json   bench-train / pytorch_bench.py (glibc's defaults /
                                  mishbench's GLIBC_TUNABLES) JSON lines (empty: failed); infer-*: the same, --inference
  time-train-M-A.txt, time-train-torch-M-A.txt, time-infer-...   /usr/bin/time -v reports (peak RSS)
  levers.tsv                      label <TAB> batch <TAB> bench-train JSON line, one row each
  jfr-layers.md, ops-profile.txt  bench/jfr_layers.py's table; bench-train --profile-ops's stderr
  bench-fit.jsonl, overhead-fF/runs/*/run.json  the Spark overhead runs
  averaging.md                    bench/averaging.sh's section
  activations-vector.jsonl, activations-scalar.jsonl, grouped-conv-C-S.jsonl, bench-data.json
  cspresnext50-batch2.json        the input pipeline's fallback training rate (only when section 1 failed)
  models.jsonl, full-NAME.json    --all: the full-size models
  binaries.tsv                    --all: model act res ch batch width variant <TAB> JSON lines of the repeats

Numbers the commands print are shown as printed (their JSON text, not Python's float repr); only what is
computed here is formatted here. Standard library only.
"""
import argparse
import glob
import json
import os
import re
import sys
import time

MODELS = ("resnet50", "cspresnext50")
ACTIVATIONS = ("mish", "swish", "leakyrelu")
GROUPED_SHAPES = ((128, 64), (256, 32), (512, 16))
OVERHEAD_FREQUENCIES = (1, 5, 20)


def read(path):
    """A file's text, or '' when it is missing."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def parse_line(line):
    """One JSON object line, its numbers kept as their text; None when the line is not one."""
    line = line.strip().rstrip(",")  # models --format json: one object a line inside a JSON array
    if not line.startswith("{"):
        return None
    try:
        obj = json.loads(line, parse_float=str, parse_int=str, parse_constant=str)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def json_lines(path):
    """Every JSON object line of a file (the commands' other output skipped)."""
    return [o for o in (parse_line(l) for l in read(path).splitlines()) if o is not None]


def last_json(path):
    lines = json_lines(path)
    return lines[-1] if lines else None


def field(obj, name):
    """A field as the command printed it: numbers as their text, null as 'null', missing as ''."""
    if obj is None or name not in obj:
        return ""
    v = obj[name]
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def num(text):
    """A number the way awk reads one: the longest numeric prefix, 0 when there is none."""
    m = re.match(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", str(text))
    return float(m.group(0)) if m else 0.0


def ratio(a, b):
    b = num(b)
    return "%.2f" % (num(a) / b) if b > 0 else "n/a"


def quotient(a, b, fmt):
    """a / b formatted, '' when b is 0 (no row dies of a failed measurement)."""
    b = num(b)
    return fmt % (num(a) / b) if b != 0 else ""


def peak_rss(path):
    """The maximum resident set size a /usr/bin/time -v report gives, in GB ('' without one)."""
    out = ""
    for line in read(path).splitlines():
        if "Maximum resident set size" in line:
            out += "%.1f GB" % (num(line.split()[-1]) / 1048576)
    return out


def read_facts(work):
    facts = {}
    for line in read(os.path.join(work, "facts.txt")).splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            facts[k] = v
    return facts


def header(f):
    return [
        "# mishbench benchmarks",
        "",
        "Written by `submit-scripts/bench.sh %s` on %s (%s UTC, load average" % (f.get("args", ""), f.get("date", ""), f.get("time", "")),
        "%s at the start). Machine: %s, %s cores, %s GiB, AVX-512: %s;"
        % (f.get("loadavg", ""), f.get("cpu", ""), f.get("cores", ""), f.get("mem_gib", ""), f.get("avx512", "")),
        "%s; ND4J %s (binary chosen by io.mishbench.train.Nd4jBinary unless a row says"
        % (f.get("java_version", ""), f.get("nd4j_version", "")),
        "otherwise); git %s." % f.get("git", "unknown"),
    ]


def pytorch_section(work, f):
    """Issue 21's comparison: training and inference images/s and peak RSS against PyTorch, same machine, same run."""
    out = [
        "",
        "## Training throughput against PyTorch (224x224, batch 16, full size)",
        "",
        "Measured on %s, %s UTC, at git %s (%s, %s cores, AVX-512: %s; load average %s at the start of the run)."
        % (f.get("date", ""), f.get("time", ""), f.get("git", ""), f.get("cpu", ""), f.get("cores", ""),
           f.get("avx512", ""), f.get("loadavg", "")),
        "",
        "`mishbench bench-train --model M --activation A --resolution 224 --batch 16 --classes 1000 --warmup %s"
        % f.get("big_warmup", ""),
        "--steps %s` (one process, no Spark, random data, Nesterov SGD with weight decay) against" % f.get("big_steps", ""),
        "`bench/pytorch_bench.py` with the same arguments: the same models (torchvision's ResNet-50 with its ReLUs",
        "replaced; a CSPResNeXt-50 built like mishbench's, the weight counts checked equal below), the same step",
        "and all cores for both. mishbench runs as its launcher and submit scripts start it: the JVM options and",
        "`GLIBC_TUNABLES` of conf/jvm-options.properties (%s; malloc on transparent huge pages), a 6 GB heap and 10 GB"
        % f.get("glibc_tunables", ""),
        "of ND4J off-heap memory. PyTorch runs twice: as its users start it (glibc's defaults), and with the same",
        "`GLIBC_TUNABLES` as mishbench (which speeds it up as much). Ratios: mishbench's images/s over PyTorch's",
        "(target: >= 1.0 against each); peak RSS: the whole process's, from `/usr/bin/time -v` (target: mishbench's",
        "<= 1.5x PyTorch's).",
        "",
    ]
    torch_ok = f.get("torch_ok") == "true"
    if torch_ok:
        out.append("PyTorch %s (%s); each run sets as many intra-op threads as the process may use cores (%s)."
                   % (f.get("torch_version", ""), f.get("py", ""), f.get("cores", "")))
        for m in MODELS:
            theirs = field(last_json(os.path.join(work, "weights-torch-%s.json" % m)), "weights")
            ours = field(last_json(os.path.join(work, "weights-ours-%s.json" % m)), "weights")
            verdict = " (equal)" if ours == theirs else " (DIFFERENT: the comparison is not like for like)"
            out.append("%s weights: mishbench %s, PyTorch %s%s." % (m, ours, theirs, verdict))
    else:
        out.append("PyTorch is not importable by %s (Debian: `apt-get install python3-torch python3-torchvision`): "
                   "its columns are empty." % f.get("py", ""))

    def rows(kind, pairs):
        lines = [
            "",
            "| model | activation | mishbench images/s | PyTorch images/s | ratio | PyTorch, same malloc, images/s | ratio"
            " | mishbench peak RSS | PyTorch peak RSS | RSS ratio |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for m, a in pairs:
            ours = last_json(os.path.join(work, "%s-%s-%s.json" % (kind, m, a)))
            plain = last_json(os.path.join(work, "%s-torch-%s-%s.json" % (kind, m, a))) if torch_ok else None
            same = last_json(os.path.join(work, "%s-torchm-%s-%s.json" % (kind, m, a))) if torch_ok else None
            o_ips = field(ours, "images_per_sec") if ours else "failed"
            p_ips = field(plain, "images_per_sec") if plain else "-"
            s_ips = field(same, "images_per_sec") if same else "-"
            rss_ours = peak_rss(os.path.join(work, "time-%s-%s-%s.txt" % (kind, m, a)))
            rss_theirs = peak_rss(os.path.join(work, "time-%s-torch-%s-%s.txt" % (kind, m, a))) if plain else ""
            rss_ratio = ratio(rss_ours.split(" ")[0], rss_theirs.split(" ")[0]) if rss_ours and rss_theirs else "-"
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                m, a, o_ips, p_ips, ratio(o_ips, p_ips) if ours and plain else "-", s_ips,
                ratio(o_ips, s_ips) if ours and same else "-", rss_ours, rss_theirs, rss_ratio))
        return lines

    out += rows("train", [(m, a) for m in MODELS for a in ACTIVATIONS])
    out += [
        "",
        "Inference (evaluation) at batch 64: `bench-train ... --batch 64 --inference` (the forward pass with the",
        "running batch-norm statistics, as the evaluation after each epoch runs it) against",
        "`pytorch_bench.py ... --batch 64 --inference` (eval mode, forward under `torch.no_grad()`); same columns.",
    ]
    out += rows("infer", [(m, "mish") for m in MODELS])
    return out


def levers_section(work):
    out = [
        "",
        "## What each change bought (resnet50, mish, 224x224)",
        "",
        "The same `bench-train` as above, with mishbench's faster layers switched off one at a time",
        "(`-Dmishbench.convolution.dl4j=true`, `-Dmishbench.batchnorm.dl4j=true`: DL4J's own ConvolutionLayer and",
        "BatchNormalization code) on ND4J's build without oneDNN, with a larger minibatch, and on the oneDNN build",
        "(the default since issue 21: oneDNN's helper computes every convolution of 2^27 multiply-accumulates or more",
        "per call, i.e. all of resnet50's at 224, and, unless switched off, mishbench's fused batch norm replaces oneDNN's).",
        "The last rows switch off issue 21's changes one at a time: minibatch-wide products for small maps",
        "(`-Dmishbench.convolution.per-image=true`), activations fused into batch norm and sums",
        "(`-Dmishbench.activation.unfused=true`), the malloc tunables (`GLIBC_TUNABLES` unset) and the periodic",
        "collection (`-XX:G1PeriodicGCInterval=0`). One run each on a shared machine: differences under about 10% are",
        "within its noise (`bench-train --pair-property` alternates two networks' steps in one process for finer ones).",
        "Ratio: over DL4J's own layers.",
        "",
        "| variant | batch | images/s | step ms | ratio |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    base = None
    for row in read(os.path.join(work, "levers.tsv")).splitlines():
        parts = row.split("\t")
        if len(parts) < 2:
            continue
        label, batch = parts[0], parts[1]
        obj = parse_line(parts[2]) if len(parts) > 2 else None
        ips = field(obj, "images_per_sec") if obj else "failed"
        if base is None:
            base = ips
        out.append("| %s | %s | %s | %s | %s |" % (label, batch, ips, field(obj, "step_ms"), ratio(ips, base)))
    return out


def ops_rows(text):
    """The OpProfiler lines ("CustomOp matmul (<hash>)  >>>  perc: 65.7 Time spent: 3546 ms") as table rows."""
    lines = text.splitlines()
    start = next((i for i, l in enumerate(lines) if "ND4J op time by op name" in l), None)
    if start is None:
        return []
    rows = []
    for line in [l for l in lines[start:] if "perc:" in l][:12]:
        w = line.split()
        p = t = ""
        for i, tok in enumerate(w):
            if tok == "perc:" and i + 1 < len(w):
                p = w[i + 1]
            if tok == "spent:" and i + 1 < len(w):
                t = w[i + 1]
        rows.append("| %s %s | %.1f%% | %s |" % (w[0] if w else "", w[1] if len(w) > 1 else "", num(p), t))
    return rows


def profile_section(work):
    out = [
        "",
        "## Where the time goes (resnet50, mish, 224x224, batch 16)",
        "",
        "Java Flight Recorder over one warm-up and one timed step of `bench-train` (`-XX:StartFlightRecording",
        "settings=profile`), the training thread's samples charged to the innermost DL4J layer or vertex class on",
        "the stack and to the phase (`bench/jfr_layers.py`): while ND4J computes, that thread waits in a JNI call,",
        "which JFR samples, so the shares are of wall time.",
        "",
    ]
    out += read(os.path.join(work, "jfr-layers.md")).splitlines()
    out += [
        "",
        "ND4J's own op timings (`bench-train ... --profile-ops`: OpProfiler with checkElapsedTime, one timed step),",
        "the ops with the largest share of op time:",
        "",
        "| op | share of op time | ms |",
        "| --- | ---: | ---: |",
    ]
    out += ops_rows(read(os.path.join(work, "ops-profile.txt")))
    return out


def least_squares(points):
    """(slope, intercept) of y = intercept + slope x through the points; None for fewer than 2 or all x equal."""
    n = len(points)
    sx = sum(x for x, _ in points)
    sy = sum(y for _, y in points)
    sxx = sum(x * x for x, _ in points)
    sxy = sum(x * y for x, y in points)
    d = n * sxx - sx * sx
    if n < 2 or d <= 0:
        return None
    slope = (n * sxy - sx * sy) / d
    return slope, (sy - slope * sx) / n


def overhead_section(work):
    plain = json_lines(os.path.join(work, "bench-fit.jsonl"))
    epoch = {field(o, "epoch"): o for o in plain}
    plain_s1 = field(epoch.get("1"), "seconds")
    plain_s2 = field(epoch.get("2"), "seconds")
    plain_images = field(epoch.get("2"), "images")
    out = [
        "",
        "## Spark overhead (parameter averaging on one machine)",
        "",
        "`conf/bench-overhead.conf`: cspresnet50 at width 0.25 and depth 0.34, Mish, Adam, 4,000 Fashion-MNIST training",
        "images at 32x32 (the quickstart's data and network), 2 epochs, minibatch 32 per worker. `mishbench train`",
        "on Spark local[2] with 2 parameter-averaging workers, at each averaging frequency F (its run.json's",
        "epoch training seconds: fitting only, evaluation excluded), against `mishbench bench-fit`: the same",
        "network, updater, minibatches of 32 and images per epoch fitted in one process without Spark. Overhead:",
        "1 - (Spark images/s / plain images/s) in epoch 2 (epoch 1 includes JIT warm-up); negative when the two",
        "workers on two cores beat one process. Target: <= 10% at F >= 5.",
        "",
        "| run | F | averaging rounds / epoch | epoch 1 s | epoch 2 s | images/s (epoch 2) | overhead |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    if plain_s2:
        out.append("| bench-fit (one process) | - | - | %s | %s | %s | - |"
                   % (plain_s1, plain_s2, quotient(plain_images, plain_s2, "%.1f")))
    else:
        out.append("| bench-fit (one process) | - | - | failed | | | |")
    points = []
    for f in OVERHEAD_FREQUENCIES:
        runs = sorted(glob.glob(os.path.join(work, "overhead-f%d" % f, "runs", "*", "run.json")))
        epochs = None
        if runs:
            try:
                with open(runs[0], encoding="utf-8") as fh:
                    epochs = json.load(fh)["epochs"]
            except (OSError, ValueError, KeyError):
                epochs = None
        if epochs is None:
            out.append("| train (Spark local[2]) | %d | | failed: see mishbench-out/bench/overhead-f%d.log | | | |" % (f, f))
            continue
        e1 = epochs[0] if len(epochs) > 0 else {}
        e2 = epochs[1] if len(epochs) > 1 else {}
        s1 = e1.get("trainSeconds", 0) or 0
        s2 = e2.get("trainSeconds", 0) or 0
        images = e2.get("images", 0) or 0
        rounds = e2.get("averagingRounds", 0)
        ips = quotient(images, s2, "%.1f")
        overhead = "-"
        if plain_s2:
            p = num(plain_images) / num(plain_s2) if num(plain_s2) else 0
            overhead = "%+.1f%%" % (100 * (1 - (images / s2) / p)) if s2 and p else ""
        out.append("| train (Spark local[2]) | %d | %s | %.1f | %.1f | %s | %s |" % (f, rounds, s1, s2, ips, overhead))
        points.append((float(rounds or 0), float(s2)))
    # epoch seconds = compute + rounds x per-round cost: least squares over the three frequencies
    fit = least_squares(points)
    out.append("")
    if fit:
        per_round, intercept = "%.3f" % fit[0], "%.1f" % fit[1]
        out += [
            "A straight line through the three Spark epochs, epoch seconds = %s + rounds x %s, gives the cost of"
            % (intercept, per_round),
            "one averaging round on this machine for this small network: %s s (section 4 takes a round apart)." % per_round,
        ]
    return out


def averaging_section(work):
    return [""] + read(os.path.join(work, "averaging.md")).splitlines()


def activations_section(work, f):
    elements, repeats = f.get("elements", ""), f.get("act_repeats", "")
    vector = json_lines(os.path.join(work, "activations-vector.jsonl"))
    scalar = [o for o in json_lines(os.path.join(work, "activations-scalar.jsonl")) if field(o, "implementation") == "mishbench"]

    def total_of(impl, act):
        return next((field(o, "total_ms") for o in vector
                     if field(o, "implementation") == impl and field(o, "activation") == act), "")

    relu_ms = total_of("dl4j", "relu")
    kernel = next((field(o, "kernel") for o in vector if field(o, "implementation") == "mishbench"), "")
    out = [
        "",
        "## Activations",
        "",
        "`mishbench bench-activations --elements %s --repeats %s` (one process, no Spark): forward" % (elements, repeats),
        "(getActivation on a fresh copy of uniform [-10, 10) input) plus backward (backprop on another fresh copy",
        "with a random epsilon), candidates taking turns, best of %s repeats each. mishbench kernel: %s" % (repeats, kernel),
        "(Vector API); the scalar rows are the same command with `-Dmishbench.activation.scalar=true`, what a JVM",
        "without `--add-modules=jdk.incubator.vector` runs. \"x DL4J ReLU\": time over DL4J's ReLU's time (targets:",
        "Mish <= 1.5, Swish <= 1.3). \"speedup\": DL4J's same activation's time over this one's (target: Mish >= 2).",
        "",
        "| implementation | activation | forward ms | backward ms | total ms | elements/s | x DL4J ReLU | speedup vs DL4J |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for o in vector + scalar:
        impl, act, total = field(o, "implementation"), field(o, "activation"), field(o, "total_ms")
        label = "mishbench (scalar)" if impl == "mishbench" and field(o, "kernel") == "scalar" else impl
        speedup = quotient(total_of("dl4j", act), total, "%.2fx") if impl == "mishbench" else ""
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            label, act, field(o, "forward_ms"), field(o, "backward_ms"), total, field(o, "elements_per_sec"),
            quotient(total, relu_ms, "%.2f"), speedup))
    return out


def grouped_conv_section(work):
    out = [
        "",
        "## Grouped convolution",
        "",
        "`mishbench bench-grouped-conv --channels C --groups 32 --size S --batch 8 --steps 5`: one training step",
        "(forward, backward, SGD update) of a single 3x3 convolution C -> C channels on SxS maps, best of 5 steps",
        "after 2 untimed ones. channel-slices: 32 DL4J convolutions on channel slices, concatenated (DL4J's own",
        "layers, the reference); native-im2col: GroupedConv2D, im2col and a batched matrix product as a native",
        "DL4J layer with a hand-written backward pass (the zoo's); ungrouped: the plain convolution of the same",
        "width, 32x the multiply-accumulates, for scale.",
        "",
        "| implementation | channels | map | batch | step ms | x channel-slices |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for ch, size in GROUPED_SHAPES:
        lines = json_lines(os.path.join(work, "grouped-conv-%d-%d.jsonl" % (ch, size)))
        base = next((field(o, "step_ms") for o in lines if field(o, "implementation") == "channel-slices"), "")
        for o in lines:
            ms = field(o, "step_ms")
            out.append("| %s | %d | %dx%d | 8 | %s | %s |" % (field(o, "implementation"), ch, size, size, ms,
                                                         quotient(ms, base, "%.2f")))
    return out


def input_pipeline_section(work):
    train = last_json(os.path.join(work, "train-cspresnext50-mish.json"))
    if train is None:
        train = last_json(os.path.join(work, "cspresnext50-batch2.json"))
    cspresnext50_ips = field(train, "images_per_sec") if train else ""
    data = last_json(os.path.join(work, "bench-data.json"))
    data_ips = field(data, "images_per_sec_per_core")
    rate = "n/a (cspresnext50 failed)"
    if cspresnext50_ips:
        rate = quotient(data_ips, cspresnext50_ips, "%.0fx")
    return [
        "",
        "## Input pipeline",
        "",
        "`mishbench bench-data --resolution 224 --images 512 --batch 32 --preset paper`: one thread decodes 341x256",
        "JPEGs (quality 95, as `prepare --encoding jpeg --image-size 256` stores them), random-resized-crops them to",
        "224x224 with flip and Darknet colour jitter, then CutMix/Mosaic and label smoothing per minibatch of 32.",
        "",
        "cspresnext50's training rate: Mish at batch 16 from the PyTorch comparison above (or, when that failed,",
        "batch 2, 1 warm-up and 2 timed steps); one process on all cores, no Spark.",
        "",
        "| decode ms/image | augment ms/image | minibatch ms/image | images/s on one core"
        " | cspresnext50 training images/s at 224 (all cores) | loader / training |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        "| %s | %s | %s | %s | %s | %s |" % (
            field(data, "decode_ms_per_image"), field(data, "augment_ms_per_image"), field(data, "batch_ms_per_image"),
            data_ips, cspresnext50_ips or "not measured", rate),
    ]


def quickstart_section(qs):
    table = os.path.join(qs, "aggregate", "comparison.md")
    if not os.path.isfile(table):
        return []
    written = time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(os.path.getmtime(table)))
    out = [
        "",
        "## Quickstart table",
        "",
        "From the last `./submit-scripts/quickstart.sh` in this checkout (%s):" % written,
        "Fashion-MNIST, 4,000 training and 1,000 validation images, 32x32 grey, 2 epochs, Spark local[*],",
        "2 parameter-averaging workers. Validation accuracy in %.",
        "",
    ]
    out += read(table).splitlines()
    out += [
        "",
        "Share of the workers' training loop spent waiting for the next minibatch (run.json, epochs[].dataWaitShare;",
        "an upper bound: DL4J's task time minus model fetch and minibatch fitting):",
        "",
        "| run | epoch 1 | epoch 2 |",
        "| --- | ---: | ---: |",
    ]
    for run in sorted(glob.glob(os.path.join(qs, "results", "runs", "*", "run.json"))):
        shares = ""
        for value in re.findall(r'"dataWaitShare" *: *([^,}\n]*)', read(run)):
            value = value.split()[0] if value.split() else ""
            shares += "| - " if value == "null" else "| %.2f%% " % (100 * num(value))
        out.append("| %s %s|" % (os.path.basename(os.path.dirname(run)), shares))
    return out


def full_size_section(work):
    out = [
        "",
        "## Full-size models",
        "",
        "`mishbench bench-train --model M --resolution 224 --batch 8 --steps 5 --classes 1000 --activation mish`",
        "(one process, no Spark, random data, 5 timed steps after 3 warm-up steps), one run per model; weights and",
        "MACs from `mishbench models --resolution 224 --classes 1000`.",
        "",
        "| model | params (DL4J) | weights | GMACs | images/s | step ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in json_lines(os.path.join(work, "models.jsonl")):
        name = field(m, "name")
        if not name or name.startswith("tiny"):
            continue
        run = last_json(os.path.join(work, "full-%s.json" % name))
        gmacs = "%.2f" % (num(field(m, "macs")) / 1e9)
        if run is None:
            out.append("| %s | %s | %s | %s | failed | |" % (name, field(m, "params"), field(m, "weights"), gmacs))
        else:
            out.append("| %s | %s | %s | %s | %s | %s |" % (name, field(m, "params"), field(m, "weights"), gmacs,
                                                         field(run, "images_per_sec"), field(run, "step_ms")))
    return out


def best_of(lines):
    """The run with the highest images/s of a row's repeats (None when none measured any)."""
    best, best_ips = None, 0.0
    for o in lines:
        ips = num(field(o, "images_per_sec"))
        if ips > best_ips:
            best, best_ips = o, ips
    return best


def binaries_section(work, f):
    out = [
        "",
        "## ND4J CPU binaries",
        "",
        "`mishbench bench-train` (one process, no Spark, random data, %s timed steps after 3 warm-up steps," % f.get("steps", ""),
        "best of %s runs), the same command for every binary, selected with" % f.get("repeats", ""),
        "`-Dorg.bytedeco.javacpp.platform.extension`. Ratio: images/s over the portable build's.",
        "",
        "| model | input | batch | width | binary | images/s | step ms | ratio |",
        "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    base = {}
    for row in read(os.path.join(work, "binaries.tsv")).splitlines():
        parts = row.split("\t")
        key = parts[0].split()
        if len(key) < 7:
            key = key + [""] * (7 - len(key))
        model, _act, res, ch, batch, width, variant = key[:7]
        best = best_of([o for o in (parse_line(p) for p in parts[1:]) if o is not None])
        cells = "| %s | %sx%sx%s | %s | %s | linux-x86_64%s |" % (model, res, res, ch, batch, width, variant)
        if best is None:
            out.append(cells + " failed | | |")
            continue
        ips = field(best, "images_per_sec")
        config = tuple(key[:6])
        base.setdefault(config, ips)
        out.append(cells + " %s | %s | %s |" % (ips, field(best, "step_ms"), quotient(ips, base[config], "%.2f")))
    return out


def render(work, quickstart):
    f = read_facts(work)
    out = header(f)
    out += pytorch_section(work, f)
    out += levers_section(work)
    out += profile_section(work)
    out += overhead_section(work)
    out += averaging_section(work)
    out += activations_section(work, f)
    out += grouped_conv_section(work)
    out += input_pipeline_section(work)
    out += quickstart_section(quickstart)
    if f.get("all") == "true":
        out += full_size_section(work)
        out += binaries_section(work, f)
    return "\n".join(out) + "\n"


RERUN_NOTE = "Sections rerun alone since (`bench.sh --only pytorch`) say when, at which commit, in their first line."


def splice(existing, sections):
    """existing Markdown with each '## ' section of `sections` (a list of lines) put in place of the section with
    the same heading (up to its parenthesis), or after the title when it has none; other sections are kept."""
    def split(lines):
        head, parts = [], []
        for line in lines:
            if line.startswith("## "):
                parts.append([line])
            elif parts:
                parts[-1].append(line)
            else:
                head.append(line)
        return head, parts

    def key(part):
        return part[0].split(" (")[0].strip()

    head, old = split(existing.splitlines())
    _, new = split(sections)
    if RERUN_NOTE not in head:
        while head and head[-1] == "":
            head.pop()
        head += ["", RERUN_NOTE, ""]
    replaced = {key(p): p for p in new}
    out, used = list(head), set()
    for part in new:
        while part and part[-1] == "":
            part.pop()
        part.append("")  # one blank line before the next section
    for part in old:
        k = key(part)
        if k in replaced:
            out += replaced[k]
            used.add(k)
        else:
            out += part
    for part in new:
        if key(part) not in used:
            out[len(head):len(head)] = part
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description="Renders BENCHMARKS.md from bench.sh's work folder.")
    p.add_argument("work", help="bench.sh's work folder (mishbench-out/bench)")
    p.add_argument("--quickstart", default="", help="the quickstart's output folder (its aggregate and runs)")
    p.add_argument("--only-pytorch", metavar="BENCHMARKS_MD",
                   help="render only the PyTorch comparison and what each change bought, put in place of those"
                        " sections of this existing file (bench.sh --only pytorch)")
    a = p.parse_args(argv)
    if a.only_pytorch:
        f = read_facts(a.work)
        sections = pytorch_section(a.work, f) + levers_section(a.work)
        sys.stdout.write(splice(read(a.only_pytorch), sections))
        return 0
    sys.stdout.write(render(a.work, a.quickstart))
    return 0


if __name__ == "__main__":
    sys.exit(main())
