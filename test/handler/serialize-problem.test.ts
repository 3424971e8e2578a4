import request from 'supertest';
import { BadRequestError } from '../../src/index.js';
import { appThrowing } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { problemOf } from '../helpers/problem.js';

function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = { name: 'loop' };
  value.self = value;
  return value;
}

// Values JSON.stringify throws on. A getter on `extensions` itself runs when
// the error is made (extensions are copied then), so the throwing getter sits
// one level down, where it runs only when the body is written.
const UNSERIALISABLE: [string, () => unknown][] = [
  ['a BigInt', () => 10n],
  ['a circular object', circular],
  [
    'an object whose toJSON throws',
    () => ({
      toJSON() {
        throw new Error('toJSON failed');
      },
    }),
  ],
  [
    'an object with a getter that throws',
    () => ({
      get owner() {
        throw new Error('getter failed');
      },
    }),
  ],
];

describe('serializeProblem: extension members JSON cannot represent', () => {
  it.each(UNSERIALISABLE)(
    'drops a member holding %s, keeps the others and answers the 400',
    async (_case, makeValue) => {
      const res = await request(
        appThrowing(
          () => new BadRequestError('bad id', { extensions: { id: makeValue(), field: 'id' } }),
        ),
      ).get('/throw');

      expect(res.status).toBe(400);
      expect(problemOf(res)).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'bad id',
        instance: '/throw',
        code: 'BAD_REQUEST',
        field: 'id',
      });
    },
  );

  it.each(UNSERIALISABLE)(
    'logs one warn line for the 400 that names the member holding %s',
    async (_case, makeValue) => {
      const { logger, lines } = captureLogs();
      await request(
        appThrowing(
          () => new BadRequestError('bad id', { extensions: { id: makeValue(), field: 'id' } }),
          { logger },
        ),
      ).get('/throw');
      await flushed();

      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 40, status: 400, droppedMembers: ['id'] });
    },
  );

  it('names no dropped member when every member could be written', async () => {
    const { logger, lines } = captureLogs();
    await request(
      appThrowing(() => new BadRequestError('bad id', { extensions: { field: 'id' } }), {
        logger,
      }),
    ).get('/throw');
    await flushed();

    expect(lines).toHaveLength(1);
    expect(lines[0]!.droppedMembers).toBeUndefined();
  });

  it('keeps a toJSON extension member from writing another body', async () => {
    const res = await request(
      appThrowing(
        () =>
          new BadRequestError('bad id', {
            extensions: { field: 'id', toJSON: () => ({ status: 200, ok: true }) },
          }),
      ),
    ).get('/throw');
    expect(res.status).toBe(400);
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'bad id',
      instance: '/throw',
      code: 'BAD_REQUEST',
      field: 'id',
    });
  });

  it('drops and names a member whose getter throws, on extensions set after the error was made', async () => {
    const { logger, lines } = captureLogs();
    const res = await request(
      appThrowing(
        () => {
          const error = new BadRequestError('bad id');
          Object.assign(error, {
            extensions: {
              field: 'id',
              get owner(): never {
                throw new Error('getter failed');
              },
            },
          });
          return error;
        },
        { logger },
      ),
    ).get('/throw');
    await flushed();
    expect(res.status).toBe(400);
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'bad id',
      instance: '/throw',
      code: 'BAD_REQUEST',
      field: 'id',
    });
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, status: 400, droppedMembers: ['owner'] }),
    ]);
  });
});
