import fc from 'fast-check';
import {
  commandSender,
  hashTag,
  redisScript,
  runScript,
  type SendCommand,
} from '../../src/stores/redis-client.js';
import { expectOptionError } from '../helpers/option-error.js';
import {
  connectClient,
  describeWithRedis,
  uniquePrefix,
  type ClientKind,
} from '../helpers/redis.js';

describeWithRedis.each<ClientKind>(['ioredis', 'node-redis'])('runScript with %s', (kind) => {
  let connection: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    connection = await connectClient(kind);
  });
  afterAll(async () => {
    await connection.close();
  });

  /** The real client's sender, recording each command and the key it was routed by. */
  function recordingSender() {
    const sent: { args: string[]; firstKey: string | undefined }[] = [];
    const send = commandSender('test', connection.client);
    const recording: SendCommand = (args, firstKey) => {
      sent.push({ args: [...args], firstKey });
      return send(args, firstKey);
    };
    return { sent, send: recording };
  }

  // A script no other test loads, so that SCRIPT FLUSH elsewhere cannot change what it sees.
  const script = redisScript(
    `-- runScript test ${uniquePrefix()}\nreturn redis.call('incrby', KEYS[1], ARGV[1])`,
  );

  it('runs the script by SHA, routed by its first key', async () => {
    const { sent, send } = recordingSender();
    const key = `${uniquePrefix()}n`;
    await runScript(send, script, ['eval', script.source, '1', key, '0'], Number);
    const reply = await runScript(send, script, ['evalsha', script.sha, '1', key, '2'], Number);
    expect(reply).toBe(2);
    expect(sent.at(-1)).toEqual({ args: ['evalsha', script.sha, '1', key, '2'], firstKey: key });
  });

  it('after NOSCRIPT, runs the same call once as EVAL with the source, on the same key', async () => {
    const { sent, send } = recordingSender();
    const key = `${uniquePrefix()}n`;
    await send(['script', 'flush']);
    sent.length = 0;
    const reply = await runScript(send, script, ['evalsha', script.sha, '1', key, '5'], Number);
    expect(reply).toBe(5);
    expect(sent).toEqual([
      { args: ['evalsha', script.sha, '1', key, '5'], firstKey: key },
      { args: ['eval', script.source, '1', key, '5'], firstKey: key },
    ]);
    // EVAL cached the script: the next call runs by SHA alone.
    sent.length = 0;
    expect(await runScript(send, script, ['evalsha', script.sha, '1', key, '1'], Number)).toBe(6);
    expect(sent).toHaveLength(1);
  });

  it('passes any other error on without a second try', async () => {
    const { sent, send } = recordingSender();
    const key = `${uniquePrefix()}n`;
    await send(['set', key, 'not a number'], key);
    sent.length = 0;
    await expect(
      runScript(send, script, ['evalsha', script.sha, '1', key, '1'], Number),
    ).rejects.toThrow(/not an integer/);
    expect(sent).toHaveLength(1);
  });
});

describe('commandSender', () => {
  it('refuses something that is not a Redis client, for the factory that asked', () => {
    expectOptionError(
      () => commandSender('new RedisStore()', {}),
      'ERR_EAE_OPTION_TYPE',
      'new RedisStore(): `client` must be an ioredis client or a node-redis (v4 or later) client',
    );
    expectOptionError(
      () => commandSender('new RedisStore()', undefined),
      'ERR_EAE_OPTION_MISSING',
      'new RedisStore(): `client` is required: an ioredis client or a node-redis (v4 or later) client',
    );
  });
});

describe('hashTag', () => {
  it.each([
    ['', '~'],
    ['~', '~~'],
    ['}x', '~)x'],
    ['~}x', '~~~)x'],
    ['user:7', 'user:7'],
    ['{a}', '{a~)'],
  ])('writes %j as the tag %j', (key, tag) => {
    expect(hashTag(key)).toBe(tag);
  });

  it('gives distinct keys distinct, non-empty tags without a closing brace', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (a, b) => {
        const [tagA, tagB] = [hashTag(a), hashTag(b)];
        return tagA !== '' && !tagA.includes('}') && (a === b) === (tagA === tagB);
      }),
      { numRuns: 5000 },
    );
  });
});
