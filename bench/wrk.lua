-- wrk script for `make bench`: one connection a thread, so each thread owns one case.
-- args: mode ("get" or "transition"), path (with %d for the case id), then one "id:trigger"
-- a thread (the trigger the case's current state takes first). A transition alternates check/reset, flipping only on a 200. done() prints one
-- JSON line the harness reads.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("idx", counter)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  if mode == "transition" then
    local id, first = args[2 + idx]:match("(%d+):(%a+)")
    path = string.format(args[2], tonumber(id))
    triggers = {"check", "reset"}
    turn = (first == "check") and 1 or 2
    -- wrk.format replaces wrk.headers (the -H token) with the table it is given: extend them
    headers = {["Content-Type"] = "application/json"}
    for k, v in pairs(wrk.headers) do headers[k] = v end
  else
    static = wrk.format("GET", args[2])
  end
end

function request()
  if mode == "transition" then
    local body = '{"trigger":"' .. triggers[turn] .. '","reason":"bench"}'
    return wrk.format("POST", path, headers, body)
  end
  return static
end

function response(status, headers, body)
  if mode == "transition" and status == 200 then
    turn = 3 - turn
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
