-- async-utils @Throttle on Redis: one bucket (of an instance, or of one key of a keyed
-- instance) with one or several limits, each a GCRA "theoretical arrival time" token bucket.
-- KEYS[i]       the key of limit i (a string: its TAT in microseconds of Redis server time);
--               the keys of one bucket share a hash tag, so one script serves them all
-- ARGV[1]       permits this call takes (>= 1, at most the smallest burst)
-- ARGV[2]       max wait in microseconds, -1 for unbounded
-- ARGV[2i+1]    interval of limit i: microseconds between permits (per / rate, rounded up)
-- ARGV[2i+2]    burst of limit i: its capacity
-- Returns {1, wait_us, available} when the permits were reserved in every limit (wait_us >= 0
-- until they are due), or {0, retry_after_us, 0} when they would come later than max wait:
-- then nothing was reserved in any limit.
local permits = tonumber(ARGV[1])
local max_wait = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local count = #KEYS
local bases = {}
local wait = nil
for i = 1, count do
  local interval = tonumber(ARGV[2 * i + 1])
  local burst = tonumber(ARGV[2 * i + 2])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then
    tat = now
  end
  bases[i] = tat
  local limit_wait = tat - interval * (burst - 1) + (permits - 1) * interval - now
  if wait == nil or limit_wait > wait then
    wait = limit_wait
  end
end
if max_wait >= 0 and wait > max_wait then
  return {0, wait, 0}
end
local available = nil
for i = 1, count do
  local interval = tonumber(ARGV[2 * i + 1])
  local burst = tonumber(ARGV[2 * i + 2])
  local next_tat = bases[i] + permits * interval
  local backlog = next_tat - now
  -- the key outlives its backlog by a second: after that the bucket is full, as if absent
  redis.call('SET', KEYS[i], string.format('%.0f', next_tat), 'PX', math.ceil(backlog / 1000) + 1000)
  local free = math.floor((interval * (burst - 1) + interval - backlog) / interval)
  if free < 0 then
    free = 0
  end
  if available == nil or free < available then
    available = free
  end
end
if wait < 0 then
  wait = 0
end
return {1, wait, available}
