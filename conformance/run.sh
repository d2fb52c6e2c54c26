#!/usr/bin/env bash
# Runs the HTTP caching test suite (npm http-cache-tests, pinned below) against Cachalot.
#
#   conformance/run.sh forward  [--update-baseline]   Cachalot as a forward proxy (absolute-form requests)
#   conformance/run.sh reverse  [--update-baseline]   Cachalot as a reverse proxy in front of the origin
#   conformance/run.sh none                           the origin alone, no cache (sanity check: ~90 required)
#
# Everything runs on 127.0.0.1 with ephemeral ports; every wait is bounded; every process this
# script starts is stopped on exit. See conformance/README.md for the details and the overrides
# (CONFORMANCE_PROXY_CMD, CONFORMANCE_PROXY_URL, CONFORMANCE_ACCESS_LOG, ...).
set -euo pipefail

SUITE_VERSION=0.4.5
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SUITE_PREFIX="$HERE/.suite"
SUITE_DIR="$SUITE_PREFIX/node_modules/http-cache-tests"
READY_TIMEOUT="${CONFORMANCE_READY_TIMEOUT:-60}"      # seconds to wait for origin / proxy
SUITE_TIMEOUT="${CONFORMANCE_SUITE_TIMEOUT:-900}"     # seconds for the whole suite run
INSTALL_TIMEOUT="${CONFORMANCE_INSTALL_TIMEOUT:-300}" # seconds for npm install
ORIGIN_PORT="${CONFORMANCE_ORIGIN_PORT:-0}"          # 0 = ephemeral

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

log() { echo "conformance: $*" >&2; }
die() { log "$*"; exit 1; }

MODE="${1:-}"
[ $# -gt 0 ] && shift
UPDATE_BASELINE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --update-baseline) UPDATE_BASELINE=1 ;;
    --proxy-url) CONFORMANCE_PROXY_URL="${2:?--proxy-url needs a URL}"; shift ;;
    --proxy-url=*) CONFORMANCE_PROXY_URL="${1#*=}" ;;
    --access-log) CONFORMANCE_ACCESS_LOG="${2:?--access-log needs a file}"; shift ;;
    --access-log=*) CONFORMANCE_ACCESS_LOG="${1#*=}" ;;
    -h|--help) usage ;;
    *) log "unknown argument: $1"; usage ;;
  esac
  shift
done

case "$MODE" in
  forward) BASELINE="$HERE/baseline.json" ;;
  reverse) BASELINE="$HERE/baseline-reverse.json" ;;
  none)    BASELINE="" ;;
  *) usage ;;
esac

command -v node >/dev/null 2>&1 || die "node is needed (apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || die "npm is needed (apt-get install npm)"

# ---------------------------------------------------------------- process bookkeeping
PIDS=()
stop_pid() {
  local pid="$1" i
  kill -0 "$pid" 2>/dev/null || return 0
  # Each started process leads its own process group (setsid), so helpers die with it.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "process $pid did not stop within 10s; killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[$i]}"; done
  PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_bg LOGFILE CMD... : starts CMD in its own process group, output to LOGFILE; sets BG_PID.
start_bg() {
  local logfile="$1"; shift
  setsid "$@" >"$logfile" 2>&1 </dev/null &
  BG_PID=$!
  PIDS+=("$BG_PID")
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# ---------------------------------------------------------------- the pinned suite
install_suite() {
  local have=""
  [ -f "$SUITE_DIR/package.json" ] && have="$(node -p "require('$SUITE_DIR/package.json').version" 2>/dev/null || true)"
  if [ "$have" = "$SUITE_VERSION" ]; then return 0; fi
  log "installing http-cache-tests@$SUITE_VERSION into ${SUITE_PREFIX#$ROOT/}"
  mkdir -p "$SUITE_PREFIX"
  [ -f "$SUITE_PREFIX/package.json" ] || echo '{"name":"cachalot-conformance-suite","private":true}' >"$SUITE_PREFIX/package.json"
  (cd "$SUITE_PREFIX" && timeout "$INSTALL_TIMEOUT" npm install --no-audit --no-fund --save-exact --loglevel=error \
    "http-cache-tests@$SUITE_VERSION" </dev/null) || die "npm install of http-cache-tests@$SUITE_VERSION failed"
  have="$(node -p "require('$SUITE_DIR/package.json').version")"
  [ "$have" = "$SUITE_VERSION" ] || die "installed http-cache-tests is $have, not $SUITE_VERSION"
}
install_suite

# ---------------------------------------------------------------- run folder
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RESULTS_DIR="$HERE/results"
RUN_DIR="$RESULTS_DIR/$MODE-$STAMP"
mkdir -p "$RUN_DIR"
ln -sfn "$MODE-$STAMP" "$RESULTS_DIR/$MODE-latest"
log "run folder: ${RUN_DIR#$ROOT/}"

# ---------------------------------------------------------------- origin
start_origin() {
  start_bg "$RUN_DIR/origin.log" env -C "$SUITE_DIR" \
    npm_config_protocol=http npm_config_port="$ORIGIN_PORT" npm_config_pidfile="$RUN_DIR/origin.pid" \
    node --no-warnings --require "$HERE/lib/listen-loopback.cjs" server/server.mjs
  ORIGIN_PID=$BG_PID
  local deadline=$((SECONDS + READY_TIMEOUT)) line
  while :; do
    line="$(grep -m1 -o 'Listening on http://127\.0\.0\.1:[0-9]*/' "$RUN_DIR/origin.log" 2>/dev/null || true)"
    if [ -n "$line" ]; then
      ORIGIN_PORT="${line##*:}"; ORIGIN_PORT="${ORIGIN_PORT%/}"
      break
    fi
    kill -0 "$ORIGIN_PID" 2>/dev/null || { cat "$RUN_DIR/origin.log" >&2; die "origin server exited before listening"; }
    [ $SECONDS -lt $deadline ] || die "origin server not listening after ${READY_TIMEOUT}s"
    sleep 0.2
  done
  ORIGIN_URL="http://127.0.0.1:$ORIGIN_PORT"
  log "origin listening on $ORIGIN_URL (pid $ORIGIN_PID)"
}

# ---------------------------------------------------------------- proxy
default_proxy_cmd() {
  local jar="$ROOT/target/cachalot.jar"
  if [ ! -f "$jar" ]; then
    log "building target/cachalot.jar (mvn -q -B -DskipTests package)"
    (cd "$ROOT" && mvn -q -B -DskipTests package </dev/null >&2) || die "building Cachalot failed"
  fi
  # shellcheck disable=SC2016  # expanded by the child shell, from the exported variables
  case "$MODE" in
    forward) echo 'exec java -jar "$CACHALOT_JAR" proxy --listen "$PROXY_LISTEN" --access-log "$ACCESS_LOG" --cache-dir "$RUN_DIR/cache" --admin none' ;;
    reverse) echo 'exec java -jar "$CACHALOT_JAR" proxy --listen "$PROXY_LISTEN" --access-log "$ACCESS_LOG" --cache-dir "$RUN_DIR/cache" --admin none --reverse "$ORIGIN_URL"' ;;
  esac
}

start_proxy() {
  if [ -n "${CONFORMANCE_PROXY_URL:-}" ]; then
    PROXY_URL="${CONFORMANCE_PROXY_URL%/}"
    ACCESS_LOG="${CONFORMANCE_ACCESS_LOG:-}"
    [ -n "$ACCESS_LOG" ] || die "with CONFORMANCE_PROXY_URL, set CONFORMANCE_ACCESS_LOG (or --access-log) to the proxy's access log"
    [ -f "$ACCESS_LOG" ] || die "access log $ACCESS_LOG does not exist"
    ACCESS_LOG_START=$(wc -l <"$ACCESS_LOG")   # count only lines written by this run
    log "using already-running proxy $PROXY_URL, access log $ACCESS_LOG (from line $((ACCESS_LOG_START + 1)))"
    return 0
  fi
  PROXY_PORT="$(free_port)"
  PROXY_URL="http://127.0.0.1:$PROXY_PORT"
  ACCESS_LOG="${CONFORMANCE_ACCESS_LOG:-$RUN_DIR/access.log}"
  ACCESS_LOG_START=0
  local cmd="${CONFORMANCE_PROXY_CMD:-}"
  [ -n "$cmd" ] || cmd="$(default_proxy_cmd)"
  log "starting proxy: $cmd"
  log "  with PROXY_LISTEN=127.0.0.1:$PROXY_PORT ACCESS_LOG=$ACCESS_LOG ORIGIN_URL=$ORIGIN_URL"
  start_bg "$RUN_DIR/proxy.log" env \
    MODE="$MODE" PROXY_HOST=127.0.0.1 PROXY_PORT="$PROXY_PORT" PROXY_LISTEN="127.0.0.1:$PROXY_PORT" \
    ACCESS_LOG="$ACCESS_LOG" ORIGIN_URL="$ORIGIN_URL" ORIGIN_PORT="$ORIGIN_PORT" RUN_DIR="$RUN_DIR" \
    CACHALOT_JAR="$ROOT/target/cachalot.jar" \
    bash -c "$cmd"
  PROXY_PID=$BG_PID
  local deadline=$((SECONDS + READY_TIMEOUT))
  while :; do
    if grep -q 'Cachalot proxy ready on' "$RUN_DIR/proxy.log" 2>/dev/null || port_open 127.0.0.1 "$PROXY_PORT"; then
      break
    fi
    if ! kill -0 "$PROXY_PID" 2>/dev/null; then
      tail -n 30 "$RUN_DIR/proxy.log" >&2 || true
      die "proxy exited before it was ready (log: ${RUN_DIR#$ROOT/}/proxy.log)"
    fi
    [ $SECONDS -lt $deadline ] || { tail -n 30 "$RUN_DIR/proxy.log" >&2; die "proxy not ready after ${READY_TIMEOUT}s"; }
    sleep 0.2
  done
  log "proxy ready on $PROXY_URL (pid $PROXY_PID)"
}

# ---------------------------------------------------------------- client
run_client() {
  local base="$1" forward_proxy="$2" rc=0
  log "running the suite: base $base${forward_proxy:+, forward proxy $forward_proxy} (timeout ${SUITE_TIMEOUT}s)"
  env -C "$SUITE_DIR" \
    npm_config_base="$base" npm_config_id="" npm_package_config_id="" \
    CONFORMANCE_FORWARD_PROXY="$forward_proxy" CONFORMANCE_CLIENT_STATS="$RUN_DIR/client-stats.json" \
    HTTP_PROXY= http_proxy= HTTPS_PROXY= https_proxy= NO_PROXY= no_proxy= \
    timeout "$SUITE_TIMEOUT" node --no-warnings --require "$HERE/lib/client-preload.cjs" cli.mjs \
    >"$RUN_DIR/results.json" 2>"$RUN_DIR/client.stderr" </dev/null || rc=$?
  [ "$rc" -eq 124 ] && die "suite run timed out after ${SUITE_TIMEOUT}s"
  [ "$rc" -eq 0 ] || { tail -n 30 "$RUN_DIR/client.stderr" >&2; die "suite client failed (exit $rc)"; }
  if [ -s "$RUN_DIR/client.stderr" ]; then
    log "client stderr (first lines; full: ${RUN_DIR#$ROOT/}/client.stderr):"
    head -n 10 "$RUN_DIR/client.stderr" >&2
  fi
  node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); if (Object.keys(r).length < 100) process.exit(1)' \
    "$RUN_DIR/results.json" || die "suite produced no usable results (see ${RUN_DIR#$ROOT/}/results.json, client.stderr)"
  cp "$RUN_DIR/results.json" "$RESULTS_DIR/$MODE-latest.json"
}

# Proves the requests went through the proxy: counts access-log lines (Squid native format,
# URL = 7th field) for the suite's /test/ resources and compares them with what the client sent.
# Sets PROXY_MSG, and PROXY_OK=1 when the proxy saw them.
check_proxy_saw() {
  local sent seen
  PROXY_OK=0
  sent="$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).test' "$RUN_DIR/client-stats.json" 2>/dev/null || echo 0)"
  if [ ! -f "$ACCESS_LOG" ]; then
    PROXY_MSG="proxy access log $ACCESS_LOG was not written: cannot prove the proxy saw the suite's requests"
    return 0
  fi
  seen="$(tail -n +"$((ACCESS_LOG_START + 1))" "$ACCESS_LOG" | awk '
    { u = $7; sub(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\/]*/, "", u); if (u ~ /^\/test\//) n++ }
    END { print n + 0 }')"
  PROXY_MSG="proxy saw $seen requests (the client sent $sent)"
  if [ "$sent" -eq 0 ]; then
    PROXY_MSG="$PROXY_MSG; the client sent no test requests"
  elif [ "$seen" -eq 0 ] || [ $((seen * 2)) -lt "$sent" ]; then
    PROXY_MSG="$PROXY_MSG; the suite did not go through the proxy"
  else
    PROXY_OK=1
    [ "$seen" -ge "$sent" ] || log "warning: the access log has fewer /test/ lines ($seen) than test requests sent ($sent)"
  fi
}

# ---------------------------------------------------------------- main
start_origin
case "$MODE" in
  none)
    run_client "$ORIGIN_URL" ""
    ;;
  forward)
    start_proxy
    # The client is pointed at the origin; the preload sends each request to the proxy in absolute form.
    run_client "$ORIGIN_URL" "$PROXY_URL"
    ;;
  reverse)
    start_proxy
    # The client talks to the proxy as if it were the origin.
    run_client "$PROXY_URL" ""
    ;;
esac

cleanup   # stop the proxy first so its access log is flushed, and the origin

PROXY_OK=1; PROXY_MSG=""
[ "$MODE" = none ] || check_proxy_saw

echo
echo "http-cache-tests $SUITE_VERSION, mode $MODE"
rc=0
if [ -z "$BASELINE" ]; then
  node "$HERE/lib/summarize.mjs" "$SUITE_DIR" "$RUN_DIR/results.json" - --no-baseline --summary="$RUN_DIR/summary.json" || rc=$?
else
  flag=""
  if [ "$UPDATE_BASELINE" -eq 1 ]; then
    if [ "$PROXY_OK" -eq 1 ]; then flag="--update-baseline"; else log "not updating the baseline: the proxy check failed"; fi
  fi
  node "$HERE/lib/summarize.mjs" "$SUITE_DIR" "$RUN_DIR/results.json" "$BASELINE" $flag --summary="$RUN_DIR/summary.json" || rc=$?
fi
[ -z "$PROXY_MSG" ] || echo "$PROXY_MSG"
echo "results: ${RUN_DIR#$ROOT/}/results.json"
[ "$PROXY_OK" -eq 1 ] || die "FAILED: the proxy's access log does not show the suite's requests"
case "$rc" in
  0) ;;
  3) die "FAILED: a count fell below ${BASELINE#$ROOT/}" ;;
  *) die "FAILED: could not count the results (exit $rc)" ;;
esac
