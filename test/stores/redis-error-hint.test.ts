import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { RedisLockStore, RedisStore } from '../../src/index.js';
import type { RedisClient } from '../../src/index.js';
import { commandSender } from '../../src/stores/redis-client.js';
import { redisErrorHint } from '../../src/stores/redis-error-hint.js';
import { limitedApp, statusesOf } from '../helpers/limited-app.js';
import { Gate, lockedApp } from '../helpers/lock-app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import {
  connectClient,
  describeWithRedis,
  freePort,
  startRedisServer,
  stopRedisServer,
  uniquePrefix,
  type ClientKind,
} from '../helpers/redis.js';

const NOPERM =
  "Redis's ACL does not let this user run a command or use a key the store needs: grant it `+evalsha +eval +del +time +get +set +hmget +hset +hdel +pexpire +pttl` (the scripts' own commands are checked too; `+info` lets the store check `maxmemory-policy`) and read and write access to `~<prefix>*` (ACL SETUSER). Until then every call fails.";
const OOM =
  'Redis is out of memory (`maxmemory` reached under `noeviction`) and refuses writes: raise `maxmemory`, free memory, or give the store a Redis of its own.';
const READONLY =
  'The client is connected to a read-only replica: connect it to the master (or give the store a Sentinel or Cluster client).';

type Logs = ReturnType<typeof captureLogs>;

/** The commands the NOPERM hint says to grant (`+evalsha`, …), as ACL SETUSER takes them. */
function hintedGrants(): string[] {
  return redisErrorHint(new Error('NOPERM'))?.match(/\+[a-z]+/g) ?? [];
}

/** What the warnings say: each line's code, hint and the start of its error's message. */
function saidIn(logs: Logs) {
  return logs.lines.map(({ code, hint, err }) => ({
    code,
    hint,
    err: String((err as { message?: unknown } | undefined)?.message).split(' ')[0],
  }));
}

/** Three requests through a limiter of 1 a minute, failing open, on `client`: their statuses. */
async function limited(client: RedisClient, logs: Logs) {
  const store = new RedisStore({ client, prefix: uniquePrefix() });
  return statusesOf(limitedApp({ limit: 1, store, logger: logs.logger }), 3);
}

/** Two POSTs with one Idempotency-Key through `operationLock` on `client`: their statuses. */
async function locked(client: RedisClient, logs: Logs) {
  const gate = new Gate();
  gate.open();
  const app = lockedApp(
    { store: new RedisLockStore({ client, prefix: uniquePrefix() }), logger: logs.logger },
    gate,
  );
  const statuses = [];
  for (let i = 0; i < 2; i++) {
    statuses.push((await request(app).post('/orders').set('Idempotency-Key', 'k').send({})).status);
  }
  return statuses;
}

// Redis servers of the tests' own: ACL users, a full memory and a replica are set on them.
describeWithRedis.each<ClientKind>(['ioredis', 'node-redis'])(
  'the store-outage warnings’ hint, with %s',
  (kind) => {
    const servers: ChildProcess[] = [];
    const connections: { close(): Promise<void> }[] = [];
    let port: number;
    let admin: (args: string[]) => Promise<unknown>;

    beforeEach(async () => {
      port = await freePort();
      servers.push(await startRedisServer(port));
      const connection = await connectClient(kind, `redis://127.0.0.1:${port}`);
      connections.push(connection);
      admin = commandSender('test', connection.client);
    });

    afterEach(async () => {
      for (const connection of connections.splice(0)) await connection.close();
      for (const server of servers.splice(0)) await stopRedisServer(server);
    });

    async function clientOf(url: string) {
      const connection = await connectClient(kind, url);
      connections.push(connection);
      return connection.client as RedisClient;
    }

    // Redis answers NOPERM for a command or key the call names, and ERR for a command a
    // script runs (`TIME` here): both get the hint.
    it.each([
      ['may not run the scripts', ['~*', '&*', '+@all', '-evalsha', '-eval', '-script'], 'NOPERM'],
      [
        'may run EVALSHA but not EVAL (which a script not yet cached needs)',
        ['~*', '+@all', '-eval'],
        'NOPERM',
      ],
      ['may not use the keys', ['~cache:*', '+@all'], 'NOPERM'],
      ['may only read the keys', ['%R~*', '+@all'], 'NOPERM'],
      ['may not run a command of the scripts’ own (`TIME`)', ['~*', '+@all', '-time'], 'ERR'],
    ])(
      'tells an ACL user who %s what to grant, once from each middleware',
      async (_case, rules, err) => {
        await admin(['acl', 'setuser', 'app', 'on', '>secret', ...rules]);
        const client = await clientOf(`redis://app:secret@127.0.0.1:${port}`);
        const logs = captureLogs();
        expect(await limited(client, logs)).toEqual([200, 200, 200]);
        expect(await locked(client, logs)).toEqual([503, 503]);
        await flushed();
        expect(saidIn(logs)).toEqual([
          { code: 'RATE_LIMIT_STORE_UNAVAILABLE', hint: NOPERM, err },
          { code: 'OPERATION_LOCK_STORE_UNAVAILABLE', hint: NOPERM, err },
        ]);
      },
    );

    it('works for an ACL user granted exactly what the hint says', async () => {
      await admin(['acl', 'setuser', 'app', 'on', '>secret', '~*', ...hintedGrants()]);
      const client = await clientOf(`redis://app:secret@127.0.0.1:${port}`);
      const logs = captureLogs();
      expect(await limited(client, logs)).toEqual([200, 429, 429]);
      expect(await locked(client, logs)).toEqual([201, 201]);
      await flushed();
      expect(saidIn(logs)).toEqual([]);
    });

    it('says Redis is out of memory when it refuses writes under `noeviction`', async () => {
      await admin(['config', 'set', 'maxmemory', '1']);
      const client = await clientOf(`redis://127.0.0.1:${port}`);
      const logs = captureLogs();
      expect(await limited(client, logs)).toEqual([200, 200, 200]);
      expect(await locked(client, logs)).toEqual([503, 503]);
      await flushed();
      expect(saidIn(logs)).toEqual([
        { code: 'RATE_LIMIT_STORE_UNAVAILABLE', hint: OOM, err: 'OOM' },
        { code: 'OPERATION_LOCK_STORE_UNAVAILABLE', hint: OOM, err: 'OOM' },
      ]);
    });

    it('says the client is connected to a read-only replica', async () => {
      const replicaPort = await freePort();
      servers.push(await startRedisServer(replicaPort, ['--replicaof', '127.0.0.1', String(port)]));
      const client = await clientOf(`redis://127.0.0.1:${replicaPort}`);
      const logs = captureLogs();
      expect(await limited(client, logs)).toEqual([200, 200, 200]);
      expect(await locked(client, logs)).toEqual([503, 503]);
      await flushed();
      expect(saidIn(logs)).toEqual([
        { code: 'RATE_LIMIT_STORE_UNAVAILABLE', hint: READONLY, err: 'READONLY' },
        { code: 'OPERATION_LOCK_STORE_UNAVAILABLE', hint: READONLY, err: 'READONLY' },
      ]);
    });
  },
);

describe('redisErrorHint', () => {
  it('names every command the stores send, the scripts’ own included', () => {
    const sources = ['src/stores', 'src/operation-lock']
      .flatMap((dir) => readdirSync(dir).map((file) => readFileSync(join(dir, file), 'utf8')))
      .join('\n');
    const sent = new Set(
      [...sources.matchAll(/redis\.call\('([A-Za-z]+)'|send\(\['([a-z]+)'/g)].map(
        (match) => `+${(match[1] ?? match[2])!.toLowerCase()}`,
      ),
    );
    expect(sent.size).toBeGreaterThan(5);
    expect([...sent].filter((grant) => !hintedGrants().includes(grant))).toEqual([]);
  });

  it.each([
    ["NOPERM User app has no permissions to run the 'evalsha' command", NOPERM],
    [
      "ERR The user executing the script can't run this command or subcommand script: 08f2…, on @user_script:4.",
      NOPERM,
    ],
    [
      "ERR ACL failure in script: User app has no permissions to run the 'time' command script: 08f2…, on @user_script:4.",
      NOPERM,
    ],
    ["OOM command not allowed when used memory > 'maxmemory'. script: 1f0e…", OOM],
    [
      "ERR Error running script (call to f_1f0e…): @user_script:30: @user_script: 30: -OOM command not allowed when used memory > 'maxmemory'.",
      OOM,
    ],
    [
      "ERR Error running script (call to f_1f0e…): @user_script:4: @user_script: 4: -READONLY You can't write against a read only replica.",
      READONLY,
    ],
    ["READONLY You can't write against a read only replica. script: 1f0e…", READONLY],
    [
      "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
      'The replica the client is connected to has lost its master: connect the client to the master.',
    ],
    [
      'NOAUTH Authentication required.',
      'Redis wants credentials the client did not send: give the client its password.',
    ],
    [
      'WRONGPASS invalid username-password pair or user is disabled.',
      "Redis refused the client's user name or password.",
    ],
    [
      "ERR unknown command 'evalsha', with args beginning with: ",
      'Redis does not know a command the store sends (`EVALSHA` or `EVAL` renamed or disabled, or a server that is not Redis 6 or later): the store needs them.',
    ],
  ])('reads %j as what to change', (message, hint) => {
    expect(redisErrorHint(new Error(message))).toBe(hint);
  });

  it.each([
    ['a timeout', new Error('The rate-limit store did not answer within 500 ms')],
    ['a closed client', new Error('The client is closed')],
    ['a passing error', new Error('BUSY Redis is busy running a script.')],
    ['an error that only mentions a code', new Error('ERR something NOPERM')],
    [
      'a script’s own error, as Redis 6 wraps it',
      new Error(
        'ERR Error running script (call to f_1f0e…): @user_script:2: user_script:2: attempt to compare nil with number',
      ),
    ],
    ['no error', 'NOPERM'],
    ['nothing', undefined],
    [
      'an error whose message throws',
      Object.defineProperty(new Error(), 'message', {
        get() {
          throw new Error('no');
        },
      }),
    ],
  ])('gives no hint for %s', (_case, error) => {
    expect(redisErrorHint(error)).toBeUndefined();
  });
});
