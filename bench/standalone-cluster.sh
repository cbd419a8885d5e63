#!/usr/bin/env bash
# A real Spark standalone cluster on 127.0.0.1 for bench.sh, as StandaloneClusterIT starts one: a Master and
# N one-core Workers as separate JVMs from spark-runtime/target/jars (no Spark installation).
#   bench/standalone-cluster.sh start DIR WORKERS [WORKER_MEMORY]   prints the master URL once all workers are alive
#   bench/standalone-cluster.sh stop DIR                            stops the workers (and their executors), then the master
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jars="$root/spark-runtime/target/jars"
cmd="${1:?start or stop}"; dir="${2:?state folder}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

daemon() { # log main-class args...
  local log="$1"; shift
  SPARK_HOME="$dir/spark-home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1 \
    nohup java -Xmx256m --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
    -cp "$jars/*" "$@" >"$dir/$log" 2>&1 &
  echo $! >> "$dir/pids"
}

case "$cmd" in
  start)
    workers="${3:?worker count}"; memory="${4:-4g}"
    mkdir -p "$dir/spark-home"; : > "$dir/pids"
    ln -sfn "$jars" "$dir/spark-home/jars"
    echo "Spark 3.5 (the jars of mishbench's spark-runtime, for bench.sh)" > "$dir/spark-home/RELEASE"
    port="$(free_port)"; ui="$(free_port)"
    daemon master.log org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port "$ui"
    for w in $(seq 1 "$workers"); do
      mkdir -p "$dir/work-$w"
      daemon "worker-$w.log" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory "$memory" \
        --webui-port "$(free_port)" --work-dir "$dir/work-$w" "spark://127.0.0.1:$port"
    done
    for _ in $(seq 1 120); do
      alive="$(curl -s "http://127.0.0.1:$ui/json/" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["aliveworkers"])' 2>/dev/null || echo 0)"
      if [ "$alive" = "$workers" ]; then echo "spark://127.0.0.1:$port"; exit 0; fi
      sleep 1
    done
    echo "standalone-cluster: $workers workers did not register in 120 s (see $dir/*.log)" >&2
    exit 1 ;;
  stop)
    [ -f "$dir/pids" ] || exit 0
    tac "$dir/pids" | while read -r pid; do
      pkill -KILL -P "$pid" 2>/dev/null || true   # executors are the workers' children
      kill -KILL "$pid" 2>/dev/null || true
    done
    rm -f "$dir/pids" ;;
  *) echo "usage: $0 start DIR WORKERS [MEMORY] | stop DIR" >&2; exit 2 ;;
esac
