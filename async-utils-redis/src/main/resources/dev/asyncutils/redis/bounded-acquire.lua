-- async-utils @Bounded on Redis: take one of the limit's slots under a lease.
-- KEYS[1]  a sorted set: holder id -> lease expiry in microseconds of Redis server time
-- ARGV[1]  limit (max concurrent)
-- ARGV[2]  lease time in microseconds
-- ARGV[3]  the new holder id
-- Returns {1, held} when the slot was taken, {0, held} when every slot is held.
local limit = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
-- leases that ran out belong to holders that stopped renewing: their slots are free
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now))
local held = redis.call('ZCARD', KEYS[1])
if held >= limit then
  return {0, held}
end
redis.call('ZADD', KEYS[1], string.format('%.0f', now + lease), ARGV[3])
-- the key outlives its longest lease by a second (another process may use a longer lease)
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], math.ceil((tonumber(last[2]) - now) / 1000) + 1000)
return {1, held + 1}
