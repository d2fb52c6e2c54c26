#!/usr/bin/env bash
# Start-up cost of the disk cache index: fills a cache directory with N entries (default 100,000,
# 1 KiB bodies) through the DiskStore API, then times `cachalot proxy` from launch until it logs
# "Cachalot proxy ready" (the index is rebuilt from entry headers before the port opens).
#   bench/startup-index.sh [N] [BODY_BYTES]
# Target: under 3 s for 100,000 entries.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-100000}"
body="${2:-1024}"
cd "$here"
mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
cp="target/classes:target/test-classes:$(cat target/bench-cp.txt)"
dir="$(mktemp -d "${TMPDIR:-/tmp}/cachalot-index-bench.XXXXXX")"
log="$dir.log"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$dir" "$log"' EXIT

java -cp "$cp" dev.cachalot.cache.store.FillDiskCache "$dir" "$n" "$body"
du -sh "$dir" | awk '{print "cache directory size: " $1}'
sync
empty="$(mktemp -d "${TMPDIR:-/tmp}/cachalot-index-empty.XXXXXX")"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$dir" "$log" "$empty"' EXIT
time_start() { # DIR LABEL
  start=$(date +%s%N)
  java -cp "$cp" dev.cachalot.cli.Main proxy --listen 127.0.0.1:0 --cache-dir "$1" --cache-disk 4GiB >"$log" 2>&1 &
  pid=$!
  until grep -q "Cachalot proxy ready" "$log"; do
    kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.01
  done
  end=$(date +%s%N)
  echo "$2: ready after $(( (end - start) / 1000000 )) ms; $(grep -o '[0-9]* entries.*in [0-9]* ms' "$log" | head -1)"
  kill -TERM "$pid"; wait "$pid" || true
}
time_start "$empty" "empty cache (JVM start-up alone)"
for run in 1 2 3; do
  time_start "$dir" "run $run, journal"
done
rm -f "$dir/index"
time_start "$dir" "no journal (header scan before ready)"
exit 0
for run in 1 2 3; do
  start=$(date +%s%N)
  java -cp "$cp" dev.cachalot.cli.Main proxy --listen 127.0.0.1:0 --cache-dir "$dir" --cache-disk 4GiB >"$log" 2>&1 &
  pid=$!
  until grep -q "Cachalot proxy ready" "$log"; do
    kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.01
  done
  end=$(date +%s%N)
  echo "run $run: ready after $(( (end - start) / 1000000 )) ms; $(grep -o 'indexed in [0-9]* ms' "$log" | head -1) ($(grep -o '[0-9]* entries' "$log" | head -1))"
  kill -TERM "$pid"; wait "$pid" || true
done
