-- The requests of one benchmark row, for wrk (bench/run.py sets these variables):
--   BENCH_METHOD   GET or POST
--   BENCH_HEADERS  the row's headers (the surface's credentials), one "Name: value" per line
--   BENCH_BODY     for a create, the JSON body with {{name}} where the unique name goes
--   BENCH_TAG      a tag unique to this wrk run (a warm-up and a measurement differ)
-- Every created name is unique: the run's tag, the wrk thread's number and a counter.
-- At the end one line "BENCH_RESULT {json}" gives the counts and latencies.

local method = os.getenv("BENCH_METHOD") or "GET"
local body_template = os.getenv("BENCH_BODY")
local tag = os.getenv("BENCH_TAG") or "w"

local headers = {}
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.-)%s*$")
  if name then headers[name] = value end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

local counter = 0

function request()
  if body_template == nil or body_template == "" then
    return wrk.format(method, nil, headers, nil)
  end
  counter = counter + 1
  local name = string.format("%s%d-%d", tag, thread_number or 0, counter)
  local body = body_template:gsub("{{name}}", name)
  return wrk.format(method, nil, headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
