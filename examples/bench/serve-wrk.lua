-- wrk script for the serving benchmarks: POSTs WRK_BODY (TensorFlow Serving's predict JSON; unset:
-- half_plus_two's), or GETs when WRK_BODY is set but empty (serve.sh's status-endpoint ceiling), and
-- prints one machine-readable line: requests/s, p50 and p99 latency in ms, and errors (non-2xx
-- included).
local body = os.getenv("WRK_BODY") or '{"instances": [1.0, 2.0, 5.0]}'
if body == "" then
  wrk.method = "GET"
else
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout,
    summary.requests))
end
