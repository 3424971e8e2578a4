import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';

/**
 * Runs once before the suites: finds out whether Redis answers at
 * REDIS_URL (default redis://127.0.0.1:6379) and tells the Redis suites
 * through REDIS_AVAILABLE. Without Redis they skip, saying so, unless
 * REQUIRE_REDIS is set (as in .ci/run), which makes a missing Redis a failure.
 * Then the same for the Redis Cluster suites, which need `redis-server` itself.
 */
export default async function redisGlobalSetup(): Promise<void> {
  clusterSetup();
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  process.env.REDIS_URL = url.toString();
  const answers = await ping(url.hostname, Number(url.port || 6379));
  process.env.REDIS_AVAILABLE = answers ? '1' : '0';
  if (answers) return;
  const message = `Redis does not answer at ${url.toString()}`;
  if (process.env.REQUIRE_REDIS) {
    throw new Error(
      `${message}, and REQUIRE_REDIS is set: start Redis (redis-server --daemonize yes --port 6379 --save '' --appendonly no).`,
    );
  }
  console.warn(
    `\n${message}: the Redis suites are SKIPPED. Set REDIS_URL, or start Redis, to run them.\n`,
  );
}

/**
 * The Redis Cluster suites start their own cluster of redis-server
 * processes: tells them through REDIS_CLUSTER_AVAILABLE whether
 * `redis-server` and `redis-cli` are installed. Without, they skip, saying
 * so, except in CI (CI=true) or with REQUIRE_REDIS, where it is a failure.
 */
function clusterSetup(): void {
  const present = ['redis-server', 'redis-cli'].every(
    (tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0,
  );
  process.env.REDIS_CLUSTER_AVAILABLE = present ? '1' : '0';
  if (present) return;
  const message = '`redis-server` or `redis-cli` is not installed';
  if (process.env.CI === 'true' || process.env.REQUIRE_REDIS) {
    throw new Error(
      `${message}, and CI or REQUIRE_REDIS is set: the Redis Cluster suites must run (apt-get install redis-server).`,
    );
  }
  console.warn(
    `\n${message}: the Redis Cluster suites are SKIPPED. Install redis-server (with redis-cli) to run them.\n`,
  );
}

function ping(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
