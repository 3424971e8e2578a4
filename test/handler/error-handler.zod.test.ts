import request from 'supertest';
import { z } from 'zod';
import { appThrowing } from '../helpers/app.js';
import { captureLogs } from '../helpers/logs.js';
import { expectedProblem, problemOf } from '../helpers/problem.js';

describe('errorHandler: what it maps, in order', () => {
  it('answers a ZodError with 422 and a JSON Pointer per issue', async () => {
    const schema = z.object({
      email: z.email(),
      tags: z.array(z.string()),
      'a/b~c': z.number(),
    });
    const res = await request(
      appThrowing(() => schema.safeParse({ email: 'nope', tags: ['ok', 3], 'a/b~c': 'x' }).error),
    ).get('/throw');
    expect(res.status).toBe(422);
    const body = problemOf(res);
    expect(body).toMatchObject({
      status: 422,
      code: 'UNPROCESSABLE_ENTITY',
      detail: 'The request failed validation.',
    });
    expect((body.errors as { pointer: string }[]).map((e) => e.pointer)).toEqual([
      '/email',
      '/tags/1',
      '/a~1b~0c',
    ]);
    for (const issue of body.errors as { detail: unknown }[]) {
      expect(typeof issue.detail).toBe('string');
    }
  });

  it('lists the first 100 issues of a ZodError, says how many there were, and logs their count, not their text', async () => {
    const logs = captureLogs();
    const failed = z.object({ tags: z.array(z.string()) }).safeParse({
      tags: Array<number>(1000).fill(0),
    }).error!;
    const messageReads = jest.spyOn(failed, 'message', 'get');
    const res = await request(appThrowing(() => failed, { logger: logs.logger })).get('/throw');
    expect(res.status).toBe(422);
    const body = problemOf(res);
    expect(body).toEqual({
      ...expectedProblem(
        422,
        '/throw',
        'The request failed validation: the first 100 of 1000 issues are listed.',
      ),
      errors: Array.from({ length: 100 }, (_, i) => ({
        pointer: `/tags/${i}`,
        detail: 'Invalid input: expected string, received number',
      })),
    });
    expect(messageReads).not.toHaveBeenCalled();
    expect(logs.lines).toEqual([
      expect.objectContaining({
        level: 40,
        status: 422,
        err: {
          type: 'ZodError',
          message: '1000 validation issues',
          stack: 'ZodError: 1000 validation issues',
        },
      }),
    ]);
  });

  it('leaves out the pointer of a ZodError issue longer than 1,000 characters, and cuts its detail there', async () => {
    const deep = Array.from({ length: 600 }, (_, i) => `k${i}`);
    const thrown = Object.assign(new Error('invalid'), {
      name: 'ZodError',
      issues: [
        { path: deep, message: 'Too deep' },
        { path: ['tags', 0], message: 'm'.repeat(5000) },
      ],
    });
    const res = await request(appThrowing(() => thrown)).get('/throw');
    expect(res.status).toBe(422);
    expect(problemOf(res)).toEqual({
      ...expectedProblem(422, '/throw', 'The request failed validation.'),
      errors: [{ detail: 'Too deep' }, { pointer: '/tags/0', detail: `${'m'.repeat(1000)}…` }],
    });
  });
});
