#!/usr/bin/env bash
# Two Cachalot jars under the same wrk load, interleaved: is a change faster? See bench/README.md.
#   bench/ab.sh OLD.jar NEW.jar [PATH] [CONNS] [ROUNDS]     e.g. bench/ab.sh /tmp/old.jar target/cachalot.jar /1k 64 3
# PATH is an object of the origin: /1k, /100k, /10m (max-age=3600) or /nostore/1k (no-store).
# Each run starts a fresh JVM, loads it WARMUP s unrecorded, then DURATION s measured.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# -ge 2 ] || { echo "usage: bench/ab.sh OLD.jar NEW.jar [PATH] [CONNS] [ROUNDS]" >&2; exit 64; }
A=$(realpath "$1"); B=$(realpath "$2"); OBJ=${3:-/1k}; CONNS=${4:-64}; ROUNDS=${5:-3}
WARMUP=${WARMUP:-15}; DURATION=${DURATION:-10}
SERVER_CPU=${SERVER_CPU:-1}; CLIENT_CPU=${CLIENT_CPU:-0}
ORIGIN_PORT=${ORIGIN_PORT:-28190}; PROXY_PORT=${PROXY_PORT:-28191}
for jar in "$A" "$B"; do [ -f "$jar" ] || { echo "bench/ab.sh: no such jar: $jar" >&2; exit 66; }; done
for tool in nginx wrk curl taskset java; do
  command -v "$tool" >/dev/null || { echo "bench/ab.sh: $tool is needed (bench/run.sh installs it)" >&2; exit 69; }
done
T=$(mktemp -d /tmp/cachalot-ab.XXXXXX); chmod 755 "$T"
proxy=""; origin=""
stop_proxy() { [ -n "$proxy" ] && kill "$proxy" 2>/dev/null && wait "$proxy" 2>/dev/null; proxy=""; }
trap 'stop_proxy; [ -n "$origin" ] && kill "$origin" 2>/dev/null; sleep 1; rm -rf "$T"' EXIT
# shellcheck source=bench/origin.sh
source "$HERE/origin.sh"
write_origin "$T" "$ORIGIN_PORT"
taskset -c "$SERVER_CPU" nginx -e "$T/ngx/error.log" -p "$T/ngx" -c "$T/origin.conf" & origin=$!
load() { BENCH_PATH="http://127.0.0.1:$ORIGIN_PORT$OBJ" BENCH_HOST="127.0.0.1:$ORIGIN_PORT" taskset -c "$CLIENT_CPU" \
  wrk -t1 -c"$CONNS" -d"$1s" --timeout 10s -s "$HERE/wrk.lua" "http://127.0.0.1:$PROXY_PORT/"; }
for round in $(seq "$ROUNDS"); do
  for side in A B; do
    jar=$A; [ "$side" = B ] && jar=$B
    rm -rf "$T/cache" "$T/access.log"
    # shellcheck disable=SC2086 # CACHALOT_JAVA_OPTS holds several options
    taskset -c "$SERVER_CPU" java ${CACHALOT_JAVA_OPTS:-} -jar "$jar" proxy --listen "127.0.0.1:$PROXY_PORT" \
      --cache-dir "$T/cache" --access-log "$T/access.log" --max-connections-per-client 20000 \
      >"$T/proxy.out" 2>&1 & proxy=$!
    for _ in $(seq 150); do grep -q ready "$T/proxy.out" && break; sleep 0.2; done
    grep -q ready "$T/proxy.out" || { echo "bench/ab.sh: $jar did not start:" >&2; cat "$T/proxy.out" >&2; exit 1; }
    curl -s -o /dev/null -x "127.0.0.1:$PROXY_PORT" "http://127.0.0.1:$ORIGIN_PORT$OBJ"
    load "$WARMUP" >/dev/null
    result=$(load "$DURATION" | grep RESULT | sed 's/bytes=[0-9]* //; s/RESULT //')
    echo "round $round $side ($jar): $result"
    stop_proxy
  done
done
