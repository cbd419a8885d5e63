#!/usr/bin/env bash
# submit-k8s.sh [options] <command> [job options]: runs a mishbench job on Kubernetes through
# $SPARK_HOME/bin/spark-submit; needs SPARK_HOME and a container image. --help describes every option.
set -euo pipefail

mb_script=submit-k8s.sh
mb_manager=k8s
mb_default_master="${MISHBENCH_MASTER:-}"
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/submit-common.sh"

mb_usage_head() {
  cat <<'USAGE'
Usage: submit-k8s.sh [options] <command> [job options]
Runs a mishbench job (prepare, train, benchmark, aggregate, ...) on Kubernetes. Needs SPARK_HOME (a
Spark 3.5, Scala 2.12 distribution with Kubernetes support); the API server is checked for
reachability before anything is submitted.

  --master k8s://https://HOST:PORT
                            the Kubernetes API server (default $MISHBENCH_MASTER)
  --container-image IMAGE   required: an image with Spark 3.5 (Scala 2.12), Java 17 and the job jar
                            (spark.kubernetes.container.image)
  --namespace NS            spark.kubernetes.namespace
  --service-account NAME    the driver pod's service account
                            (spark.kubernetes.authenticate.driver.serviceAccountName)
In cluster mode give the jar as it is found inside the image (--jar local:///opt/mishbench/mishbench-jobs.jar)
or set spark.kubernetes.file.upload.path. GPUs: --gpus-per-executor requests nvidia.com/gpu per
executor pod (spark.executor.resource.gpu.vendor=nvidia.com); the NVIDIA device plugin must run on the
nodes, and --node-gpus N is required because the discovery script lives in the image.
USAGE
}

mb_usage_example() {
  cat <<'USAGE'
Example (cluster mode, 4 executor pods with one GPU each):
  export SPARK_HOME=/opt/spark
  submit-scripts/submit-k8s.sh --master k8s://https://k8s.example:6443 --deploy-mode cluster \
    --container-image registry.example/mishbench:cuda --namespace mishbench --service-account spark \
    --jar local:///opt/mishbench/mishbench-jobs.jar --event-log-dir s3a://bucket/spark-events \
    --executors 4 --executor-cores 8 --executor-memory 16g --executor-offheap 24g --gpus-per-executor 1 --node-gpus 8 \
    benchmark --config /opt/mishbench/conf/paper-table.conf \
    --set dataset=s3a://bucket/imagenet-256 --set results=s3a://bucket/results --set training.workers=4
USAGE
}

mb_cluster_main "$@"
