/**
 * `npm run bench:memory` (`tsx test/bench/memory-per-key.ts [keys]`): the
 * memory each store holds per key, at 1,000,000 distinct keys by default,
 * each store in a fresh process with `--expose-gc`; then whether our
 * `maxKeys` cap holds under a flood of distinct keys.
 *
 * Memory is `heapUsed + arrayBuffers` (typed arrays live outside the heap)
 * after a full GC, minus the same before the keys were added.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

type StoreName =
  | 'ours-memory'
  | 'express-rate-limit-memory'
  | 'rate-limiter-flexible-memory'
  | 'plain-map-counter'
  | 'ours-memory-capped-flood';

const STORES: readonly { name: StoreName; description: string }[] = [
  { name: 'plain-map-counter', description: 'a `Map<string, number>` counter: the floor' },
  { name: 'ours-memory', description: '`MemoryStore`, GCRA, one window (the default)' },
  { name: 'express-rate-limit-memory', description: "express-rate-limit's `MemoryStore`" },
  {
    name: 'rate-limiter-flexible-memory',
    description: "rate-limiter-flexible's `RateLimiterMemory`",
  },
];

function key(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

function used(): number {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** Runs in the child: adds `count` keys to one store and prints bytes per key. */
async function child(name: StoreName, count: number): Promise<void> {
  // Keys are made inside the measured region, as a server makes one per request:
  // a store holds its keys' strings, and they count.
  const keys = function* () {
    for (let i = 0; i < count; i++) yield key(i);
  };
  let hold: unknown;
  const before = used();
  switch (name) {
    case 'plain-map-counter': {
      const map = new Map<string, number>();
      for (const k of keys()) map.set(k, (map.get(k) ?? 0) + 1);
      hold = map;
      break;
    }
    case 'ours-memory':
    case 'ours-memory-capped-flood': {
      const { MemoryStore } = await import('../../src/index.js');
      const capped = name === 'ours-memory-capped-flood';
      const store = new MemoryStore(capped ? { maxKeys: 100_000 } : {});
      store.init({
        algorithm: 'gcra',
        windows: [{ limit: 100, windowMs: 60_000, name: 'w' }],
        block: undefined,
      });
      for (const k of keys()) store.consume(k, 1);
      if (capped) {
        const after = used();
        console.log(JSON.stringify({ size: store.size, bytes: after - before }));
        store.shutdown();
        return;
      }
      hold = store;
      break;
    }
    case 'express-rate-limit-memory': {
      const { MemoryStore } = await import('express-rate-limit');
      const store = new MemoryStore();
      store.init({ windowMs: 60_000 } as never);
      for (const k of keys()) await store.increment(k);
      hold = store;
      break;
    }
    case 'rate-limiter-flexible-memory': {
      const { RateLimiterMemory } = await import('rate-limiter-flexible');
      const limiter = new RateLimiterMemory({ points: 100, duration: 60 });
      for (const k of keys()) await limiter.consume(k);
      hold = limiter;
      break;
    }
  }
  const after = used();
  console.log(JSON.stringify({ bytes: after - before, held: hold !== undefined }));
  process.exit(0);
}

function run(name: StoreName, count: number): { bytes: number; size?: number } {
  const output = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '--max-old-space-size=4096',
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--child',
      name,
      String(count),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(output.trim().split('\n').pop()!) as { bytes: number; size?: number };
}

function main(): void {
  const [flag, name, count] = process.argv.slice(2);
  if (flag === '--child') {
    void child(name as StoreName, Number(count));
    return;
  }
  const { values } = parseArgs({ strict: true, options: { keys: { type: 'string' } } });
  const keys = Number(values.keys ?? 1_000_000);
  if (!Number.isSafeInteger(keys) || keys < 100_000) {
    throw new RangeError(
      `\`--keys\` must be a whole number of at least 100000, got ${values.keys}`,
    );
  }
  console.log(
    `# Memory per key\n\n${keys.toLocaleString('en')} distinct IPv4-like keys, each store in a fresh process (Node ${process.version}).\n`,
  );
  console.log('| Store | What | Bytes per key |\n| --- | --- | --: |');
  for (const store of STORES) {
    const { bytes } = run(store.name, keys);
    console.log(`| ${store.name} | ${store.description} | ${Math.round(bytes / keys)} |`);
  }
  const flood = run('ours-memory-capped-flood', keys);
  console.log(
    `\nKey flood: ${keys.toLocaleString('en')} distinct keys into \`new MemoryStore({ maxKeys: 100_000 })\`: it holds ${flood.size!.toLocaleString('en')} keys in ${(flood.bytes / 1e6).toFixed(1)} MB (${Math.round(flood.bytes / flood.size!)} bytes per kept key).`,
  );
}

main();
