import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import {
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
  errorHandler,
  type ErrorHandlerOptions,
} from '../../src/index.js';
import { markRefusal } from '../../src/errors/refusal.js';
import { abandonMidBody } from '../helpers/raw-http.js';
import { serve } from '../helpers/server.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => {
  // The global tracer provider and the AsyncLocalStorage context manager, as an app's SDK set-up does.
  provider.register();
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

/**
 * An app whose requests each run in a server span, as HTTP instrumentation
 * would make them, ended when the response closes (complete or cut short);
 * `GET /throw` runs `route`, by default one that throws what `makeError` makes.
 */
async function tracedApp(
  makeError: () => Error,
  handlerOptions: ErrorHandlerOptions = {},
  route: RequestHandler = () => {
    throw makeError();
  },
) {
  const tracer = trace.getTracer('test');
  const app = express();
  app.use((_req, res, next) => {
    tracer.startActiveSpan('GET /throw', (span) => {
      res.on('close', () => span.end());
      next();
    });
  });
  app.get('/throw', route);
  app.use(errorHandler({ logger: false, ...handlerOptions }));
  // @opentelemetry/api is loaded by errorHandler() once, asynchronously.
  await nextTurn();
  await nextTurn();
  return app;
}

async function spanOf(makeError: () => Error): Promise<ReadableSpan> {
  await request(await tracedApp(makeError)).get('/throw');
  const spans = exporter.getFinishedSpans();
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

describe('errorHandler and the active OpenTelemetry span', () => {
  it('marks a 5xx as an error, with error.type the catalog name and the status', async () => {
    const span = await spanOf(() => new Error('db down'));
    expect(span.attributes).toEqual({
      'http.response.status_code': 500,
      'express_api_errors.code': 'INTERNAL_SERVER_ERROR',
      'error.type': 'INTERNAL_SERVER_ERROR',
    });
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR });
  });

  it('tells the span of the 500 the handler fell back to, not of the 404 it meant', async () => {
    const app = await tracedApp(() => new NotFoundError('No user 7'), {
      problemType: () => {
        throw new Error('broken');
      },
    });
    expect((await request(app).get('/throw')).status).toBe(500);
    const [span] = exporter.getFinishedSpans();
    expect(span!.attributes).toEqual({
      'http.response.status_code': 500,
      'express_api_errors.code': 'INTERNAL_SERVER_ERROR',
      'error.type': 'INTERNAL_SERVER_ERROR',
    });
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR });
  });

  it('marks the span of a response cut short as failed, under the status that went out', async () => {
    const error = new NotFoundError('No user 7');
    const app = await tracedApp(
      () => error,
      {},
      (_req, res, next) => {
        res.writeHead(200);
        res.write('partial');
        next(error);
      },
    );
    await request(app)
      .get('/throw')
      .catch(() => undefined);
    await nextTurn();
    const [span] = exporter.getFinishedSpans();
    expect(span!.attributes).toEqual({
      'http.response.status_code': 200,
      'express_api_errors.code': 'NOT_FOUND',
      'error.type': 'NOT_FOUND',
    });
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR });
  });

  it('leaves a 4xx span unmarked, as the HTTP conventions say for servers, with its code and sub-code', async () => {
    const span = await spanOf(() => new NotFoundError('No user 7', { subCode: '404.1' }));
    expect(span.attributes).toEqual({
      'http.response.status_code': 404,
      'express_api_errors.code': 'USER_NOT_FOUND',
      'express_api_errors.sub_code': '404.1',
    });
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
  });

  it('says when the error is a refusal', async () => {
    const span = await spanOf(() => markRefusal(new TooManyRequestsError()));
    expect(span.attributes).toMatchObject({
      'http.response.status_code': 429,
      'express_api_errors.code': 'TOO_MANY_REQUESTS',
      'express_api_errors.refusal': true,
    });
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
  });

  it('records no status for a client that had gone before the answer could be written', async () => {
    const app = await tracedApp(() => new Error('unused'), {}, express.json());
    const server = await serve(app);
    try {
      await abandonMidBody(server.server, '/throw', 'GET');
      while (exporter.getFinishedSpans().length === 0) await sleep(5);
    } finally {
      await server.close();
    }
    const [span] = exporter.getFinishedSpans();
    expect(span!.attributes).toEqual({
      'express_api_errors.client_gone': true,
      'express_api_errors.code': 'BAD_REQUEST',
    });
    expect(span!.status).toEqual({ code: SpanStatusCode.UNSET });
  });

  it('names a 5xx of the catalog by its own name', async () => {
    const span = await spanOf(() => new ServiceUnavailableError('Down for maintenance'));
    expect(span.attributes['error.type']).toBe('SERVICE_UNAVAILABLE');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR });
  });
});
