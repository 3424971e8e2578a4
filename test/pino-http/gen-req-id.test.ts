/**
 * `genReqId` with real pino-http: the request id a client sends is the one in
 * the response header, the problem body and every log line.
 */
import { pinoHttp } from 'pino-http';
import request from 'supertest';
import { NotFoundError, genReqId } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function appWithGenReqId() {
  const logs = captureLogs();
  const app = createApp(
    (a) => {
      a.get('/throw', (_req, _res, next) => {
        next(new NotFoundError('No such order.'));
      });
      a.get('/ok', (req, res) => {
        req.log.info('handled');
        res.json({ ok: true });
      });
    },
    {},
    [pinoHttp({ logger: logs.logger, genReqId })],
  );
  return { app, lines: logs.lines };
}

/** The request id of each line: pino-http binds the request, the handler adds `requestId`. */
function idsOf(lines: Record<string, unknown>[]): unknown[] {
  return lines.flatMap((line) => [
    (line.req as { id?: unknown } | undefined)?.id,
    ...('requestId' in line ? [line.requestId] : []),
  ]);
}

describe('genReqId', () => {
  it('keeps the client’s X-Request-Id in the response header, the body and every log line', async () => {
    const { app, lines } = appWithGenReqId();
    const res = await request(app).get('/throw').set('X-Request-Id', 'client-abc').expect(404);
    await flushed();

    expect(res.headers['x-request-id']).toBe('client-abc');
    expect(JSON.parse(res.text).requestId).toBe('client-abc');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(new Set(idsOf(lines))).toEqual(new Set(['client-abc']));
  });

  it('sets the client’s id on a response that succeeds, and on its lines', async () => {
    const { app, lines } = appWithGenReqId();
    const res = await request(app).get('/ok').set('X-Request-Id', 'client-abc').expect(200);
    await flushed();

    expect(res.headers['x-request-id']).toBe('client-abc');
    expect(lines.length).toBe(2);
    expect(new Set(idsOf(lines))).toEqual(new Set(['client-abc']));
  });

  it.each([
    ['absent', undefined],
    ['with a space', 'client abc'],
    ['over 200 characters', 'x'.repeat(201)],
    ['not ASCII', 'clïent'],
  ])('makes a UUID for an id that is %s, the same everywhere', async (_case, sent) => {
    const { app, lines } = appWithGenReqId();
    const get = request(app).get('/throw');
    const res = await (sent === undefined ? get : get.set('X-Request-Id', sent)).expect(404);
    await flushed();

    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(UUID);
    expect(JSON.parse(res.text).requestId).toBe(id);
    expect(new Set(idsOf(lines))).toEqual(new Set([id]));
  });

  it('makes a new UUID for each request', async () => {
    const { app } = appWithGenReqId();
    const first = await request(app).get('/ok');
    const second = await request(app).get('/ok');
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it('keeps an id another middleware already set on the response', async () => {
    const logs = captureLogs();
    const app = createApp(
      (a) =>
        a.get('/throw', (_req, _res, next) => {
          next(new NotFoundError());
        }),
      {},
      [
        (_req, res, next) => {
          res.setHeader('X-Request-Id', 'edge-1');
          next();
        },
        pinoHttp({ logger: logs.logger, genReqId }),
      ],
    );
    const res = await request(app).get('/throw').set('X-Request-Id', 'client-abc');
    await flushed();

    expect(res.headers['x-request-id']).toBe('edge-1');
    expect(JSON.parse(res.text).requestId).toBe('edge-1');
    expect(new Set(idsOf(logs.lines))).toEqual(new Set(['edge-1']));
  });
});
