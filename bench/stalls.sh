#!/usr/bin/env bash
# Where the slow requests' time goes: traces a server that is under load (run the load yourself,
# e.g. one of bench/run.sh's wrk commands) and, for each request on PORT, measures the time from its
# arrival in the server's socket to the server's first write back on that connection. For the
# requests slower than SLOW_MS it then adds up what ran on the server's core meanwhile, per thread.
#
#   bench/stalls.sh PORT [SECONDS] [SERVER_CPU]      (defaults: 10 s, core 1, as in bench/run.sh)
#
# Kernel tracepoints only (tcp:tcp_probe, sock:sock_recv_length, sock:sock_send_length,
# sched:sched_switch), through bpftrace; needs root. Pins bpftrace to the other core, so that the
# tracer's own work does not land on the traced core. SLOW_MS (default 2) sets the threshold.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PORT=${1:?usage: bench/stalls.sh PORT [SECONDS] [SERVER_CPU]}
SECONDS_TO_TRACE=${2:-10}
SERVER_CPU=${3:-1}
TRACER_CPU=${TRACER_CPU:-$((SERVER_CPU == 0 ? 1 : 0))}
SLOW_MS=${SLOW_MS:-2}

die() { echo "stalls.sh: $*" >&2; exit 1; }
[[ $PORT =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$PORT'"
[[ $SECONDS_TO_TRACE =~ ^[0-9]+$ && $SECONDS_TO_TRACE -gt 0 ]] || die "SECONDS must be a positive number"
[[ $(id -u) -eq 0 ]] || die "needs root (bpftrace)"
if ! command -v bpftrace >/dev/null; then
  [[ -n ${CI:-} || ! -t 0 ]] || echo "installing bpftrace" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q bpftrace >/dev/null || die "cannot install bpftrace"
fi

trace=$(mktemp /tmp/cachalot-stalls.XXXXXX)
trap 'rm -f "$trace"' EXIT

# A request is keyed by its socket: arrival is the first data segment the socket receives while no
# request is open on it, and the request ends at the first successful send on that socket.
program=$(cat <<'BT'
tracepoint:sched:sched_switch /cpu == $2/ {
  printf("S %lu %d|%s\n", nsecs, args->next_pid, args->next_comm);
}
tracepoint:tcp:tcp_probe /args->sport == $1 && args->data_len > 0/ {
  if (@arrived[args->skaddr] == 0) { @arrived[args->skaddr] = nsecs; }
}
tracepoint:sock:sock_recv_length /args->ret > 0 && @arrived[args->sk] != 0 && @read[args->sk] == 0/ {
  @read[args->sk] = nsecs;
}
tracepoint:sock:sock_send_length /args->ret > 0 && @arrived[args->sk] != 0/ {
  $read = @read[args->sk];
  printf("Q %lu %lu %lu\n", nsecs, nsecs - @arrived[args->sk], $read == 0 ? 0 : $read - @arrived[args->sk]);
  delete(@arrived[args->sk]);
  delete(@read[args->sk]);
}
interval:s:$3 { clear(@arrived); clear(@read); exit(); }
BT
)
# bpftrace warns that it cannot raise RLIMIT_MEMLOCK on kernels that no longer need it; drop that line.
taskset -c "$TRACER_CPU" bpftrace -q -e "$program" "$PORT" "$SERVER_CPU" "$SECONDS_TO_TRACE" >"$trace" \
  2> >(grep -v RLIMIT_MEMLOCK >&2)

python3 "$HERE/stalls.py" "$trace" "$SLOW_MS"
