#!/usr/bin/env bash
# Profiles Cachalot under one wrk load with JFR and prints the hottest frames (top of stack and
# inclusive, Cachalot's own methods). See bench/README.md.
#   bench/profile.sh [PATH] [CONNS]      e.g. bench/profile.sh /1k 64 ; DURATION=20 WARMUP=10
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
OBJ=${1:-/1k}; CONNS=${2:-64}
DURATION=${DURATION:-15}; WARMUP=${WARMUP:-10}
SERVER_CPU=${SERVER_CPU:-1}; CLIENT_CPU=${CLIENT_CPU:-0}
ORIGIN_PORT=${ORIGIN_PORT:-28090}; PROXY_PORT=${PROXY_PORT:-28091}
JAR=${JAR:-$REPO/target/cachalot.jar}
T=$(mktemp -d /tmp/cachalot-prof.XXXXXX); chmod 755 "$T"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$T"' EXIT
# shellcheck source=bench/origin.sh
source "$HERE/origin.sh"
write_origin "$T" "$ORIGIN_PORT"
taskset -c "$SERVER_CPU" nginx -e "$T/ngx/error.log" -p "$T/ngx" -c "$T/origin.conf" & pids+=($!)
taskset -c "$SERVER_CPU" java -XX:FlightRecorderOptions=stackdepth=512 -XX:StartFlightRecording=filename="$T/rec.jfr",settings=profile,delay="${WARMUP}s" \
  -jar "$JAR" proxy --listen "127.0.0.1:$PROXY_PORT" --cache-dir "$T/cache" --access-log "$T/access.log" >"$T/proxy.out" 2>&1 & pids+=($!)
for _ in $(seq 100); do grep -q ready "$T/proxy.out" && break; sleep 0.2; done
run() { BENCH_PATH="http://127.0.0.1:$ORIGIN_PORT$OBJ" BENCH_HOST="127.0.0.1:$ORIGIN_PORT" taskset -c "$CLIENT_CPU" \
  wrk -t1 -c"$CONNS" -d"$1s" -s "$HERE/wrk.lua" "http://127.0.0.1:$PROXY_PORT/"; }
run "$WARMUP" >/dev/null
run "$DURATION"
jcmd "${pids[1]}" JFR.dump filename="$T/rec.jfr" >/dev/null
jfr print --events jdk.ExecutionSample "$T/rec.jfr" >"$T/samples.txt"
jfr summary "$T/rec.jfr" | grep -E "ExecutionSample|ObjectAllocationSample|GarbageCollection |JavaMonitorEnter" || true
python3 - "$T/samples.txt" <<'PY'
import re, sys, collections
text = open(sys.argv[1]).read()
stacks = [re.findall(r"^\s+([\w$.<>/]+)\(", blk, re.M) for blk in text.split("jdk.ExecutionSample")[1:]]
top = collections.Counter(s[0] for s in stacks if s)
incl = collections.Counter()
for s in stacks:
    for f in set(s):
        if f.startswith("dev.cachalot"):
            incl[f] += 1
n = len(stacks) or 1
print(f"\n{n} samples. Top of stack:")
for f, c in top.most_common(25): print(f"  {100*c/n:5.1f}%  {f}")
print("Inclusive, Cachalot methods:")
for f, c in incl.most_common(25): print(f"  {100*c/n:5.1f}%  {f}")
PY
if [ -n "${KEEP_JFR:-}" ]; then cp "$T/rec.jfr" "$KEEP_JFR"; fi
