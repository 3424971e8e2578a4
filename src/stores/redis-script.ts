/**
 * The Lua scripts of the Redis store. Each decision is one script run, so it
 * is atomic across every app instance, and uses Redis's clock (`TIME`), so
 * instances with skewed clocks agree. The arithmetic mirrors
 * `rate-limit/algorithms.ts`; numbers are stored with `%.17g`, which keeps
 * doubles exact.
 *
 * KEYS[1]: the key's counts, one string of numbers; KEYS[2]: its block record.
 * Both share a hash tag, so the script works on Redis Cluster.
 */

const SHARED = `
local EPS_MS = 0.001
local EPS_COUNT = 0.000001
local SIZES = { 1, 3, 2 } -- gcra, sliding window, fixed window

local function clock()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
end

local function load(key)
  local state = {}
  local stored = redis.call('GET', key)
  if stored then
    for value in string.gmatch(stored, '%S+') do state[#state + 1] = tonumber(value) end
  end
  return state
end

local function dump(state, count)
  local parts = {}
  for i = 1, count do parts[i] = string.format('%.17g', state[i] or 0) end
  return table.concat(parts, ' ')
end
`;

export const CONSUME_SCRIPT = `${SHARED}
local function gcra(state, o, limit, w, cost, now, out)
  local interval = w / limit
  local tat = math.max(state[o] or 0, now)
  local remaining_now = math.max(0, math.floor((w - (tat - now)) / interval + EPS_COUNT))
  if cost > limit then return false, remaining_now, w, w, 0 end
  local new_tat = tat + cost * interval
  local allow_at = new_tat - w
  if allow_at - now > EPS_MS then return false, remaining_now, allow_at - now, allow_at - now, 0 end
  out[o] = new_tat
  return true, math.max(0, math.floor((w - (new_tat - now)) / interval + EPS_COUNT)), new_tat - now, 0, new_tat - now
end

local function sliding_wait(limit, w, previous, current, elapsed, cost)
  local until_rollover = w - elapsed
  if previous > 0 and current + cost <= limit then
    return math.max(0, until_rollover - ((limit - current - cost) / previous) * w)
  end
  if current == 0 then return until_rollover end
  return until_rollover + math.max(0, w - ((limit - cost) / current) * w)
end

local function sliding(state, o, limit, w, cost, now, out)
  local current_start = math.floor(now / w) * w
  local previous, current = 0, 0
  local stored = state[o] or 0
  if stored == current_start then
    previous = state[o + 1] or 0
    current = state[o + 2] or 0
  elseif stored == current_start - w then
    previous = state[o + 2] or 0
  end
  local elapsed = now - current_start
  local used = previous * ((w - elapsed) / w) + current
  local remaining_now = math.max(0, math.floor(limit - used + EPS_COUNT))
  if cost > limit then return false, remaining_now, w, w, 0 end
  if used + cost > limit + EPS_COUNT then
    local wait = sliding_wait(limit, w, previous, current, elapsed, cost)
    return false, remaining_now, wait, wait, 0
  end
  out[o] = current_start
  out[o + 1] = previous
  out[o + 2] = current + cost
  local reset = w - elapsed
  if current + cost > 0 then reset = 2 * w - elapsed end
  return true, math.max(0, math.floor(limit - used - cost + EPS_COUNT)), reset, 0, 2 * w - elapsed
end

local function fixed(state, o, limit, w, cost, now, out)
  local start = state[o] or 0
  local count = state[o + 1] or 0
  if count == 0 or now >= start + w then
    start = now
    count = 0
  end
  local reset = start + w - now
  if cost > limit or count + cost > limit then return false, limit - count, reset, reset, 0 end
  out[o] = start
  out[o + 1] = count + cost
  return true, limit - count - cost, reset, 0, reset
end

local EVALUATE = { gcra, sliding, fixed }

local algorithm = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local windows = tonumber(ARGV[3])
local block_after = tonumber(ARGV[4 + 2 * windows])
local block_within = tonumber(ARGV[5 + 2 * windows])
local block_duration = tonumber(ARGV[6 + 2 * windows])
local now = clock()

local refusals, since, blocked_until = 0, now, 0
if block_after > 0 then
  local record = redis.call('GET', KEYS[2])
  if record then
    local values = {}
    for value in string.gmatch(record, '%S+') do values[#values + 1] = tonumber(value) end
    refusals, since, blocked_until = values[1], values[2], values[3]
    if blocked_until > now then
      return { '0', '0', '0', '0', '0', string.format('%.3f', blocked_until - now) }
    end
  end
end

local size = SIZES[algorithm]
local evaluate = EVALUATE[algorithm]
local state = load(KEYS[1])
local out = {}
for i = 1, windows * size do out[i] = state[i] or 0 end

local allowed, chosen, remaining, reset, retry, ttl = true, 0, math.huge, 0, 0, 1
for i = 1, windows do
  local limit = tonumber(ARGV[2 + 2 * i])
  local w = tonumber(ARGV[3 + 2 * i])
  local ok, left, until_reset, wait, idle_in = evaluate(state, (i - 1) * size + 1, limit, w, cost, now, out)
  if idle_in > ttl then ttl = idle_in end
  if not ok then
    if allowed or wait > retry then
      chosen, remaining, reset, retry = i - 1, left, until_reset, wait
    end
    allowed = false
  elseif allowed and (left < remaining or (left == remaining and until_reset > reset)) then
    chosen, remaining, reset = i - 1, left, until_reset
  end
end

if allowed then
  redis.call('SET', KEYS[1], dump(out, windows * size), 'PX', math.ceil(ttl))
  return { '1', tostring(chosen), tostring(remaining), string.format('%.3f', reset), '0', '0' }
end

local blocked_ms = 0
if block_after > 0 then
  if now - since > block_within then
    refusals, since = 0, now
  end
  refusals = refusals + 1
  if refusals >= block_after then
    blocked_until = now + block_duration
    refusals, since, blocked_ms = 0, blocked_until, block_duration
  end
  local keep = math.max(blocked_until, since + block_within) - now
  redis.call('SET', KEYS[2], dump({ refusals, since, blocked_until }, 3), 'PX', math.max(1, math.ceil(keep)))
end
return { '0', tostring(chosen), tostring(remaining), string.format('%.3f', reset),
  string.format('%.3f', retry), string.format('%.3f', blocked_ms) }
`;

export const REFUND_SCRIPT = `${SHARED}
local algorithm = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local windows = tonumber(ARGV[3])
local size = SIZES[algorithm]
local state = load(KEYS[1])
if #state == 0 then return 0 end
local now = clock()
for i = 1, windows do
  local limit = tonumber(ARGV[2 + 2 * i])
  local w = tonumber(ARGV[3 + 2 * i])
  local o = (i - 1) * size + 1
  if algorithm == 1 then
    state[o] = state[o] - cost * (w / limit)
  elseif algorithm == 3 then
    if now < state[o] + w then state[o + 1] = math.max(0, state[o + 1] - cost) end
  else
    local current_start = math.floor(now / w) * w
    if state[o] == current_start or state[o] == current_start - w then
      state[o + 2] = math.max(0, state[o + 2] - cost)
    end
  end
end
redis.call('SET', KEYS[1], dump(state, windows * size), 'KEEPTTL')
return 1
`;
