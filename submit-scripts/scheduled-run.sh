#!/usr/bin/env bash
# scheduled-run.sh [options] <script> [arguments]: runs a submit script or the launcher from cron,
# never two at once (flock), output in a dated log file. --help describes every option.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
busy=75 # EX_TEMPFAIL: another run holds the lock; try again at the next slot

usage() {
  cat <<'USAGE'
Usage: scheduled-run.sh [options] [--] <script> [arguments]
Runs <script> with its arguments for a scheduler such as cron: one run at a time, everything it
prints appended to a dated log file, its exit code passed on. <script> is one of mishbench,
submit-standalone.sh, submit-yarn.sh, submit-k8s.sh (found in submit-scripts/), or any other command.

  --name NAME        names the log files and the lock (default: the script's name without .sh)
  --log-dir DIR      where logs go (default $MISHBENCH_LOG_DIR, else logs/ of this checkout);
                     each run writes DIR/NAME-<UTC timestamp, e.g. 20261129T030000Z>.log
  --lock-file FILE   the lock that keeps runs from overlapping (default DIR/NAME.lock); runs with
                     the same lock never overlap, whatever their names
  --help             this text
Exit codes: the script's own (0 when it succeeded), 75 when another run holds the lock (nothing is
started and no log is written), 2 bad usage.

Example crontab line (the paper's grid every night at 02:00 UTC, resumable, on a standalone cluster):
  0 2 * * * /opt/mishbench/submit-scripts/scheduled-run.sh --name paper-table \
    /opt/mishbench/submit-scripts/submit-standalone.sh --master spark://master.example:7077 --executors 4 \
    benchmark --config /opt/mishbench/conf/paper-table.conf --set results=hdfs:///mishbench/results
USAGE
}

name="" log_dir="${MISHBENCH_LOG_DIR:-$root/logs}" lock=""
while [ $# -gt 0 ]; do
  case "$1" in
    --help|-h) usage; exit 0 ;;
    --name|--log-dir|--lock-file)
      [ $# -ge 2 ] || { echo "scheduled-run.sh: $1 needs a value" >&2; exit 2; }
      case "$1" in --name) name="$2" ;; --log-dir) log_dir="$2" ;; --lock-file) lock="$2" ;; esac
      shift 2 ;;
    --) shift; break ;;
    --*) echo "scheduled-run.sh: unknown option $1 (--help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "scheduled-run.sh: no script given (--help)" >&2; exit 2; }

cmd=("$@")
case "${cmd[0]}" in
  mishbench|submit-standalone.sh|submit-yarn.sh|submit-k8s.sh) cmd[0]="$here/${cmd[0]}" ;;
esac
if [ -z "$name" ]; then
  name="$(basename "${cmd[0]}")"
  name="${name%.sh}"
fi
[[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || { echo "scheduled-run.sh: --name may hold letters, digits, '.', '_' and '-' only, got '$name'" >&2; exit 2; }
mkdir -p "$log_dir"
lock="${lock:-$log_dir/$name.lock}"

# fd 9 holds the lock until this script and everything it started have ended
exec 9>>"$lock"
if ! flock -n 9; then
  echo "scheduled-run.sh: another '$name' run holds $lock; not starting this one (exit $busy)" >&2
  exit "$busy"
fi

log="$log_dir/$name-$(date -u +%Y%m%dT%H%M%SZ).log"
{
  echo "scheduled-run.sh: $(date -u +%Y-%m-%dT%H:%M:%SZ) starting on $(hostname): ${cmd[*]}"
} >> "$log"
rc=0
"${cmd[@]}" >> "$log" 2>&1 < /dev/null || rc=$?
echo "scheduled-run.sh: $(date -u +%Y-%m-%dT%H:%M:%SZ) finished with exit code $rc" >> "$log"
if [ "$rc" -ne 0 ]; then
  echo "scheduled-run.sh: '$name' failed with exit code $rc; log: $log" >&2
  tail -n 20 "$log" >&2
fi
exit "$rc"
