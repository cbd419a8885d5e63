#!/usr/bin/env python3
"""Where a DL4J training step spends its wall time, from a Java Flight Recorder file.

    jfr_layers.py RECORDING.jfr [--thread main] [--top 15]

ND4J's kernels run in native threads that JFR cannot see, but the Java thread that called them waits
in a JNI method meanwhile, and JFR samples that (jdk.NativeMethodSample) as well as Java code
(jdk.ExecutionSample). Each sample of the training thread is charged to the innermost DL4J layer,
graph vertex, activation, updater or loss frame on its stack and to a phase (forward, backward,
update, other): a wall-time profile by layer type. Prints a Markdown table.
"""
import argparse
import collections
import json
import subprocess
import sys

# innermost frame whose class starts with one of these names the component, in this order of preference
COMPONENT_PREFIXES = (
    "io.mishbench.",
    "org.deeplearning4j.nn.layers.",
    "org.deeplearning4j.nn.graph.vertex.impl.",
    "org.deeplearning4j.nn.updater.",
    "org.nd4j.linalg.learning.",
    "org.nd4j.linalg.lossfunctions.",
    "org.deeplearning4j.optimize.",
)


def phase(methods):
    for m in methods:  # innermost first
        if "backprop" in m.lower() or m in ("doBackward", "calcBackpropGradients"):
            return "backward"
        if m in ("applyUpdater", "update", "applyRegularization", "step") or "Updater" in m:
            return "update"
        if m in ("activate", "doForward", "preOutput", "feedForward", "ffToLayerActivationsInWs", "outputOfLayerDetached"):
            return "forward"
    return "other"


def component(frames):
    for f in frames:
        cls = f["method"]["type"]["name"].replace("/", ".")
        for p in COMPONENT_PREFIXES:
            if cls.startswith(p):
                simple = cls.rsplit(".", 1)[-1].split("$")[0]
                return simple
    return "(outside DL4J layers)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("recording")
    ap.add_argument("--thread", default="main")
    ap.add_argument("--top", type=int, default=15)
    a = ap.parse_args()
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "256", "--events",
                          "jdk.ExecutionSample,jdk.NativeMethodSample", a.recording],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(out)["recording"]["events"]
    by_comp = collections.Counter()
    by_phase = collections.Counter()
    by_comp_phase = collections.Counter()
    native = 0
    total = 0
    for e in events:
        v = e["values"]
        thread = v.get("sampledThread") or {}
        if (thread.get("javaName") or thread.get("osName")) != a.thread or not v.get("stackTrace"):
            continue
        frames = v["stackTrace"]["frames"]
        methods = [f["method"]["name"] for f in frames]
        c, p = component(frames), phase(methods)
        by_comp[c] += 1
        by_phase[p] += 1
        by_comp_phase[(c, p)] += 1
        native += e["type"] == "jdk.NativeMethodSample"
        total += 1
    if total == 0:
        sys.exit(f"no samples of thread {a.thread!r} in {a.recording}")
    print(f"{total} samples of thread '{a.thread}', {100 * native / total:.0f}% of them waiting in native (ND4J) code.\n")
    print("| phase | share of wall time |")
    print("| --- | ---: |")
    for p, n in by_phase.most_common():
        print(f"| {p} | {100 * n / total:.1f}% |")
    print("\n| component (innermost DL4J / mishbench class) | forward | backward | update | other | total |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for c, n in by_comp.most_common(a.top):
        cells = " | ".join(f"{100 * by_comp_phase[(c, p)] / total:.1f}%" for p in ("forward", "backward", "update", "other"))
        print(f"| {c} | {cells} | {100 * n / total:.1f}% |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
