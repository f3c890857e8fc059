-- wrk script for serve-wrk.sh: POSTs WRK_BODY (TensorFlow Serving's predict JSON) and prints one
-- machine-readable line: requests/s, p50 and p99 latency in ms, and errors (non-2xx included).
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY") or '{"instances": [1.0, 2.0, 5.0]}'
wrk.headers["Content-Type"] = "application/json"

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout,
    summary.requests))
end
