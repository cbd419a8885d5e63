#!/usr/bin/env bash
# gpu-discovery.sh: Spark's GPU discovery script (spark.executor.resource.gpu.discoveryScript,
# spark.worker.resource.gpu.discoveryScript). Prints this machine's GPUs as Spark's resource JSON,
#   {"name": "gpu", "addresses": ["0", "1"]}
# from nvidia-smi; exits 1 with a message on stderr when nvidia-smi is missing, fails or lists no GPU.
set -euo pipefail

if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  cat <<'USAGE'
Usage: gpu-discovery.sh
Prints the GPUs nvidia-smi lists on this machine as Spark's resource JSON, e.g.
  {"name": "gpu", "addresses": ["0", "1"]}
and exits 0; exits 1 with a message when nvidia-smi is missing, fails, or lists no GPU.
Spark runs it on each executor (spark.executor.resource.gpu.discoveryScript) or worker
(spark.worker.resource.gpu.discoveryScript): it must be at the same path on every node.
Example:
  submit-scripts/gpu-discovery.sh
USAGE
  exit 0
fi

command -v nvidia-smi > /dev/null || { echo "gpu-discovery.sh: nvidia-smi is not on the PATH: no NVIDIA driver here, so no GPU" >&2; exit 1; }
if ! indices="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1)"; then
  echo "gpu-discovery.sh: nvidia-smi failed: $indices" >&2
  exit 1
fi
addresses=()
while read -r index; do
  [ -n "$index" ] || continue
  [[ "$index" =~ ^[0-9]+$ ]] || { echo "gpu-discovery.sh: nvidia-smi printed '$index' where a GPU index belongs" >&2; exit 1; }
  addresses+=("\"$index\"")
done <<< "$indices"
if [ ${#addresses[@]} -eq 0 ]; then
  echo "gpu-discovery.sh: nvidia-smi lists no GPU on $(hostname)" >&2
  exit 1
fi
joined="$(IFS=','; echo "${addresses[*]}")"
echo "{\"name\": \"gpu\", \"addresses\": [${joined//,/, }]}"
