#!/usr/bin/env bash
# The quickstart: builds what is missing, imports the real Fashion-MNIST (or generates a dataset when
# it is not installed), prepares it, trains 2 models x {LeakyReLU, Swish, Mish} with Spark local mode
# and 2 parameter-averaging workers, and prints the comparison table.
# Results: ./mishbench-out/quickstart/ (MISHBENCH_OUT overrides). Rerunning reuses the prepared data
# and skips finished runs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
out="${MISHBENCH_OUT:-$root/mishbench-out/quickstart}"
fashion="${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
mishbench="$here/mishbench"

if [ ! -f jobs/target/mishbench-jobs.jar ] || [ ! -d spark-runtime/target/jars ]; then
  echo "quickstart: building (mvn -B -DskipTests package) ..."
  mvn -B -q -DskipTests package
fi

start=$(date +%s)
prepared="$out/data/prepared"
raw="$out/data/raw"
if [ -f "$fashion/train-images-idx3-ubyte.gz" ] || [ -f "$fashion/train-images-idx3-ubyte" ]; then
  source=fashion-mnist size=32 channels=1
else
  source=synth size=32 channels=3
fi
if [ ! -d "$raw/train" ] || [ "$(cat "$out/data/source" 2>/dev/null)" != "$source" ]; then
  rm -rf "$raw"
  if [ "$source" = fashion-mnist ]; then
    echo "quickstart: importing Fashion-MNIST from $fashion (400 train + 100 val images per class)"
    "$mishbench" import-fashion-mnist --idx-dir "$fashion" --output "$raw" --train-per-class 400 --val-per-class 100
  else
    echo "quickstart: NOTICE: Fashion-MNIST is not installed under $fashion"
    echo "quickstart: (on Debian: apt-get install dataset-fashion-mnist); using a generated dataset instead"
    "$mishbench" synth --output "$raw" --classes 10 --per-class 400 --size 32 --seed 1
  fi
  echo "$source" > "$out/data/source"
fi
# up to date: prepare says so and does nothing; prepared by another version or with other options: rebuilt
"$mishbench" prepare --input "$raw" --output "$prepared" \
  --image-size "$size" --channels "$channels" --shard-size 500 --overwrite

"$mishbench" benchmark --config conf/quickstart.conf \
  --set "dataset=$prepared" --set "results=$out/results"
"$mishbench" aggregate --results "$out/results" --output "$out/aggregate"
echo "quickstart: finished in $(( $(date +%s) - start )) s; tables, plots and report.html in $out/aggregate, runs in $out/results/runs"
