#!/usr/bin/env bash
# Measures what the performance claims in README rest on and writes BENCHMARKS.md. This script only launches
# the measurements and keeps their raw output in mishbench-out/bench; bench/bench_report.py reads it, computes and
# writes the Markdown.
# All figures of one table come from one run of this script on one machine (side-by-side ratios: the
# machine may be shared and noisy, absolute numbers drift).
#
#   submit-scripts/bench.sh [--quick] [--all] [--only pytorch]
#
# Default sections (about half an hour on a 2-core machine):
#   1. mishbench against PyTorch: bench-train of resnet50 and cspresnext50 at 224x224, batch 16, full size,
#      1000 classes, for mish, swish and leakyrelu, beside bench/pytorch_bench.py (Debian's python3-torch and
#      python3-torchvision: the same models, step and threads); images/s, their ratio and peak resident memory
#      of each process (section 4 of issue 8: cspresnext50's peak memory is its row here).
#   2. Where the time goes: one resnet50 step under Java Flight Recorder (wall time by DL4J layer type and
#      phase, bench/jfr_layers.py) and ND4J's OpProfiler (op time by op name).
#   3. Spark overhead: `train` (Spark local[2], 2 parameter-averaging workers) at averaging frequencies 1, 5
#      and 20 against `bench-fit` (one process, no Spark) on the same data, network and epochs
#      (conf/bench-overhead.conf, the quickstart's network and data).
#   4. Parameter averaging (bench/averaging.sh): the full-size cspresnext50's averaging round taken apart on
#      local[2] and on 2- and 4-executor standalone clusters, against a gloo all-reduce of the same bytes; the
#      cost model (bench-cost-model) fed by those measurements and checked against them, then 8/32/128
#      executors; accuracy parity of 2 and 4 workers at F = 1/5/20 against one process (skipped by --quick).
#   5. Activations (bench-activations), grouped convolution (bench-grouped-conv), the input pipeline
#      (bench-data) and the last quickstart's table and data-wait shares.
# --all adds the ND4J CPU binaries comparison and every full-size zoo model at 224 (well over an hour).
# --quick: fewer repeats and steps everywhere.
# --only pytorch: sections 1 and 1b alone (about 25 minutes), put in place of those sections of BENCHMARKS.md,
#   the others kept as they were (each section says when it was measured).
# Environment: MISHBENCH_PYTHON (default /usr/bin/python3, the interpreter Debian's python3-torch is for),
# BENCH_STEPS / BENCH_WARMUP (timed and untimed steps at 224; default 3 and 1),
# BENCH_GPU_IMAGES_PER_SEC (one GPU executor's cspresnext50 training rate assumed by the cost model; 300).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
quick=false all=false only=""
while [ $# -gt 0 ]; do
  arg="$1"; shift
  case "$arg" in
    --quick) quick=true ;;
    --all) all=true ;;
    --only) [ "${1:-}" = pytorch ] || { echo "bench.sh: --only takes 'pytorch'" >&2; exit 2; }; only=pytorch; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option '$arg' (--quick, --all, --only pytorch, --help)" >&2; exit 2 ;;
  esac
done
repeats=2
steps=20
big_steps="${BENCH_STEPS:-3}"
big_warmup="${BENCH_WARMUP:-1}"
$quick && { repeats=1; steps=10; big_steps="${BENCH_STEPS:-2}"; }
py="${MISHBENCH_PYTHON:-/usr/bin/python3}"
gpu_ips="${BENCH_GPU_IMAGES_PER_SEC:-300}"
mkdir -p "$root/mishbench-out/bench"
work="$root/mishbench-out/bench"
# full-size models: ND4J's native memory capped below this machine's RAM, so a model that does not fit
# fails with an OutOfMemoryError instead of being killed by the kernel
memcap="-Xmx6g -Dorg.bytedeco.javacpp.maxbytes=10g -Dorg.bytedeco.javacpp.maxphysicalbytes=17g"

if [ ! -f jobs/target/mishbench-jobs.jar ] || [ ! -d spark-runtime/target/jars ]; then
  mvn -B -q -DskipTests package
fi
version=1.0.0-M2.1
m2="${MAVEN_REPO:-$HOME/.m2/repository}/org/nd4j/nd4j-native/$version"
variants=("" -avx2 -avx512 -onednn -onednn-avx2 -onednn-avx512)
# every JVM option mishbench needs, from their one place
opens="$(sed -n 's/^java17\.opens=//p' conf/jvm-options.properties) $(sed -n 's/^jvm\.modules=//p' conf/jvm-options.properties)"
opens+=" $(sed -n 's/^jvm\.gc=//p' conf/jvm-options.properties)"
# mishbench's processes run with the malloc tunables its launcher and submit scripts give them
export GLIBC_TUNABLES="$(sed -n 's/^glibc\.tunables=//p' conf/jvm-options.properties)${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}"
jobs_cp="spark-runtime/target/jars/*:jobs/target/mishbench-jobs.jar"
mishbench_java() { java $opens "$@"; }
timed() { # timed FILE cmd...: runs cmd under /usr/bin/time -v (its report in FILE), stdout kept
  if [ -x /usr/bin/time ]; then /usr/bin/time -v -o "$1" "${@:2}"; else : > "$1"; "${@:2}"; fi
}
json_lines() { grep '^{' || true; }   # the commands' JSON lines, their other output dropped
# Every file below goes to $work; bench/bench_report.py reads them, computes and writes BENCHMARKS.md.

rm -f "$work"/facts.txt "$work"/weights-*.json "$work"/train-*.json "$work"/infer-*.json "$work"/time-*.txt "$work"/levers.tsv \
  "$work"/jfr-layers.md "$work"/bench-fit.jsonl "$work"/activations-*.jsonl "$work"/grouped-conv-*.jsonl \
  "$work"/cspresnext50-batch2.json "$work"/bench-data.json "$work"/models.jsonl "$work"/full-*.json "$work"/binaries.tsv
avx512="$(grep -m1 -o -w avx512f /proc/cpuinfo || echo none)"
{
  echo "args=$*"
  echo "date=$(date -u +%Y-%m-%d)"
  echo "time=$(date -u +%H:%M)"
  echo "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores=$(nproc)"
  echo "mem_gib=$(free -g | awk '/Mem:/{print $2}')"
  echo "avx512=$avx512"
  echo "java_version=$(java -version 2>&1 | head -1)"
  echo "nd4j_version=$version"
  echo "git=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "glibc_tunables=$GLIBC_TUNABLES"
  echo "py=$py"
  echo "quick=$quick"
  echo "all=$all"
  echo "repeats=$repeats"
  echo "steps=$steps"
  echo "big_steps=$big_steps"
  echo "big_warmup=$big_warmup"
} > "$work/facts.txt"

# --- 1. mishbench against PyTorch --------------------------------------------------------------------
torch_ok=true
"$py" -c 'import torch, torchvision' 2>/dev/null || torch_ok=false
echo "torch_ok=$torch_ok" >> "$work/facts.txt"
if $torch_ok; then
  echo "torch_version=$("$py" -c 'import torch, torchvision; print(torch.__version__, "/ torchvision", torchvision.__version__)')" >> "$work/facts.txt"
  for m in resnet50 cspresnext50; do
    "$py" bench/pytorch_bench.py --model "$m" --count | json_lines > "$work/weights-torch-$m.json" || true
    mishbench_java -cp "$jobs_cp" io.mishbench.jobs.Main models --model "$m" --format json 2>/dev/null |
      grep '"name"' > "$work/weights-ours-$m.json" || true
  done
fi
torch_run() { # torch_run KIND M A [--inference ...]: PyTorch with glibc's defaults, then with mishbench's GLIBC_TUNABLES
  local kind="$1" m="$2" a="$3"; shift 3
  $torch_ok || return 0
  echo "bench: $m $a ($kind): PyTorch, glibc's defaults" >&2
  timed "$work/time-$kind-torch-$m-$a.txt" env -u GLIBC_TUNABLES "$py" bench/pytorch_bench.py --model "$m" --activation "$a" \
    --resolution 224 --classes 1000 --warmup "$big_warmup" --steps "$big_steps" "$@" | json_lines | tail -1 \
    > "$work/$kind-torch-$m-$a.json" || true
  echo "bench: $m $a ($kind): PyTorch, GLIBC_TUNABLES=$GLIBC_TUNABLES" >&2
  timed "$work/time-$kind-torchm-$m-$a.txt" "$py" bench/pytorch_bench.py --model "$m" --activation "$a" \
    --resolution 224 --classes 1000 --warmup "$big_warmup" --steps "$big_steps" "$@" | json_lines | tail -1 \
    > "$work/$kind-torchm-$m-$a.json" || true
}
ours_run() { # ours_run KIND M A BENCH-TRAIN-OPTIONS...: bench-train as mishbench's launcher runs it
  local kind="$1" m="$2" a="$3"; shift 3
  echo "bench: $m $a ($kind): mishbench" >&2
  timed "$work/time-$kind-$m-$a.txt" java $opens $memcap -cp "$jobs_cp" io.mishbench.jobs.Main bench-train --model "$m" \
    --activation "$a" --resolution 224 --classes 1000 --warmup "$big_warmup" --steps "$big_steps" "$@" \
    2>"$work/bench-$kind-$m-$a.err" | json_lines | tail -1 > "$work/$kind-$m-$a.json" || true
  [ -s "$work/$kind-$m-$a.json" ] && rm -f "$work/bench-$kind-$m-$a.err"   # kept when the run failed
}
for m in resnet50 cspresnext50; do
  for a in mish swish leakyrelu; do
    ours_run train "$m" "$a" --batch 16
    torch_run train "$m" "$a" --batch 16
  done
  # inference (evaluation) at batch 64
  ours_run infer "$m" mish --batch 64 --inference
  torch_run infer "$m" mish --batch 64 --inference
done

# --- 1b. what each change bought -------------------------------------------------------------------------
lever() { # lever LABEL JAVA-OPTIONS... -- BENCH-TRAIN-OPTIONS...: one bench-train JSON line (empty when it failed)
  local label="$1"; shift
  local jopts=() envs=()
  while [ "$1" != -- ]; do
    case "$1" in env:-*) envs+=(-u "${1#env:-}") ;; *) jopts+=("$1") ;; esac
    shift
  done
  shift
  echo "bench: lever '$label'" >&2
  env "${envs[@]}" java $opens $memcap "${jopts[@]}" -cp "$jobs_cp" io.mishbench.jobs.Main bench-train --resolution 224 --classes 1000 \
    --warmup "$big_warmup" --steps "$big_steps" "$@" 2>/dev/null | json_lines | tail -1 || true
}
# the bundled builds for this CPU: with oneDNN (the default Nd4jBinary picks) and without
plain=-avx512 onednn=-onednn-avx512
if [ "$avx512" = none ]; then plain=-avx2 onednn=-onednn-avx2; fi
without="-Dorg.bytedeco.javacpp.platform.extension=$plain"
# label|java options|batch; the first row is the ratio's base
while IFS='|' read -r label jopt batch; do
  read -ra jo <<<"$jopt"
  printf '%s\t%s\t%s\n' "$label" "$batch" "$(lever "$label" "${jo[@]}" -- --model resnet50 --activation mish --batch "$batch")" \
    >> "$work/levers.tsv"
done <<EOF2
DL4J's convolution and batch norm, ND4J $plain build (before)|$without -Dmishbench.convolution.dl4j=true -Dmishbench.batchnorm.dl4j=true|16
GEMM convolution, DL4J's batch norm, ND4J $plain build|$without -Dmishbench.batchnorm.dl4j=true|16
GEMM convolution and fused batch norm, ND4J $plain build|$without|16
GEMM convolution and fused batch norm, ND4J $plain build, batch 32|$without|32
ND4J $onednn build: oneDNN's convolution and batch norm|-Dorg.bytedeco.javacpp.platform.extension=$onednn -Dmishbench.batchnorm.dl4j=true|16
ND4J $onednn build: oneDNN's large convolutions, fused batch norm (the default)|-Dorg.bytedeco.javacpp.platform.extension=$onednn|16
one matrix product per image at every map size (no minibatch-wide products for small maps)|-Dmishbench.convolution.per-image=true|16
activations not fused into batch norm and sums (separate ActivationLayers)|-Dmishbench.activation.unfused=true|16
glibc's malloc defaults (no GLIBC_TUNABLES)|env:-GLIBC_TUNABLES|16
no periodic garbage collection|-XX:G1PeriodicGCInterval=0|16
EOF2

if [ "$only" = pytorch ]; then
  out="$root/BENCHMARKS.md.tmp"
  "$py" bench/bench_report.py "$work" --only-pytorch "$root/BENCHMARKS.md" > "$out"
  mv "$out" "$root/BENCHMARKS.md"
  echo "bench: replaced the PyTorch comparison and what each change bought in BENCHMARKS.md" >&2
  exit 0
fi

# --- 2. where the time goes ---------------------------------------------------------------------------
echo "bench: profile of resnet50 (JFR, OpProfiler)" >&2
rm -f "$work/resnet50.jfr"
java $opens $memcap -XX:StartFlightRecording=filename="$work/resnet50.jfr",settings=profile -cp "$jobs_cp" \
  io.mishbench.jobs.Main bench-train --model resnet50 --activation mish --resolution 224 --classes 1000 --batch 16 \
  --warmup 1 --steps 1 >"$work/profile.out" 2>"$work/profile.err" || true
"$py" bench/jfr_layers.py "$work/resnet50.jfr" --top 12 >"$work/jfr-layers.md" 2>&1 ||
  echo "(no profile: see $work/profile.err)" >> "$work/jfr-layers.md"
java $opens $memcap -cp "$jobs_cp" io.mishbench.jobs.Main bench-train --model resnet50 --activation mish \
  --resolution 224 --classes 1000 --batch 16 --warmup 1 --steps 1 --profile-ops >/dev/null 2>"$work/ops-profile.txt" || true

# --- 3. Spark overhead --------------------------------------------------------------------------------
mishbench="$here/mishbench"
prepared="$root/mishbench-out/quickstart/data/prepared"
fashion="${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
if [ ! -f "$prepared/manifest.json" ]; then # the quickstart's data: import and prepare it as quickstart.sh does
  raw="$root/mishbench-out/quickstart/data/raw"
  if [ -f "$fashion/train-images-idx3-ubyte.gz" ] || [ -f "$fashion/train-images-idx3-ubyte" ]; then
    "$mishbench" import-fashion-mnist --idx-dir "$fashion" --output "$raw" --train-per-class 400 --val-per-class 100
    "$mishbench" prepare --input "$raw" --output "$prepared" --image-size 32 --channels 1 --shard-size 500 --overwrite
  else
    "$mishbench" synth --output "$raw" --classes 10 --per-class 400 --size 32 --seed 1
    "$mishbench" prepare --input "$raw" --output "$prepared" --image-size 32 --channels 3 --shard-size 500 --overwrite
  fi
fi
echo "bench: Spark overhead: bench-fit (no Spark)" >&2
MISHBENCH_MASTER='local[2]' "$mishbench" bench-fit --config conf/bench-overhead.conf --set "dataset=$prepared" \
  2>"$work/bench-fit.err" | json_lines > "$work/bench-fit.jsonl" || true
for f in 1 5 20; do
  echo "bench: Spark overhead: train at averaging frequency $f" >&2
  rm -rf "$work/overhead-f$f"
  MISHBENCH_MASTER='local[2]' "$mishbench" train --config conf/bench-overhead.conf --set "dataset=$prepared" \
    --set "results=$work/overhead-f$f" --set "training.averaging-frequency=$f" >"$work/overhead-f$f.log" 2>&1 || true
done

# --- 4. parameter averaging: round anatomy, gloo yardstick, cost model, accuracy parity ----------------------
echo "bench: parameter averaging (bench/averaging.sh)" >&2
averaging_args=()
$quick && averaging_args+=(--skip-parity)
if ! "$root/bench/averaging.sh" "$work/averaging.md" "${averaging_args[@]}"; then
  echo "(bench/averaging.sh failed: see mishbench-out/bench/averaging)" > "$work/averaging.md"
fi
# --- activations -----------------------------------------------------------------------------------
elements=16777216
act_repeats=10
$quick && act_repeats=3
printf 'elements=%s\nact_repeats=%s\n' "$elements" "$act_repeats" >> "$work/facts.txt"
echo "bench: activations, $elements float32 elements" >&2
java $opens -Xmx4g -cp "$jobs_cp" io.mishbench.jobs.Main bench-activations \
  --elements "$elements" --repeats "$act_repeats" 2>/dev/null | json_lines > "$work/activations-vector.jsonl"
java $opens -Xmx4g -Dmishbench.activation.scalar=true -cp "$jobs_cp" io.mishbench.jobs.Main \
  bench-activations --elements "$elements" --repeats "$act_repeats" 2>/dev/null | json_lines > "$work/activations-scalar.jsonl"

# --- grouped convolution -----------------------------------------------------------------------------
for shape in "128 64" "256 32" "512 16"; do
  read -r ch size <<<"$shape"
  echo "bench: grouped convolution $ch channels ${size}x$size" >&2
  java $opens -Xmx8g -cp "$jobs_cp" io.mishbench.jobs.Main bench-grouped-conv --channels "$ch" \
    --groups 32 --size "$size" --batch 8 --steps 5 2>/dev/null | json_lines > "$work/grouped-conv-$ch-$size.jsonl" || true
done

# --- input pipeline ---------------------------------------------------------------------------------
echo "bench: input pipeline (bench-data)" >&2
if [ ! -s "$work/train-cspresnext50-mish.json" ]; then # section 1 failed for cspresnext50: one short measurement at batch 2
  echo "bench: cspresnext50 at 224, batch 2 (1 warm-up, 2 timed steps)" >&2
  java $opens $memcap -cp "$jobs_cp" io.mishbench.jobs.Main bench-train --model cspresnext50 --resolution 224 \
    --channels 3 --classes 1000 --batch 2 --warmup 1 --steps 2 --activation mish 2>/dev/null |
    json_lines | tail -1 > "$work/cspresnext50-batch2.json" || true
fi
java $opens -Xmx4g -cp "$jobs_cp" io.mishbench.jobs.Main bench-data --resolution 224 --images 512 \
  --batch 32 --preset paper 2>/dev/null | json_lines | tail -1 > "$work/bench-data.json"

# --- --all: full-size models ---------------------------------------------------------------------------
if $all; then
  java $opens -cp "$jobs_cp" io.mishbench.jobs.Main models --resolution 224 --classes 1000 --format json 2>/dev/null |
    grep '"name"' > "$work/models.jsonl" || true
  for name in $("$py" -c 'import json,sys
for l in open(sys.argv[1]): print(json.loads(l.strip().rstrip(","))["name"])' "$work/models.jsonl"); do
    case "$name" in tiny*) continue ;; esac
    echo "bench: full-size $name at 224" >&2
    java $opens $memcap -cp "$jobs_cp" io.mishbench.jobs.Main bench-train --model "$name" --resolution 224 \
      --channels 3 --classes 1000 --batch 8 --steps 5 --activation mish 2>"$root/mishbench-out/bench-$name.err" |
      json_lines | tail -1 > "$work/full-$name.json" || true
    [ -s "$work/full-$name.json" ] && rm -f "$root/mishbench-out/bench-$name.err"   # kept when the model failed
  done
fi

# --- --all: ND4J CPU binaries ---------------------------------------------------------------------------
if $all; then
  for v in "${variants[@]}"; do
    # the job jar bundles all but the portable oneDNN build (-onednn), which is fetched for the comparison only
    [ -f "$m2/nd4j-native-$version-linux-x86_64$v.jar" ] ||
      mvn -B -q dependency:get -Dartifact="org.nd4j:nd4j-native:$version:jar:linux-x86_64$v" -Dtransitive=false
  done
  # model | activation | resolution | channels | batch | width
  configs=(
    "resnet20 mish 32 1 32 0.5"
    "cspresnet50 mish 64 3 16 0.25"
  )
  for c in "${configs[@]}"; do
    read -r model act res ch batch width <<<"$c"
    for v in "${variants[@]}"; do
      cp="spark-runtime/target/jars/*:jobs/target/mishbench-jobs.jar"
      case "$v" in -onednn*) cp="$cp:$m2/nd4j-native-$version-linux-x86_64$v.jar" ;; esac
      echo "bench: $model ${res}x${res}x$ch batch $batch width $width, binary '${v:-portable}'" >&2
      row="$c $v"   # the report takes the best of the $repeats runs
      for _ in $(seq "$repeats"); do
        row+=$'\t'"$(java $opens -Xmx4g -Dorg.bytedeco.javacpp.platform.extension="$v" -cp "$cp" \
          io.mishbench.jobs.Main bench-train --model "$model" --activation "$act" --resolution "$res" \
          --channels "$ch" --batch "$batch" --width "$width" --steps "$steps" 2>/dev/null | json_lines | tail -1 || true)"
      done
      printf '%s\n' "$row" >> "$work/binaries.tsv"
    done
  done
fi

out="$root/BENCHMARKS.md.tmp"
"$py" bench/bench_report.py "$work" --quickstart "$root/mishbench-out/quickstart" > "$out"
mv "$out" "$root/BENCHMARKS.md"
echo "bench: wrote BENCHMARKS.md" >&2
