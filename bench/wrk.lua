-- wrk script for bench/run: sets credentials and method from the environment, varies the POST
-- body per request, and prints one machine-readable result line when the run ends.
local auth = os.getenv("BENCH_AUTH")
local method = os.getenv("BENCH_METHOD") or "GET"
local counter = 0

wrk.method = method
if auth and auth ~= "" then
  wrk.headers["Authorization"] = "Basic " .. auth
end
if method == "POST" then
  wrk.headers["Content-Type"] = "application/json"
end

request = function()
  if method == "POST" then
    -- A different value every time, so every request is a real write.
    counter = counter + 1
    local body = string.format('{"share_link_ttl": %d}', 1 + (counter % 5000000))
    return wrk.format(nil, nil, nil, body)
  end
  return wrk.format()
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
