import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import request from 'supertest';
import {
  MemoryLockStore,
  operationLock,
  type LockAcquisition,
  type OperationLockOptions,
} from '../../src/index.js';
import { requestFingerprint } from '../../src/operation-lock/fingerprint.js';
import { uploadedFiles } from '../../src/operation-lock/uploaded-files.js';
import { createApp } from '../helpers/app.js';
import { keyReusedProblem } from '../helpers/lock-app.js';
import { problemOf } from '../helpers/problem.js';
import { sleep } from '../helpers/event-loop.js';

/** SHA-256 of `abc` in base64url (FIPS 180-2's example), written out rather than computed. */
const SHA256_ABC = 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0';

/** A file as multer's memory storage gives it. */
const inMemory = (fieldname: string, originalname: string, bytes: string) => ({
  fieldname,
  originalname,
  encoding: '7bit',
  mimetype: 'text/plain',
  buffer: Buffer.from(bytes),
  size: bytes.length,
});

/** A request as multer leaves it: multipart, with `fields` (its `file` or `files`) beside. */
const multipart = (fields: object): IncomingMessage =>
  Object.assign(
    { headers: { 'content-type': 'multipart/form-data; boundary=----x' } },
    fields,
  ) as unknown as IncomingMessage;

describe('uploadedFiles', () => {
  it('describes a file in memory by its field, name, type, size and the SHA-256 of its bytes', () => {
    expect(uploadedFiles(multipart({ file: inMemory('file', 'c.txt', 'abc') }))).toEqual([
      {
        fieldname: 'file',
        originalname: 'c.txt',
        mimetype: 'text/plain',
        size: 3,
        sha256: SHA256_ABC,
      },
    ]);
  });

  it('leaves out the path and file name disk storage draws at random, and has no bytes to hash', () => {
    const onDisk = {
      fieldname: 'file',
      originalname: 'c.txt',
      encoding: '7bit',
      mimetype: 'text/plain',
      destination: '/tmp',
      filename: '0f3c9a…',
      path: '/tmp/0f3c9a…',
      size: 3,
    };
    expect(uploadedFiles(multipart({ file: onDisk }))).toEqual([
      { fieldname: 'file', originalname: 'c.txt', mimetype: 'text/plain', size: 3 },
    ]);
  });

  it('lists the files of an array in their order, and of a record by field in sorted order', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((name) => inMemory(name, `${name}.txt`, name));
    const names = (req: object) => uploadedFiles(multipart(req)).map((file) => file.originalname);
    expect(names({ files: [c, a] })).toEqual(['c.txt', 'a.txt']);
    expect(names({ files: { c: [c], a: [a, b] } })).toEqual(['a.txt', 'b.txt', 'c.txt']);
  });

  it.each([
    ['no upload', {}],
    ['the empty array of multer’s array() without files', { files: [] }],
    ['the empty record of multer’s fields() without files', { files: Object.create(null) }],
    [
      'express-fileupload’s shape (a record of files, not of arrays)',
      { files: { file: { name: 'c.txt', data: Buffer.from('abc'), mimetype: 'text/plain' } } },
    ],
    [
      'values that are not files',
      { file: 'c.txt', files: [null, 1, 'x', { originalname: 'c.txt' }] },
    ],
  ])('finds no files in %s', (_label, req) => {
    expect(uploadedFiles(multipart(req))).toEqual([]);
  });

  it.each([
    ['a JSON request', 'application/json'],
    ['a request without a body type', undefined],
  ])('finds no files in %s, which multer does not read, whatever it carries', (_label, type) => {
    const req = {
      headers: type === undefined ? {} : { 'content-type': type },
      file: inMemory('file', 'c.txt', 'abc'),
    } as unknown as IncomingMessage;
    expect(uploadedFiles(req)).toEqual([]);
  });

  it('reads the files of a multipart type written in any case', () => {
    const req = {
      headers: { 'content-type': 'Multipart/Form-Data; boundary=x' },
      file: inMemory('file', 'c.txt', 'abc'),
    } as unknown as IncomingMessage;
    expect(uploadedFiles(req)).toHaveLength(1);
  });
});

describe('requestFingerprint with uploaded files', () => {
  it('gives a request without files the fingerprint its body alone always gave', () => {
    const body = Object.assign(Object.create(null) as object, { title: 'contract' });
    expect(requestFingerprint('/documents', body, undefined, [])).toBe(
      '9hlR2oNuDNUtNQHPjsCPuUltSFUUxfvrW9IzB3Z536Q',
    );
  });

  it('tells apart the same body with and without a file, and files that differ in any part', () => {
    const file = uploadedFiles(multipart({ file: inMemory('file', 'c.txt', 'abc') }))[0]!;
    const prints = [
      [],
      [file],
      [{ ...file, fieldname: 'other' }],
      [{ ...file, originalname: 'd.txt' }],
      [{ ...file, mimetype: 'text/html' }],
      [{ ...file, size: 4 }],
      [{ ...file, sha256: 'x' }],
      [file, file],
    ].map((files) => requestFingerprint('/documents', { title: 'contract' }, undefined, files));
    expect(new Set(prints).size).toBe(8);
  });

  it('keeps a text body and the files from running into each other', () => {
    const file = { fieldname: 'file' };
    expect(requestFingerprint('/a', 'x', undefined, [file])).not.toBe(
      requestFingerprint('/a', `x${JSON.stringify([file])}`),
    );
  });
});

// ---------------------------------------------------------------------------
// Real uploads through the real multer, before operationLock({ replay: true }).

const KEY = '"upload-1"';

/** A store that keeps every fingerprint it is asked to lock with. */
class RecordingStore extends MemoryLockStore {
  readonly fingerprints: string[] = [];
  override acquire(
    key: string,
    token: string,
    fingerprint: string,
    leaseMs: number,
  ): LockAcquisition {
    this.fingerprints.push(fingerprint);
    return super.acquire(key, token, fingerprint, leaseMs);
  }
}

/**
 * An app whose `POST /documents` runs `upload`, then `operationLock({ replay: true, ...lock })`,
 * then answers 201 with the run's number and the uploaded files' names and contents.
 */
function uploadLockApp(upload: RequestHandler[], lock: OperationLockOptions = {}) {
  const store = new RecordingStore();
  let runs = 0;
  const app = createApp((a) => {
    a.post(
      '/documents',
      upload,
      operationLock({ replay: true, logger: false, store, ...lock }),
      (req: Request, res: Response) => {
        runs += 1;
        const files = req.file ? [req.file] : Array.isArray(req.files) ? req.files : [];
        res.status(201).json({ run: runs, files: files.map((file) => file.originalname) });
      },
    );
  });
  return { app, store, runs: () => runs };
}

interface Upload {
  field?: string;
  name?: string;
  type?: string;
  content?: string;
}

/** A multipart POST /documents with the key, a `title` field and each file given. */
function send(app: Express, ...uploads: Upload[]): request.Test {
  let test = request(app).post('/documents').set('Idempotency-Key', KEY).field('title', 'contract');
  for (const {
    field = 'file',
    name = 'c.txt',
    type = 'text/plain',
    content = 'version A',
  } of uploads) {
    test = test.attach(field, Buffer.from(content), { filename: name, contentType: type });
  }
  return test;
}

describe('operationLock with multer’s memory storage', () => {
  it('replays the first response to the same key with the same file, and runs once', async () => {
    const { app, runs } = uploadLockApp([
      multer({ storage: multer.memoryStorage() }).single('file'),
    ]);
    const first = await send(app, {});
    const retry = await send(app, {});
    expect([first.status, first.body]).toEqual([201, { run: 1, files: ['c.txt'] }]);
    expect([retry.status, retry.headers['idempotent-replayed'], retry.text]).toEqual([
      201,
      'true',
      first.text,
    ]);
    expect(runs()).toBe(1);
  });

  it.each<[string, Upload]>([
    ['its bytes (of the same size)', { content: 'version B' }],
    ['its name', { name: 'd.txt' }],
    ['its media type', { type: 'text/html' }],
  ])('answers 422.10 to the same key with a file that differs in %s', async (_label, other) => {
    const { app, runs } = uploadLockApp([
      multer({ storage: multer.memoryStorage() }).single('file'),
    ]);
    expect((await send(app, {})).status).toBe(201);
    const reused = await send(app, other);
    expect(reused.status).toBe(422);
    expect(reused.headers['x-status-sub-code']).toBe('422.10');
    expect(reused.headers['idempotent-replayed']).toBeUndefined();
    expect(problemOf(reused)).toEqual(keyReusedProblem('/documents'));
    expect(runs()).toBe(1);
  });

  it('answers 422.10 to the same key with the same file in another field', async () => {
    const upload = multer({ storage: multer.memoryStorage() }).fields([
      { name: 'draft' },
      { name: 'final' },
    ]);
    const { app, runs } = uploadLockApp([upload]);
    expect((await send(app, { field: 'draft' })).status).toBe(201);
    const reused = await send(app, { field: 'final' });
    expect([reused.status, reused.headers['x-status-sub-code']]).toEqual([422, '422.10']);
    expect(runs()).toBe(1);
  });

  it('answers 422.10 to the same key with one more file', async () => {
    const { app, runs } = uploadLockApp([
      multer({ storage: multer.memoryStorage() }).array('file'),
    ]);
    expect((await send(app, {})).status).toBe(201);
    const reused = await send(app, {}, { name: 'd.txt' });
    expect([reused.status, reused.headers['x-status-sub-code']]).toEqual([422, '422.10']);
    expect(runs()).toBe(1);
  });

  it.each<[string, RequestHandler]>([
    ['single()', multer().single('file')],
    ['array()', multer().array('file')],
    ['fields()', multer().fields([{ name: 'file' }])],
    ['none()', multer().none()],
  ])('fingerprints a form without files through %s as it always did', async (_label, upload) => {
    const { app, store } = uploadLockApp([upload]);
    expect((await send(app)).status).toBe(201);
    expect(store.fingerprints).toEqual(['9hlR2oNuDNUtNQHPjsCPuUltSFUUxfvrW9IzB3Z536Q']);
  });
});

describe('operationLock with multer’s disk storage', () => {
  let dest: string;
  beforeEach(async () => {
    dest = await mkdtemp(join(tmpdir(), 'uploads-'));
  });
  afterEach(async () => {
    await rm(dest, { recursive: true, force: true });
  });

  it('replays the first response to the same key with the same file, though each is stored under a random name', async () => {
    const { app, runs } = uploadLockApp([multer({ dest }).single('file')]);
    expect((await send(app, {})).status).toBe(201);
    const retry = await send(app, {});
    expect([retry.status, retry.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(runs()).toBe(1);
  });

  it('answers 422.10 to the same key with a file of another size', async () => {
    const { app } = uploadLockApp([multer({ dest }).single('file')]);
    expect((await send(app, {})).status).toBe(201);
    const reused = await send(app, { content: 'version A, amended' });
    expect([reused.status, reused.headers['x-status-sub-code']]).toEqual([422, '422.10']);
  });

  it('compares only name, type and size by default: other bytes of the same size are replayed the first response', async () => {
    const { app, runs } = uploadLockApp([multer({ dest }).single('file')]);
    expect((await send(app, {})).status).toBe(201);
    const retry = await send(app, { content: 'version B' });
    expect([retry.status, retry.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(runs()).toBe(1);
  });

  // The README's recipe: hash the file on disk before the lock, and fingerprint with it.
  const fileDigests = new WeakMap<Request, string>();
  const hashUpload: RequestHandler = (req, _res, next) => {
    if (!req.file) return next();
    const hash = createHash('sha256');
    (async () => {
      for await (const chunk of createReadStream(req.file!.path)) hash.update(chunk as Buffer);
      fileDigests.set(req, hash.digest('base64url'));
    })().then(() => next(), next);
  };
  const fingerprint = (req: Request) =>
    JSON.stringify([req.body, req.file?.originalname, fileDigests.get(req)]);
  const hashingApp = () =>
    uploadLockApp([multer({ dest }).single('file'), hashUpload], { fingerprint });

  it('answers 422.10 to other bytes of the same size with the README’s fingerprint that hashes the file', async () => {
    const { app, runs } = hashingApp();
    expect((await send(app, {})).status).toBe(201);
    const reused = await send(app, { content: 'version B' });
    expect([reused.status, reused.headers['x-status-sub-code']]).toEqual([422, '422.10']);
    expect(runs()).toBe(1);
  });

  it('replays the same file with the README’s fingerprint that hashes the file', async () => {
    const { app, runs } = hashingApp();
    expect((await send(app, {})).status).toBe(201);
    const retry = await send(app, {});
    expect([retry.status, retry.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(runs()).toBe(1);
  });

  // The README's recipe: delete the file of a request the lock answered without its handler.
  const dropUnusedUpload: RequestHandler = (req, res, next) => {
    res.on('finish', () => {
      if (req.file && !res.locals.uploadKept) void rm(req.file.path, { force: true });
    });
    next();
  };

  /** The files in the upload folder once every deletion the responses started has run. */
  async function filesLeft(expected: number): Promise<number> {
    for (let wait = 0; wait < 100 && (await readdir(dest)).length !== expected; wait++) {
      await sleep(10);
    }
    return (await readdir(dest)).length;
  }

  it('leaves a file on disk for each retry the lock answers, without the README’s clean-up', async () => {
    const { app } = uploadLockApp([multer({ dest }).single('file')]);
    for (let i = 0; i < 3; i++) expect((await send(app, {})).status).toBe(201);
    expect(await filesLeft(3)).toBe(3);
  });

  it('keeps only the file the handler kept with the README’s clean-up, however often the upload is retried', async () => {
    const store = new MemoryLockStore();
    const app = createApp((a) => {
      a.post(
        '/documents',
        multer({ dest }).single('file'),
        dropUnusedUpload,
        operationLock({ replay: true, logger: false, store }),
        (_req: Request, res: Response) => {
          res.locals.uploadKept = true;
          res.status(201).json({ stored: true });
        },
      );
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await send(app, {});
      statuses.push([res.status, res.headers['idempotent-replayed']]);
    }
    expect(statuses).toEqual([
      [201, undefined],
      [201, 'true'],
      [201, 'true'],
    ]);
    expect(await filesLeft(1)).toBe(1);
  });
});
