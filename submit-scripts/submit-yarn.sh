#!/usr/bin/env bash
# submit-yarn.sh [options] <command> [job options]: runs a mishbench job on YARN through
# $SPARK_HOME/bin/spark-submit; needs SPARK_HOME and HADOOP_CONF_DIR. --help describes every option.
set -euo pipefail

mb_script=submit-yarn.sh
mb_manager=yarn
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/submit-common.sh"

mb_usage_head() {
  cat <<'USAGE'
Usage: submit-yarn.sh [options] <command> [job options]
Runs a mishbench job (prepare, train, benchmark, aggregate, ...) on YARN (--master yarn).
Needs SPARK_HOME (a Spark 3.5, Scala 2.12 distribution with YARN support) and HADOOP_CONF_DIR (or
YARN_CONF_DIR: the folder with yarn-site.xml); without them it exits 2 before anything starts. When
yarn-site.xml names yarn.resourcemanager.address, that address is checked for reachability first.

  --queue QUEUE             the YARN queue (spark-submit --queue); one that the ResourceManager's
                            REST API does not list is exit 2 (docs/CLUSTER.md)
YARN's GPU scheduling must be on (yarn.io/gpu resource type, the NodeManagers' GPU plugin); Spark maps
spark.executor.resource.gpu.amount to yarn.io/gpu containers.
USAGE
}

mb_usage_example() {
  cat <<'USAGE'
Example (cluster mode, 8 executors with one GPU each):
  export SPARK_HOME=/opt/spark HADOOP_CONF_DIR=/etc/hadoop/conf
  submit-scripts/submit-yarn.sh --deploy-mode cluster --queue gpu --event-log-dir hdfs:///spark-events \
    --executors 8 --executor-cores 8 --executor-memory 16g --executor-offheap 24g --gpus-per-executor 1 \
    benchmark --config conf/paper-table.conf \
    --set dataset=hdfs:///mishbench/imagenet-256 --set results=hdfs:///mishbench/results --set training.workers=8
USAGE
}

mb_cluster_main "$@"
