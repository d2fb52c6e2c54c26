-- wrk script for bench/run.sh.
-- BENCH_PATH: the request target; an absolute URI ("http://127.0.0.1:28080/1k") for forward proxies,
--             a path ("/1k") for the origin and the reverse proxies.
-- BENCH_HOST: the Host header (the origin's authority, also when talking to a forward proxy).
local path = os.getenv("BENCH_PATH")
local host = os.getenv("BENCH_HOST")
if path ~= nil and path ~= "" then wrk.path = path end
if host ~= nil and host ~= "" then wrk.headers["Host"] = host end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d bytes=%d duration_us=%d p50_us=%d p99_us=%d errors=%d\n",
    summary.requests, summary.bytes, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
