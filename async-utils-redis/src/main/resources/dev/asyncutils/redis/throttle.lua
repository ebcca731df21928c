-- async-utils @Throttle on Redis: one token bucket as a GCRA "theoretical arrival time".
-- KEYS[1]  the bucket key (a string: the TAT in microseconds of Redis server time)
-- ARGV[1]  interval: microseconds between permits (per / rate, rounded up)
-- ARGV[2]  burst: bucket capacity
-- ARGV[3]  max wait in microseconds, -1 for unbounded
-- Returns {1, wait_us, available} when a permit was reserved (wait_us >= 0 until it is due),
-- or {0, retry_after_us, 0} when it would come later than max wait (nothing reserved).
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local tolerance = interval * (burst - 1)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then
  tat = now
end
local wait = tat - tolerance - now
if max_wait >= 0 and wait > max_wait then
  return {0, wait, 0}
end
local next_tat = tat + interval
local backlog = next_tat - now
-- the key outlives its backlog by a second: after that the bucket is full, as if absent
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil(backlog / 1000) + 1000)
if wait < 0 then
  wait = 0
end
local available = math.floor((tolerance + interval - backlog) / interval)
if available < 0 then
  available = 0
end
return {1, wait, available}
