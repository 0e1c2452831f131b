-- wrk script for ops/bench/webhooks: replays pre-signed Stripe events, each exactly once.
--
-- Environment (set by ops/bench/webhooks):
--   BENCH_REQ_DIR   directory with req.1 .. req.T written by SignEvents.java (one per wrk thread)
--   BENCH_PATH      request path, e.g. /api/webhooks/stripe
--
-- Each event is sent exactly once, with once.lua's machinery (shared with checkin.lua): each wrk thread
-- owns one slice; latency is measured per request and matched through X-Request-Id.
-- done() (wrk's main Lua state, after every thread has ended) prints "BENCH key value" lines.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "once.lua")

local req_dir

function init(args)
  req_dir = os.getenv("BENCH_REQ_DIR") or error("BENCH_REQ_DIR is not set")
  local path = os.getenv("BENCH_PATH") or "/api/webhooks/stripe"
  local file = req_dir .. "/req." .. tid
  marker = req_dir .. "/done." .. tid
  for line in io.lines(file) do
    local n, t, v1, body = line:match("^(%d+)\t(%d+)\t(%x+)\t(.*)$")
    if not n then error("malformed line in " .. file) end
    total = total + 1
    index_of[total] = n
    requests[total] = wrk.format("POST", path, {
      ["Content-Type"] = "application/json; charset=utf-8",
      ["User-Agent"] = "Stripe/1.0 (+https://stripe.com/docs/webhooks) koomy-bench",
      ["Stripe-Signature"] = "t=" .. t .. ",v1=" .. v1,
      ["X-Request-Id"] = "bench." .. n,
    }, body)
  end
end

function done(summary, latency, requests_stats)
  report(summary, latency, function(out)
    out.socket_errors = string.format("connect:%d,read:%d,write:%d,timeout:%d", summary.errors.connect,
      summary.errors.read, summary.errors.write, summary.errors.timeout)
    out.wrk_p99_us = latency:percentile(99)
  end)
end
