-- async-utils @Bounded on Redis: extend the leases of slots this process still holds.
-- KEYS[1]  the sorted set of holders
-- ARGV[1]  lease time in microseconds
-- ARGV[2..] the holder ids to renew
-- Returns {held, lost holder ids...}: a holder is lost when its lease ran out before this
-- renewal (it was removed, and its slot may have been taken by someone else).
local lease = tonumber(ARGV[1])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now))
local expiry = string.format('%.0f', now + lease)
local result = {0}
for i = 2, #ARGV do
  if redis.call('ZADD', KEYS[1], 'XX', 'CH', expiry, ARGV[i]) == 0 and not redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    result[#result + 1] = ARGV[i]
  end
end
result[1] = redis.call('ZCARD', KEYS[1])
if result[1] > 0 then
  -- the key outlives its longest lease by a second (another process may use a longer lease)
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', KEYS[1], math.ceil((tonumber(last[2]) - now) / 1000) + 1000)
end
return result
