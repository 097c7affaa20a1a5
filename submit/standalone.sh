#!/usr/bin/env bash
# A Spark standalone cluster on this machine, from the Maven classpath alone (no Spark download): a master and
# workers on 127.0.0.1, for trying submit/cluster.sh and for the integration tests.
#   submit/standalone.sh start DIR [--workers N] [--cores C] [--memory M] [--classpath FILE] [--secret-file F]
#   submit/standalone.sh stop DIR
#   submit/standalone.sh status DIR
# start builds DIR/spark-home, a stand-in SPARK_HOME: jars/ links every jar of the runtime classpath (Spark and
# its dependencies, as Maven resolved them: target/classpath.txt, written by `mvn package`; --classpath picks
# another, e.g. target/spark3.5/classpath.txt for Spark 3.5), bin/spark-submit runs
# org.apache.spark.deploy.SparkSubmit through Spark's own launcher as a real installation does, and RELEASE
# marks it as a binary distribution. It then starts the master and N workers (default 2, 1 core and 2g each),
# waits until every worker has registered, and writes DIR/cluster.env:
#   SPARK_HOME=...  SPARK_MASTER_URL=spark://127.0.0.1:PORT  SPARK_SCALA_VERSION=...  SPARK_LOCAL_IP=127.0.0.1
# Every process binds 127.0.0.1 (SPARK_LOCAL_IP; the web UIs too) on free ports. --secret-file F starts the
# daemons with spark.authenticate=true and the secret in F: an application must then bring the same secret
# (SPARK_MLP_AUTH_SECRET_FILE=F for submit/cluster.sh).
# stop ends, by the PIDs that start recorded in DIR/pids, the workers (which end their executors and drivers),
# the master, and then any executor or driver JVM of theirs still alive; it is safe to call twice.
# Logs: DIR/master.log, DIR/worker-N.log, executors' and drivers' under DIR/work-N/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
die() { echo "standalone: $*" >&2; exit 1; }

[[ $# -ge 2 ]] || { usage >&2; exit 2; }
command="$1" dir="$2"
shift 2
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

alive() { kill -0 "$1" 2>/dev/null; }

# Every descendant of PID (children first found, then theirs), by walking /proc through pgrep -P.
descendants() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null || true); do
    echo "$child"
    descendants "$child"
  done
}

stop() {
  [[ -f "$dir/pids" ]] || return 0
  local pids=() all=() pid
  mapfile -t pids < "$dir/pids"
  # Record the executors and drivers before their workers go: a worker ends them on SIGTERM, but not if it dies.
  for pid in "${pids[@]}"; do
    alive "$pid" || continue
    all+=("$pid")
    mapfile -t -O "${#all[@]}" all < <(descendants "$pid")
  done
  # Workers first (listed after the master), then the master.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    alive "${pids[i]}" && kill -TERM "${pids[i]}" 2>/dev/null || true
  done
  for _ in $(seq 1 100); do
    local left=0
    for pid in ${all[@]+"${all[@]}"}; do alive "$pid" && left=1; done
    [[ $left -eq 0 ]] && break
    sleep 0.1
  done
  for pid in ${all[@]+"${all[@]}"}; do
    alive "$pid" && { echo "standalone: process $pid did not stop in 10 s: killing it" >&2; kill -KILL "$pid" 2>/dev/null || true; }
  done
  rm -f "$dir/pids"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits up to 90 s for a line matching $2 in log $1, while process $3 lives.
await() {
  for _ in $(seq 1 900); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    alive "$3" || { tail -30 "$1" >&2; die "process $3 ended before '$2' appeared in $1"; }
    sleep 0.1
  done
  tail -30 "$1" >&2
  die "no '$2' in $1 after 90 s"
}

start() {
  local workers=2 cores=1 memory=2g classpath="$root/target/classpath.txt" secret_file=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --workers) workers="$2"; shift ;;
      --cores) cores="$2"; shift ;;
      --memory) memory="$2"; shift ;;
      --classpath) classpath="$2"; shift ;;
      --secret-file) secret_file="$2"; shift ;;
      *) die "unknown option '$1'" ;;
    esac
    shift
  done
  [[ -f "$classpath" ]] || die "$classpath is missing: run 'mvn -DskipTests package' first"
  [[ -f "$dir/pids" ]] && die "$dir already has a cluster (submit/standalone.sh stop $dir)"

  local home="$dir/spark-home"
  rm -rf "$home" "$dir"/work-* "$dir"/*.log
  mkdir -p "$home/jars" "$home/bin" "$home/conf"
  local jar core=""
  # The file has no newline at its end: "|| [[ -n $jar ]]" keeps its last jar (netlib's JNI BLAS needs it: it is
  # arpack_combined_all, whose org.netlib.util classes the native library looks up when it loads).
  tr ':' '\n' < "$classpath" | while read -r jar || [[ -n "$jar" ]]; do
    [[ -n "$jar" ]] && ln -sf "$jar" "$home/jars/$(basename "$jar")"
  done
  core="$(cd "$home/jars" && ls spark-core_*.jar 2>/dev/null | head -1)"
  [[ -n "$core" ]] || die "no spark-core jar in $classpath"
  # spark-core_2.13-4.2.0.jar: Scala 2.13, Spark 4.2.0.
  local scala="${core#spark-core_}"; scala="${scala%%-*}"
  local version="${core#spark-core_*-}"; version="${version%.jar}"
  # Spark's launcher takes a directory with RELEASE for a binary distribution, whose jars are in jars/.
  echo "Spark $version (Scala $scala), jars linked from the Maven classpath $classpath by submit/standalone.sh" \
    > "$home/RELEASE"
  # What bin/spark-class of a real installation does: Spark's launcher prints the command (JVM options included),
  # arguments separated by NUL after a line holding only NUL; run it.
  cat > "$home/bin/spark-submit" <<'SH'
#!/usr/bin/env bash
# spark-submit of the stand-in SPARK_HOME written by submit/standalone.sh.
set -euo pipefail
export SPARK_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-@SCALA@}"
records=()
while IFS= read -r -d '' record; do records+=("$record"); done \
  < <(java -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main org.apache.spark.deploy.SparkSubmit "$@")
[[ ${#records[@]} -ge 2 ]] || { printf '%s' "${records[0]:-}" >&2; exit 1; }
printf '%s' "${records[0]%$'\n'}"
command=("${records[@]:1}")
command[0]="${command[0]#$'\n'}"
exec "${command[@]}"
SH
  sed -i "s/@SCALA@/$scala/" "$home/bin/spark-submit"
  chmod +x "$home/bin/spark-submit"
  # INFO logs for the daemons, executors and drivers: the readiness checks below read them.
  sed 's/^rootLogger.level = warn/rootLogger.level = info/' "$root/conf/log4j2.properties" > "$home/conf/log4j2.properties"

  export SPARK_HOME="$home" SPARK_SCALA_VERSION="$scala" SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=127.0.0.1
  source "$root/submit/spark-jvm-options.sh"
  # No REST submission server: it would listen on a fixed port (6066) and take submissions unauthenticated.
  local daemon_opts=(-Xmx256m "${spark_jvm_opts[@]}" -Dspark.master.rest.enabled=false)
  if [[ -n "$secret_file" ]]; then
    [[ -r "$secret_file" ]] || die "cannot read $secret_file"
    # A properties file, not -D, so the secret is not on any command line.
    (umask 077; printf 'spark.authenticate=true\nspark.authenticate.secret=%s\n' "$(cat "$secret_file")" > "$dir/daemon.properties")
  fi
  local props=()
  [[ -n "$secret_file" ]] && props=(--properties-file "$dir/daemon.properties")

  local port ui
  port="$(free_port)" ui="$(free_port)"
  : > "$dir/pids"
  java "${daemon_opts[@]}" -cp "$home/conf:$home/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port "$ui" ${props[@]+"${props[@]}"} > "$dir/master.log" 2>&1 &
  local master=$!
  echo "$master" >> "$dir/pids"
  await "$dir/master.log" "I have been elected leader" "$master"
  local url="spark://127.0.0.1:$port" pid
  local worker_pids=()
  for ((n = 1; n <= workers; n++)); do
    mkdir -p "$dir/work-$n"
    java "${daemon_opts[@]}" -cp "$home/conf:$home/jars/*" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --cores "$cores" --memory "$memory" --webui-port "$(free_port)" --work-dir "$dir/work-$n" \
      ${props[@]+"${props[@]}"} "$url" > "$dir/worker-$n.log" 2>&1 &
    pid=$!
    echo "$pid" >> "$dir/pids"
    worker_pids+=("$pid")
  done
  for ((n = 1; n <= workers; n++)); do
    await "$dir/worker-$n.log" "Successfully registered with master" "${worker_pids[n - 1]}"
  done
  cat > "$dir/cluster.env" <<ENV
SPARK_HOME=$home
SPARK_MASTER_URL=$url
SPARK_SCALA_VERSION=$scala
SPARK_VERSION=$version
SPARK_LOCAL_IP=127.0.0.1
ENV
  echo "standalone: Spark $version master $url, $workers workers × $cores core(s), $memory; stop with: submit/standalone.sh stop $dir" >&2
}

case "$command" in
  start)
    # A start that fails half-way stops what it started.
    trap 'rc=$?; if [[ $rc -ne 0 ]]; then stop; fi; exit $rc' EXIT
    start "$@" ;;
  stop) stop ;;
  status)
    [[ -f "$dir/pids" ]] || { echo "no cluster in $dir"; exit 1; }
    while read -r pid; do
      if alive "$pid"; then echo "$pid running"; else echo "$pid gone"; fi
    done < "$dir/pids" ;;
  -h|--help) usage ;;
  *) usage >&2; exit 2 ;;
esac
