# submit-common.sh: what submit-scripts/mishbench and submit-{standalone,yarn,k8s}.sh share.
# Sourced, never run. Defines mb_* functions and variables; a sourcing script sets mb_script (its
# name, for messages) first. Exit codes: 2 bad usage or a missing prerequisite (jar, SPARK_HOME,
# HADOOP_CONF_DIR), 3 the cluster manager is unreachable, 4 the GPUs asked for are not there.

mb_here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mb_root="$(dirname "$mb_here")"
mb_main_class="io.mishbench.jobs.Main"
mb_spark_jars="$mb_root/spark-runtime/target/jars"
mb_log_conf="$mb_root/conf/log4j2.properties"

# The JVM options of every mishbench JVM (Java 17 opens, the Vector API module), on the driver and on
# every executor: read from conf/jvm-options.properties, their one place (the pom's tests read it too).
mb_jvm_options_file="$mb_root/conf/jvm-options.properties"
mb_jvm_option() { # key -> its value in conf/jvm-options.properties
  local v
  v="$(sed -n "s/^$1=//p" "$mb_jvm_options_file" 2>/dev/null)"
  if [ -z "$v" ]; then
    echo "${mb_script:-mishbench}: $1 is missing from $mb_jvm_options_file" >&2
    exit 2
  fi
  printf '%s\n' "$v"
}
read -r -a MB_JVM_MODULES <<<"$(mb_jvm_option jvm.modules)"
read -r -a MB_JAVA17_OPTS <<<"$(mb_jvm_option java17.opens) ${MB_JVM_MODULES[*]} $(mb_jvm_option jvm.gc)"
# GLIBC_TUNABLES of every mishbench process (conf/jvm-options.properties, glibc.tunables), before any set already
MB_GLIBC_TUNABLES="$(mb_jvm_option glibc.tunables)${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}"

# A local absolute path as a file:// URI, every byte but [A-Za-z0-9/._~-] percent-encoded: one token
# without spaces or quotes, so it survives the whitespace splitting of --driver-java-options and
# extraJavaOptions, and Spark and log4j read it as the path it names (a checkout under "My Jobs #2").
mb_file_uri() { # path
  local LC_ALL=C s="$1" out="" c i
  for (( i = 0; i < ${#s}; i++ )); do
    c="${s:i:1}"
    case "$c" in
      [A-Za-z0-9/._~-]) out+="$c" ;;
      *) printf -v c '%%%02X' "'$c"; out+="${c: -3}" ;;
    esac
  done
  printf 'file://%s' "$out"
}

mb_die() { # code message...
  local code="$1"
  shift
  echo "${mb_script:-mishbench}: $*" >&2
  exit "$code"
}

# "8g", "512m", "64k" or a byte count, in MiB
mb_to_mib() {
  case "$1" in
    *[gG]) [[ "${1%[gG]}" =~ ^[0-9]+$ ]] && { echo $(( ${1%[gG]} * 1024 )); return; } ;;
    *[mM]) [[ "${1%[mM]}" =~ ^[0-9]+$ ]] && { echo $(( ${1%[mM]} )); return; } ;;
    *[kK]) [[ "${1%[kK]}" =~ ^[0-9]+$ ]] && { echo $(( ${1%[kK]} / 1024 )); return; } ;;
    *[!0-9]*|"") ;;
    *) echo $(( $1 / 1048576 )); return ;;
  esac
  mb_die 2 "cannot read the memory size '$1' (write e.g. 8g or 512m)"
}

# JVM options capping ND4J's memory outside the heap: JavaCPP's maxbytes (arrays) and
# maxphysicalbytes (the whole process: heap + off-heap + 1g). At a cap JavaCPP collects garbage and
# retries instead of letting the process grow until the kernel or the container manager kills it.
mb_offheap_opts() { # heap offheap
  local heap_mib offheap_mib
  heap_mib="$(mb_to_mib "$1")"
  offheap_mib="$(mb_to_mib "$2")"
  echo "-Dorg.bytedeco.javacpp.maxbytes=${offheap_mib}m -Dorg.bytedeco.javacpp.maxphysicalbytes=$(( heap_mib + offheap_mib + 1024 ))m"
}

# Container memory beyond the heap (spark.*.memoryOverhead) covering the off-heap cap, the process's
# 1g allowance over it and 512m of margin, in MiB.
mb_overhead_mib() { # offheap
  echo $(( $(mb_to_mib "$1") + 1536 ))
}

mb_positive_int() { # option value
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || mb_die 2 "$1 needs a whole number >= 1, got '$2'"
}

mb_check_jar() { # path or URI
  case "$1" in
    local://*|hdfs://*|s3a://*|http://*|https://*|gs://*|abfs://*) return 0 ;; # read by the cluster
  esac
  [ -f "${1#file://}" ] || mb_die 2 "the job jar ${1#file://} is missing; build it with: mvn -B -DskipTests package (or point MISHBENCH_JAR or --jar at it)"
}

# Whether a TCP connection to host:port opens within the timeout (seconds).
mb_tcp_open() { # host port timeout
  timeout "$3" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# spark://host:port[,host2:port2] (standalone, with standby masters): at least one must answer.
mb_check_spark_master() { # url timeout
  local list="${1#spark://}" hostport tried=()
  [ "$list" != "$1" ] || mb_die 2 "the master must be spark://host:port, got '$1'"
  IFS=',' read -r -a hostports <<< "$list"
  for hostport in "${hostports[@]}"; do
    [[ "$hostport" =~ ^([^:]+):([0-9]+)$ ]] || mb_die 2 "cannot read host:port from '$hostport' in the master $1"
    if mb_tcp_open "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "$2"; then
      return 0
    fi
    tried+=("$hostport")
  done
  mb_die 3 "the Spark master $1 is unreachable (no answer on ${tried[*]} within $2 s): is it running, and is the address the one its web UI shows?"
}

# A property's value in a Hadoop XML configuration file (the last one when repeated); empty if absent.
mb_hadoop_property() { # file name
  tr -d '\n\r' < "$1" | sed -n "s:.*<name>${2//./\\.}</name>[[:space:]]*<value>\([^<]*\)</value>.*:\1:p"
}

# Dies (code 2) when the ResourceManager's REST API answers and lists no queue named $2. Says nothing
# when it cannot ask (no curl, no web address, an https or authenticated web UI): spark-submit then
# reports an unknown queue itself (exit 1).
mb_check_yarn_queue() { # yarn-site.xml queue timeout
  local web json queues
  command -v curl > /dev/null || return 0
  web="$(mb_hadoop_property "$1" yarn.resourcemanager.webapp.address)"
  [[ "$web" =~ ^[^:/]+:[0-9]+$ ]] || return 0
  json="$(curl -sf --max-time "$3" "http://$web/ws/v1/cluster/scheduler" 2>/dev/null)" || return 0
  queues="$( (grep -o '"queueName" *: *"[^"]*"' <<< "$json" || true) | sed 's/.*"\([^"]*\)"$/\1/' | sort -u | tr '\n' ' ')"
  [ -n "$queues" ] || return 0
  case " $queues " in
    *" $2 "*|*" root.$2 "*) return 0 ;;
  esac
  mb_die 2 "the YARN queue '$2' does not exist: the ResourceManager at $web has ${queues% } (--queue)"
}

# The number of GPUs the discovery script reports on this host; dies (code 4) when it finds none.
mb_discovered_gpus() { # script
  local json addresses
  [ -x "$1" ] || mb_die 4 "the GPU discovery script $1 is missing or not executable"
  if ! json="$("$1" 2>&1)"; then
    mb_die 4 "the GPU discovery script $1 failed: $json"$'\n'"(submitting from a host without GPUs? state each node's count with --node-gpus N)"
  fi
  addresses="$(sed -n 's/.*"addresses": *\[\(.*\)\].*/\1/p' <<< "$json" | tr -d ' ')"
  [ -n "$addresses" ] || mb_die 4 "the GPU discovery script $1 found no GPU (it printed: $json)"
  tr ',' '\n' <<< "$addresses" | grep -c .
}

# The command that runs spark-submit: $SPARK_HOME/bin/spark-submit, or (allowed only where the caller
# says so) Spark's SparkSubmit class from the jars the build collected, in this JVM as the driver.
# Fills mb_submit_cmd; the driver's heap and JVM options (the array mb_driver_opts, the Java 17 opens
# included) go where each form needs them.
mb_submit_command() { # allow_without_spark_home driver_heap
  if [ -n "${SPARK_HOME:-}" ]; then
    [ -x "$SPARK_HOME/bin/spark-submit" ] || mb_die 2 "SPARK_HOME is $SPARK_HOME, but $SPARK_HOME/bin/spark-submit is not there"
    mb_submit_cmd=("$SPARK_HOME/bin/spark-submit" --driver-memory "$2" --driver-java-options "${mb_driver_opts[*]}")
    return
  fi
  [ "$1" = yes ] || mb_die 2 "SPARK_HOME is not set: this cluster manager needs a Spark 3.5 (Scala 2.12) distribution; export SPARK_HOME=/path/to/spark"
  [ -d "$mb_spark_jars" ] || mb_die 2 "$mb_spark_jars is missing and SPARK_HOME is not set; build with: mvn -B -DskipTests package"
  mb_submit_cmd=(java "-Xmx$2" "${mb_driver_opts[@]}" -cp "$mb_spark_jars/*" org.apache.spark.deploy.SparkSubmit)
}

# ---- submit-{standalone,yarn,k8s}.sh: options, checks, the spark-submit command ----
# The sourcing script sets mb_script, mb_manager (standalone, yarn or k8s) and defines mb_usage_head
# (its synopsis and own options) and mb_usage_example, then calls mb_cluster_main "$@".

mb_usage_common() {
  cat <<USAGE
Options shared by submit-standalone.sh, submit-yarn.sh and submit-k8s.sh:
  --deploy-mode MODE        client (default; the driver runs here) or cluster (on the cluster)
  --jar PATH|URI            the job jar (default \$MISHBENCH_JAR, else jobs/target/mishbench-jobs.jar
                            of this checkout; hdfs://, s3a://, local:// URIs are not checked here).
                            Upload it once per build and name the URI (docs/CLUSTER.md)
  --executors N             executors (spark.executor.instances; on standalone also
                            spark.cores.max = N x cores); default 2
  --executor-cores N        cores per executor; default 4
  --executor-memory SIZE    executor heap, e.g. 8g; default 8g
  --executor-offheap SIZE   executor memory for ND4J's arrays outside the heap (JavaCPP maxbytes;
                            maxphysicalbytes = heap + off-heap + 1g); spark.executor.memoryOverhead
                            is set to off-heap + 1.5g to cover it; default 4g
  --driver-memory SIZE      driver heap (default \$MISHBENCH_DRIVER_MEMORY, else 8g)
  --driver-offheap SIZE     driver ND4J off-heap cap (default \$MISHBENCH_DRIVER_OFFHEAP, else 4g)
  --gpus-per-executor N     GPUs per executor (spark.executor.resource.gpu.amount); default 0 (CPU).
                            Needs the CUDA build of the jar (mvn -B -Pcuda -DskipTests package)
  --tasks-per-gpu N         tasks sharing one GPU (spark.task.resource.gpu.amount = 1/N); default 1:
                            each training worker owns its GPU. GPUs x N may not exceed the cores
  --discovery-script PATH   GPU discovery script, present at this path on every executor node
                            (spark.executor.resource.gpu.discoveryScript); default
                            submit-scripts/gpu-discovery.sh of this checkout (on Kubernetes: the
                            script Spark's images ship)
  --node-gpus N             GPUs each node has; without it the discovery script runs here and its
                            count is used. --gpus-per-executor above it is refused
  --event-log-dir URI       Spark event logs (spark.eventLog.dir; spark.eventLog.enabled=true):
                            default \$MISHBENCH_EVENT_LOG_DIR, else mishbench-out/spark-events of this
                            checkout (client mode only: in cluster mode give a shared URI, hdfs://...)
  --conf KEY=VALUE          any further Spark setting (repeatable); extraJavaOptions are appended to
                            mishbench's, not replacing them
  --dry-run                 check the options and print the command instead of running it (the
                            cluster manager's address is not contacted)
  --help                    this text
Everything from the first argument that is not one of these options on is the job's command and its
options (submit-scripts/mishbench --help lists them); '--' may separate them. In cluster mode a
--config that is a file here is shipped with the application (--files) and passed by name.
Exit codes: 0 submitted and finished, 2 bad usage or a missing prerequisite (jar, SPARK_HOME,
HADOOP_CONF_DIR), 3 the cluster manager is unreachable, 4 the GPUs asked for are not there, else the
job's own code.
USAGE
}

# Cluster deploy mode runs the driver on another host. A job's --config that is a file here is shipped
# with the application (spark-submit --files) and the job is given its name, which the driver finds in its
# working directory (YARN) or among spark.files (io.mishbench.config.ConfigFile). Hadoop URIs and paths
# that do not exist here (inside a container image, on a shared mount) are passed on as they are.
# Sets mb_job (the job's arguments) and mb_files (what to ship, comma-separated; empty for nothing).
mb_ship_config() { # job arguments...
  mb_job=()
  mb_files=""
  local prev="" arg value local_path
  for arg in "$@"; do
    value=""
    if [ "$prev" = --config ]; then
      value="$arg"
    elif [[ "$arg" == --config=* ]]; then
      value="${arg#--config=}"
    fi
    local_path=""
    case "$value" in
      "") ;;
      file://*) local_path="${value#file://}" ;;
      file:*) local_path="${value#file:}" ;;
      *://*) ;;
      *) local_path="$value" ;;
    esac
    if [ -n "$local_path" ] && [ -f "$local_path" ]; then
      case "$local_path" in /*) ;; *) local_path="$PWD/$local_path" ;; esac
      mb_files="${mb_files:+$mb_files,}$local_path"
      if [ "$prev" = --config ]; then arg="$(basename "$local_path")"; else arg="--config=$(basename "$local_path")"; fi
    fi
    mb_job+=("$arg")
    prev="$arg"
  done
}

mb_usage() {
  mb_usage_head
  echo
  mb_usage_common
  echo
  mb_usage_example
}

mb_cluster_main() {
  local master="${mb_default_master:-}" deploy_mode=client jar="${MISHBENCH_JAR:-$mb_root/jobs/target/mishbench-jobs.jar}"
  local executors=2 cores=4 exec_mem=8g exec_off=4g
  local driver_mem="${MISHBENCH_DRIVER_MEMORY:-8g}" driver_off="${MISHBENCH_DRIVER_OFFHEAP:-4g}"
  local gpus=0 tasks_per_gpu=1 discovery="" node_gpus="" dry_run=no
  local event_dir="${MISHBENCH_EVENT_LOG_DIR:-}" queue="" image="" namespace="" service_account=""
  local user_confs=() user_exec_opts="" user_driver_opts="" job=()
  need() { [ $# -ge 2 ] || mb_die 2 "$1 needs a value (--help lists the options)"; }
  while [ $# -gt 0 ]; do
    case "$1" in
      --help|-h) mb_usage; exit 0 ;;
      --master) need "$@"; [ "$mb_manager" != yarn ] || mb_die 2 "--master is always yarn here (the ResourceManager comes from HADOOP_CONF_DIR)"; master="$2"; shift 2 ;;
      --deploy-mode) need "$@"; deploy_mode="$2"; shift 2 ;;
      --jar) need "$@"; jar="$2"; shift 2 ;;
      --executors) need "$@"; executors="$2"; shift 2 ;;
      --executor-cores) need "$@"; cores="$2"; shift 2 ;;
      --executor-memory) need "$@"; exec_mem="$2"; shift 2 ;;
      --executor-offheap) need "$@"; exec_off="$2"; shift 2 ;;
      --driver-memory) need "$@"; driver_mem="$2"; shift 2 ;;
      --driver-offheap) need "$@"; driver_off="$2"; shift 2 ;;
      --gpus-per-executor) need "$@"; gpus="$2"; shift 2 ;;
      --tasks-per-gpu) need "$@"; tasks_per_gpu="$2"; shift 2 ;;
      --discovery-script) need "$@"; discovery="$2"; shift 2 ;;
      --node-gpus) need "$@"; node_gpus="$2"; shift 2 ;;
      --event-log-dir) need "$@"; event_dir="$2"; shift 2 ;;
      --queue) need "$@"; [ "$mb_manager" = yarn ] || mb_die 2 "--queue is for YARN"; queue="$2"; shift 2 ;;
      --container-image) need "$@"; [ "$mb_manager" = k8s ] || mb_die 2 "--container-image is for Kubernetes"; image="$2"; shift 2 ;;
      --namespace) need "$@"; [ "$mb_manager" = k8s ] || mb_die 2 "--namespace is for Kubernetes"; namespace="$2"; shift 2 ;;
      --service-account) need "$@"; [ "$mb_manager" = k8s ] || mb_die 2 "--service-account is for Kubernetes"; service_account="$2"; shift 2 ;;
      --conf) need "$@"
        [[ "$2" == *=* ]] || mb_die 2 "--conf needs KEY=VALUE, got '$2'"
        case "$2" in
          spark.executor.extraJavaOptions=*) user_exec_opts+=" ${2#*=}" ;;
          spark.driver.extraJavaOptions=*) user_driver_opts+=" ${2#*=}" ;;
          *) user_confs+=(--conf "$2") ;;
        esac
        shift 2 ;;
      --dry-run) dry_run=yes; shift ;;
      --) shift; job=("$@"); break ;;
      --*) mb_die 2 "unknown option $1 (--help lists the options; the job's command comes before its own options)" ;;
      *) job=("$@"); break ;;
    esac
  done

  # the whole command line first: every mistake reported before anything starts
  [ ${#job[@]} -gt 0 ] || mb_die 2 "no job command given, e.g. benchmark --config conf/paper-table.conf (--help)"
  case "$deploy_mode" in client|cluster) ;; *) mb_die 2 "--deploy-mode is client or cluster, got '$deploy_mode'" ;; esac
  mb_positive_int --executors "$executors"
  mb_positive_int --executor-cores "$cores"
  mb_positive_int --tasks-per-gpu "$tasks_per_gpu"
  [[ "$gpus" =~ ^[0-9]+$ ]] || mb_die 2 "--gpus-per-executor needs a whole number >= 0, got '$gpus'"
  [ -z "$node_gpus" ] || mb_positive_int --node-gpus "$node_gpus"
  if [ "$gpus" -gt 0 ] && [ $(( gpus * tasks_per_gpu )) -gt "$cores" ]; then
    mb_die 2 "--gpus-per-executor $gpus x --tasks-per-gpu $tasks_per_gpu = $(( gpus * tasks_per_gpu )) GPU tasks per executor, more than its $cores cores (--executor-cores) can run: Spark would leave GPU shares idle"
  fi
  local exec_heap_mib driver_heap_mib
  exec_heap_mib="$(mb_to_mib "$exec_mem")"
  driver_heap_mib="$(mb_to_mib "$driver_mem")"
  mb_to_mib "$exec_off" > /dev/null
  mb_to_mib "$driver_off" > /dev/null
  [ "$exec_heap_mib" -ge 512 ] || mb_die 2 "--executor-memory must be at least 512m, got $exec_mem"
  [ "$driver_heap_mib" -ge 512 ] || mb_die 2 "--driver-memory must be at least 512m, got $driver_mem"
  if [ -z "$event_dir" ]; then
    [ "$deploy_mode" = client ] || mb_die 2 "in cluster mode the driver runs elsewhere: give --event-log-dir on a shared filesystem (hdfs://..., s3a://...)"
    event_dir="$mb_root/mishbench-out/spark-events"
  fi
  local event_local=""
  case "$event_dir" in
    file://*) event_local="${event_dir#file://}" ;;
    *://*) ;;
    *) event_local="$event_dir" ;;
  esac
  if [ -n "$event_local" ]; then
    [ "$deploy_mode" = client ] || mb_die 2 "--event-log-dir $event_dir is local to this host; in cluster mode give a shared URI (hdfs://...)"
    case "$event_local" in /*) ;; *) event_local="$PWD/$event_local" ;; esac
    event_dir="$(mb_file_uri "$event_local")"
  fi

  mb_check_jar "$jar"
  local probe=""
  case "$mb_manager" in
    standalone)
      [ -n "$master" ] || mb_die 2 "no master: give --master spark://HOST:PORT (or set MISHBENCH_MASTER)"
      [[ "$master" == spark://* ]] || mb_die 2 "submit-standalone.sh needs a spark://HOST:PORT master, got '$master' (YARN: submit-yarn.sh, Kubernetes: submit-k8s.sh)"
      ;;
    yarn)
      master=yarn
      [ -n "${SPARK_HOME:-}" ] || mb_die 2 "SPARK_HOME is not set: YARN needs a Spark 3.5 (Scala 2.12) distribution built with YARN support; export SPARK_HOME=/path/to/spark"
      local conf_dir="${HADOOP_CONF_DIR:-${YARN_CONF_DIR:-}}"
      [ -n "$conf_dir" ] || mb_die 2 "HADOOP_CONF_DIR is not set: YARN needs the cluster's Hadoop configuration (the folder with yarn-site.xml and core-site.xml); export HADOOP_CONF_DIR=/etc/hadoop/conf"
      [ -f "$conf_dir/yarn-site.xml" ] || mb_die 2 "HADOOP_CONF_DIR is $conf_dir, which has no yarn-site.xml"
      probe="$(mb_hadoop_property "$conf_dir/yarn-site.xml" yarn.resourcemanager.address)"
      ;;
    k8s)
      [ -n "$master" ] || mb_die 2 "no master: give --master k8s://https://API-SERVER:PORT"
      [[ "$master" == k8s://* ]] || mb_die 2 "submit-k8s.sh needs a k8s://https://HOST:PORT master, got '$master'"
      [ -n "$image" ] || mb_die 2 "--container-image is required: an image with Spark 3.5 (Scala 2.12), Java 17 and the job jar"
      [ -n "${SPARK_HOME:-}" ] || mb_die 2 "SPARK_HOME is not set: Kubernetes needs a Spark 3.5 (Scala 2.12) distribution built with Kubernetes support; export SPARK_HOME=/path/to/spark"
      local api="${master#k8s://}"
      case "$api" in
        https://*) api="${api#https://}"; [[ "$api" == *:* ]] || api="$api:443" ;;
        http://*) api="${api#http://}"; [[ "$api" == *:* ]] || api="$api:80" ;;
        *) [[ "$api" == *:* ]] || api="$api:443" ;;
      esac
      probe="${api%%/*}"
      ;;
  esac

  if [ "$dry_run" = no ]; then
    if [ "$mb_manager" = standalone ]; then
      mb_check_spark_master "$master" "${MISHBENCH_CONNECT_TIMEOUT:-5}"
    elif [[ "$probe" =~ ^([^:]+):([0-9]+)$ ]]; then
      mb_tcp_open "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${MISHBENCH_CONNECT_TIMEOUT:-5}" \
        || mb_die 3 "the $mb_manager cluster manager at $probe is unreachable (no answer within ${MISHBENCH_CONNECT_TIMEOUT:-5} s)"
    fi
    if [ "$mb_manager" = yarn ] && [ -n "$queue" ]; then
      mb_check_yarn_queue "${HADOOP_CONF_DIR:-${YARN_CONF_DIR:-}}/yarn-site.xml" "$queue" "${MISHBENCH_CONNECT_TIMEOUT:-5}"
    fi
  fi

  if [ "$gpus" -gt 0 ]; then
    if [ -z "$discovery" ]; then
      if [ "$mb_manager" = k8s ]; then
        discovery=/opt/spark/examples/src/main/scripts/getGpusResources.sh
      else
        discovery="$mb_here/gpu-discovery.sh"
      fi
    fi
    local have="$node_gpus"
    if [ -z "$have" ]; then
      [ "$mb_manager" != k8s ] || mb_die 2 "--gpus-per-executor on Kubernetes needs --node-gpus N (the discovery script lives in the image, not here)"
      have="$(mb_discovered_gpus "$discovery")"
    fi
    [ "$gpus" -le "$have" ] || mb_die 4 "--gpus-per-executor $gpus is more than the $have GPU(s) a node has: no executor could ever start"
  fi

  # the settings
  local exec_opts driver_opts confs=()
  exec_opts="${MB_JAVA17_OPTS[*]} $(mb_offheap_opts "$exec_mem" "$exec_off")"
  if [ -n "${MISHBENCH_EXECUTOR_ND4J_EXTENSION+set}" ]; then
    exec_opts+=" -Dorg.bytedeco.javacpp.platform.extension=$MISHBENCH_EXECUTOR_ND4J_EXTENSION"
  fi
  exec_opts+="$user_exec_opts"
  driver_opts="${MB_JAVA17_OPTS[*]} $(mb_offheap_opts "$driver_mem" "$driver_off")"
  if [ "$deploy_mode" = client ]; then
    driver_opts+=" -Dlog4j2.configurationFile=$(mb_file_uri "$mb_log_conf")"
  fi
  if [ -n "${MISHBENCH_ND4J_EXTENSION+set}" ]; then
    driver_opts+=" -Dorg.bytedeco.javacpp.platform.extension=$MISHBENCH_ND4J_EXTENSION"
  fi
  driver_opts+="$user_driver_opts"
  confs+=(--conf "spark.executor.instances=$executors" --conf "spark.executor.cores=$cores"
    --conf "spark.executor.memory=$exec_mem" --conf "spark.executor.memoryOverhead=$(mb_overhead_mib "$exec_off")m"
    --conf "spark.driver.memoryOverhead=$(mb_overhead_mib "$driver_off")m"
    --conf "spark.executor.extraJavaOptions=$exec_opts"
    --conf "spark.executorEnv.GLIBC_TUNABLES=$MB_GLIBC_TUNABLES"
    --conf "spark.eventLog.enabled=true" --conf "spark.eventLog.dir=$event_dir")
  if [ "$deploy_mode" = cluster ]; then
    confs+=(--conf "spark.driver.extraJavaOptions=$driver_opts")
    # spark-submit waits for the application's end and exits with its outcome (standalone: 0, or
    # 255 when the driver failed or was killed), so scheduled-run.sh's lock covers the whole run
    case "$mb_manager" in
      standalone) confs+=(--conf spark.standalone.submit.waitAppCompletion=true) ;;
      yarn) confs+=(--conf spark.yarn.submit.waitAppCompletion=true
        --conf "spark.yarn.appMasterEnv.GLIBC_TUNABLES=$MB_GLIBC_TUNABLES") ;;
      k8s) confs+=(--conf spark.kubernetes.submission.waitAppCompletion=true
        --conf "spark.kubernetes.driverEnv.GLIBC_TUNABLES=$MB_GLIBC_TUNABLES") ;;
    esac
  fi
  if [ "$mb_manager" = standalone ]; then
    confs+=(--conf "spark.cores.max=$(( executors * cores ))")
  fi
  if [ "$gpus" -gt 0 ]; then
    local task_amount=1
    if [ "$tasks_per_gpu" -gt 1 ]; then
      task_amount="$(awk -v n="$tasks_per_gpu" 'BEGIN { printf "%.6f", 1 / n }')"
    fi
    confs+=(--conf "spark.executor.resource.gpu.amount=$gpus" --conf "spark.task.resource.gpu.amount=$task_amount"
      --conf "spark.executor.resource.gpu.discoveryScript=$discovery")
    if [ "$mb_manager" = k8s ]; then
      confs+=(--conf "spark.executor.resource.gpu.vendor=nvidia.com")
    fi
  fi
  [ -z "$queue" ] || confs+=(--queue "$queue")
  [ -z "$image" ] || confs+=(--conf "spark.kubernetes.container.image=$image")
  [ -z "$namespace" ] || confs+=(--conf "spark.kubernetes.namespace=$namespace")
  [ -z "$service_account" ] || confs+=(--conf "spark.kubernetes.authenticate.driver.serviceAccountName=$service_account")

  if [ "$deploy_mode" = cluster ]; then
    mb_ship_config "${job[@]}"
    job=("${mb_job[@]}")
    [ -z "$mb_files" ] || confs+=(--files "$mb_files")
  fi

  mb_driver_opts=()
  read -r -a mb_driver_opts <<< "$driver_opts"
  local without_spark_home=no
  [ "$mb_manager" != standalone ] || without_spark_home=yes
  mb_submit_command "$without_spark_home" "$driver_mem"
  local cmd=("${mb_submit_cmd[@]}" --master "$master" --deploy-mode "$deploy_mode" --class "$mb_main_class"
    --name "mishbench ${job[0]}" "${confs[@]}" "${user_confs[@]}" "${jar#file://}" "${job[@]}")
  if [ "$dry_run" = yes ]; then
    printf '%q ' "${cmd[@]}"
    echo
    exit 0
  fi
  [ -z "$event_local" ] || mkdir -p "$event_local"
  export GLIBC_TUNABLES="$MB_GLIBC_TUNABLES" # the client-mode driver (and spark-submit)
  echo "$mb_script: submitting '${job[*]}' to $master ($deploy_mode mode): $executors executors x $cores cores, $exec_mem heap + $exec_off off-heap$([ "$gpus" -eq 0 ] || echo ", $gpus GPU(s) each"); event logs in $event_dir" >&2
  exec "${cmd[@]}"
}
