#!/usr/bin/env bash
# The lab's two hosts on one machine: a client (10.0.6.11) and a server (10.0.6.12) in network
# namespaces this script creates, joined by a veth pair, and removed again on exit. Nothing leaves
# the machine. It runs the UDP and TCP sentence exchanges and the proxy's miss-then-hit between
# them, captures each on the veth with tshark, and prints what the capture shows:
#   - UDP has no handshake: the first packet is the first datagram;
#   - TCP opens with SYN, SYN-ACK, ACK;
#   - a cache hit sends no packet to the origin.
# Needs root (ip netns), tshark and iproute2. Usage: sudo demo/two-hosts.sh
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "two-hosts: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root to create network namespaces (try: sudo $0)"
command -v ip >/dev/null || fail "needs iproute2 (apt-get install iproute2)"
command -v tshark >/dev/null || fail "needs tshark (DEBIAN_FRONTEND=noninteractive apt-get install -y tshark)"
command -v python3 >/dev/null || fail "needs python3 for the tiny origin"
jar="$PWD/target/cachalot.jar"
if [ ! -f "$jar" ]; then
  echo "two-hosts: building $jar..."
  mvn -q -B -DskipTests package </dev/null || fail "the build failed"
fi

id=$$
client="cachalot-client-$id"
server="cachalot-server-$id"
vc="cc$id"; vs="cs$id"        # interface names: at most 15 characters
client_ip=10.0.6.11; server_ip=10.0.6.12
work="$(mktemp -d)"

cleanup() {
  # Everything still running in the two namespaces was started here: stop it by pid.
  for ns in "$client" "$server"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  done
  sleep 0.5
  for ns in "$client" "$server"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  done
  wait 2>/dev/null || true
  ip netns del "$client" 2>/dev/null || true   # deleting a namespace deletes its end of the veth, and so the pair
  ip netns del "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_client() { ip netns exec "$client" "$@"; }
in_server() { ip netns exec "$server" "$@"; }
# in_bg PIDFILE NS-COMMAND...: runs in the background and writes the command's own pid to PIDFILE
# (ip netns exec may fork, so $! is not always the command's pid).
in_bg() {
  local pidfile="$1"; shift
  "$1" sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "${@:2}" &
}

ip netns add "$client"
ip netns add "$server"
ip link add "$vc" netns "$client" type veth peer name "$vs" netns "$server"
ip -n "$client" addr add "$client_ip/24" dev "$vc"
ip -n "$server" addr add "$server_ip/24" dev "$vs"
for ns in "$client" "$server"; do
  ip -n "$ns" link set lo up
  # No IPv6 router solicitations in the capture: only the lab's traffic.
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null || true
done
ip -n "$client" link set "$vc" up
ip -n "$server" link set "$vs" up
echo "== two hosts: client $client_ip ($client), server $server_ip ($server), veth $vc <-> $vs"

# Starts a background command, remembers its pid, waits until its log shows $2.
start() {
  local log="$1" ready="$2"; shift 2
  in_bg "$log.pid" "$@" >"$log" 2>&1
  local launcher=$!
  for _ in $(seq 1 150); do
    grep -q "$ready" "$log" 2>/dev/null && return 0
    kill -0 "$launcher" 2>/dev/null || { cat "$log" >&2; fail "$* exited early"; }
    sleep 0.1
  done
  cat "$log" >&2; fail "$* was not ready within 15 s"
}

# capture NAME: starts tshark on the client's end of the veth; stop_capture ends it.
capture() {
  cap="$work/$1.pcapng"
  cap_pidfile="$work/$1.tshark.pid"
  in_bg "$cap_pidfile" in_client tshark -i "$vc" -w "$cap" >"$work/$1.tshark.log" 2>&1
  cap_launcher=$!
  for _ in $(seq 1 100); do
    grep -q "Capturing on" "$work/$1.tshark.log" 2>/dev/null && return 0
    kill -0 "$cap_launcher" 2>/dev/null || { cat "$work/$1.tshark.log" >&2; fail "tshark could not capture on $vc"; }
    sleep 0.1
  done
  fail "tshark did not start capturing within 10 s"
}
stop_capture() {
  sleep 0.5                       # the last packets reach the capture
  # TERM, not INT: a script's background jobs ignore SIGINT. tshark writes its file and exits on either.
  kill -TERM "$(cat "$cap_pidfile")" 2>/dev/null || true
  wait "$cap_launcher" 2>/dev/null || true
}
packets() { tshark -r "$cap" -Y "$1" -T fields -E separator=' ' "${@:2}" 2>/dev/null; }

sentence="hey, I am a student from 5f."

echo
echo "== UDP: udp-server on $server_ip:12000, udp-client --trace from $client_ip"
start "$work/udp-server.log" "ready to receive" in_server java -jar "$jar" udp-server --bind "$server_ip" --port 12000
capture udp
in_client java -jar "$jar" udp-client --trace --host "$server_ip" --port 12000 --message "$sentence"
stop_capture
echo "-- on the wire:"
packets "ip" -e frame.number -e ip.src -e ip.dst -e udp.srcport -e udp.dstport -e udp.length \
  | awk '{ printf "   %s %s:%s -> %s:%s UDP, %d bytes of data\n", $1, $2, $4, $3, $5, $6 - 8 }'
udp_first="$(packets 'ip' -e ip.proto | head -1)"   # 17: UDP
udp_count="$(packets 'udp.port == 12000' -e frame.number | wc -l)"
tcp_in_udp="$(packets 'tcp' -e frame.number | wc -l)"

echo
echo "== TCP: tcp-server on $server_ip:12001, tcp-client --trace from $client_ip"
start "$work/tcp-server.log" "ready to receive" in_server java -jar "$jar" tcp-server --bind "$server_ip" --port 12001
capture tcp
in_client java -jar "$jar" tcp-client --trace --host "$server_ip" --port 12001 --message "$sentence"
stop_capture
echo "-- on the wire:"
packets "tcp.port == 12001" -e frame.number -e ip.src -e ip.dst -e tcp.flags.str -e tcp.len | sed 's/^/   /'
tcp_open="$(packets 'tcp.port == 12001' -e tcp.flags.str | head -3 | tr -d '·' | tr -s ' \n' ' ' | sed 's/ $//')"

echo
echo "== proxy: origin on $server_ip:8000 (Cache-Control: max-age=300); proxy on the client, 127.0.0.1:8888"
mkdir -p "$work/origin"
cat >"$work/origin.py" <<'PY'
import http.server, sys
class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<h1>hello from the server host</h1>\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Cache-Control", "max-age=300")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, fmt, *args):
        sys.stderr.write("origin: " + fmt % args + "\n"); sys.stderr.flush()
print("origin ready", flush=True)
http.server.HTTPServer((sys.argv[1], 8000), Page).serve_forever()
PY
start "$work/origin.log" "origin ready" in_server python3 "$work/origin.py" "$server_ip"
start "$work/proxy.log" "proxy ready" in_client java -jar "$jar" proxy --listen 127.0.0.1:8888 --admin none \
  --cache-dir "$work/cache"
url="http://$server_ip:8000/page.html"
capture miss
in_client java -jar "$jar" fetch --proxy 127.0.0.1:8888 "$url" | grep -iE '^(HTTP/|cache-status|age)' | sed 's/^/   /'
stop_capture
miss_packets="$(packets 'tcp.port == 8000' -e frame.number | wc -l)"
echo "-- miss: $miss_packets packets between the proxy and the origin:"
packets "tcp.port == 8000" -e frame.number -e ip.src -e ip.dst -e tcp.flags.str -e _ws.col.Info | sed 's/^/   /'
capture hit
in_client java -jar "$jar" fetch --proxy 127.0.0.1:8888 "$url" | grep -iE '^(HTTP/|cache-status|age)' | sed 's/^/   /'
stop_capture
hit_packets="$(packets 'tcp.port == 8000' -e frame.number | wc -l)"
echo "-- hit: $hit_packets packets between the proxy and the origin"
sleep 1   # the access log is written on its own thread
echo "-- access log:"; grep -E ' TCP_' "$work/proxy.log" | sed 's/^/   /'

echo
echo "== summary"
verdict() { if [ "$1" = ok ]; then echo "   ok    $2"; else echo "   FAIL  $2"; failed=1; fi; }
failed=0
[ "$udp_first" = 17 ] && [ "$tcp_in_udp" = 0 ] && [ "$udp_count" -ge 2 ] && v=ok || v=no
verdict "$v" "UDP: no handshake — the first packet is the first datagram ($udp_count datagrams, $tcp_in_udp TCP packets)"
[ "$tcp_open" = "S SA A" ] || [ "$tcp_open" = "S AS A" ] && v=ok || v=no
verdict "$v" "TCP: opens with SYN, SYN-ACK, ACK (first three packets' flags: $tcp_open)"
[ "$miss_packets" -gt 0 ] && [ "$hit_packets" = 0 ] && v=ok || v=no
verdict "$v" "proxy: the miss went to the origin ($miss_packets packets); the hit sent none ($hit_packets)"
exit "$failed"
