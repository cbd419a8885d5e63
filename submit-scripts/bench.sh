#!/usr/bin/env bash
# Measures what the performance claims in README rest on and writes BENCHMARKS.md.
# All figures of one table come from one run of this script on one machine (side-by-side ratios: the
# machine may be shared and noisy, absolute numbers drift).
#
#   submit-scripts/bench.sh [--quick] [--all]
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
# Environment: MISHBENCH_PYTHON (default /usr/bin/python3, the interpreter Debian's python3-torch is for),
# BENCH_STEPS / BENCH_WARMUP (timed and untimed steps at 224; default 3 and 1),
# BENCH_GPU_IMAGES_PER_SEC (one GPU executor's cspresnext50 training rate assumed by the cost model; 300).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
quick=false all=false
for arg in "$@"; do
  case "$arg" in
    --quick) quick=true ;;
    --all) all=true ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option '$arg' (--quick, --all, --help)" >&2; exit 2 ;;
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
jobs_cp="spark-runtime/target/jars/*:jobs/target/mishbench-jobs.jar"
mishbench_java() { java $opens "$@"; }
field() { sed -E "s/.*\"$1\": ?\"?([^,\"}]+).*/\1/" <<<"$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else printf "n/a" }'; }
# peak_rss FILE: the maximum resident set size /usr/bin/time wrote, in GB
peak_rss() { awk '/Maximum resident set size/{printf "%.1f GB", $NF/1048576}' "$1"; }
timed() { # timed FILE cmd...: runs cmd under /usr/bin/time -v (its report in FILE), stdout kept
  if [ -x /usr/bin/time ]; then /usr/bin/time -v -o "$1" "${@:2}"; else : > "$1"; "${@:2}"; fi
}

best_of() { # prints the JSON line with the highest images_per_sec of $repeats runs
  local best="" best_ips=0 line ips
  for _ in $(seq "$repeats"); do
    line="$("$@" 2>/dev/null | grep '^{' | tail -1)"
    ips="$(sed -E 's/.*"images_per_sec":([0-9.]+).*/\1/' <<<"$line")"
    if awk -v a="$ips" -v b="$best_ips" 'BEGIN{exit !(a>b)}'; then best="$line"; best_ips="$ips"; fi
  done
  echo "$best"
}

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
avx512="$(grep -m1 -o -w avx512f /proc/cpuinfo || echo none)"
out="$root/BENCHMARKS.md.tmp"
{
  echo "# mishbench benchmarks"
  echo
  echo "Written by \`submit-scripts/bench.sh $*\` on $(date -u +%Y-%m-%d) ($(date -u +%H:%M) UTC, load average"
  echo "$(cut -d' ' -f1-3 /proc/loadavg) at the start). Machine: $cpu, $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, AVX-512: $avx512;"
  echo "$(java -version 2>&1 | head -1); ND4J $version (binary chosen by io.mishbench.train.Nd4jBinary unless a row says"
  echo "otherwise); git $(git rev-parse --short HEAD 2>/dev/null || echo unknown)."
} > "$out"

# --- 1. mishbench against PyTorch --------------------------------------------------------------------
torch_ok=true
"$py" -c 'import torch, torchvision' 2>/dev/null || torch_ok=false
{
  echo
  echo "## Training throughput against PyTorch (224x224, batch 16, full size)"
  echo
  echo "\`mishbench bench-train --model M --activation A --resolution 224 --batch 16 --classes 1000 --warmup $big_warmup"
  echo "--steps $big_steps\` (one process, no Spark, random data, Nesterov SGD with weight decay) against"
  echo "\`bench/pytorch_bench.py\` with the same arguments: the same models (torchvision's ResNet-50 with its ReLUs"
  echo "replaced; a CSPResNeXt-50 built like mishbench's, the weight counts checked equal below), the same step"
  echo "and all cores for both. Ratio: mishbench's images/s over PyTorch's (target: >= 0.5). Peak RSS: the whole"
  echo "process's, from \`/usr/bin/time -v\`; mishbench's JVM is capped at a 6 GB heap and 10 GB of ND4J off-heap memory."
  echo
}>> "$out"
if $torch_ok; then
  torch_version="$("$py" -c 'import torch, torchvision; print(torch.__version__, "/ torchvision", torchvision.__version__)')"
  echo "PyTorch $torch_version ($py); each run sets as many intra-op threads as the process may use cores ($(nproc))." >> "$out"
  for m in resnet50 cspresnext50; do
    w_torch="$(field weights "$("$py" bench/pytorch_bench.py --model "$m" --count)")"
    w_ours="$(field weights "$(mishbench_java -cp "$jobs_cp" io.mishbench.jobs.Main models --model "$m" --format json 2>/dev/null | grep '"name"')")"
    echo "$m weights: mishbench $w_ours, PyTorch $w_torch$([ "$w_ours" = "$w_torch" ] && echo " (equal)" || echo " (DIFFERENT: the comparison is not like for like)")." >> "$out"
  done
else
  echo "PyTorch is not importable by $py (Debian: \`apt-get install python3-torch python3-torchvision\`): its columns are empty." >> "$out"
fi
{
  echo
  echo "| model | activation | mishbench images/s | PyTorch images/s | ratio | mishbench step ms | PyTorch step ms | mishbench peak RSS | PyTorch peak RSS |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
} >> "$out"
for m in resnet50 cspresnext50; do
  for a in mish swish leakyrelu; do
    echo "bench: $m $a at 224, batch 16: mishbench" >&2
    ours="$(timed "$work/time-$m-$a.txt" java $opens $memcap -cp "$jobs_cp" io.mishbench.jobs.Main bench-train --model "$m" \
      --activation "$a" --resolution 224 --classes 1000 --batch 16 --warmup "$big_warmup" --steps "$big_steps" \
      2>"$work/bench-train-$m-$a.err" | grep '^{' | tail -1)" || true
    theirs=""
    if $torch_ok; then
      echo "bench: $m $a at 224, batch 16: PyTorch" >&2
      theirs="$(timed "$work/time-torch-$m-$a.txt" "$py" bench/pytorch_bench.py --model "$m" --activation "$a" \
        --resolution 224 --classes 1000 --batch 16 --warmup "$big_warmup" --steps "$big_steps" | grep '^{' | tail -1)" || true
    fi
    o_ips="$([ -n "$ours" ] && field images_per_sec "$ours" || echo failed)"
    t_ips="$([ -n "$theirs" ] && field images_per_sec "$theirs" || echo -)"
    r="$([ -n "$ours" ] && [ -n "$theirs" ] && ratio "$o_ips" "$t_ips" || echo -)"
    echo "| $m | $a | $o_ips | $t_ips | $r | $([ -n "$ours" ] && field step_ms "$ours") | $([ -n "$theirs" ] && field step_ms "$theirs") |" \
      "$(peak_rss "$work/time-$m-$a.txt") | $([ -n "$theirs" ] && peak_rss "$work/time-torch-$m-$a.txt") |" >> "$out"
    [ -n "$ours" ] && rm -f "$work/bench-train-$m-$a.err"   # kept when the run failed
    [ "$m" = cspresnext50 ] && [ "$a" = mish ] && [ -n "$ours" ] && cspresnext50_ips="$o_ips"
  done
done

# --- 1b. what each change bought -------------------------------------------------------------------------
lever() { # lever LABEL JAVA-OPTIONS... -- BENCH-TRAIN-OPTIONS...: one bench-train JSON line (empty when it failed)
  local label="$1"; shift
  local jopts=() cp="$jobs_cp"
  while [ "$1" != -- ]; do jopts+=("$1"); shift; done; shift
  for o in "${jopts[@]}"; do
    case "$o" in -Dorg.bytedeco.javacpp.platform.extension=-onednn*) cp="$cp:$m2/nd4j-native-$version-linux-x86_64${o#*=}.jar" ;; esac
  done
  echo "bench: lever '$label'" >&2
  java $opens $memcap "${jopts[@]}" -cp "$cp" io.mishbench.jobs.Main bench-train --resolution 224 --classes 1000 \
    --warmup "$big_warmup" --steps "$big_steps" "$@" 2>/dev/null | grep '^{' | tail -1 || true
}
onednn=-onednn-avx512
[ "$avx512" = none ] && onednn=-onednn
[ -f "$m2/nd4j-native-$version-linux-x86_64$onednn.jar" ] ||
  mvn -B -q dependency:get -Dartifact="org.nd4j:nd4j-native:$version:jar:linux-x86_64$onednn" -Dtransitive=false || true
{
  echo
  echo "## What each change bought (resnet50, mish, 224x224)"
  echo
  echo "The same \`bench-train\` as above, with mishbench's faster layers switched off one at a time"
  echo "(\`-Dmishbench.convolution.dl4j=true\`, \`-Dmishbench.batchnorm.dl4j=true\`: DL4J's own ConvolutionLayer and"
  echo "BatchNormalization code), with a larger minibatch, and with ND4J's oneDNN build (not bundled: its"
  echo "jar from the Maven repository; oneDNN's helper then computes every convolution of 2^27 multiply-accumulates or more"
  echo "per call, i.e. all of resnet50's at 224, and, unless switched off, mishbench's fused batch norm replaces oneDNN's)."
  echo "Ratio: over DL4J's own layers."
  echo
  echo "| variant | batch | images/s | step ms | ratio |"
  echo "| --- | ---: | ---: | ---: | ---: |"
} >> "$out"
base_ips=""
while IFS='|' read -r label jopt batch; do
  read -ra jo <<<"$jopt"
  json="$(lever "$label" "${jo[@]}" -- --model resnet50 --activation mish --batch "$batch")"
  ips="$([ -n "$json" ] && field images_per_sec "$json" || echo failed)"
  [ -z "$base_ips" ] && base_ips="$ips"
  echo "| $label | $batch | $ips | $([ -n "$json" ] && field step_ms "$json") | $(ratio "$ips" "$base_ips") |" >> "$out"
done <<EOF2
DL4J's convolution and batch norm (before)|-Dmishbench.convolution.dl4j=true -Dmishbench.batchnorm.dl4j=true|16
GEMM convolution, DL4J's batch norm|-Dmishbench.batchnorm.dl4j=true|16
GEMM convolution and fused batch norm (the default)|-Dmishbench.none=true|16
GEMM convolution and fused batch norm, batch 32|-Dmishbench.none=true|32
ND4J $onednn build: oneDNN's convolution and batch norm|-Dorg.bytedeco.javacpp.platform.extension=$onednn -Dmishbench.batchnorm.dl4j=true|16
ND4J $onednn build: oneDNN's convolution, fused batch norm|-Dorg.bytedeco.javacpp.platform.extension=$onednn|16
EOF2

# --- 2. where the time goes ---------------------------------------------------------------------------
echo "bench: profile of resnet50 (JFR, OpProfiler)" >&2
rm -f "$work/resnet50.jfr"
java $opens $memcap -XX:StartFlightRecording=filename="$work/resnet50.jfr",settings=profile -cp "$jobs_cp" \
  io.mishbench.jobs.Main bench-train --model resnet50 --activation mish --resolution 224 --classes 1000 --batch 16 \
  --warmup 1 --steps 1 >"$work/profile.out" 2>"$work/profile.err" || true
ops_profile="$work/ops-profile.txt"
java $opens $memcap -cp "$jobs_cp" io.mishbench.jobs.Main bench-train --model resnet50 --activation mish \
  --resolution 224 --classes 1000 --batch 16 --warmup 1 --steps 1 --profile-ops >/dev/null 2>"$ops_profile" || true
{
  echo
  echo "## Where the time goes (resnet50, mish, 224x224, batch 16)"
  echo
  echo "Java Flight Recorder over one warm-up and one timed step of \`bench-train\` (\`-XX:StartFlightRecording"
  echo "settings=profile\`), the training thread's samples charged to the innermost DL4J layer or vertex class on"
  echo "the stack and to the phase (\`bench/jfr_layers.py\`): while ND4J computes, that thread waits in a JNI call,"
  echo "which JFR samples, so the shares are of wall time."
  echo
  "$py" bench/jfr_layers.py "$work/resnet50.jfr" --top 12 2>&1 || echo "(no profile: see $work/profile.err)"
  echo
  echo "ND4J's own op timings (\`bench-train ... --profile-ops\`: OpProfiler with checkElapsedTime, one timed step),"
  echo "the ops with the largest share of op time:"
  echo
  echo "| op | share of op time | ms |"
  echo "| --- | ---: | ---: |"
  # OpProfiler's lines: "CustomOp matmul (<hash>)  >>>  perc: 65.7 Time spent: 3546 ms"
  sed -n '/ND4J op time by op name/,$p' "$ops_profile" | grep 'perc:' | head -12 |
    awk '{ for (i = 1; i <= NF; i++) { if ($i == "perc:") p = $(i + 1); if ($i == "spent:") t = $(i + 1) }
           printf "| %s %s | %.1f%% | %s |\n", $1, $2, p, t }' || true
} >> "$out"

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
epoch_json() { # run.json -> "trainSeconds images rounds" of each epoch, one line each
  "$py" -c 'import json,sys
for e in json.load(open(sys.argv[1]))["epochs"]: print(e["trainSeconds"], e["images"], e.get("averagingRounds", 0))' "$1"
}
echo "bench: Spark overhead: bench-fit (no Spark)" >&2
plain="$(MISHBENCH_MASTER='local[2]' "$mishbench" bench-fit --config conf/bench-overhead.conf --set "dataset=$prepared" \
  2>"$work/bench-fit.err" | grep '^{')" || true
plain_s2="$(field seconds "$(grep '"epoch":2' <<<"$plain")")"
plain_s1="$(field seconds "$(grep '"epoch":1' <<<"$plain")")"
plain_images="$(field images "$(grep '"epoch":2' <<<"$plain")")"
{
  echo
  echo "## Spark overhead (parameter averaging on one machine)"
  echo
  echo "\`conf/bench-overhead.conf\`: cspresnet50 at width 0.25 and depth 0.34, Mish, Adam, 4,000 Fashion-MNIST training"
  echo "images at 32x32 (the quickstart's data and network), 2 epochs, minibatch 32 per worker. \`mishbench train\`"
  echo "on Spark local[2] with 2 parameter-averaging workers, at each averaging frequency F (its run.json's"
  echo "epoch training seconds: fitting only, evaluation excluded), against \`mishbench bench-fit\`: the same"
  echo "network, updater, minibatches of 32 and images per epoch fitted in one process without Spark. Overhead:"
  echo "1 - (Spark images/s / plain images/s) in epoch 2 (epoch 1 includes JIT warm-up); negative when the two"
  echo "workers on two cores beat one process. Target: <= 10% at F >= 5."
  echo
  echo "| run | F | averaging rounds / epoch | epoch 1 s | epoch 2 s | images/s (epoch 2) | overhead |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  if [ -n "$plain_s2" ]; then
    echo "| bench-fit (one process) | - | - | $plain_s1 | $plain_s2 | $(awk -v i="$plain_images" -v s="$plain_s2" 'BEGIN{printf "%.1f", i/s}') | - |"
  else
    echo "| bench-fit (one process) | - | - | failed | | | |"
  fi
} >> "$out"
fit_points=""
for f in 1 5 20; do
  echo "bench: Spark overhead: train at averaging frequency $f" >&2
  rm -rf "$work/overhead-f$f"
  MISHBENCH_MASTER='local[2]' "$mishbench" train --config conf/bench-overhead.conf --set "dataset=$prepared" \
    --set "results=$work/overhead-f$f" --set "training.averaging-frequency=$f" >"$work/overhead-f$f.log" 2>&1 || true
  run="$(ls "$work/overhead-f$f"/runs/*/run.json 2>/dev/null | head -1)"
  if [ -z "$run" ]; then
    echo "| train (Spark local[2]) | $f | | failed: see mishbench-out/bench/overhead-f$f.log | | | |" >> "$out"
    continue
  fi
  mapfile -t ep < <(epoch_json "$run")
  read -r s1 _ _ <<<"${ep[0]:-}"
  read -r s2 images rounds <<<"${ep[1]:-}"
  ips="$(awk -v i="$images" -v s="$s2" 'BEGIN{printf "%.1f", i/s}')"
  overhead="$([ -n "$plain_s2" ] && awk -v s="$s2" -v p="$plain_s2" -v i="$images" -v pi="$plain_images" \
    'BEGIN{printf "%+.1f%%", 100 * (1 - (i / s) / (pi / p))}' || echo -)"
  echo "| train (Spark local[2]) | $f | $rounds | $(printf %.1f "$s1") | $(printf %.1f "$s2") | $ips | $overhead |" >> "$out"
  fit_points+="$rounds $s2"$'\n'
done
# epoch seconds = compute + rounds x per-round cost: least squares over the three frequencies
round_s="$(awk 'NF==2 { n++; sx+=$1; sy+=$2; sxx+=$1*$1; sxy+=$1*$2 }
  END { d = n*sxx - sx*sx; if (n >= 2 && d > 0) printf "%.3f %.1f", (n*sxy - sx*sy)/d, (sy - (n*sxy - sx*sy)/d*sx)/n }' <<<"$fit_points")"
read -r per_round intercept <<<"${round_s:-}"
{
  echo
  if [ -n "${per_round:-}" ]; then
    echo "A straight line through the three Spark epochs, epoch seconds = $intercept + rounds x $per_round, gives the cost of"
    echo "one averaging round on this machine for this small network: $per_round s (section 4 takes a round apart)."
  fi
} >> "$out"

# --- 4. parameter averaging: round anatomy, gloo yardstick, cost model, accuracy parity ----------------------
echo "bench: parameter averaging (bench/averaging.sh)" >&2
averaging_args=()
$quick && averaging_args+=(--skip-parity)
if ! "$root/bench/averaging.sh" "$work/averaging.md" "${averaging_args[@]}"; then
  echo "(bench/averaging.sh failed: see mishbench-out/bench/averaging)" > "$work/averaging.md"
fi
{ echo; cat "$work/averaging.md"; } >> "$out"
# --- activations -----------------------------------------------------------------------------------
elements=16777216
act_repeats=10
$quick && act_repeats=3
echo "bench: activations, $elements float32 elements" >&2
vector_json="$(java $opens -Xmx4g -cp "$jobs_cp" io.mishbench.jobs.Main bench-activations \
  --elements "$elements" --repeats "$act_repeats" 2>/dev/null | grep '^{')"
scalar_json="$(java $opens -Xmx4g -Dmishbench.activation.scalar=true -cp "$jobs_cp" io.mishbench.jobs.Main \
  bench-activations --elements "$elements" --repeats "$act_repeats" 2>/dev/null | grep '^{"implementation":"mishbench"')"
total_of() { # implementation activation -> total_ms from the vector run
  field total_ms "$(grep "\"implementation\":\"$1\",\"activation\":\"$2\"" <<<"$vector_json")"
}
relu_ms="$(total_of dl4j relu)"
kernel="$(field kernel "$(grep -m1 '"implementation":"mishbench"' <<<"$vector_json")")"
{
  echo
  echo "## Activations"
  echo
  echo "\`mishbench bench-activations --elements $elements --repeats $act_repeats\` (one process, no Spark): forward"
  echo "(getActivation on a fresh copy of uniform [-10, 10) input) plus backward (backprop on another fresh copy"
  echo "with a random epsilon), candidates taking turns, best of $act_repeats repeats each. mishbench kernel: $kernel"
  echo "(Vector API); the scalar rows are the same command with \`-Dmishbench.activation.scalar=true\`, what a JVM"
  echo "without \`--add-modules=jdk.incubator.vector\` runs. \"x DL4J ReLU\": time over DL4J's ReLU's time (targets:"
  echo "Mish <= 1.5, Swish <= 1.3). \"speedup\": DL4J's same activation's time over this one's (target: Mish >= 2)."
  echo
  echo "| implementation | activation | forward ms | backward ms | total ms | elements/s | x DL4J ReLU | speedup vs DL4J |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    impl="$(field implementation "$line")"; act="$(field activation "$line")"; total="$(field total_ms "$line")"
    label="$impl"
    [ "$impl" = mishbench ] && [ "$(field kernel "$line")" = scalar ] && label="mishbench (scalar)"
    x_relu="$(awk -v a="$total" -v b="$relu_ms" 'BEGIN{printf "%.2f", a/b}')"
    speedup=""
    [ "$impl" = mishbench ] && speedup="$(awk -v a="$(total_of dl4j "$act")" -v b="$total" 'BEGIN{printf "%.2fx", a/b}')"
    echo "| $label | $act | $(field forward_ms "$line") | $(field backward_ms "$line") | $total |" \
      "$(field elements_per_sec "$line") | $x_relu | $speedup |"
  done <<<"$vector_json"$'\n'"$scalar_json"
} >> "$out"

# --- grouped convolution -----------------------------------------------------------------------------
{
  echo
  echo "## Grouped convolution"
  echo
  echo "\`mishbench bench-grouped-conv --channels C --groups 32 --size S --batch 8 --steps 5\`: one training step"
  echo "(forward, backward, SGD update) of a single 3x3 convolution C -> C channels on SxS maps, best of 5 steps"
  echo "after 2 untimed ones. channel-slices: 32 DL4J convolutions on channel slices, concatenated (DL4J's own"
  echo "layers, the reference); native-im2col: GroupedConv2D, im2col and a batched matrix product as a native"
  echo "DL4J layer with a hand-written backward pass (the zoo's); ungrouped: the plain convolution of the same"
  echo "width, 32x the multiply-accumulates, for scale."
  echo
  echo "| implementation | channels | map | batch | step ms | x channel-slices |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
} >> "$out"
for shape in "128 64" "256 32" "512 16"; do
  read -r ch size <<<"$shape"
  echo "bench: grouped convolution $ch channels ${size}x$size" >&2
  gjson="$(java $opens -Xmx8g -cp "$jobs_cp" io.mishbench.jobs.Main bench-grouped-conv --channels "$ch" \
    --groups 32 --size "$size" --batch 8 --steps 5 2>/dev/null | grep '^{')" || true
  base="$(field step_ms "$(grep -m1 channel-slices <<<"$gjson")")"
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    ms="$(field step_ms "$line")"
    echo "| $(field implementation "$line") | $ch | ${size}x$size | 8 | $ms |" \
      "$(awk -v a="$ms" -v b="$base" 'BEGIN{printf "%.2f", a/b}') |" >> "$out"
  done <<<"$gjson"
done

# --- input pipeline ---------------------------------------------------------------------------------
echo "bench: input pipeline (bench-data)" >&2
if [ -z "${cspresnext50_ips:-}" ]; then # section 1 failed for cspresnext50: one short measurement at batch 2
  echo "bench: cspresnext50 at 224, batch 2 (1 warm-up, 2 timed steps)" >&2
  json="$(java $opens $memcap -cp "$jobs_cp" io.mishbench.jobs.Main bench-train --model cspresnext50 --resolution 224 \
    --channels 3 --classes 1000 --batch 2 --warmup 1 --steps 2 --activation mish 2>/dev/null | grep '^{' | tail -1)" || true
  [ -n "$json" ] && cspresnext50_ips="$(field images_per_sec "$json")"
fi
data_json="$(java $opens -Xmx4g -cp "$jobs_cp" io.mishbench.jobs.Main bench-data --resolution 224 --images 512 \
  --batch 32 --preset paper 2>/dev/null | grep '^{' | tail -1)"
data_ips="$(field images_per_sec_per_core "$data_json")"
{
  echo
  echo "## Input pipeline"
  echo
  echo "\`mishbench bench-data --resolution 224 --images 512 --batch 32 --preset paper\`: one thread decodes 341x256"
  echo "JPEGs (quality 95, as \`prepare --encoding jpeg --image-size 256\` stores them), random-resized-crops them to"
  echo "224x224 with flip and Darknet colour jitter, then CutMix/Mosaic and label smoothing per minibatch of 32."
  echo
  echo "cspresnext50's training rate: Mish at batch 16 from the PyTorch comparison above (or, when that failed,"
  echo "batch 2, 1 warm-up and 2 timed steps); one process on all cores, no Spark."
  echo
  echo "| decode ms/image | augment ms/image | minibatch ms/image | images/s on one core | cspresnext50 training images/s at 224 (all cores) | loader / training |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
  ratio="n/a (cspresnext50 failed)"
  [ -n "${cspresnext50_ips:-}" ] && ratio="$(awk -v a="$data_ips" -v b="$cspresnext50_ips" 'BEGIN{printf "%.0fx", a/b}')"
  echo "| $(field decode_ms_per_image "$data_json") | $(field augment_ms_per_image "$data_json") |" \
    "$(field batch_ms_per_image "$data_json") | $data_ips | ${cspresnext50_ips:-not measured} | $ratio |"
} >> "$out"

qs="$root/mishbench-out/quickstart"
if [ -f "$qs/aggregate/comparison.md" ]; then
  {
    echo
    echo "## Quickstart table"
    echo
    echo "From the last \`./submit-scripts/quickstart.sh\` in this checkout ($(date -u -r "$qs/aggregate/comparison.md" +%Y-%m-%dT%H:%MZ)):"
    echo "Fashion-MNIST, 4,000 training and 1,000 validation images, 32x32 grey, 2 epochs, Spark local[*],"
    echo "2 parameter-averaging workers. Validation accuracy in %."
    echo
    cat "$qs/aggregate/comparison.md"
    echo
    echo "Share of the workers' training loop spent waiting for the next minibatch (run.json, epochs[].dataWaitShare;"
    echo "an upper bound: DL4J's task time minus model fetch and minibatch fitting):"
    echo
    echo "| run | epoch 1 | epoch 2 |"
    echo "| --- | ---: | ---: |"
    for run in "$qs"/results/runs/*/run.json; do
      shares="$(grep -o '"dataWaitShare" *: *[^,}]*' "$run" | sed 's/.*: *//' |
        awk '{ if ($1 == "null") printf "| - "; else printf "| %.2f%% ", 100 * $1 }')"
      echo "| $(basename "$(dirname "$run")") $shares|"
    done
  } >> "$out"
fi
# --- full-size models ---------------------------------------------------------------------------------
if $all; then
  {
    echo
    echo "## Full-size models"
    echo
    echo "\`mishbench bench-train --model M --resolution 224 --batch 8 --steps 5 --classes 1000 --activation mish\`"
    echo "(one process, no Spark, random data, 5 timed steps after 3 warm-up steps), one run per model; weights and"
    echo "MACs from \`mishbench models --resolution 224 --classes 1000\`."
    echo
    echo "| model | params (DL4J) | weights | GMACs | images/s | step ms |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  } >> "$out"
  models_json="$(java $opens -cp "$jobs_cp" io.mishbench.jobs.Main models --resolution 224 --classes 1000 --format json 2>/dev/null | grep '"name"')"
  while IFS= read -r m; do
    name="$(field name "$m")"
    case "$name" in tiny*) continue ;; esac
    echo "bench: full-size $name at 224" >&2
    json="$(java $opens $memcap -cp "$jobs_cp" io.mishbench.jobs.Main bench-train --model "$name" --resolution 224 \
      --channels 3 --classes 1000 --batch 8 --steps 5 --activation mish 2>"$root/mishbench-out/bench-$name.err" | grep '^{' | tail -1)" || true
    [ -n "$json" ] && rm -f "$root/mishbench-out/bench-$name.err"   # kept when the model failed
    gmacs="$(awk -v m="$(field macs "$m")" 'BEGIN{printf "%.2f", m/1e9}')"
    [ "$name" = cspresnext50 ] && [ -n "$json" ] && cspresnext50_ips="$(field images_per_sec "$json")"
    if [ -z "$json" ]; then
      echo "| $name | $(field params "$m") | $(field weights "$m") | $gmacs | failed | |" >> "$out"
    else
      echo "| $name | $(field params "$m") | $(field weights "$m") | $gmacs | $(field images_per_sec "$json") |" \
        "$(field step_ms "$json") |" >> "$out"
    fi
  done <<<"$models_json"
fi

# --- --all: ND4J CPU binaries ---------------------------------------------------------------------------
if $all; then
  for v in "${variants[@]}"; do
    # the three non-oneDNN builds are in the job jar; the oneDNN ones are fetched for the comparison only
    [ -f "$m2/nd4j-native-$version-linux-x86_64$v.jar" ] ||
      mvn -B -q dependency:get -Dartifact="org.nd4j:nd4j-native:$version:jar:linux-x86_64$v" -Dtransitive=false
  done
  # model | activation | resolution | channels | batch | width
  configs=(
    "resnet20 mish 32 1 32 0.5"
    "cspresnet50 mish 64 3 16 0.25"
  )
  {
    echo
    echo "## ND4J CPU binaries"
    echo
    echo "\`mishbench bench-train\` (one process, no Spark, random data, $steps timed steps after 3 warm-up steps,"
    echo "best of $repeats runs), the same command for every binary, selected with"
    echo "\`-Dorg.bytedeco.javacpp.platform.extension\`. Ratio: images/s over the portable build's."
    echo
    echo "| model | input | batch | width | binary | images/s | step ms | ratio |"
    echo "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: |"
  } >> "$out"
  for c in "${configs[@]}"; do
    read -r model act res ch batch width <<<"$c"
    base=""
    for v in "${variants[@]}"; do
      cp="spark-runtime/target/jars/*:jobs/target/mishbench-jobs.jar"
      case "$v" in -onednn*) cp="$cp:$m2/nd4j-native-$version-linux-x86_64$v.jar" ;; esac
      echo "bench: $model ${res}x${res}x$ch batch $batch width $width, binary '${v:-portable}'" >&2
      json="$(best_of java $opens -Xmx4g -Dorg.bytedeco.javacpp.platform.extension="$v" -cp "$cp" \
        io.mishbench.jobs.Main bench-train --model "$model" --activation "$act" --resolution "$res" \
        --channels "$ch" --batch "$batch" --width "$width" --steps "$steps")"
      if [ -z "$json" ]; then
        echo "| $model | ${res}x${res}x$ch | $batch | $width | linux-x86_64$v | failed | | |" >> "$out"
        continue
      fi
      ips="$(sed -E 's/.*"images_per_sec":([0-9.]+).*/\1/' <<<"$json")"
      ms="$(sed -E 's/.*"step_ms":([0-9.]+).*/\1/' <<<"$json")"
      [ -z "$base" ] && base="$ips"
      ratio="$(awk -v a="$ips" -v b="$base" 'BEGIN{printf "%.2f", a/b}')"
      echo "| $model | ${res}x${res}x$ch | $batch | $width | linux-x86_64$v | $ips | $ms | $ratio |" >> "$out"
    done
  done
fi

mv "$out" "$root/BENCHMARKS.md"
echo "bench: wrote BENCHMARKS.md" >&2
