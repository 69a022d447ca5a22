-- wrk script for the mixed workload (bench/mixed_workload.py): Zipf-distributed anonymous reads.
--
--   wrk -t2 -c16 -d30s --latency -s bench/zipf_reads.lua http://127.0.0.1:8200 -- PATHS_FILE [SEED]
--
-- PATHS_FILE holds one URL-quoted path per line, most popular first (line k has rank k).
-- Each request picks rank k with probability (1/k) / H_N (Zipf, s = 1): a cumulative table is
-- built once per thread and searched with math.random().
--
-- Responses are counted per thread by the page cache's X-Cache header ("hit" / "miss"; absent =
-- not a cacheable page, e.g. a redirect) and by status (anything but 2xx/3xx is an error).
-- wrk's threads have separate Lua states, so done() reads each thread's counters through the
-- thread objects kept in setup() and prints one parseable line:
--   ZIPF_READS hits=<n> misses=<n> uncached=<n> errors=<n> responses=<n>

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("thread_id", counter)
   table.insert(threads, thread)
end

local paths = {}
local cumulative = {}
local total = 0
hits, misses, uncached, errors, responses = 0, 0, 0, 0, 0

function init(args)
   local file = assert(io.open(args[1], "r"), "cannot open the paths file " .. tostring(args[1]))
   for line in file:lines() do
      if line ~= "" then
         paths[#paths + 1] = line
      end
   end
   file:close()
   assert(#paths > 0, "the paths file is empty")
   for k = 1, #paths do
      total = total + 1 / k
      cumulative[k] = total
   end
   local seed = tonumber(args[2]) or os.time()
   math.randomseed(seed + 7919 * (thread_id or 0))
end

local function zipf_rank()
   local target = math.random() * total
   local lo, hi = 1, #cumulative
   while lo < hi do  -- the first rank whose cumulative weight reaches target
      local mid = math.floor((lo + hi) / 2)
      if cumulative[mid] < target then
         lo = mid + 1
      else
         hi = mid
      end
   end
   return lo
end

function request()
   return wrk.format("GET", paths[zipf_rank()])
end

function response(status, headers, body)
   responses = responses + 1
   if status < 200 or status >= 400 then
      errors = errors + 1
   end
   local cache = headers["X-Cache"] or headers["x-cache"]
   if cache == "hit" then
      hits = hits + 1
   elseif cache == "miss" then
      misses = misses + 1
   else
      uncached = uncached + 1
   end
end

function done(summary, latency, requests)
   local sums = {hits = 0, misses = 0, uncached = 0, errors = 0, responses = 0}
   for _, thread in ipairs(threads) do
      for name, _ in pairs(sums) do
         sums[name] = sums[name] + (tonumber(thread:get(name)) or 0)
      end
   end
   io.write(string.format("ZIPF_READS hits=%d misses=%d uncached=%d errors=%d responses=%d\n",
                          sums.hits, sums.misses, sums.uncached, sums.errors, sums.responses))
end
