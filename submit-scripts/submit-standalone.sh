#!/usr/bin/env bash
# submit-standalone.sh [options] <command> [job options]: runs a mishbench job on a Spark standalone
# cluster (spark://HOST:PORT). Without SPARK_HOME, Spark's SparkSubmit runs from the jars the build
# collected in spark-runtime/target/jars. --help describes every option.
set -euo pipefail

mb_script=submit-standalone.sh
mb_manager=standalone
mb_default_master="${MISHBENCH_MASTER:-}"
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/submit-common.sh"

mb_usage_head() {
  cat <<'USAGE'
Usage: submit-standalone.sh [options] <command> [job options]
Runs a mishbench job (prepare, train, benchmark, aggregate, ...) on a Spark standalone cluster.
The master is checked for reachability (bash /dev/tcp, MISHBENCH_CONNECT_TIMEOUT seconds, default 5)
before anything is submitted. SPARK_HOME is optional: without it Spark's SparkSubmit runs from
spark-runtime/target/jars of this checkout (the Spark version the jar was built against).

  --master spark://HOST:PORT[,HOST2:PORT2]
                            the standalone master (default $MISHBENCH_MASTER); standby masters
                            after commas, at least one must answer
GPU workers must offer their GPUs to Spark themselves (spark.worker.resource.gpu.amount and
spark.worker.resource.gpu.discoveryScript in the spark-defaults.conf of each worker, or SPARK_WORKER_OPTS).
USAGE
}

mb_usage_example() {
  cat <<'USAGE'
Example (4 executors of 8 cores, one GPU each, the paper's grid):
  submit-scripts/submit-standalone.sh --master spark://master.example:7077 \
    --executors 4 --executor-cores 8 --executor-memory 16g --executor-offheap 24g --gpus-per-executor 1 \
    benchmark --config conf/paper-table.conf \
    --set dataset=hdfs:///mishbench/imagenet-256 --set results=hdfs:///mishbench/results --set training.workers=4
USAGE
}

mb_cluster_main "$@"
