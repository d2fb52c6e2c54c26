#!/usr/bin/env bash
# Cachalot against nginx, Squid and Varnish, in one run, on loopback. See bench/README.md.
# (f) also measures two plain TCP relays (HAProxy with kernel splicing, nginx stream), as references
# for what relaying alone costs on this machine, and (d) a bare Netty forwarder (bench/NettyFloor.java),
# the least a proxy on Cachalot's stack costs per pass-through request.
#
#   bench/run.sh                       # full run: WARMUP=20 DURATION=10 ROUNDS=3
#   WARMUP=2 DURATION=3 ROUNDS=1 IDLE_CONNS=1000 BIG_MB=128 bench/run.sh   # quick check
#
# Everything runs in the foreground of this script with private configs under a temp dir; the
# trap stops every server it started. System services of nginx/squid/varnish are never started.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
WARMUP=${WARMUP:-20}            # seconds of load on Cachalot's hot paths before measuring (1k; half on others)
DURATION=${DURATION:-10}        # seconds per measured wrk run
RUN_WARMUP=${RUN_WARMUP:-3}     # seconds of the same load, unrecorded, before each measured wrk run
ROUNDS=${ROUNDS:-3}             # interleaved repetitions; the table shows the median
SCENARIOS=${SCENARIOS:-"a b c d e f"}
TARGETS=${TARGETS:-"direct cachalot squid nginx varnish"}
SERVER_CPU=${SERVER_CPU:-1}     # server under test (and the origin, but in (f)) run here
CLIENT_CPU=${CLIENT_CPU:-0}     # wrk, curl and the idle-connection client run here
BASE_PORT=${BASE_PORT:-28080}
IDLE_CONNS=${IDLE_CONNS:-10000}
BIG_MB=${BIG_MB:-1024}          # size of the CONNECT-tunnel download
TUNNEL_TRIES=${TUNNEL_TRIES:-3} # downloads per round in (f); the fastest counts
TUNNEL_ORIGIN_CPU=${TUNNEL_ORIGIN_CPU:-$CLIENT_CPU} # the origin's core during (f): with curl, so the relay has its own
PACED_GAP_MS=${PACED_GAP_MS:-30} # (d) at a fixed rate: mean gap per connection, 64 / 30 ms ≈ 2,100 req/s
RELAYS=${RELAYS:-"haproxy stream"} # (f) references: TCP relays to the origin (no CONNECT, no HTTP), empty for none
PASS_REFS=${PASS_REFS:-floor}     # (d) reference: bench/NettyFloor.java on the JVM and Netty, empty for none
STREAM_MODULE=/usr/lib/nginx/modules/ngx_stream_module.so
JAR=${JAR:-$REPO/target/cachalot.jar}
OUT=${OUT:-$HERE/RESULTS.md}
CACHALOT_JAVA_OPTS=${CACHALOT_JAVA_OPTS:-}
KEEP_TMP=${KEEP_TMP:-0}

ORIGIN_PORT=$BASE_PORT
CACHALOT_PORT=$((BASE_PORT + 1))
SQUID_PORT=$((BASE_PORT + 2))
NGINX_PORT=$((BASE_PORT + 3))
VARNISH_PORT=$((BASE_PORT + 4))
HAPROXY_PORT=$((BASE_PORT + 5))
STREAM_PORT=$((BASE_PORT + 6))
FLOOR_PORT=$((BASE_PORT + 7))
ORIGIN="127.0.0.1:$ORIGIN_PORT"

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# tools: install what is missing from Debian, without letting apt start system services
install_missing() {
  local need=()
  command -v nginx >/dev/null || need+=(nginx)
  command -v squid >/dev/null || need+=(squid)
  command -v varnishd >/dev/null || need+=(varnish)
  command -v wrk >/dev/null || need+=(wrk)
  command -v curl >/dev/null || need+=(curl)
  command -v python3 >/dev/null || need+=(python3)
  command -v taskset >/dev/null || need+=(util-linux)
  if [[ " $SCENARIOS " == *" f "* ]]; then
    [[ " $RELAYS " == *" haproxy "* ]] && ! command -v haproxy >/dev/null && need+=(haproxy)
    [[ " $RELAYS " == *" stream "* ]] && [ ! -f "$STREAM_MODULE" ] && need+=(libnginx-mod-stream)
  fi
  [ ${#need[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  log "installing ${need[*]} with apt-get (services kept stopped)"
  local policy=/usr/sbin/policy-rc.d placed=0
  if [ ! -e "$policy" ]; then
    # exit 101 = "action forbidden": invoke-rc.d then starts no service during the install
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && placed=1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  [ "$placed" = 1 ] && $sudo rm -f "$policy"
  # belt and braces: on a systemd machine, make sure none of them was left running or enabled
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now nginx squid varnish varnishncsa haproxy >/dev/null 2>&1 || true
  fi
}

# ---------------------------------------------------------------------------------------------
# process bookkeeping
declare -A PID=()
T=""
cleanup() {
  local rc=$?
  for name in "${!PID[@]}"; do
    kill -TERM "${PID[$name]}" 2>/dev/null || true
  done
  for name in "${!PID[@]}"; do
    for _ in $(seq 50); do kill -0 "${PID[$name]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${PID[$name]}" 2>/dev/null || true
  done
  [ -n "${IDLE_PID:-}" ] && kill -KILL "$IDLE_PID" 2>/dev/null || true
  if [ -n "$T" ] && [ "$KEEP_TMP" != 1 ]; then rm -rf "$T"; elif [ -n "$T" ]; then log "kept $T"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tree_pids() { # a server's pid and its children (nginx workers, varnish child)
  local p=$1
  echo "$p"
  pgrep -P "$p" 2>/dev/null || true
}
rss_kb() { # sum of VmRSS (field=VmRSS) or VmHWM (peak) over a server's processes
  local field=$1 root=$2 sum=0 v
  for p in $(tree_pids "$root"); do
    v=$(awk -v f="$field:" '$1==f {print $2}' "/proc/$p/status" 2>/dev/null || true)
    sum=$((sum + ${v:-0}))
  done
  echo $sum
}
reset_peak() { # writing 5 to clear_refs resets VmHWM (Linux >= 4.0)
  for p in $(tree_pids "$1"); do echo 5 >"/proc/$p/clear_refs" 2>/dev/null || true; done
}

wait_port() {
  for _ in $(seq 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  die "nothing listens on port $1 after 30 s"
}

# ---------------------------------------------------------------------------------------------
# configs
write_configs() {
  mkdir -p "$T/www/nostore" "$T/logs" "$T/ngx-origin" "$T/ngx-cache" "$T/ngx-cache/store" "$T/varnish"
  head -c 1024 /dev/urandom >"$T/www/1k"
  head -c $((100 * 1024)) /dev/urandom >"$T/www/100k"
  head -c $((10 * 1024 * 1024)) /dev/urandom >"$T/www/10m"
  cp "$T/www/1k" "$T/www/nostore/1k"
  truncate -s "${BIG_MB}M" "$T/www/nostore/big"   # sparse: the disk does not limit the tunnel run
  chmod -R a+rX "$T"
  chmod 777 "$T/logs" "$T/ngx-origin" "$T/ngx-cache" "$T/ngx-cache/store"

  local temps
  temps() { # nginx's compiled-in temp paths may not exist or be writable: keep them private
    for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $1/$t;"; done
  }
  cat >"$T/origin.conf" <<EOF
worker_processes 1;
daemon off;
pid $T/ngx-origin/nginx.pid;
error_log $T/logs/origin-error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 30000; }
http {
  access_log $T/logs/origin-access.log;
$(temps "$T/ngx-origin")
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$ORIGIN_PORT backlog=4096;
    root $T/www;
    location / { add_header Cache-Control "max-age=3600"; }
    location /nostore/ { add_header Cache-Control "no-store"; }
  }
}
EOF
  cat >"$T/nginx-cache.conf" <<EOF
worker_processes 1;
daemon off;
pid $T/ngx-cache/nginx.pid;
error_log $T/logs/nginx-error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 30000; }
http {
  access_log $T/logs/nginx-access.log;
$(temps "$T/ngx-cache")
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  proxy_cache_path $T/ngx-cache/store levels=1:2 keys_zone=bench:16m max_size=2g inactive=2h use_temp_path=off;
  upstream origin { server 127.0.0.1:$ORIGIN_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $ORIGIN;
      proxy_cache bench;
      add_header X-Cache-Status \$upstream_cache_status always;
    }
  }
}
EOF
  cat >"$T/squid.conf" <<EOF
http_port 127.0.0.1:$SQUID_PORT
visible_hostname bench
pid_filename $T/logs/squid.pid
acl benchclient src 127.0.0.1/32
http_access allow benchclient
http_access deny all
# memory cache only: no cache_dir
cache_mem 512 MB
maximum_object_size_in_memory 16 MB
maximum_object_size 16 MB
memory_cache_mode always
access_log stdio:$T/logs/squid-access.log
cache_log $T/logs/squid-cache.log
cache_store_log none
coredump_dir $T/logs
max_filedescriptors 65536
client_idle_pconn_timeout 10 minutes
shutdown_lifetime 1 seconds
EOF
  cat >"$T/bench.vcl" <<EOF
vcl 4.1;
backend origin { .host = "127.0.0.1"; .port = "$ORIGIN_PORT"; }
EOF
  # (f) references: byte relays to the origin, as a tunnel is once established
  cat >"$T/haproxy.cfg" <<EOF
global
  maxconn 1000
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option splice-auto
frontend relay
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend origin
backend origin
  server origin 127.0.0.1:$ORIGIN_PORT
EOF
  mkdir -p "$T/ngx-stream"
  cat >"$T/stream.conf" <<EOF
load_module $STREAM_MODULE;
worker_processes 1;
daemon off;
pid $T/ngx-stream/nginx.pid;
error_log $T/logs/stream-error.log warn;
events { worker_connections 1024; }
stream { server { listen 127.0.0.1:$STREAM_PORT; proxy_pass 127.0.0.1:$ORIGIN_PORT; } }
EOF
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_servers() {
  local p
  for p in $(seq "$BASE_PORT" $((BASE_PORT + 7))); do
    port_free "$p" || die "port $p is in use: choose another BASE_PORT"
  done
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  local pin="taskset -c $SERVER_CPU"
  $pin nginx -e "$T/logs/origin-error.log" -p "$T/ngx-origin" -c "$T/origin.conf" >"$T/logs/origin.out" 2>&1 &
  PID[direct]=$!
  wait_port "$ORIGIN_PORT"
  for t in $TARGETS; do
    case $t in
      direct) ;;
      cachalot)
        [ -f "$JAR" ] || die "$JAR is missing: run 'mvn -q -B -DskipTests package' first"
        # shellcheck disable=SC2086
        $pin java $CACHALOT_JAVA_OPTS -jar "$JAR" proxy --listen "127.0.0.1:$CACHALOT_PORT" \
          --cache-dir "$T/cachalot-cache" --access-log "$T/logs/cachalot-access.log" --connect-ports "$ORIGIN_PORT" \
          --max-connections 20000 --max-connections-per-client 20000 >"$T/logs/cachalot.out" 2>&1 &
        PID[cachalot]=$!
        for _ in $(seq 150); do grep -q "ready" "$T/logs/cachalot.out" 2>/dev/null && break; sleep 0.2; done
        grep -q "ready" "$T/logs/cachalot.out" || { cat "$T/logs/cachalot.out" >&2; die "Cachalot did not start"; }
        ;;
      squid)
        $pin squid -N -f "$T/squid.conf" >"$T/logs/squid.out" 2>&1 &
        PID[squid]=$!
        wait_port "$SQUID_PORT"
        ;;
      nginx)
        $pin nginx -e "$T/logs/nginx-error.log" -p "$T/ngx-cache" -c "$T/nginx-cache.conf" >"$T/logs/nginx.out" 2>&1 &
        PID[nginx]=$!
        wait_port "$NGINX_PORT"
        ;;
      varnish)
        $pin varnishd -F -a "127.0.0.1:$VARNISH_PORT" -f "$T/bench.vcl" -s malloc,512m -n "$T/varnish" \
          -p timeout_idle=600 >"$T/logs/varnish.out" 2>&1 &
        PID[varnish]=$!
        wait_port "$VARNISH_PORT"
        ;;
      *) die "unknown target $t" ;;
    esac
  done
  if [[ " $SCENARIOS " == *" f "* ]]; then
    for t in $RELAYS; do
      case $t in
        haproxy) $pin haproxy -f "$T/haproxy.cfg" -db >"$T/logs/haproxy.out" 2>&1 & ;;
        stream) $pin nginx -e "$T/logs/stream-error.log" -p "$T/ngx-stream" -c "$T/stream.conf" >"$T/logs/stream.out" 2>&1 & ;;
        *) die "unknown relay $t (RELAYS: haproxy, stream)" ;;
      esac
      PID[$t]=$!
      wait_port "$(port_of "$t")"
    done
  fi
  if [[ " $SCENARIOS " == *" d "* ]]; then
    for t in $PASS_REFS; do
      [ "$t" = floor ] || die "unknown pass-through reference $t (PASS_REFS: floor)"
      # shellcheck disable=SC2086
      $pin java $CACHALOT_JAVA_OPTS -cp "$JAR" "$HERE/NettyFloor.java" 127.0.0.1 "$FLOOR_PORT" >"$T/logs/floor.out" 2>&1 &
      PID[floor]=$!
      wait_port "$FLOOR_PORT"
    done
  fi
  log "servers up: $(for n in "${!PID[@]}"; do printf '%s=%s ' "$n" "${PID[$n]}"; done)"
}

# ---------------------------------------------------------------------------------------------
# how each target is addressed
port_of() { case $1 in direct) echo $ORIGIN_PORT ;; cachalot) echo $CACHALOT_PORT ;; squid) echo $SQUID_PORT ;;
  nginx) echo $NGINX_PORT ;; varnish) echo $VARNISH_PORT ;; haproxy) echo $HAPROXY_PORT ;; stream) echo $STREAM_PORT ;;
  floor) echo $FLOOR_PORT ;; esac; }
is_forward() { [ "$1" = cachalot ] || [ "$1" = squid ] || [ "$1" = floor ]; }
target_path() { if is_forward "$1"; then echo "http://$ORIGIN$2"; else echo "$2"; fi; }
curl_for() { # curl arguments fetching PATH through target
  local t=$1 path=$2
  if is_forward "$t"; then echo "-x http://127.0.0.1:$(port_of "$t") http://$ORIGIN$path"
  else echo "http://127.0.0.1:$(port_of "$t")$path"; fi
}
origin_lines() { wc -l <"$T/logs/origin-access.log"; }

hit_marker() { # a regular expression a hit's response head matches
  case $1 in
    cachalot) echo '^cache-status:.*; *hit' ;;
    squid) echo '^x-cache: *hit' ;;
    nginx) echo '^x-cache-status: *hit' ;;
    varnish) echo '^x-varnish: *[0-9]+ +[0-9]+' ;;
  esac
}

declare -A VERIFIED=()
verify_hits() {
  local t=$1 ok=1 obj before after
  for obj in /1k /100k /10m; do
    # shellcheck disable=SC2046
    curl -fsS -o /dev/null $(curl_for "$t" "$obj") || { ok=0; continue; }
    sleep 0.2
    before=$(origin_lines)
    # shellcheck disable=SC2046
    curl -fsS -o /dev/null -D "$T/hit-head" $(curl_for "$t" "$obj") || { ok=0; continue; }
    sleep 0.2
    after=$(origin_lines)
    if ! tr -d '\r' <"$T/hit-head" | grep -Eiq "$(hit_marker "$t")"; then
      log "$t $obj: second fetch carries no hit indication:"; sed 's/^/    /' "$T/hit-head" >&2; ok=0
    elif [ "$after" != "$before" ]; then
      log "$t $obj: origin saw $((after - before)) request(s) for a hit"; ok=0
    else
      log "$t $obj: hit ($(tr -d '\r' <"$T/hit-head" | grep -Ei "$(hit_marker "$t")" | head -1))"
    fi
  done
  VERIFIED[$t]=$ok
}

# ---------------------------------------------------------------------------------------------
# one wrk run; appends a row to results.tsv
RESULTS=""
wrk_run() { # round scenario target path conns duration [record] [extra request header] [mean gap ms]
  local round=$1 sc=$2 t=$3 path=$4 conns=$5 dur=$6 record=${7:-1} header=${8:-} gap=${9:-}
  local port out tm o0 o1 peak line
  port=$(port_of "$t")
  out="$T/wrk.out"; tm="$T/wrk.time"
  o0=$(origin_lines)
  reset_peak "${PID[$t]}"
  TIMEFORMAT='%U %S %R'
  { time BENCH_PATH="$(target_path "$t" "$path")" BENCH_HOST="$ORIGIN" BENCH_GAP_MS="$gap" \
      taskset -c "$CLIENT_CPU" wrk -t1 -c"$conns" -d"${dur}s" --timeout 10s ${header:+-H "$header"} -s "$HERE/wrk.lua" \
      "http://127.0.0.1:$port/" >"$out" 2>&1; } 2>"$tm" || true
  peak=$(rss_kb VmHWM "${PID[$t]}")
  o1=$(origin_lines)
  line=$(grep '^RESULT' "$out" || true)
  [ -z "$line" ] && { log "wrk failed for $t $path:"; cat "$out" >&2; return 0; }
  [ "$record" = 1 ] || return 0
  local cpu
  cpu=$(awk '{ if ($3 > 0) printf "%.0f", 100 * ($1 + $2) / $3; else print 0 }' "$tm")
  # shellcheck disable=SC2001
  echo "$round	$sc	$t	$(echo "${line#RESULT }" | tr ' ' '\t')	wrk_cpu=$cpu	peak_kb=$peak	origin_reqs=$((o1 - o0))" >>"$RESULTS"
  log "r$round ($sc) $t: $(echo "$line" | sed 's/RESULT //') wrk_cpu=$cpu% peak=$((peak / 1024))MiB origin+$((o1 - o0))"
}

pass_runs() { # round target: (d) back to back, then at a fixed rate
  local round=$1 t=$2
  wrk_run "$round" warm "$t" /nostore/1k 64 "$RUN_WARMUP" 0
  wrk_run "$round" d "$t" /nostore/1k 64 "$DURATION"
  wrk_run "$round" warm "$t" /nostore/1k 64 "$RUN_WARMUP" 0 "" "$PACED_GAP_MS"
  wrk_run "$round" dp "$t" /nostore/1k 64 "$DURATION" 1 "" "$PACED_GAP_MS"
}

tunnel_run() { # round target
  local round=$1 t=$2 port args res peak
  port=$(port_of "$t")
  reset_peak "${PID[$t]}"
  case $t in
    direct) args="http://$ORIGIN/nostore/big" ;;
    haproxy | stream) args="http://127.0.0.1:$port/nostore/big" ;;
    *) args="-x http://127.0.0.1:$port --proxytunnel http://$ORIGIN/nostore/big" ;;
  esac
  # Best of TUNNEL_TRIES: one download lasts a second or two, and a stall of the shared machine
  # during it can double its time; interference only ever slows a try down.
  local try one
  res=""
  for try in $(seq "$TUNNEL_TRIES"); do
    # shellcheck disable=SC2086
    one=$(taskset -c "$CLIENT_CPU" curl -fsS -o /dev/null -w '%{time_total} %{size_download}' $args) || {
      log "tunnel download via $t failed"; return 0; }
    if [ -z "$res" ] || awk -v a="${one%% *}" -v b="${res%% *}" 'BEGIN { exit !(a < b) }'; then res=$one; fi
  done
  peak=$(rss_kb VmHWM "${PID[$t]}")
  echo "$round	f	$t	$(echo "$res" | awk '{printf "requests=1\tbytes=%d\tduration_us=%d\tp50_us=0\tp99_us=0\terrors=0", $2, $1 * 1e6}')	wrk_cpu=0	peak_kb=$peak	origin_reqs=1" >>"$RESULTS"
  log "r$round (f) $t: $res"
}

# During (f) the origin moves to TUNNEL_ORIGIN_CPU (the client's core by default): a download keeps
# the origin busy, and on the server's core it would leave a relay half a core (see bench/README.md).
pin_origin() { # cpu
  local p
  for p in "${PID[direct]}" $(pgrep -P "${PID[direct]}"); do taskset -a -p -c "$1" "$p" >/dev/null; done
}

idle_run() { # target
  local t=$1 before after res
  local stop="$T/idle.stop"
  rm -f "$stop" "$T/idle.out"
  before=$(rss_kb VmRSS "${PID[$t]}")
  taskset -c "$CLIENT_CPU" python3 "$HERE/idle_conns.py" 127.0.0.1 "$(port_of "$t")" "$IDLE_CONNS" \
    "$(target_path "$t" /1k)" "$ORIGIN" "$stop" 300 >"$T/idle.out" 2>&1 &
  IDLE_PID=$!
  for _ in $(seq 1200); do grep -qs '^OPEN' "$T/idle.out" && break; kill -0 $IDLE_PID 2>/dev/null || break; sleep 0.25; done
  sleep 3
  after=$(rss_kb VmRSS "${PID[$t]}")
  touch "$stop"
  wait $IDLE_PID || true
  IDLE_PID=""
  res=$(tr '\n' ' ' <"$T/idle.out")
  echo "1	e	$t	requests=0	bytes=0	duration_us=1	p50_us=0	p99_us=0	errors=0	wrk_cpu=0	peak_kb=$after	origin_reqs=0	rss_before_kb=$before	idle=$res" >>"$RESULTS"
  log "(e) $t: RSS $((before / 1024)) -> $((after / 1024)) MiB; $res"
}

# ---------------------------------------------------------------------------------------------
main() {
  install_missing
  command -v java >/dev/null || die "java is needed for Cachalot"
  LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
  T=$(mktemp -d /tmp/cachalot-bench.XXXXXX)
  chmod 755 "$T"
  RESULTS="$T/results.tsv"
  : >"$RESULTS"
  write_configs
  start_servers

  local t
  for t in $TARGETS; do [ "$t" = direct ] || verify_hits "$t"; done

  # Every measured run opens its connections afresh, so the warm-up also opens connections by the
  # thousand (one request each): a JIT compiles only code that has run often, and 64 connections
  # per keep-alive warm-up leave a JVM's connection set-up interpreted, at about 1 ms per connection
  # (a 60-80 ms stall at the start of each run, which alone set Cachalot's p99 in (a)).
  log "warm-up: Cachalot ${WARMUP}s on 1k hits, $((WARMUP / 2 + 1))s each on 100k hits, pass-through and one-request connections; peers 1s each"
  for t in $TARGETS; do
    local w1=1 w2=1
    [ "$t" = cachalot ] && { w1=$WARMUP; w2=$((WARMUP / 2 + 1)); }
    wrk_run 0 warm "$t" /1k 64 "$w1" 0
    wrk_run 0 warm "$t" /100k 64 "$w2" 0
    wrk_run 0 warm "$t" /nostore/1k 64 "$w2" 0
    wrk_run 0 warm "$t" /1k 16 "$w2" 0 "Connection: close"
    wrk_run 0 warm "$t" /nostore/1k 16 "$w2" 0 "Connection: close"
    wrk_run 0 warm "$t" /10m 4 1 0
  done
  if [[ " $SCENARIOS " == *" d "* ]]; then
    for t in $PASS_REFS; do
      wrk_run 0 warm "$t" /nostore/1k 64 $((WARMUP / 2 + 1)) 0
      wrk_run 0 warm "$t" /nostore/1k 16 $((WARMUP / 2 + 1)) 0 "Connection: close"
    done
  fi
  cat "$T/www/nostore/big" >/dev/null   # page cache: (f) compares tunnels, not the first read of the file

  local r sc
  for r in $(seq "$ROUNDS"); do
    for sc in $SCENARIOS; do
      [ "$sc" = f ] && pin_origin "$TUNNEL_ORIGIN_CPU"
      for t in $TARGETS; do
        # Each measured run follows other scenarios on the same server: a JVM recompiles (in one test,
        # ~300 compilations and 90 deoptimisations in the first seconds of (a) after (b)-(f), which
        # doubled its p99). A few unrecorded seconds of the same load, for every target alike, keep
        # that out of the figures.
        case $sc in
          a) wrk_run "$r" warm "$t" /1k 64 "$RUN_WARMUP" 0; wrk_run "$r" a "$t" /1k 64 "$DURATION" ;;
          b) wrk_run "$r" warm "$t" /100k 64 "$RUN_WARMUP" 0; wrk_run "$r" b "$t" /100k 64 "$DURATION" ;;
          c) wrk_run "$r" warm "$t" /10m 4 "$RUN_WARMUP" 0; wrk_run "$r" c "$t" /10m 4 "$DURATION" ;;
          d) pass_runs "$r" "$t" ;;
          f) case $t in direct | cachalot | squid) tunnel_run "$r" "$t" ;; esac ;;
        esac
      done
      if [ "$sc" = d ]; then
        for t in $PASS_REFS; do pass_runs "$r" "$t"; done
      fi
      if [ "$sc" = f ]; then
        for t in $RELAYS; do tunnel_run "$r" "$t"; done
        pin_origin "$SERVER_CPU"
      fi
    done
  done
  if [[ " $SCENARIOS " == *" e "* ]]; then
    for t in $TARGETS; do idle_run "$t"; done
  fi

  local verified=""
  for t in "${!VERIFIED[@]}"; do verified+="$t=${VERIFIED[$t]} "; done
  cp "$RESULTS" "${OUT%.md}.tsv"
  python3 "$HERE/report.py" "$RESULTS" \
    --meta "date=$(date -u '+%Y-%m-%d %H:%M UTC')" \
    --meta "machine=$(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), kernel $(uname -r)" \
    --meta "cachalot=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown), $(java -version 2>&1 | head -1)" \
    --meta "peers=$(nginx -v 2>&1 | sed 's/.*version: //'), $(squid -v | head -1 | sed 's/ Version / /'), $(varnishd -V 2>&1 | head -1 | sed 's/ revision.*//;s/[()]//g'), $(wrk -v 2>&1 | head -1 | awk '{print "wrk " $2}')$(command -v haproxy >/dev/null && haproxy -v | head -1 | awk '{print ", HAProxy " $3}')" \
    --meta "params=WARMUP=$WARMUP DURATION=$DURATION ROUNDS=$ROUNDS IDLE_CONNS=$IDLE_CONNS BIG_MB=$BIG_MB PACED_GAP_MS=$PACED_GAP_MS SERVER_CPU=$SERVER_CPU CLIENT_CPU=$CLIENT_CPU TUNNEL_ORIGIN_CPU=$TUNNEL_ORIGIN_CPU" \
    --meta "load=$LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (1/5/15-min load averages; $(nproc) cores)" \
    --meta "verified=$verified" >"$OUT"
  log "wrote $OUT"
  cat "$OUT"
}

main "$@"
