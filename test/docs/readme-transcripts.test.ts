/**
 * The README's example-server transcripts are checked against the real
 * server: `examples/server.ts` is started as `npm start` would start it
 * (with the `PUBLIC_URL` it has on the README's port, 3000), each
 * `$ curl …` line of a `console` block runs as written (with the port
 * changed), in README order, and its output must match the block: status
 * line, every header, body. Request ids, timestamps and the hashes in the
 * ETags of bodies that hold them are masked (not the ETags' body lengths); `Date`, `Connection` and `Keep-Alive` are left
 * out, and so are the rate-limit headers unless the block shows them.
 *
 * A block preceded by `<!-- transcript: MAINTENANCE=1 -->` runs against a
 * server started with that variable; one preceded by
 * `<!-- transcript: unchecked, … -->` is skipped, for the reason given there.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  startExampleServer,
  stopExampleServers,
  type ExampleServer,
} from '../examples/example-server.js';
import { sleep } from '../helpers/event-loop.js';

const ROOT = join(__dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const LEFT_OUT = new Set(['date', 'connection', 'keep-alive']);
const RATE_LIMIT = /^(x-rate-limit-|ratelimit)/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIMESTAMP = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g;
// Below the example's 15 requests a second, as someone typing would be.
const PAUSE_MS = 100;

interface Transcript {
  /** Line of the command in README.md, for the failure message. */
  readonly line: number;
  readonly command: string;
  readonly expected: string;
  readonly env: string | undefined;
}

/** Every `$ ` command of the checked `console` blocks, with the output the README shows for it. */
function transcripts(): Transcript[] {
  const lines = README.split('\n');
  const found: Transcript[] = [];
  let marker: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const comment = /^<!-- transcript: (.*) -->$/.exec(lines[i]!);
    if (comment) {
      marker = comment[1];
      continue;
    }
    if (lines[i] !== '```console') {
      if (lines[i]!.trim() !== '') marker = undefined;
      continue;
    }
    const block: { line: number; command: string; output: string[] }[] = [];
    for (i++; lines[i] !== '```'; i++) {
      if (lines[i]!.startsWith('$ '))
        block.push({ line: i + 1, command: lines[i]!.slice(2), output: [] });
      else block.at(-1)?.output.push(lines[i]!);
    }
    if (!marker?.startsWith('unchecked')) {
      for (const { line, command, output } of block) {
        found.push({ line, command, expected: output.join('\n').trim(), env: marker });
      }
    }
    marker = undefined;
  }
  return found;
}

interface Response {
  readonly statusLine: string;
  readonly headers: readonly string[];
  readonly body: string;
}

/**
 * The responses a command printed, one per `curl -i` (each starts with its
 * status line on a line of its own), parsed.
 */
function parseAll(text: string, keepRateLimit: boolean): Response[] {
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n(?=HTTP\/[\d.]+ \d{3} )/)
    .map((response) => parse(response, keepRateLimit));
}

/** An HTTP/1.1 response as `curl -i` prints it, masked, less the headers left out. */
function parse(text: string, keepRateLimit: boolean): Response {
  const [head = '', ...rest] = text.replace(/\r\n/g, '\n').trim().split('\n\n');
  const [statusLine = '', ...fields] = head.split('\n');
  const rawBody = rest.join('\n\n');
  const body = rawBody.replace(UUID, '<uuid>').replace(TIMESTAMP, '<time>');
  const masked = body !== rawBody;
  const headers = fields
    .filter((field) => {
      const name = field.slice(0, field.indexOf(':')).toLowerCase();
      return !LEFT_OUT.has(name) && (keepRateLimit || !RATE_LIMIT.test(name));
    })
    .map((field) => {
      const value = field.replace(UUID, '<uuid>');
      // Express's ETag is W/"<body length in hex>-<hash>": the length is still checked.
      return masked && /^etag:/i.test(value)
        ? value.replace(/-[^"-]+"$/, '-<masked with the body>"')
        : value;
    });
  return { statusLine, headers, body };
}

function run(command: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['-c', command.replaceAll('localhost:3000', `127.0.0.1:${port}`)],
      { cwd: ROOT, timeout: 20_000 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}

describe('README transcripts of the example server', () => {
  const all = transcripts();
  const servers = new Map<string, ExampleServer>();

  beforeAll(async () => {
    for (const env of new Set(all.map((t) => t.env ?? ''))) {
      const vars = Object.fromEntries(
        env === '' ? [] : env.split(' ').map((pair) => pair.split('=') as [string, string]),
      );
      // On the README's port, 3000, problem types would link there.
      servers.set(
        env,
        await startExampleServer({
          PUBLIC_URL: 'http://localhost:3000',
          // Room for the concurrent sign-up's second request to come while the first runs.
          WELCOME_DELAY_MS: '2000',
          ...vars,
        }),
      );
    }
  }, 60_000);

  afterAll(() => {
    stopExampleServers();
  });

  it('finds the transcripts', () => {
    expect(all.length).toBeGreaterThanOrEqual(20);
  });

  it('match what the server sends, command by command, in README order', async () => {
    const actual: unknown[] = [];
    const expected: unknown[] = [];
    for (const transcript of all) {
      const { port } = servers.get(transcript.env ?? '')!;
      const keepRateLimit = /^(x-rate-limit-|ratelimit)/im.test(transcript.expected);
      const where = `README.md:${transcript.line}: ${transcript.command}`;
      const output = await run(transcript.command, port);
      actual.push({ where, responses: parseAll(output, keepRateLimit) });
      expected.push({ where, responses: parseAll(transcript.expected, keepRateLimit) });
      await sleep(PAUSE_MS);
    }
    // All at once, so that one failure shows every drift.
    expect(actual).toEqual(expected);
  }, 120_000);
});
