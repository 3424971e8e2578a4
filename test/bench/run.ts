/**
 * `npm run bench [-- options]`: measures each scenario's variants side by
 * side, in interleaved rounds, and prints a markdown report. See
 * BENCHMARKS.md for the method and `--help` for the options.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, platform, release } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LoadClient, probe, type LoadResult, type Target } from './load.js';
import {
  renderMarkdown,
  type Machine,
  type ResponseShape,
  type RunResult,
  type ScenarioResult,
  type Session,
  type Settings,
  type VariantResult,
} from './report.js';
import type { Scenario, Variant } from './scenario.js';
import { defaultScenarios, loadScenario, scenarioLoaders } from './scenarios/index.js';
import { pinLoadClient, type Pinning } from './cpu-affinity.js';
import { baseCheckout, ensureBuilt } from './library.js';
import { ServerProcess } from './server-process.js';

const MEMORY_SCRIPT = fileURLToPath(new URL('./memory-per-key.ts', import.meta.url));

const USAGE = `Usage: npm run bench -- [options]

  --scenario <name>   Scenario to run; repeatable. Defaults to ${defaultScenarios.join(', ')}.
                      Known: ${Object.keys(scenarioLoaders).join(', ')}.
  --variant <name>    Only this variant; repeatable. Defaults to all.
  --rounds <n>        Rounds; each runs every variant once, order rotated. Defaults to 5.
  --requests <n>      Measured requests per variant per round. Defaults to 12000.
  --slices <n>        Interleaved slices the measured requests of a round are cut into. Defaults to 6.
  --warmup <n>        Warm-up requests per variant per round. Defaults to 2000.
  --concurrency <n>   Requests in flight. Defaults to 8.
  --json <path>       Also write the raw results there.
  --cpu-prof <dir>    Run the servers with --cpu-prof, writing .cpuprofile files there.
  --no-memory         Skip the bytes-per-key measurement that a run of the default scenarios ends with.
  --no-pin            Leave the scheduler free. By default each server has CPU 0 to itself
                      and the load client runs on the others (Linux, with taskset).
  --help              Show this.
`;

interface Cli extends Settings {
  readonly scenarios: readonly string[];
  readonly variants: readonly string[];
  readonly json: string | undefined;
  readonly cpuProf: string | undefined;
  readonly pin: boolean;
  /** Whether to end with the bytes-per-key measurement (memory-per-key.ts). */
  readonly memory: boolean;
}

function positiveInteger(value: string | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new RangeError(
      `\`--${option}\` must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return number;
}

function parseCli(args: string[]): Cli | undefined {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      scenario: { type: 'string', multiple: true },
      variant: { type: 'string', multiple: true },
      rounds: { type: 'string' },
      requests: { type: 'string' },
      slices: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
      json: { type: 'string' },
      'cpu-prof': { type: 'string' },
      'no-pin': { type: 'boolean' },
      'no-memory': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return undefined;
  const requests = positiveInteger(values.requests, 12_000, 'requests');
  const slices = positiveInteger(values.slices, 6, 'slices');
  if (slices > requests) throw new RangeError('`--slices` cannot exceed `--requests`');
  return {
    scenarios: values.scenario ?? defaultScenarios,
    variants: values.variant ?? [],
    rounds: positiveInteger(values.rounds, 5, 'rounds'),
    requests,
    slices,
    warmup: positiveInteger(values.warmup, 2000, 'warmup'),
    concurrency: positiveInteger(values.concurrency, 8, 'concurrency'),
    json: values.json,
    cpuProf: values['cpu-prof'],
    pin: !values['no-pin'],
    memory: values.scenario === undefined && !values['no-memory'],
  };
}

function packageVersion(name: string): string {
  try {
    const require = createRequire(resolve('package.json'));
    const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8'));
    return String(manifest.version);
  } catch {
    return 'unknown';
  }
}

function describeMachine(): Omit<Machine, 'pinning'> {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cpus: availableParallelism(),
    node: process.version,
    express: packageVersion('express'),
    platform: `${platform()} ${release()}`,
    loadAverage: loadavg(),
  };
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function checkStatuses(variant: Variant, load: LoadResult, also: readonly number[] = []): void {
  const unexpected = Object.entries(load.statuses).filter(
    ([status]) => Number(status) !== variant.expectedStatus && !also.includes(Number(status)),
  );
  if (unexpected.length > 0) {
    throw new Error(
      `${variant.name} answered ${unexpected.map(([s, n]) => `${n} × ${s}`).join(', ')}; expected only ${variant.expectedStatus}`,
    );
  }
}

/** A variant's server during one round, with what it has measured so far. */
interface Live {
  readonly variant: Variant;
  readonly server: ServerProcess;
  client?: LoadClient;
  response?: ResponseShape;
  userUs: number;
  systemUs: number;
  elapsedMs: number;
}

/** `total` split into `parts` whole shares that differ by at most one. */
function shares(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  );
}

async function start(live: Live, scenario: Scenario, cli: Cli, probeIt: boolean): Promise<void> {
  const { port } = await live.server.expect('ready');
  const target: Target = { port, ...scenario.request };
  live.client = new LoadClient(target, cli.concurrency);
  checkStatuses(live.variant, await live.client.drive(cli.warmup), live.variant.warmupStatuses);
  // After the warm-up, so that the sample is what the measured requests get (a refusal
  // scenario's first request is allowed).
  if (probeIt) {
    const sample = await probe(target);
    const contentType = sample.headers['content-type'];
    live.response = {
      status: sample.status,
      contentType: Array.isArray(contentType) ? contentType[0] : contentType,
      bodyBytes: Buffer.byteLength(sample.body),
    };
  }
}

/** Measures one slice: the server counts its own CPU time from `start` to `stop`. */
async function measureSlice(live: Live, requests: number): Promise<void> {
  live.server.send({ type: 'start' });
  await live.server.expect('started');
  const load = await (live.client as LoadClient).drive(requests);
  live.server.send({ type: 'stop' });
  const cpu = await live.server.expect('stopped');
  checkStatuses(live.variant, load);
  live.userUs += cpu.userUs;
  live.systemUs += cpu.systemUs;
  live.elapsedMs += load.elapsedMs;
}

/**
 * One round: a fresh server per variant, each warmed up, then the measured
 * requests in slices, taking the variants in turn, so that a slow spell of
 * the machine falls on all of them rather than on one.
 */
async function runRound(
  scenario: Scenario,
  order: readonly Variant[],
  cli: Cli,
  round: number,
  pinning: Pinning | undefined,
): Promise<Map<string, { session: Session; response: ResponseShape | undefined }>> {
  const execArgv = cli.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cli.cpuProf}`] : [];
  const lives: Live[] = order.map((variant) => ({
    variant,
    server: new ServerProcess(scenario.name, variant.name, { execArgv, cpuList: pinning?.server }),
    userUs: 0,
    systemUs: 0,
    elapsedMs: 0,
  }));
  try {
    for (const live of lives) await start(live, scenario, cli, round === 0);
    for (const requests of shares(cli.requests, cli.slices)) {
      for (const live of lives) await measureSlice(live, requests);
    }
  } finally {
    for (const live of lives) live.client?.destroy();
    await Promise.all(lives.map((live) => live.server.close()));
  }
  return new Map(
    lives.map((live, position) => {
      const cpuUs = live.userUs + live.systemUs;
      const session: Session = {
        round,
        position,
        requests: cli.requests,
        userUs: live.userUs,
        systemUs: live.systemUs,
        cpuUs,
        cpuUsPerRequest: cpuUs / cli.requests,
        requestsPerSecond: cli.requests / (live.elapsedMs / 1000),
      };
      return [live.variant.name, { session, response: live.response }];
    }),
  );
}

async function runScenario(
  scenario: Scenario,
  cli: Cli,
  pinning: Pinning | undefined,
): Promise<ScenarioResult> {
  const variants = scenario.variants.filter(
    ({ name }) => cli.variants.length === 0 || cli.variants.includes(name),
  );
  if (variants.length === 0) throw new Error(`No variant of ${scenario.name} matches --variant`);
  const collected = new Map<string, { response?: ResponseShape; sessions: Session[] }>(
    variants.map(({ name }) => [name, { sessions: [] }]),
  );
  const services = await scenario.services?.();
  // The server children inherit the runner's environment.
  const saved = Object.keys(services?.env ?? {}).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, services?.env);
  try {
    for (let round = 0; round < cli.rounds; round += 1) {
      // Rotate the order, so that no variant always goes first or right after another.
      const order = variants.map((_, i) => variants[(i + round) % variants.length] as Variant);
      const measured = await runRound(scenario, order, cli, round, pinning);
      const line: string[] = [];
      for (const [name, { session, response }] of measured) {
        const sofar = collected.get(name);
        sofar?.sessions.push(session);
        if (sofar && response) sofar.response = response;
        line.push(`${name} ${session.cpuUsPerRequest.toFixed(1)}`);
      }
      log(`${scenario.name} round ${round + 1}/${cli.rounds}, µs/req: ${line.join(', ')}`);
    }
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await services?.stop();
  }
  return {
    name: scenario.name,
    description: scenario.description,
    request: scenario.request,
    comparisons: scenario.comparisons,
    variants: variants.map(({ name, description }): VariantResult => ({
      name,
      description,
      response: collected.get(name)?.response,
      sessions: collected.get(name)?.sessions ?? [],
    })),
  };
}

async function main(): Promise<void> {
  let cli: Cli | undefined;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (error) {
    log(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (!cli) {
    process.stdout.write(USAGE);
    return;
  }
  // Measured as users run it (see library.ts), so built first if the build is stale.
  if (ensureBuilt()) log('Built this checkout (its build was older than its sources).');
  if (cli.scenarios.includes('regression') && ensureBuilt(baseCheckout())) {
    log(`Built ${baseCheckout()} (its build was older than its sources).`);
  }
  const scenarios = await Promise.all(cli.scenarios.map(loadScenario));
  if (cli.cpuProf) mkdirSync(cli.cpuProf, { recursive: true });
  // Described before pinning: a pinned process sees only its own CPUs.
  const machine = describeMachine();
  const pinning = cli.pin ? pinLoadClient() : undefined;
  const startedAt = new Date();
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) results.push(await runScenario(scenario, cli, pinning));
  const result: RunResult = {
    startedAt: startedAt.toISOString(),
    durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
    machine: { ...machine, pinning },
    settings: {
      rounds: cli.rounds,
      requests: cli.requests,
      slices: cli.slices,
      warmup: cli.warmup,
      concurrency: cli.concurrency,
    },
    scenarios: results,
  };
  process.stdout.write(`${renderMarkdown(result)}\n`);
  if (cli.json) {
    writeFileSync(cli.json, `${JSON.stringify(result, null, 2)}\n`);
    log(`Wrote ${cli.json}`);
  }
  if (cli.memory) {
    process.stdout.write('\n');
    execFileSync(process.execPath, ['--import', 'tsx', MEMORY_SCRIPT], { stdio: 'inherit' });
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
