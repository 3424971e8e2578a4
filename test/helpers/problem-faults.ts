/**
 * The checks every reply of the property tests of `errorHandler` must pass:
 * a well-formed RFC 9457 problem that leaks neither stacks nor secrets.
 */
import { STATUS_CODES } from 'node:http';
import { FIELD_VALUE, TOKEN, type Expected } from './expected-answer.js';
import type { Reply } from './throw-server.js';

const CODE = /^[A-Z][A-Z0-9_]*$/;
const STACK_LINE = /\n\s+at /;
// Framing headers a foreign error must not impose on the problem body.
const FRAMING_HEADERS = new Set(['transfer-encoding', 'trailer', 'content-encoding']);
// Headers the handler writes or controls itself: an error's own are dropped.
const HANDLER_HEADERS = new Set([
  'connection',
  'content-encoding',
  'content-length',
  'content-range',
  'content-type',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'x-content-type-options',
  'x-request-id',
  'x-status-sub-code',
]);

function allStrings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) allStrings(item, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      into.push(key);
      allStrings(item, into);
    }
  }
  return into;
}

/**
 * What is wrong with a reply, as sentences; empty when it is a well-formed
 * problem. (Plain checks gathered into one `expect`: thousands of runs of
 * dozens of `expect` calls each would dominate the run time.)
 */
export function problemFaults(
  reply: Reply,
  path: string,
  expected: Expected,
  contentType = 'application/problem+json',
): string[] {
  const faults: string[] = [];
  const check = (ok: boolean, fault: string) => {
    if (!ok) faults.push(fault);
  };
  const { status, reason, headers, rawHeaders, body } = reply;
  check(
    Number.isInteger(status) && status >= 400 && status <= 599,
    `status ${status} is not 4xx/5xx`,
  );
  check(status === expected.status, `status ${status}, expected ${expected.status}`);
  // RFC 9112 §4: the phrase of the status sent (Node's `unknown` for a status it has none for).
  const phrase = STATUS_CODES[status] ?? 'unknown';
  check(reason === phrase, `reason phrase ${JSON.stringify(reason)} for ${status}`);

  // Every header is a token name with a valid value; no secret, no stack.
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    const value = rawHeaders[index + 1] as string;
    check(TOKEN.test(name), `header name ${JSON.stringify(name)} is not a token`);
    check(FIELD_VALUE.test(value), `header ${name} has an invalid value ${JSON.stringify(value)}`);
    check(!/[\r\n]/.test(value), `header ${name} holds CR or LF`);
    check(!/SECRET-|CREDENTIAL-/.test(value), `header ${name} leaks a secret: ${value}`);
    check(!STACK_LINE.test(value), `header ${name} holds a stack trace`);
    check(!/SECRET-|injected/i.test(name), `header ${name} was injected`);
  }
  check(headers['content-type'] === contentType, `content-type is ${headers['content-type']}`);
  check(headers['x-content-type-options'] === 'nosniff', 'x-content-type-options is not nosniff');
  check(
    headers['content-length'] === String(body.length),
    `content-length ${headers['content-length']} for a body of ${body.length} bytes`,
  );
  for (const name of FRAMING_HEADERS) {
    check(headers[name] === undefined, `framing header ${name}: ${String(headers[name])}`);
  }

  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return [...faults, `the body is not JSON: ${body.toString('utf8').slice(0, 200)}`];
  }
  check(typeof problem.type === 'string', 'type is not a string');
  check(typeof problem.title === 'string', 'title is not a string');
  check(problem.status === status, `body status ${String(problem.status)} ≠ HTTP ${status}`);
  check(typeof problem.detail === 'string', 'detail is not a string');
  check(problem.instance === path, `instance ${String(problem.instance)} ≠ ${path}`);
  check(
    typeof problem.code === 'string' && CODE.test(problem.code),
    `code ${String(problem.code)}`,
  );
  check(problem.requestId === headers['x-request-id'], 'requestId ≠ x-request-id');
  if (expected.detail !== undefined) {
    check(
      problem.detail === expected.detail,
      `detail ${String(problem.detail)} ≠ ${expected.detail}`,
    );
  }

  // Past the detail the value was allowed to show, nothing of it leaks.
  const shown = { ...problem, detail: expected.detail === undefined ? problem.detail : '' };
  for (const member of allStrings(shown)) {
    check(!STACK_LINE.test(member), `the body holds a stack trace: ${member}`);
    check(!/SECRET-|CREDENTIAL-|plantedFrame/.test(member), `the body leaks a secret: ${member}`);
    // The generated values are made in test/handler's property tests and test/helpers' generators.
    check(
      !/node_modules|test[\\/](handler|helpers)[\\/]/.test(member),
      `the body names a source file: ${member}`,
    );
  }

  // The value's own valid headers are sent, bar those the handler writes itself.
  // Values beyond ASCII (obs-text) are only checked for presence: Node encodes
  // them as UTF-8 or Latin-1 depending on whether the body goes in the same write.
  for (const [name, value] of expected.headers) {
    if (HANDLER_HEADERS.has(name) || name === 'set-cookie') continue;
    const sent = headers[name];
    if (/^[\t\x20-\x7e]*$/.test(value)) {
      const trimmed = value.replace(/^[\t ]+|[\t ]+$/g, '');
      check(sent === trimmed, `header ${name} is ${String(sent)}, expected ${trimmed}`);
    } else {
      check(sent !== undefined, `header ${name} was not sent`);
    }
  }
  // A foreign value's fields that act on the client or describe another message are not:
  // not even Date, which Node writes for the answer itself.
  for (const [name, value] of expected.withheld ?? []) {
    if (name === 'date') {
      check(headers.date !== value.trim(), `the value's Date was sent: ${value}`);
    } else if (!HANDLER_HEADERS.has(name)) {
      check(headers[name] === undefined, `header ${name} was passed on: ${String(headers[name])}`);
    }
  }
  return faults;
}

export function expectWellFormedProblem(
  reply: Reply,
  path: string,
  expected: Expected,
  contentType?: string,
): void {
  expect(problemFaults(reply, path, expected, contentType)).toEqual([]);
}
