#!/usr/bin/env bash
# gpu-smoke.sh: what an operator runs first on a new GPU node. Prints the GPUs with their compute
# capability, says whether mishbench's ND4J CUDA build (nd4j-cuda-11.6, kernels for compute
# capability 3.7-8.6, no PTX) can run on them, builds the job jar with -Pcuda when needed, runs a few
# training steps of a small model on the GPU and says plainly whether that worked.
# Exit codes: 0 worked; 1 the training step failed or did not run on CUDA; 2 usage or build problem;
# 4 no NVIDIA driver or GPU; 5 a GPU this build has no kernels for (unless --force).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar=""
force=false
usage() {
  cat <<'USAGE'
Usage: gpu-smoke.sh [--jar FILE] [--force] [--help]
  --jar FILE   a job jar built with -Pcuda (default: build one with `mvn -B -q -Pcuda -DskipTests package`
               and keep a copy as jobs/target/mishbench-jobs-cuda.jar; jobs/target/mishbench-jobs.jar then
               holds the CUDA build too, until the next plain `mvn package`)
  --force      try the training step even on a GPU the CUDA build has no kernels for
Prints each GPU's name and compute capability (nvidia-smi), the verdict for nd4j-cuda-11.6
(compiled for 3.7, 5.0, 5.2, 6.0, 6.1, 7.0, 7.5, 8.0, 8.6; other 8.x by binary compatibility,
untested; 9.0 and newer cannot run), then trains resnet20 (width 0.5, 32 px, batch 16) for 3 steps
with bench-train and checks that ND4J's CUDA backend ran them and the loss is finite.
Exit codes: 0 worked, 1 the step failed, 2 usage/build, 4 no NVIDIA driver or GPU, 5 unsupported GPU.
Example:
  submit-scripts/gpu-smoke.sh
USAGE
}
while [ $# -gt 0 ]; do
  case "$1" in
    --help|-h) usage; exit 0 ;;
    --jar) [ $# -ge 2 ] || { echo "gpu-smoke.sh: --jar needs a file" >&2; exit 2; }; jar="$2"; shift 2 ;;
    --force) force=true; shift ;;
    *) echo "gpu-smoke.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

command -v nvidia-smi > /dev/null || { echo "gpu-smoke.sh: FAILED: nvidia-smi is not on the PATH: no NVIDIA driver on $(hostname)" >&2; exit 4; }
if ! gpus="$(nvidia-smi --query-gpu=index,name,compute_cap --format=csv,noheader 2>&1)"; then
  echo "gpu-smoke.sh: FAILED: nvidia-smi could not list the GPUs (a driver older than 510 has no compute_cap field): $gpus" >&2
  exit 4
fi
[ -n "$gpus" ] || { echo "gpu-smoke.sh: FAILED: nvidia-smi lists no GPU on $(hostname)" >&2; exit 4; }

unsupported=0
while IFS=',' read -r index name cap; do
  name="${name# }"; cap="${cap// /}"
  case "$cap" in
    3.7|5.0|5.2|6.0|6.1|7.0|7.5|8.0|8.6) verdict="supported: nd4j-cuda-11.6 has kernels for it" ;;
    8.*) verdict="probably works: same major version as 8.6 (binary compatible), untested" ;;
    *) verdict="NOT supported: nd4j-cuda-11.6 has no kernels and no PTX for compute capability $cap"
       unsupported=$((unsupported + 1)) ;;
  esac
  echo "gpu-smoke.sh: GPU $index: $name, compute capability $cap: $verdict"
done <<< "$gpus"
if [ "$unsupported" -gt 0 ] && [ "$force" = false ]; then
  echo "gpu-smoke.sh: FAILED: this node's GPUs cannot run mishbench's CUDA build. Use the CPU backend (the" >&2
  echo "default build) or build ND4J from source for this architecture (README, 'GPU executors'); --force tries anyway" >&2
  exit 5
fi

if [ -z "$jar" ]; then
  echo "gpu-smoke.sh: building the job jar with -Pcuda (mvn -B -q -Pcuda -DskipTests package) ..."
  (cd "$root" && mvn -B -q -Pcuda -DskipTests package) || { echo "gpu-smoke.sh: FAILED: the -Pcuda build failed" >&2; exit 2; }
  jar="$root/jobs/target/mishbench-jobs-cuda.jar"
  cp "$root/jobs/target/mishbench-jobs.jar" "$jar"
fi
[ -f "$jar" ] || { echo "gpu-smoke.sh: FAILED: $jar does not exist" >&2; exit 2; }

echo "gpu-smoke.sh: 3 training steps of resnet20 on the GPU ..."
if ! out="$(MISHBENCH_JAR="$jar" MISHBENCH_MASTER="local[1]" "$here/mishbench" bench-train --model resnet20 \
    --resolution 32 --batch 16 --steps 3 --warmup 1 --width 0.5 --classes 10 --activation mish 2>&1)"; then
  echo "$out" | tail -n 30 >&2
  echo "gpu-smoke.sh: FAILED: the training step did not run (its output is above)" >&2
  exit 1
fi
json="$(echo "$out" | grep '^{"model"' | tail -n 1)"
echo "gpu-smoke.sh: $json"
backend="$(echo "$json" | sed -n 's/.*"backend":"\([^"]*\)".*/\1/p')"
loss="$(echo "$json" | sed -n 's/.*"loss":"\([^"]*\)".*/\1/p')"
if [[ "$backend" != *Cu* ]]; then
  echo "gpu-smoke.sh: FAILED: the step ran on ND4J's $backend, not on CUDA: is $jar a -Pcuda build?" >&2
  exit 1
fi
case "$loss" in
  ""|NaN|Infinity|-Infinity) echo "gpu-smoke.sh: FAILED: the training loss is '$loss'" >&2; exit 1 ;;
esac
echo "gpu-smoke.sh: WORKED: ND4J's $backend trained resnet20 on the GPU (loss $loss)"
