import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { createCluster } from 'redis';
import { freePort } from './free-port.js';
import type { ClientKind } from './redis.js';
import { sleep } from './event-loop.js';

/**
 * A local Redis Cluster for tests: three masters and three replicas, each a
 * redis-server child process on a free loopback port, keeping nothing on
 * disk but its nodes file, in a temporary folder removed at the end.
 */

/** A slot being moved: its keys still on the source until `moveKeys()`, its owner the source until `finish()`. */
export interface SlotMove {
  moveKeys(): Promise<void>;
  finish(): Promise<void>;
}

export interface ClusterNode {
  readonly port: number;
  readonly process: ChildProcess;
}

export interface RedisCluster {
  /** Every node, in start order; the first three were created masters. */
  readonly nodes: readonly ClusterNode[];
  /** `{ host, port }` of every node, as cluster clients take their start-up nodes. */
  readonly startupNodes: readonly { host: string; port: number }[];
  /** The ports of the nodes that are masters now, each with its slot ranges. */
  masters(): Promise<{ port: number; slots: [number, number][]; replicas: number[] }[]>;
  /**
   * Keys `key-0`, `key-1`, … chosen so that each master now owns `perMaster`
   * of them, as stored by `redisKey` (the store's key naming), with the port
   * of the master owning each.
   */
  keysOnEveryMaster(
    perMaster: number,
    redisKey: (key: string) => string,
  ): Promise<{ key: string; port: number }[]>;
  /**
   * Moves `slot` to the master at `to`, its keys with it, as resharding does
   * (`CLUSTER SETSLOT … IMPORTING/MIGRATING`, `MIGRATE`, `SETSLOT … NODE`):
   * clients learn it from the MOVED reply to their next command there.
   */
  moveSlot(slot: number, to: number): Promise<void>;
  /**
   * Starts moving `slot` to the master at `to` (`IMPORTING`/`MIGRATING`)
   * and answers the rest of the move in two steps, so that a test can call
   * the store in between: while the keys are still on the source, and after
   * they went (the source answers ASK).
   */
  startSlotMove(slot: number, to: number): Promise<SlotMove>;
  /** One command on the node at `port`, through a short-lived connection. */
  command(port: number, args: string[]): Promise<unknown>;
  /**
   * Kills the master at `port` (SIGKILL, as a crash) and waits, a bounded
   * number of times, until one of its replicas is a master and every
   * surviving node says `cluster_state:ok`. Answers the promoted port.
   */
  failOver(port: number, onKilled?: () => Promise<void>): Promise<number>;
  /** Stops every node by its PID and removes the temporary folder. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

function startNode(port: number, dir: string): ChildProcess {
  // Logs go nowhere: a test that needs to see why a node failed reads its exit code.
  return spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, `nodes-${port}.conf`),
      '--cluster-node-timeout',
      '1000',
      '--save',
      '',
      '--appendonly',
      'no',
      '--bind',
      HOST,
      '--daemonize',
      'no',
      // A replica syncs as soon as it attaches, not 5 s later (Redis 7's default).
      '--repl-diskless-sync-delay',
      '0',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
}

async function command(port: number, args: string[]): Promise<unknown> {
  const client = new Redis(port, HOST, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(args[0]!, ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

/** Calls `check` every 50 ms until it answers true, at most `attempts` times. */
async function until(what: string, attempts: number, check: () => Promise<boolean>) {
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      if (await check()) return;
    } catch {
      // Not up yet: try again.
    }
    await sleep(50);
  }
  throw new Error(`Redis Cluster: ${what} did not happen in time`);
}

const stateOk = async (port: number) =>
  String(await command(port, ['cluster', 'info'])).includes('cluster_state:ok');

/** Each node line of CLUSTER NODES: id, port, flags, master id, slot ranges. */
async function clusterNodes(port: number) {
  const text = String(await command(port, ['cluster', 'nodes']));
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, masterId, , , , , ...slots] = line.split(' ');
      return {
        id: id!,
        port: Number(address!.split('@')[0]!.split(':')[1]),
        flags: flags!.split(','),
        masterId: masterId!,
        slots: slots
          .filter((range) => !range.startsWith('['))
          .map((range) => {
            const [from, to = from] = range.split('-');
            return [Number(from), Number(to)] as [number, number];
          }),
      };
    });
}

async function stopNode(node: ClusterNode): Promise<void> {
  const child = node.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'eae-redis-cluster-'));
  const nodes: ClusterNode[] = [];
  const stop = async () => {
    for (const node of nodes) await stopNode(node);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // One port at a time: freePort answers a port free now, so each must be taken before the next.
    for (let i = 0; i < 6; i++) {
      const port = await freePort();
      nodes.push({ port, process: startNode(port, dir) });
      await until(`node ${port} starting`, 200, async () => {
        return (await command(port, ['ping'])) === 'PONG';
      });
    }
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...nodes.map((node) => `${HOST}:${node.port}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (created.status !== 0) {
      throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    }
    for (const node of nodes)
      await until(`node ${node.port} joining`, 400, () => stateOk(node.port));
    // Every replica attached to its master and in sync: a replica that never synced
    // is never promoted, so a failover would have no one to promote.
    await until('replicas attaching', 400, async () => {
      const view = await clusterNodes(nodes[0]!.port);
      return view.filter((n) => n.flags.includes('slave')).length === 3;
    });
    const view = await clusterNodes(nodes[0]!.port);
    for (const replica of view.filter((n) => n.flags.includes('slave'))) {
      await until(`replica ${replica.port} syncing`, 400, async () =>
        String(await command(replica.port, ['info', 'replication'])).includes(
          'master_link_status:up',
        ),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const living = () =>
    nodes.filter((n) => n.process.exitCode === null && n.process.signalCode === null);

  const masters = async () => {
    const view = await clusterNodes(living()[0]!.port);
    const alive = view.filter((n) => !n.flags.includes('fail'));
    return alive
      .filter((n) => n.flags.includes('master') && n.slots.length > 0)
      .map((n) => ({
        port: n.port,
        slots: n.slots,
        replicas: alive.filter((r) => r.masterId === n.id).map((r) => r.port),
      }));
  };

  async function startSlotMove(slot: number, to: number): Promise<SlotMove> {
    const view = await clusterNodes(living()[0]!.port);
    const owns = (n: (typeof view)[number]) =>
      n.flags.includes('master') && n.slots.some(([from, end]) => slot >= from && slot <= end);
    const source = view.find((n) => owns(n) && !n.flags.includes('fail'))!;
    const target = view.find((n) => n.port === to)!;
    if (source.port === to) return { moveKeys: async () => {}, finish: async () => {} };
    await command(to, ['cluster', 'setslot', String(slot), 'importing', source.id]);
    await command(source.port, ['cluster', 'setslot', String(slot), 'migrating', target.id]);
    return {
      async moveKeys() {
        for (;;) {
          const keys = (await command(source.port, [
            'cluster',
            'getkeysinslot',
            String(slot),
            '100',
          ])) as string[];
          if (keys.length === 0) break;
          await command(source.port, [
            'migrate',
            HOST,
            String(to),
            '',
            '0',
            '5000',
            'keys',
            ...keys,
          ]);
        }
      },
      async finish() {
        for (const master of view.filter(
          (n) => n.flags.includes('master') && !n.flags.includes('fail'),
        )) {
          await command(master.port, ['cluster', 'setslot', String(slot), 'node', target.id]);
        }
        for (const n of living())
          await until(`node ${n.port} back to ok`, 400, () => stateOk(n.port));
      },
    };
  }

  return {
    nodes,
    startupNodes: nodes.map((node) => ({ host: HOST, port: node.port })),
    command,
    masters,
    async keysOnEveryMaster(perMaster, redisKey) {
      const now = await masters();
      const chosen: { key: string; port: number }[] = [];
      const owner = (slot: number) =>
        now.find((m) => m.slots.some(([from, to]) => slot >= from && slot <= to))!.port;
      for (let i = 0; chosen.length < perMaster * now.length; i++) {
        const key = `key-${i}`;
        const port = owner(
          Number(await command(now[0]!.port, ['cluster', 'keyslot', redisKey(key)])),
        );
        if (chosen.filter((c) => c.port === port).length < perMaster) chosen.push({ key, port });
      }
      return chosen;
    },
    async moveSlot(slot, to) {
      const move = await startSlotMove(slot, to);
      await move.moveKeys();
      await move.finish();
    },
    startSlotMove,
    async failOver(port, onKilled) {
      const node = nodes.find((n) => n.port === port);
      if (!node) throw new Error(`no node on port ${port}`);
      const replicas = (await masters()).find((m) => m.port === port)?.replicas ?? [];
      if (replicas.length === 0) throw new Error(`the master on ${port} has no replica`);
      await stopNode(node);
      await onKilled?.();
      let promoted = 0;
      await until('a replica being promoted', 600, async () => {
        const view = await clusterNodes(replicas[0]!);
        const replica = view.find((n) => replicas.includes(n.port) && n.flags.includes('master'));
        if (replica && replica.slots.length > 0) promoted = replica.port;
        return promoted !== 0;
      });
      for (const n of living())
        await until(`node ${n.port} back to ok`, 400, () => stateOk(n.port));
      return promoted;
    },
    stop,
  };
}

/** A connected cluster client of either kind, from every node of `cluster`, and a way to close it. */
export async function connectClusterClient(kind: ClientKind, cluster: RedisCluster) {
  if (kind === 'ioredis') {
    const client = new Cluster([...cluster.startupNodes], { lazyConnect: true });
    client.on('error', () => undefined);
    await client.connect();
    return { client, close: async () => void client.disconnect() };
  }
  const client = createCluster({
    rootNodes: cluster.startupNodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })),
  });
  client.on('error', () => undefined);
  await client.connect();
  return { client, close: async () => void client.destroy() };
}
