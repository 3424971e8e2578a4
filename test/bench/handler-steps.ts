/**
 * `npx tsx test/bench/handler-steps.ts [case]`: the JavaScript cost of each
 * step of our error handler, beside what Express's default handler and a
 * hand-written one do instead, in one process and without sockets (a
 * response is answered into memory). It shows where the handler's own time
 * goes; `npm run bench` shows what a server pays in all. Cases share the
 * process, so JIT state carries over: give a case's name to run it alone.
 */
import { openSync, writeSync } from 'node:fs';
import { Console } from 'node:console';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import type { Request, Response } from 'express';
import createError from 'http-errors';
import { pino } from 'pino';
import { ensureBuilt, loadBuild, loadBuildModule } from './library.js';

// Measured from the build, as users run it (see library.ts).
ensureBuilt();
const { NotFoundError, errorHandler } = loadBuild();
const { logError } =
  loadBuildModule<typeof import('../../src/handler/log-error.js')>('handler/log-error.js');
const { parseOptions } =
  loadBuildModule<typeof import('../../src/handler/options.js')>('handler/options.js');
const { buildProblem, findEntry } =
  loadBuildModule<typeof import('../../src/handler/problem.js')>('handler/problem.js');
const { resolveRequestId } =
  loadBuildModule<typeof import('../../src/handler/request-id.js')>('handler/request-id.js');
const { sendProblem } =
  loadBuildModule<typeof import('../../src/handler/send-problem.js')>('handler/send-problem.js');
const { summarizeError } = loadBuildModule<typeof import('../../src/logging/summarize-error.js')>(
  'logging/summarize-error.js',
);
const { toApiError } =
  loadBuildModule<typeof import('../../src/handler/to-api-error.js')>('handler/to-api-error.js');

const CALLS = 10_000;
const RUNS = 7;
const MESSAGE = 'Item 42 does not exist.';
const REQUEST_ID = 'd1deab86-9241-4d2e-b2f2-5de3de3bcf4e';

/** A finished GET /items/42 and its response, as Express hands them to an error handler. */
function exchange(): { req: Request; res: Response } {
  const req = new IncomingMessage(new Socket());
  Object.assign(req, { method: 'GET', url: '/items/42', originalUrl: '/items/42' });
  req.headers = { host: '127.0.0.1' };
  // Fully read, as a GET is when it reaches the error handler.
  req.complete = true;
  Object.defineProperty(req, 'readable', { value: false });
  const res = new ServerResponse(req);
  return { req: req as unknown as Request, res: res as unknown as Response };
}

/**
 * Median and minimum CPU µs per call over `RUNS` runs of `CALLS` calls, after
 * a warm-up. Each run ends with a turn of the event loop, so that any work a
 * case defers is counted.
 */
async function measure(run: () => unknown): Promise<{ median: number; min: number }> {
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < CALLS / 2; i += 1) run();
  await turn();
  const perCall: number[] = [];
  for (let r = 0; r < RUNS; r += 1) {
    const before = process.cpuUsage();
    for (let i = 0; i < CALLS; i += 1) run();
    await turn();
    const { user, system } = process.cpuUsage(before);
    perCall.push((user + system) / CALLS);
  }
  perCall.sort((a, b) => a - b);
  return { median: perCall[Math.floor(RUNS / 2)] as number, min: perCall[0] as number };
}

// Loggers pay a write(2) to /dev/null per line, as in `npm run bench`.
const devNull = openSync('/dev/null', 'w');
const devNullConsole = new Console({
  stdout: new Writable({ write: (chunk, _encoding, done) => done(void writeSync(devNull, chunk)) }),
});
const devNullLogger = () => pino(pino.destination('/dev/null'));
const config = parseOptions({ logger: devNullLogger() });
const ours = errorHandler({ logger: devNullLogger() });
const oursSilent = errorHandler({ logger: false });
const handWrittenLogger = devNullLogger();
const noop = () => {};

const problemOf = (error: InstanceType<typeof NotFoundError>) =>
  buildProblem(error, findEntry(error, config), config, {
    instance: '/items/42',
    requestId: REQUEST_ID,
    thrown: error,
  });

const cases: Record<string, () => unknown> = {
  'baseline: a fresh req/res pair': () => exchange(),
  // Making the error.
  'new NotFoundError(message)': () => new NotFoundError(MESSAGE),
  'createError(404, message)': () => createError(404, MESSAGE),
  'new NotFoundError(message).stack (first read formats it)': () =>
    new NotFoundError(MESSAGE).stack,
  // Our handler, whole, called directly (no router), with a new NotFoundError.
  'ours: errorHandler, pino to /dev/null': () => {
    const { req, res } = exchange();
    ours(new NotFoundError(MESSAGE), req, res, noop);
  },
  'ours: errorHandler, logger: false': () => {
    const { req, res } = exchange();
    oursSilent(new NotFoundError(MESSAGE), req, res, noop);
  },
  // Its steps, each with a new NotFoundError.
  'step: toApiError + findEntry': () =>
    findEntry(toApiError(new NotFoundError(MESSAGE), config), config),
  'step: resolveRequestId (randomUUID; with a req/res pair)': () => {
    const { req, res } = exchange();
    return resolveRequestId(req, res, 'X-Request-Id', 'x-request-id');
  },
  'step: summarizeError (reads the stack)': () => summarizeError(new NotFoundError(MESSAGE)),
  'step: logError (summarizeError + pino line; with a req)': () => {
    const { req } = exchange();
    const error = new NotFoundError(MESSAGE);
    logError(req, error, config, {
      status: 404,
      code: 'NOT_FOUND',
      requestId: REQUEST_ID,
      thrown: error,
    });
  },
  'step: buildProblem': () => problemOf(new NotFoundError(MESSAGE)),
  'step: buildProblem + sendProblem (with a req/res pair)': () => {
    const { req, res } = exchange();
    sendProblem(req, res, problemOf(new NotFoundError(MESSAGE)), { 'X-Request-Id': REQUEST_ID });
  },
  // What the other error paths of `npm run bench` do instead, with a new createError(404).
  'express-default log: console.error(err) to /dev/null': () =>
    devNullConsole.error(createError(404, MESSAGE)),
  'express-default log: util.inspect(err) alone': () => inspect(createError(404, MESSAGE)),
  'hand-written log: pino line with { err } (std serializer)': () => {
    const { req } = exchange();
    const err = createError(404, MESSAGE);
    handWrittenLogger.warn(
      { err, method: req.method, url: req.originalUrl, status: 404 },
      'failed',
    );
  },
};

async function main(): Promise<void> {
  // As in the server children: no source-mapped stack traces (see server.ts).
  process.setSourceMapsEnabled(false);
  process.stdout.write('| Case | CPU µs/call (median) | min |\n| --- | --: | --: |\n');
  const only = process.argv[2];
  for (const [name, run] of Object.entries(cases)) {
    if (only !== undefined && name !== only) continue;
    const { median, min } = await measure(run);
    process.stdout.write(`| ${name} | ${median.toFixed(2)} | ${min.toFixed(2)} |\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
