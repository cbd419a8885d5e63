#!/usr/bin/env bash
# Measures what the performance claims in README rest on and writes BENCHMARKS.md.
# All figures of one table come from one run of this script on one machine (side-by-side ratios: the
# machine may be shared and noisy, absolute numbers drift).
#
#   submit-scripts/bench.sh [--quick]
#
# Section 1: ND4J CPU binaries (portable, -avx2, -avx512, -onednn, -onednn-avx2, -onednn-avx512):
#   bench-train of the same models in one process each (no Spark), best of REPEATS runs.
# Section 2: activations: forward + backward of mishbench's Mish, Swish, LeakyReLU and ReLU next to
#   DL4J's built-in ones on a 16M-element float32 array (bench-activations), with the Vector API
#   kernels and with the scalar fallback a JVM without --add-modules=jdk.incubator.vector runs.
# Section 3: grouped convolution (ResNeXt's cardinality 32), one training step of a single 3x3 layer in
#   each implementation (bench-grouped-conv).
# Section 4: every full-size zoo model: bench-train at 224x224, batch 8, 1000 classes (skipped with --quick).
# Section 5: the input pipeline: one core decoding and augmenting 224x224 minibatches from JPEG (bench-data,
#   paper preset) beside cspresnext50's training throughput at 224 from section 4.
# Section 6: the quickstart's own timing, table and the share of worker time spent waiting for data,
#   when mishbench-out/quickstart holds one.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
repeats=2
steps=20
[ "${1:-}" = "--quick" ] && { repeats=1; steps=10; }
mkdir -p "$root/mishbench-out"
# full-size models: ND4J's native memory capped below this machine's RAM, so a model that does not fit
# fails with an OutOfMemoryError instead of being killed by the kernel
memcap="-Xmx8g -Dorg.bytedeco.javacpp.maxbytes=12g -Dorg.bytedeco.javacpp.maxphysicalbytes=18g"

if [ ! -f jobs/target/mishbench-jobs.jar ] || [ ! -d spark-runtime/target/jars ]; then
  mvn -B -q -DskipTests package
fi
version=1.0.0-M2.1
m2="${MAVEN_REPO:-$HOME/.m2/repository}/org/nd4j/nd4j-native/$version"
variants=("" -avx2 -avx512 -onednn -onednn-avx2 -onednn-avx512)
for v in "${variants[@]}"; do
  # the three non-oneDNN builds are in the job jar; the oneDNN ones are fetched for the comparison only
  [ -f "$m2/nd4j-native-$version-linux-x86_64$v.jar" ] ||
    mvn -B -q dependency:get -Dartifact="org.nd4j:nd4j-native:$version:jar:linux-x86_64$v" -Dtransitive=false
done

opens="--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-modules=jdk.incubator.vector"
# model | activation | resolution | channels | batch | width
configs=(
  "resnet20 mish 32 1 32 0.5"
  "cspresnet50 mish 64 3 16 0.25"
)

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
  echo "Written by \`submit-scripts/bench.sh\` on $(date -u +%Y-%m-%d) ($(date -u +%H:%M) UTC)."
  echo "Machine: $cpu, $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, AVX-512: $avx512;"
  echo "$(java -version 2>&1 | head -1); ND4J $version; git $(git rev-parse --short HEAD 2>/dev/null || echo unknown)."
  echo
  echo "## ND4J CPU binaries"
  echo
  echo "\`mishbench bench-train\` (one process, no Spark, random data, $steps timed steps after 3 warm-up steps,"
  echo "best of $repeats runs), the same command for every binary, selected with"
  echo "\`-Dorg.bytedeco.javacpp.platform.extension\`. Ratio: images/s over the portable build's."
  echo
  echo "| model | input | batch | width | binary | images/s | step ms | ratio |"
  echo "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: |"
} > "$out"
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

# --- activations -----------------------------------------------------------------------------------
elements=16777216
act_repeats=10
[ "${1:-}" = "--quick" ] && act_repeats=3
field() { sed -E "s/.*\"$1\":\"?([^,\"}]+).*/\1/" <<<"$2"; }
jobs_cp="spark-runtime/target/jars/*:jobs/target/mishbench-jobs.jar"
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
  echo "layers, the reference); samediff-im2col: one SameDiff layer, im2col then a batched matrix product (forward"
  echo "exact, but its weight gradient inside DL4J's SameDiffLayer does not check, so it is not used);"
  echo "native-im2col: GroupedConv2D, the same scheme as a native DL4J layer with a hand-written backward pass (the"
  echo "zoo's); ungrouped: the plain convolution of the same width, 32x the multiply-accumulates, for scale."
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

# --- full-size models ---------------------------------------------------------------------------------
if [ "${1:-}" != "--quick" ]; then
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

# --- input pipeline ---------------------------------------------------------------------------------
echo "bench: input pipeline (bench-data)" >&2
if [ -z "${cspresnext50_ips:-}" ]; then # --quick skipped the full-size section: one short measurement
  # batch 2: at batch 8 the former channel-sliced grouped convolutions needed over 20 GB (killed on a 24 GB
  # machine); with GroupedConv2D batch 4 peaked at 4.1 GB resident (3g heap), batch 8 not yet re-measured
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
  echo "cspresnext50's training rate: batch 8 from the full-size section, or with --quick (or when batch 8 fails)"
  echo "batch 2, 1 warm-up and 2 timed steps; one process on all cores, no Spark."
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
mv "$out" "$root/BENCHMARKS.md"
echo "bench: wrote BENCHMARKS.md" >&2
