import request from 'supertest';
import { notFound } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { expectOptionError } from '../helpers/option-error.js';
import { problemOf } from '../helpers/problem.js';

describe('notFound', () => {
  const app = createApp((a) => {
    a.get('/users', (_req, res) => {
      res.json([]);
    });
    a.use(notFound());
  });

  it('lets matched routes answer', async () => {
    const res = await request(app).get('/users');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it('turns an unmatched route into a 404 problem without echoing the path in detail', async () => {
    const res = await request(app).post('/nothing/<script>?q=1');
    expect(res.status).toBe(404);
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No resource exists at this URL, or the requested object does not exist.',
      instance: '/nothing/%3Cscript%3E',
      code: 'NOT_FOUND',
    });
  });

  it('refuses options, which it would ignore', () => {
    expectOptionError(
      () => notFound({ detail: 'x' } as never),
      'ERR_EAE_OPTIONS',
      'notFound(): takes no options (its answer is the catalog\'s 404), got 1 more: {"detail":"x"}',
    );
  });
});
