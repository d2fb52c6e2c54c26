#!/usr/bin/env bash
# Starts Debian's Squid (apt-get install squid) in the foreground as the proxy under test, with a
# memory-only cache, for validating the harness without Cachalot:
#
#   CONFORMANCE_PROXY_CMD=conformance/squid/squid-proxy.sh conformance/run.sh forward
#   CONFORMANCE_PROXY_CMD=conformance/squid/squid-proxy.sh conformance/run.sh reverse
#
# run.sh exports MODE, PROXY_PORT, ACCESS_LOG, ORIGIN_PORT and RUN_DIR, and stops this process
# group when it is done (shutdown_lifetime 0, so Squid exits at once on SIGTERM).
set -euo pipefail
: "${MODE:?} ${PROXY_PORT:?} ${ACCESS_LOG:?} ${ORIGIN_PORT:?} ${RUN_DIR:?}"
SQUID="$(command -v squid || echo /usr/sbin/squid)"
[ -x "$SQUID" ] || { echo "squid-proxy.sh: squid is not installed (apt-get install squid)" >&2; exit 1; }

work="$RUN_DIR/squid"
mkdir -p "$work"
touch "$ACCESS_LOG"
# Squid started as root drops to the 'proxy' user; let it write its files.
if [ "$(id -u)" -eq 0 ] && id proxy >/dev/null 2>&1; then
  chown proxy "$work" "$ACCESS_LOG"
fi

conf="$work/squid.conf"
{
  if [ "$MODE" = reverse ]; then
    echo "http_port 127.0.0.1:$PROXY_PORT accel defaultsite=127.0.0.1:$ORIGIN_PORT no-vhost"
    echo "cache_peer 127.0.0.1 parent $ORIGIN_PORT 0 no-query originserver no-digest name=origin"
    echo "cache_peer_access origin allow all"
    echo "never_direct allow all"
  else
    echo "http_port 127.0.0.1:$PROXY_PORT"
  fi
  cat <<CONF
acl loopback src 127.0.0.0/8
http_access allow loopback
http_access deny all
access_log stdio:$ACCESS_LOG squid
buffered_logs off
logfile_rotate 0
cache_log $work/cache.log
pid_filename $work/squid.pid
coredump_dir $work
shutdown_lifetime 0 seconds
# Debian's stock refresh_pattern lines; no cache_dir, so the cache is in memory only.
# (An earlier config with cache_mem 64 MB, maximum_object_size_in_memory 1 MB,
# memory_cache_mode always and dns_v4_first on and no refresh_pattern lost six stale-* check tests.)
refresh_pattern -i (/cgi-bin/|\\?) 0 0% 0
refresh_pattern . 0 20% 4320
CONF
} >"$conf"

exec "$SQUID" -N -f "$conf"
