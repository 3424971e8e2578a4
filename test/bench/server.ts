/**
 * A server child: `server.ts <scenario> <variant>`, forked by the runner with
 * an IPC channel. It builds the variant's app, listens on a free loopback
 * port, reports `ready`, and measures its own CPU time between `start` and
 * `stop`, so that the load client's work is never counted.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command, Report } from './protocol.js';
import { loadScenario } from './scenarios/index.js';

function send(report: Report): void {
  process.send?.(report);
}

function fail(error: unknown): never {
  send({
    type: 'failed',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exit(1);
}

async function listen(): Promise<Server> {
  // tsx turns source maps on, which makes every read of `err.stack` several
  // times dearer than in a compiled app run by plain `node`: measure the latter.
  process.setSourceMapsEnabled(false);
  const [scenarioName, variantName] = process.argv.slice(2);
  if (!process.send) throw new Error('server.ts must be forked with an IPC channel');
  if (scenarioName === undefined || variantName === undefined) {
    throw new Error('usage: server.ts <scenario> <variant>');
  }
  const scenario = await loadScenario(scenarioName);
  const variant = scenario.variants.find(({ name }) => name === variantName);
  if (!variant) throw new Error(`Scenario ${scenarioName} has no variant ${variantName}`);
  const server = createServer(await variant.createApp());
  // The runner's connections wait idle while the other variants are measured: keep them open.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return server;
}

function serve(server: Server): void {
  let cpuMark: NodeJS.CpuUsage | undefined;
  let wallMark = 0;
  process.on('message', (command: Command) => {
    switch (command.type) {
      case 'start':
        wallMark = performance.now();
        cpuMark = process.cpuUsage();
        send({ type: 'started' });
        break;
      case 'stop': {
        const { user, system } = process.cpuUsage(cpuMark);
        send({
          type: 'stopped',
          userUs: user,
          systemUs: system,
          wallMs: performance.now() - wallMark,
        });
        break;
      }
      case 'close':
        server.closeAllConnections();
        server.close(() => process.exit(0));
        break;
    }
  });
  // If the runner dies, do not linger.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port: (server.address() as AddressInfo).port });
}

process.on('uncaughtException', fail);
listen().then(serve, fail);
