-- async-utils: the processes that use one instance, for the share of its limit that each
-- takes while Redis is unavailable (on-failure: local).
-- KEYS[1]  a sorted set: member id -> expiry of its entry in microseconds of Redis server time
-- ARGV[1]  this process's member id
-- ARGV[2]  how long an entry lives without renewal, in microseconds
-- Returns {members, rank}: the live entries, this one included, and this one's place among
-- them in the order of their ids (the same order for every process).
local ttl = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
-- entries that ran out belong to processes that stopped renewing them
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now))
redis.call('ZADD', KEYS[1], string.format('%.0f', now + ttl), ARGV[1])
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
table.sort(ids)
local rank = 0
for i, id in ipairs(ids) do
  if id == ARGV[1] then
    rank = i - 1
  end
end
-- the key outlives its longest entry by a second
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], math.ceil((tonumber(last[2]) - now) / 1000) + 1000)
return {#ids, rank}
