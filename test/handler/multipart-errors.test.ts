import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import request from 'supertest';
import { BadRequestError, type ErrorHandlerOptions } from '../../src/index.js';
import { appThrowing, createApp } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { expectedProblem, problemOf } from '../helpers/problem.js';
import { serve } from '../helpers/server.js';
import { sleep } from '../helpers/event-loop.js';

// Real uploads through the real multer (and so busboy), answered by errorHandler.

const SECRET = 'sk_live_4242';
const BOUNDARY = 'form-boundary';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
const FILE = Buffer.from('12345');

/**
 * An app whose `POST /upload` runs `upload`, then answers 200; the code of
 * each error on its way to errorHandler is kept in `codes`, so that a test
 * shows which of multer's errors its request caused.
 */
function uploadApp(upload: RequestHandler, options: ErrorHandlerOptions = { logger: false }) {
  const codes: unknown[] = [];
  const app = createApp((a) => {
    a.post('/upload', upload, (_req, res) => {
      res.json({ uploaded: true });
    });
    a.use((error: { code?: unknown }, _req: Request, _res: Response, next: NextFunction) => {
      codes.push(error.code);
      next(error);
    });
  }, options);
  return { app, codes };
}

/** A multipart part, written by hand: supertest cannot write a malformed one. */
function part(headers: string, content: string): string {
  return `--${BOUNDARY}\r\n${headers}\r\n\r\n${content}\r\n`;
}
const END = `--${BOUNDARY}--\r\n`;

describe('errorHandler: multer’s errors, from real uploads', () => {
  const memory = multer.memoryStorage();
  it.each<
    [
      label: string,
      code: string,
      upload: RequestHandler,
      send: (test: request.Test) => request.Test,
      status: 400 | 413,
      detail: string,
    ]
  >([
    [
      'a file over limits.fileSize',
      'LIMIT_FILE_SIZE',
      multer({ storage: memory, limits: { fileSize: 4 } }).single('avatar'),
      (test) => test.attach('avatar', FILE, 'a.png'),
      413,
      'An uploaded file is larger than the limit.',
    ],
    [
      'more files than limits.files',
      'LIMIT_FILE_COUNT',
      multer({ storage: memory, limits: { files: 1 } }).array('photos'),
      (test) => test.attach('photos', FILE, '1.png').attach('photos', FILE, '2.png'),
      413,
      'The multipart body has more files than the limit.',
    ],
    [
      'more parts than limits.parts',
      'LIMIT_PART_COUNT',
      multer({ storage: memory, limits: { parts: 1 } }).none(),
      (test) => test.field('a', '1').field('b', '2'),
      413,
      'The multipart body has more parts than the limit.',
    ],
    [
      'more fields than limits.fields',
      'LIMIT_FIELD_COUNT',
      multer({ storage: memory, limits: { fields: 1 } }).none(),
      (test) => test.field('a', '1').field('b', '2'),
      413,
      'The multipart body has more fields than the limit.',
    ],
    [
      'a field name over limits.fieldNameSize',
      'LIMIT_FIELD_KEY',
      multer({ storage: memory, limits: { fieldNameSize: 4 } }).none(),
      (test) => test.field('longer', '1'),
      413,
      'A field name in the multipart body is longer than the limit.',
    ],
    [
      'a field value over limits.fieldSize',
      'LIMIT_FIELD_VALUE',
      multer({ storage: memory, limits: { fieldSize: 4 } }).none(),
      (test) => test.field('a', '12345'),
      413,
      'A field value in the multipart body is longer than the limit.',
    ],
    [
      'a file in a field that takes none',
      'LIMIT_UNEXPECTED_FILE',
      multer({ storage: memory }).single('avatar'),
      (test) => test.attach('other', FILE, 'a.png'),
      400,
      'The multipart body has a file in a field that takes none, or more than the field takes.',
    ],
    [
      'more files than a field’s maxCount',
      'LIMIT_UNEXPECTED_FILE',
      multer({ storage: memory }).array('photos', 1),
      (test) => test.attach('photos', FILE, '1.png').attach('photos', FILE, '2.png'),
      400,
      'The multipart body has a file in a field that takes none, or more than the field takes.',
    ],
    [
      'a part without a field name',
      'MISSING_FIELD_NAME',
      multer({ storage: memory }).none(),
      (test) =>
        test.set('Content-Type', MULTIPART).send(part('Content-Disposition: form-data', '1') + END),
      400,
      'A part of the multipart body has no field name.',
    ],
    [
      'a field name nested past limits.fieldNestingDepth',
      'LIMIT_FIELD_NESTING',
      multer({ storage: memory, limits: { fieldNestingDepth: 1 } }).none(),
      (test) => test.field('a[b][c]', '1'),
      400,
      'A field name in the multipart body is nested too deeply.',
    ],
    [
      'a field name with an index past limits.fieldArrayIndexLimit',
      'LIMIT_FIELD_ARRAY_INDEX',
      multer({ storage: memory, limits: { fieldArrayIndexLimit: 10 } }).none(),
      (test) => test.field('a[11]', '1'),
      400,
      'A field name in the multipart body has an array index above the limit.',
    ],
    [
      'field names that make no body (an array past its longest length)',
      'INVALID_FIELD_NAME',
      multer({ storage: memory }).none(),
      (test) => test.field('a[4294967294]', '1').field('a[]', '2'),
      400,
      'A field name in the multipart body is not valid.',
    ],
  ])(
    'answers %s (%s) with its status and a detail of its own',
    async (_label, code, upload, send, status, detail) => {
      const { app, codes } = uploadApp(upload);
      const res = await send(request(app).post('/upload'));
      expect(codes).toEqual([code]);
      expect(res.status).toBe(status);
      expect(res.get('retry-after')).toBeUndefined();
      expect(problemOf(res)).toEqual(expectedProblem(status, '/upload', detail));
    },
  );

  it('logs an upload refused by multer once at warn, with its code and without the client’s field or file name', async () => {
    const { logger, lines, raw } = captureLogs();
    const { app } = uploadApp(multer({ storage: multer.memoryStorage() }).single('avatar'), {
      logger,
    });
    const res = await request(app).post('/upload').attach(SECRET, FILE, `${SECRET}.png`);
    await flushed();
    expect(res.status).toBe(400);
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, status: 400, code: 'BAD_REQUEST', url: '/upload' }),
    ]);
    expect(lines[0]!.err).toEqual({
      type: 'MulterError',
      message:
        'The multipart body has a file in a field that takes none, or more than the field takes.',
      code: 'LIMIT_UNEXPECTED_FILE',
      stack:
        'MulterError: The multipart body has a file in a field that takes none, or more than the field takes.',
    });
    expect(raw.join('\n')).not.toContain(SECRET);
  });

  it('answers a MulterError of a code it does not know, such as STREAM_DESTROYED, with a 500', async () => {
    const res = await request(
      appThrowing(() => new multer.MulterError('STREAM_DESTROYED' as multer.ErrorCode)),
    ).get('/throw');
    expect(res.status).toBe(500);
    expect(problemOf(res).detail).toBe(
      'The server hit an unexpected error. The problem is on our side.',
    );
  });
});

describe('errorHandler: busboy’s errors for a malformed multipart body, as multer hands them on', () => {
  it.each([
    [
      'a body cut short before its closing boundary',
      part('Content-Disposition: form-data; name="a"', SECRET),
    ],
    [
      'a file cut short',
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="avatar"; filename="a.png"\r\n\r\n${SECRET}`,
    ],
    ['a part header without a colon', part('Content-Disposition form-data', SECRET) + END],
  ])('answers %s with 400 and a detail of its own', async (_label, body) => {
    const { app } = uploadApp(multer({ storage: multer.memoryStorage() }).single('avatar'));
    const res = await request(app).post('/upload').set('Content-Type', MULTIPART).send(body);
    expect(res.status).toBe(400);
    expect(problemOf(res)).toEqual(
      expectedProblem(400, '/upload', 'The multipart body could not be parsed.'),
    );
  });

  it('answers a disk upload cut short with 400 too', async () => {
    const { app } = uploadApp(multer({ storage: multer.diskStorage({}) }).single('avatar'));
    const res = await request(app)
      .post('/upload')
      .set('Content-Type', MULTIPART)
      .send(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="avatar"; filename="a.png"\r\n\r\nxx`,
      );
    expect(res.status).toBe(400);
    expect(problemOf(res).detail).toBe('The multipart body could not be parsed.');
  });

  it('answers busboy’s “Unexpected end of file”, which multer hands on for a file cut short, with 400', async () => {
    const res = await request(
      appThrowing(() => Object.assign(new Error('Unexpected end of file'), { storageErrors: [] })),
    ).get('/throw');
    expect(res.status).toBe(400);
    expect(problemOf(res)).toEqual(
      expectedProblem(400, '/throw', 'The multipart body could not be parsed.'),
    );
  });

  it('logs a malformed body once at warn, with busboy’s message and without the body', async () => {
    const { logger, lines, raw } = captureLogs();
    const { app } = uploadApp(multer({ storage: multer.memoryStorage() }).single('avatar'), {
      logger,
    });
    const res = await request(app)
      .post('/upload')
      .set('Content-Type', MULTIPART)
      .send(part(`Content-Disposition: form-data; name="${SECRET}"`, SECRET));
    await flushed();
    expect(res.status).toBe(400);
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, status: 400, code: 'BAD_REQUEST', url: '/upload' }),
    ]);
    expect(lines[0]!.err).toEqual({
      type: 'Error',
      message: 'Unexpected end of form',
      stack: 'Error: Unexpected end of form',
    });
    expect(raw.join('\n')).not.toContain(SECRET);
  });

  it('answers busboy’s error with a 500 when multer did not hand it on: busboy may be parsing a stream of the server’s', async () => {
    const { logger, lines } = captureLogs();
    const res = await request(
      appThrowing(() => new Error('Unexpected end of form'), { logger }),
    ).get('/throw');
    await flushed();
    expect(res.status).toBe(500);
    expect(lines).toEqual([expect.objectContaining({ level: 50, status: 500 })]);
  });

  it('answers another error multer aborts an upload with, such as its storage engine’s, with a 500', async () => {
    const failing: multer.StorageEngine = {
      _handleFile: (_req, _file, callback) =>
        callback(new Error('ENOSPC: no space left on device')),
      _removeFile: (_req, _file, callback) => callback(null),
    };
    const { app } = uploadApp(multer({ storage: failing }).single('avatar'));
    const res = await request(app).post('/upload').attach('avatar', FILE, 'a.png');
    expect(res.status).toBe(500);
  });
});

/** The README's mapping for busboy's errors on a Content-Type it cannot read. */
const isMultipartTypeError = (error: unknown): error is Error =>
  error instanceof Error &&
  error.constructor === Error &&
  (error.message === 'Multipart: Boundary not found' ||
    error.message === 'Malformed content type' ||
    error.message.startsWith('Unsupported content type: '));

describe('errorHandler: busboy’s errors for a Content-Type it cannot read, which multer does not tag', () => {
  it('answers a multipart Content-Type without a boundary with a 500 by itself', async () => {
    const { app } = uploadApp(multer({ storage: multer.memoryStorage() }).single('avatar'));
    const res = await request(app)
      .post('/upload')
      .set('Content-Type', 'multipart/form-data')
      .send(part('Content-Disposition: form-data; name="a"', '1') + END);
    expect(res.status).toBe(500);
  });

  it.each([
    ['without a boundary', 'multipart/form-data'],
    [
      'of a type busboy does not parse (multipart/mixed)',
      `multipart/mixed; boundary=${BOUNDARY}; x=${SECRET}`,
    ],
  ])(
    'answers a multipart Content-Type %s with 400 through the README’s mapping',
    async (_label, type) => {
      const { app } = uploadApp(multer({ storage: multer.memoryStorage() }).single('avatar'), {
        logger: false,
        mappings: [
          {
            match: isMultipartTypeError,
            to: () => new BadRequestError('The multipart body could not be parsed.'),
          },
        ],
      });
      const res = await request(app)
        .post('/upload')
        .set('Content-Type', type)
        .send(part('Content-Disposition: form-data; name="a"', '1') + END);
      expect(res.status).toBe(400);
      expect(problemOf(res)).toEqual(
        expectedProblem(400, '/upload', 'The multipart body could not be parsed.'),
      );
    },
  );
});

describe('errorHandler: an upload its client abandoned', () => {
  it('logs multer’s “Request aborted” once at warn, as the client’s doing with no status sent, not as a 500', async () => {
    const logs = captureLogs();
    const { app } = uploadApp(multer({ storage: multer.memoryStorage() }).single('file'), {
      logger: logs.logger,
    });
    const server = await serve(app);
    try {
      const client = net.connect(server.port, '127.0.0.1');
      client.on('error', () => undefined);
      client.write(
        `POST /upload HTTP/1.1\r\nHost: example.test\r\nContent-Type: ${MULTIPART}\r\nContent-Length: 10000\r\n\r\n` +
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n12`,
      );
      const [req] = (await once(server.server, 'request')) as [IncomingMessage];
      // Gone once multer reads the body.
      while (req.listenerCount('data') === 0) await new Promise((resolve) => setImmediate(resolve));
      client.destroy();
      while (logs.lines.length === 0) await sleep(5);
      await flushed();

      expect(logs.lines).toHaveLength(1);
      expect(logs.lines[0]).toMatchObject({
        level: 40,
        code: 'BAD_REQUEST',
        clientGone: true,
        err: { type: 'Error', message: 'Request aborted' },
      });
      expect(logs.lines[0]!.status).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});

describe('errorHandler: multer’s errors for an upload its client abandoned, as multer hands them on', () => {
  it.each(['Request aborted', 'Request closed'])(
    'answers multer’s “%s”, tagged with storageErrors, with 400 and a detail of our own',
    async (message) => {
      const res = await request(
        appThrowing(() => Object.assign(new Error(message), { storageErrors: [] })),
      ).get('/throw');

      expect(res.status).toBe(400);
      expect(problemOf(res)).toEqual(
        expectedProblem(
          400,
          '/throw',
          'The request was aborted before its multipart body was complete.',
        ),
      );
    },
  );
});
