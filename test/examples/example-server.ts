import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const ROOT = join(__dirname, '../..');

/** The `start` script of package.json, which `npm start` runs. */
export const START_SCRIPT = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
).scripts.start;

export interface ExampleServer {
  /** The port it listens on, which it chose itself (PORT=0) and printed; 0 until then. */
  readonly port: number;
  /** `sh`, or what the start script `exec`s, as npm sees it. */
  readonly process: ChildProcess;
  /** Resolves once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it printed so far, stdout and stderr. */
  output(): string;
  /** Kills whatever is left of it, the processes its shell started included. */
  kill(): void;
}

/** Every server started and not yet stopped, killed by `stopExampleServers`. */
const running = new Set<ExampleServer>();

/** How long a server may take to listen (tsx compiles the example first) before it is killed. */
const START_TIMEOUT_MS = 20_000;

/**
 * Kills every example server still running, including one whose start a
 * test gave up on (mount in `afterEach` or `afterAll`).
 */
export function stopExampleServers(): void {
  for (const server of running) server.kill();
  running.clear();
}

/**
 * Starts `examples/server.ts` on a free port as `npm start` does (the start
 * script run by `sh -c`, with `node_modules/.bin` on the PATH), or with
 * `npm start` itself, and resolves once it listens; it is killed and the
 * promise rejected if it does not listen within START_TIMEOUT_MS. A
 * variable set to `undefined` in `env` is removed; `REDIS_URL` is empty
 * unless given.
 */
export async function startExampleServer(
  env: Record<string, string | undefined> = {},
  { viaNpm = false } = {},
): Promise<ExampleServer> {
  const vars: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(ROOT, 'node_modules/.bin')}${delimiter}${process.env.PATH ?? ''}`,
    REDIS_URL: '',
    ...env,
    // A port the server picks and prints, so that none is taken meanwhile by another process.
    PORT: '0',
  };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete vars[name];
  const [command, args] = viaNpm ? ['npm', ['start']] : ['sh', ['-c', START_SCRIPT]];
  // A process group of its own, so that kill() reaches processes left behind by a shell that died.
  const child = spawn(command, args, {
    cwd: ROOT,
    env: vars,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let port = 0;
  const server: ExampleServer = {
    get port() {
      return port;
    },
    process: child,
    exited,
    output: () => output,
    kill: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
  // Known before it listens, so that a test that times out meanwhile still stops it.
  running.add(server);
  void exited.then(() => running.delete(server));
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => {
        const listening = /listening on http:\/\/localhost:(\d+)/.exec(output);
        if (listening) {
          port = Number(listening[1]);
          resolve();
        }
      });
      void exited.then(({ code }) =>
        reject(new Error(`the example server exited (${code}): ${output}`)),
      );
      timer = setTimeout(
        () => reject(new Error(`the example server did not listen within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
    });
  } catch (error) {
    server.kill();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return server;
}
