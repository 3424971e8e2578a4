/**
 * Every field the handler logs is bounded, whatever was thrown: a line
 * never grows with the size of a message, a stack, a cause chain or a URL.
 */
import request from 'supertest';
import { BadRequestError, InternalServerError } from '../../src/index.js';
import { MAX_LOG_LINE } from '../../src/logging/log-bounds.js';
import { appThrowing } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';

const MB = 1_000_000;
const huge = (label: string) => `${label} ${'x'.repeat(MB)}`;

/** An error whose name, message and code are 1 MB each, with `depth` such causes below it. */
function hugeError(depth: number): Error {
  const cause = depth === 0 ? undefined : hugeError(depth - 1);
  const error = new Error(huge(`level ${depth}`), { cause });
  return Object.assign(error, { name: huge('Name'), code: huge('CODE') });
}

describe('log line bounds', () => {
  it('keeps the line of a 1 MB message with four 1 MB causes under MAX_LOG_LINE', async () => {
    const { logger, raw } = captureLogs();
    await request(appThrowing(() => hugeError(4), { logger }))
      .get(`/throw?q=${'y'.repeat(12_000)}`)
      .expect(500);
    await flushed();

    expect(raw).toHaveLength(1);
    expect(raw[0]!.length).toBeLessThan(MAX_LOG_LINE);
  });

  it('keeps the line of a 1 MB ApiError detail over four causes under MAX_LOG_LINE', async () => {
    const { logger, raw } = captureLogs();
    const error = new InternalServerError(huge('detail'), { cause: hugeError(3) });
    await request(appThrowing(() => error, { logger }))
      .get('/throw')
      .expect(500);
    await flushed();

    expect(raw).toHaveLength(1);
    expect(raw[0]!.length).toBeLessThan(MAX_LOG_LINE);
  });

  it('keeps the line of a 400 that dropped a thousand 1 MB-named members under MAX_LOG_LINE', async () => {
    const { logger, raw } = captureLogs();
    const extensions = Object.fromEntries(
      Array.from({ length: 1000 }, (_, index) => [`${index}${'m'.repeat(MB / 1000)}`, 10n]),
    );
    extensions[huge('member')] = 10n;
    await request(appThrowing(() => new BadRequestError('bad', { extensions }), { logger }))
      .get('/throw')
      .expect(400);
    await flushed();

    expect(raw).toHaveLength(1);
    expect(raw[0]!.length).toBeLessThan(MAX_LOG_LINE);
  });

  it('cuts the stack of a long message at the message, keeping the frames below it', async () => {
    const { logger, lines } = captureLogs();
    await request(appThrowing(() => new Error(huge('long')), { logger })).get('/throw');
    await flushed();

    const { stack } = lines[0]!.err as { stack: string };
    expect(stack).toMatch(/^Error: long x{1995}…\n {4}at /);
  });
});
