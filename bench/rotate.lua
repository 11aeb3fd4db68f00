-- wrk -s bench/rotate.lua: readers' traffic over the paths of the file named by BENCH_PATHS
-- (one path a line): most requests go to the first HOT paths (the popular pages), the rest to
-- any path, picked at random. Prints one JSON line at the end.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local hot = math.min(tonumber(os.getenv("BENCH_HOT") or "200"), #paths)
local hot_share = tonumber(os.getenv("BENCH_HOT_SHARE") or "0.9")

local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

init = function(args)
  math.randomseed(os.time() * 100 + thread_id)
end

request = function()
  local i = math.random() < hot_share and math.random(hot) or math.random(#paths)
  return wrk.format("GET", paths[i])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"err_connect":%d,"err_read":%d,"err_write":%d,' ..
    '"err_status":%d,"err_timeout":%d,"lat_p50_us":%d,"lat_p99_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
