#!/usr/bin/env bash
# bench.sh's parameter-averaging section (issue 17), also runnable alone:
#   bench/averaging.sh OUT.md [--skip-parity]
# 1. round anatomy: the full-size cspresnext50 (conf/bench-round.conf: 200 Fashion-MNIST images at 32 px, 2 workers
#    x batch 4) trained by `train` on Spark local[2] at F = 1 and 5, with the state exchanged in memory (the default
#    in local mode) and over the TCP ring (the default on a cluster), and at F = 1 through Spark's broadcast and task
#    results; then on a real standalone cluster on this machine (bench/standalone-cluster.sh: one-core workers)
#    with 2 and 4 executors at F = 1 and 5 over the ring, and 2 executors at F = 1 through Spark. Every run records
#    where a round's time went (run.json: epochs[].roundMillis), peak memory comes from /usr/bin/time.
# 2. the yardstick: a torch.distributed gloo all-reduce of the same number of floats between 2 and 4 local
#    processes (bench/gloo_allreduce.py, Debian's python3-torch), and the loopback link's bytes/s.
# 3. the cost model of the ring exchange (bench-cost-model) fed by those measurements: its round for the 2- and
#    4-executor standalone runs against the measured one, then 8/32/128 executors at 10/25/100 Gbit/s.
# 4. accuracy parity (conf/bench-parity.conf): one process against 2 and 4 workers at F = 1, 5 and 20, 3 seeds.
# bench/round_report.py renders all of it as Markdown into OUT.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:?output file}"; skip_parity=false
[ "${2:-}" = "--skip-parity" ] && skip_parity=true
py="${MISHBENCH_PYTHON:-/usr/bin/python3}"
mishbench="$root/submit-scripts/mishbench"
work="$root/mishbench-out/bench/averaging"
fashion="${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
mkdir -p "$work"
# a rerun replaces every measurement; with --skip-parity an earlier parity folder stays (and is reported)
find "$work" -mindepth 1 -maxdepth 1 ! -name parity ! -name 'parity-*' -exec rm -rf {} +
gpu_ips="${BENCH_GPU_IMAGES_PER_SEC:-300}"

data="$root/mishbench-out/bench/averaging-data"
if [ ! -f "$data/prepared/manifest.json" ]; then
  if [ -f "$fashion/train-images-idx3-ubyte.gz" ] || [ -f "$fashion/train-images-idx3-ubyte" ]; then
    "$mishbench" import-fashion-mnist --idx-dir "$fashion" --output "$data/raw" --train-per-class 20 --val-per-class 10
    "$mishbench" prepare --input "$data/raw" --output "$data/prepared" --image-size 32 --channels 1 --shard-size 200 --overwrite
  else
    "$mishbench" synth --output "$data/raw" --classes 10 --per-class 30 --size 32 --seed 1
    "$mishbench" prepare --input "$data/raw" --output "$data/prepared" --image-size 32 --channels 3 --shard-size 200 --overwrite
  fi
fi >"$work/data.log" 2>&1

local_run() { # name F java-options
  echo "bench: averaging round, local[2], $1" >&2
  JAVA_TOOL_OPTIONS="$3" MISHBENCH_MASTER='local[2]' /usr/bin/time -v -o "$work/$1.time" "$mishbench" train \
    --config conf/bench-round.conf --set "dataset=$data/prepared" --set "training.averaging-frequency=$2" \
    --set "results=$work/$1" >"$work/$1.log" 2>&1 || echo "bench: $1 failed (see $work/$1.log)" >&2
}
local_run local-f1 1 ""
local_run local-f5 5 ""
local_run ring-f1 1 "-Dmishbench.averaging.exchange=ring"
local_run ring-f5 5 "-Dmishbench.averaging.exchange=ring"
local_run spark-f1 1 "-Dmishbench.averaging.exchange=spark"

for n in 2 4; do
  cluster="$work/cluster-$n"
  if master="$(bench/standalone-cluster.sh start "$cluster" "$n" 3g)"; then
    runs="ring:1 ring:5"; [ "$n" = 2 ] && runs="$runs spark:1"
    for run in $runs; do
      x="${run%:*}" f="${run#*:}" name="standalone$n-f$f"; [ "$x" = spark ] && name="standalone$n-spark-f$f"
      echo "bench: averaging round, standalone cluster, $n executors, F=$f, $x exchange" >&2
      SPARK_LOCAL_IP=127.0.0.1 /usr/bin/time -v -o "$work/$name.time" submit-scripts/submit-standalone.sh \
        --master "$master" --executors "$n" --executor-cores 1 --executor-memory 1g --executor-offheap 2g \
        --driver-memory 2g --driver-offheap 2g --conf spark.driver.host=127.0.0.1 \
        --conf "spark.driver.extraJavaOptions=-Dmishbench.averaging.exchange=$x" \
        train --config conf/bench-round.conf --set "dataset=$data/prepared" --set "training.workers=$n" \
        --set "training.averaging-frequency=$f" --set "results=$work/$name" \
        >"$work/$name.log" 2>&1 || echo "bench: standalone $n F=$f $x failed" >&2
    done
  else
    echo "bench: the $n-worker standalone cluster did not start (see $cluster)" >&2
  fi
  bench/standalone-cluster.sh stop "$cluster"
done

echo "bench: gloo all-reduce and loopback" >&2
# parameters do not depend on the input size (global pooling); 224 is a size every model accepts
floats="$("$mishbench" models --resolution 224 --classes 10 --format json 2>/dev/null | "$py" -c '
import json, sys
print(2 * next(m["params"] for m in json.load(sys.stdin) if m["name"] == "cspresnext50"))' || echo 41229648)"
for n in 2 4; do
  "$py" bench/gloo_allreduce.py "$floats" "$n" 5 >"$work/gloo-$n.json" 2>"$work/gloo-$n.err" || true
done
"$py" bench/loopback.py >"$work/loopback.json" 2>/dev/null || true

echo "bench: cost model" >&2
# the model's measured inputs: a stage's scheduling + task deserialization + ring connection from the ring runs'
# anatomy; codec, copy, add, loopback and hop rates measured by bench-cost-model itself
stage="$("$py" bench/round_report.py --stage-seconds "$work")"
"$mishbench" bench-cost-model --model cspresnext50 --resolution 32 --classes 10 --images-per-sec 1 --batch 4 \
  --images-per-epoch 200 --stage-seconds "$stage" --executors 2,4 --loopback --cores "$(nproc)" --frequencies 1,5 \
  >"$work/cost-local.md" 2>"$work/cost-local.err" || true
# a datacenter hop (100 us) instead of loopback's; the GPU's images/s is the one assumption
"$mishbench" bench-cost-model --model cspresnext50 --images-per-sec "$gpu_ips" --batch 32 --stage-seconds "$stage" \
  --hop-seconds 0.0001 >"$work/cost-cluster.md" 2>"$work/cost-cluster.err" || true

if ! $skip_parity; then
  rm -rf "$work/parity" "$work"/parity-*.log
  prepared="$root/mishbench-out/quickstart/data/prepared"
  if [ ! -f "$prepared/manifest.json" ]; then
    raw="$root/mishbench-out/quickstart/data/raw"
    "$mishbench" import-fashion-mnist --idx-dir "$fashion" --output "$raw" --train-per-class 400 --val-per-class 100
    "$mishbench" prepare --input "$raw" --output "$prepared" --image-size 32 --channels 1 --shard-size 500 --overwrite
  fi >"$work/parity-data.log" 2>&1
  for wf in 1:1 2:1 2:5 2:20 4:1 4:5 4:20; do
    w="${wf%:*}" f="${wf#*:}"
    echo "bench: parity, $w worker(s), F=$f, seeds 1-3" >&2
    # a small network: 2 GB of heap and 2 GB off-heap leave room for the rest of the machine
    MISHBENCH_DRIVER_MEMORY=2g MISHBENCH_DRIVER_OFFHEAP=2g MISHBENCH_MASTER="local[$w]" \
      "$mishbench" benchmark --config conf/bench-parity.conf --set "dataset=$prepared" \
      --set "training.workers=$w" --set "training.averaging-frequency=$f" --set "results=$work/parity/w$w-f$f" \
      >"$work/parity-w$w-f$f.log" 2>&1 || echo "bench: parity w$w F=$f failed" >&2
  done
fi

"$py" bench/round_report.py --gpu-ips "$gpu_ips" "$work" > "$out"
