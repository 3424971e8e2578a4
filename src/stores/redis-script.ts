import { STATE_TIME, type Algorithm } from './algorithms.js';
import type { RateLimitPolicy } from './store.js';

/**
 * The Lua scripts of the Redis store, generated for each policy: the
 * algorithm's arithmetic and the policy's numbers are written into the
 * script, unrolled, so that a call sends only its keys and cost and runs
 * only what it needs. Each decision is one script run, so it
 * is atomic across every app instance, and uses Redis's clock (`TIME`), so
 * instances with skewed clocks agree. The arithmetic mirrors
 * `algorithms.ts`; state is stored with `%.17g`, which keeps
 * doubles exact. Durations are returned as whole milliseconds, rounded as
 * `wholeMs` rounds them, so that both stores report the same numbers.
 *
 * KEYS[1]: the key's state, one string of numbers: its counts, then, for a
 * policy that blocks, its block record (refusals, since, blocked until), then
 * the key's clock offset once it has one (see `KEY_CLOCK`). One
 * key a call: on Redis Cluster a call on two keys would be refused
 * (`TRYAGAIN`) while their slot is being moved and only one of them has gone.
 * ARGV[1]: the cost; ARGV[2]: the time, with the `argument` clock; then the
 * limit, for a policy whose limit comes per request.
 * Reply: { allowed, window, remaining, resetMs } when allowed, and
 * { allowed, window, remaining, resetMs, retryAfterMs, blockedMs } when not.
 */

/** Per algorithm: how many numbers a window keeps, and the Lua that decides one window. */
const WINDOW_LOGIC: Readonly<Record<Algorithm, { size: number; lua: string }>> = {
  // In: s1 = debt (ms of the window owed), s2 = time it was reckoned at. Out: ok, left, reset, wait, idle, n1, n2.
  gcra: {
    size: 2,
    lua: `
    local elapsed, gap = 0, 0
    if now > s2 then elapsed = now - s2 end
    if s2 > now then gap = s2 - now end
    local debt = max(0, s1 - elapsed)
    local left_now = max(0, floor(((w - debt) * limit) / w + EPS_COUNT))
    empty = debt == 0
    local new_debt = debt + (cost * w) / limit
    local excess = new_debt - w
    if cost > limit then ok, left, reset, wait = false, left_now, w, w
    elseif excess > math.min(EPS_MS, (0.5 * w) / limit) then ok, left, reset, wait = false, left_now, excess + gap, excess + gap
    else
      ok, left, wait = true, max(0, floor(((w - new_debt) * limit) / w + EPS_COUNT)), 0
      reset = 0
      if new_debt > 0 then reset = new_debt + gap end
      idle = reset
      n1, n2 = new_debt, s2
      if now > s2 then n2 = now end
    end`,
  },
  // In: s1 = aligned window start, s2 = previous count, s3 = current count.
  'sliding-window': {
    size: 3,
    lua: `
    local current_start = floor(now / w) * w
    local previous, current, gap = 0, 0, 0
    if s1 > current_start then gap, current_start = s1 - now, s1 end
    if s1 == current_start then previous, current = s2, s3
    elseif s1 == current_start - w then previous = s3 end
    local elapsed = now - current_start
    if gap > 0 then elapsed = 0 end
    local used = previous * ((w - elapsed) / w) + current
    local left_now = max(0, floor(limit - used + EPS_COUNT))
    empty = used == 0
    if cost > limit then ok, left, reset, wait = false, left_now, w, w
    elseif used + cost > limit + EPS_COUNT then
      local until_rollover = w - elapsed
      if previous > 0 and current + cost <= limit then
        wait = max(0, until_rollover - ((limit - current - cost) / previous) * w)
      elseif current == 0 then wait = until_rollover
      else wait = until_rollover + max(0, w - ((limit - cost) / current) * w) end
      wait = gap + wait
      ok, left, reset = false, left_now, wait
    else
      ok, left, wait, idle = true, max(0, floor(limit - used - cost + EPS_COUNT)), 0, gap + 2 * w - elapsed
      if current + cost > 0 then reset = gap + 2 * w - elapsed else reset = gap + w - elapsed end
      n1, n2, n3 = current_start, previous, current + cost
    end`,
  },
  // In: s1 = window start, s2 = count.
  'fixed-window': {
    size: 2,
    lua: `
    local start, count = s1, s2
    if count == 0 or now - start >= w then start, count = now, 0 end
    reset = w - (now - start)
    empty = count == 0
    if cost > limit or count + cost > limit then ok, left, wait = false, max(0, limit - count), reset
    else
      ok, left, wait, idle = true, limit - count - cost, 0, reset
      n1, n2 = start, count + cost
    end`,
  },
};

/** Marks the block record after a key's counts: no number, so that no layout of counts reads as one. */
const RECORD_MARK = 'b';
/** Marks the key's clock offset, last: stored only once it is not 0. */
const CLOCK_MARK = 'c';

/**
 * The key's clock. `TIME` is Redis's host's wall clock, which an NTP step, a
 * restored snapshot or a failover to a replica whose clock is behind sets
 * back; stored times then lie ahead of it, and a key stayed refused or
 * blocked for the step on top of its policy. So each key runs on its own
 * clock, Redis's plus an offset it keeps: when the key's state holds a time
 * that clock has not reached (`anchor`: the latest of the times its windows
 * and its counted refusals say have passed; see `BLOCK_BOUND` for a block's
 * end), the offset grows so that the key's
 * clock stands there, and it runs on from there at Redis's pace. It never
 * runs faster than real time, so no limit is exceeded; nor does it stand
 * still for the step, so waits are the policy's own on the new clock, and
 * so is `Retry-After` (RFC 9110 §10.2.3: when to come back). Charges are
 * reported on the key's clock, so refunds compare like with like. A consume
 * or refund that grew the offset writes it, refusals included (else the
 * key's clock would stand still until the next write); a peek writes
 * nothing. `MemoryStore` does the same (see `keyTime` there).
 */
const KEY_CLOCK = `local raw_now = now
now = raw_now + off
if anchor > now then off, moved = anchor - raw_now, true; now = raw_now + off end`;

/**
 * A block's end is no anchor of the key's clock: it was set one duration
 * ahead, and that duration may since have been shortened (a new deploy), so
 * that its start, the end less today's duration, could lie ahead of any time
 * that came, and set the key's clock ahead: what its windows hold would then
 * count for less. Instead, a block with more left than the policy's
 * duration (the clock stepped back, or the duration was shortened) begins
 * again now, for that duration, as the lock store bounds a lease by its
 * length. A key without a record counts refusals from now.
 */
const BLOCK_BOUND = (durationMs: number) => `if not has_record then since = now
elseif blocked_until - now > ${durationMs} then
  refusals, since, blocked_until, moved = 0, now + ${durationMs}, now + ${durationMs}, true
end`;

/** Where the scripts read the time: Redis's `TIME`, shared by every instance, or ARGV[2]. */
export type ScriptClock = 'redis' | 'argument';

/**
 * Where a window's limit is read: written into the script, or, for a policy
 * whose limit comes per request, from the last argument (ARGV[2], or ARGV[3]
 * after the time of the `argument` clock).
 */
function limitOf(policy: RateLimitPolicy, index: number, clock: ScriptClock): string {
  if (policy.limits !== 'per-request') return String(policy.windows[index]!.limit);
  return `tonumber(ARGV[${clock === 'argument' ? 3 : 2}])`;
}

/**
 * The clock, and what is added to every expiry. Redis expires keys on its own
 * clock: with another clock, keys are kept a minute longer, so that none
 * expires before that clock says it is idle. (An idle key decides exactly as
 * a missing one, so a later expiry changes no decision.)
 */
const CLOCKS: Readonly<Record<ScriptClock, string>> = {
  redis: `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local TTL_PAD = 0`,
  argument: `local now = tonumber(ARGV[2])
local TTL_PAD = 60000`,
};

function prelude(clock: ScriptClock): string {
  return `
local floor, ceil, max = math.floor, math.ceil, math.max
local EPS_MS, EPS_COUNT = 0.001, 0.000001
${CLOCKS[clock]}
local cost = tonumber(ARGV[1])
`;
}

/**
 * The consume script of a policy, unrolled: every number lives in a local,
 * so a call allocates no table but its reply.
 */
export function consumeScript(policy: RateLimitPolicy, clock: ScriptClock = 'redis'): string {
  return decisionScript(policy, clock, 'consume');
}

/**
 * The peek script of a policy: the decision a request of cost 0 would get
 * (ARGV[1] is '0'), writing nothing, or nil for a key Redis knows nothing of.
 * It is the consume script without its writes, so that the two cannot drift.
 */
export function peekScript(policy: RateLimitPolicy, clock: ScriptClock = 'redis'): string {
  return decisionScript(policy, clock, 'peek');
}

function decisionScript(
  policy: RateLimitPolicy,
  clock: ScriptClock,
  mode: 'consume' | 'peek',
): string {
  const { algorithm, windows: policyWindows, block } = policy;
  const writes = mode === 'consume';
  const { size, lua } = WINDOW_LOGIC[algorithm];
  const time = STATE_TIME[algorithm];
  const windows = policyWindows.length;
  const count = size * windows;
  const names = (prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
  const values = names('v');
  const outs = names('o');
  const perWindow = Array.from({ length: windows }, (_, w) => {
    const slot = (j: number) => w * size + j + 1;
    const reads = Array.from({ length: size }, (_, j) => `local s${j + 1} = v${slot(j)}`).join(' ');
    const writes = Array.from({ length: size }, (_, j) => `o${slot(j)} = n${j + 1}`).join(' ');
    const declare = Array.from({ length: size }, (_, j) => `n${j + 1}`).join(', ');
    return `do
  local limit, w = ${limitOf(policy, w, clock)}, ${policyWindows[w]!.windowMs}
  ${reads}
  local ok, left, reset, wait, idle, empty = false, 0, 0, 0, 0, false
  local ${declare}
  ${lua}
  if not empty then known = true end
  if ok then
    ${writes}
    if idle > ttl then ttl = idle end
    if allowed and (left < remaining or (left == remaining and reset > chosen_reset)) then
      chosen, remaining, chosen_reset = ${w}, left, reset
    end
  else
    if allowed or wait > retry then chosen, remaining, chosen_reset, retry = ${w}, left, reset, wait end
    allowed = false
  end
end`;
  });
  // The block record follows the counts, marked `b` (no number), once a refusal was counted:
  // a key without one is not blocked.
  const record = block ? ['refusals', 'since', 'blocked_until'] : [];
  const format = (names: string[], marked: boolean) =>
    `'${names.map(() => '%.17g').join(' ')}${marked ? ` ${RECORD_MARK} %.17g %.17g %.17g` : ''}'`;
  // The key's clock offset, appended once it is not 0 (state of an older version has none).
  const clockMark = `(off ~= 0 and string.format(' ${CLOCK_MARK} %.17g', off) or '')`;
  const anchors = Array.from({ length: windows }, (_, w) => values[w * size + time]!);
  // The counts, then the rest (Lua allows 32 captures: 10 windows of 3 numbers and the rest).
  // Anchored: state of another layout (an older version, other windows) reads as none; a
  // record is read under a policy that blocks, and skipped under one that no longer does.
  const parse = `local ${values.join(', ')} = ${values.map(() => '0').join(', ')}
${block ? 'local refusals, since, blocked_until, has_record = 0, 0, 0, false' : ''}
local off, anchor, moved = 0, -math.huge, false
local stored = redis.call('GET', KEYS[1])
if stored then
  local ${values.map((v) => `t${v}`).join(', ')}, rest = string.match(stored, '^${values.map(() => '(%S+)').join(' ')}(.*)$')
  local a, b, c, d = nil, nil, nil, nil
  if rest and rest ~= '' then
    a, b, c, d = string.match(rest, '^ ${RECORD_MARK} (%S+) (%S+) (%S+) ${CLOCK_MARK} (%S+)$')
    if not a then a, b, c = string.match(rest, '^ ${RECORD_MARK} (%S+) (%S+) (%S+)$') end
    if not a then d = string.match(rest, '^ ${CLOCK_MARK} (%S+)$') end
  end
  if rest == '' or a or d then
    ${values.map((v) => `${v} = tonumber(t${v}) or 0`).join('\n    ')}
    off = tonumber(d) or 0
    anchor = max(${anchors.join(', ')})
    ${
      block
        ? `if a then refusals, since, blocked_until, has_record = tonumber(a), tonumber(b), tonumber(c), true end
    -- Refusals are counted from \`since\` on, a time that had come when it was written.
    if has_record and refusals > 0 then anchor = max(anchor, since) end`
        : ''
    }
  end
end
${KEY_CLOCK}
${block ? BLOCK_BOUND(block.durationMs) : ''}`;
  // The record's own lifetime: while it blocks, and while its refusals still count.
  const recordPx = block
    ? `max(1, ceil(max(blocked_until, since + ${block.withinMs}) - now)) + TTL_PAD`
    : '';
  const setCounts = `redis.call('SET', KEYS[1], string.format(${format(values, false)}, ${outs.join(', ')}) .. ${clockMark}, 'PX', ceil(ttl) + TTL_PAD)`;
  const store = !writes
    ? ''
    : block
      ? `if has_record then
    redis.call('SET', KEYS[1], string.format(${format(values, true)}, ${[...outs, ...record].join(', ')}) .. ${clockMark},
      'PX', max(ceil(ttl) + TTL_PAD, ${recordPx}))
  else
    ${setCounts}
  end`
      : setCounts;
  // A key whose every window is as good as none is unknown, whether or not Redis has expired it yet.
  const unknownKey = writes ? '' : 'if not known then return false end';
  // The key as read, with its grown clock offset, for a call that writes nothing else.
  const keepClock = !writes
    ? ''
    : `if moved then
  redis.call('SET', KEYS[1], string.format(${format(values, false)}, ${values.join(', ')})${
    block
      ? ` .. (has_record and string.format(' ${RECORD_MARK} %.17g %.17g %.17g', ${record.join(', ')}) or '')`
      : ''
  } .. ${clockMark}, 'KEEPTTL')
end`;
  const blocked = block
    ? `if has_record and blocked_until > now then
  ${keepClock}
  return { 0, 0, 0, 0, 0, max(0, ceil(blocked_until - now - EPS_MS)) }
end`
    : '';
  // A refusal spends nothing: the counts are written back as read, their expiry kept.
  const countRefusal =
    block && writes
      ? `if now - since > ${block.withinMs} then refusals, since, blocked_until = 0, now, 0 end
refusals = refusals + 1
if refusals >= ${block.after} then
  blocked_until = now + ${block.durationMs}
  refusals, since, blocked_ms = 0, blocked_until, ${block.durationMs}
end
redis.call('SET', KEYS[1], string.format(${format(values, true)}, ${[...values, ...record].join(', ')}) .. ${clockMark},
  'PX', max(${recordPx}, redis.call('PTTL', KEYS[1])))`
      : keepClock;
  return `${prelude(clock)}
${parse}
${blocked}
local ${outs.join(', ')} = ${values.join(', ')}
local allowed, chosen, remaining, chosen_reset, retry, ttl, known = true, 0, math.huge, 0, 0, 1, false
${perWindow.join('\n')}
${unknownKey}

if allowed then
  ${store}
  return { 1, chosen, remaining, max(0, ceil(chosen_reset - EPS_MS))${writes ? ", string.format('%.17g', now)" : ''} }
end

local blocked_ms = 0
${countRefusal}
return { 0, chosen, remaining, max(1, ceil(chosen_reset - EPS_MS)), max(1, ceil(retry - EPS_MS)), max(0, ceil(blocked_ms - EPS_MS)) }
`;
}

/**
 * The refund script of a policy: gives `cost` back to every window, keeping
 * the expiry; with the charge's time as the last argument, only what that
 * charge still holds (see `refundWindow`).
 */
export function refundScript(policy: RateLimitPolicy, clock: ScriptClock = 'redis'): string {
  const { algorithm, windows, block } = policy;
  const { size } = WINDOW_LOGIC[algorithm];
  const time = STATE_TIME[algorithm] + 1; // Lua counts from 1
  const give = {
    gcra: `local at = state[o + 1]
    local elapsed = 0
    if now > at then elapsed = now - at end
    local debt = max(0, state[o] - elapsed)
    local held = (cost * w) / limit
    if charged_at then held = max(0, held - max(0, now - charged_at)) end
    if debt > 0 and held > 0 then
      state[o] = max(0, debt - held)
      if now > at then state[o + 1] = now end
    end`,
    'fixed-window': `if now - state[o] < w and (not charged_at or charged_at >= state[o]) then
      state[o + 1] = max(0, state[o + 1] - cost)
    end`,
    'sliding-window': `if not charged_at then
      local current_start = floor(now / w) * w
      if state[o] >= current_start or state[o] == current_start - w then
        state[o + 2] = max(0, state[o + 2] - cost)
      end
    else
      local charged = floor(charged_at / w) * w
      if charged == state[o] then state[o + 2] = max(0, state[o + 2] - cost)
      elseif charged == state[o] - w then state[o + 1] = max(0, state[o + 1] - cost) end
    end`,
  }[algorithm];
  // After the cost, the time (with the \`argument\` clock) and the limit (per request), if given.
  const chargedAtArgument =
    2 + (clock === 'argument' ? 1 : 0) + (policy.limits === 'per-request' ? 1 : 0);
  return `${prelude(clock)}
local charged_at = tonumber(ARGV[${chargedAtArgument}])
local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
-- The key's clock offset, then the block record, if any, written back as read.
local rest, d = string.match(stored, '^(.-) ${CLOCK_MARK} (%S+)$')
if not rest then rest = stored end
local off, anchor, moved = tonumber(d) or 0, -math.huge, false
local counts, record = string.match(rest, '^(.-)( ${RECORD_MARK} %S+ %S+ %S+)$')
if not counts then counts, record = rest, '' end
local state = {}
for value in string.gmatch(counts, '%S+') do state[#state + 1] = tonumber(value) end
-- State of another layout (an older version of this library) is left to expire.
if #state ~= ${size * windows.length} then return 0 end
for o = ${time}, #state, ${size} do anchor = max(anchor, state[o]) end
${
  block
    ? `local refusals, since = string.match(record, '^ ${RECORD_MARK} (%S+) (%S+) %S+$')
if refusals and tonumber(refusals) > 0 then anchor = max(anchor, tonumber(since)) end`
    : ''
}
${KEY_CLOCK}
${windows
  .map(
    ({ windowMs }, index) => `do
  local limit, w, o = ${limitOf(policy, index, clock)}, ${windowMs}, ${index * size + 1}
  ${give}
end`,
  )
  .join('\n')}
local parts = {}
for i = 1, #state do parts[i] = string.format('%.17g', state[i]) end
redis.call('SET', KEYS[1], table.concat(parts, ' ') .. record .. (off ~= 0 and string.format(' ${CLOCK_MARK} %.17g', off) or ''), 'KEEPTTL')
return 1
`;
}
