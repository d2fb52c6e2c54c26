-- wrk script for bench/run.sh.
-- BENCH_PATH: the request target; an absolute URI ("http://127.0.0.1:28080/1k") for forward proxies,
--             a path ("/1k") for the origin and the reverse proxies.
-- BENCH_HOST: the Host header (the origin's authority, also when talking to a forward proxy).
-- BENCH_GAP_MS: when set, each connection waits a random 0 to 2 x BENCH_GAP_MS ms before each request,
--               so that requests arrive at a fixed mean rate (connections / gap) and spread out, instead
--               of back to back (a closed loop) or in lock-step bursts (a constant gap keeps the
--               connections in phase, and the server then meets 64 requests at once).
local path = os.getenv("BENCH_PATH")
local host = os.getenv("BENCH_HOST")
local gap = tonumber(os.getenv("BENCH_GAP_MS") or "")
if path ~= nil and path ~= "" then wrk.path = path end
if host ~= nil and host ~= "" then wrk.headers["Host"] = host end
if gap then
  function init(args) math.randomseed(os.time()) end
  function delay() return math.random(0, 2 * gap) end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d bytes=%d duration_us=%d p50_us=%d p99_us=%d errors=%d\n",
    summary.requests, summary.bytes, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
