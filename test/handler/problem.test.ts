import express from 'express';
import request from 'supertest';
import { ApiError, errorHandler } from '../../src/index.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { problemOf } from '../helpers/problem.js';

describe('a sub-code the catalog does not document', () => {
  it('is sent under its status’s name and warned about once', async () => {
    const { logger, lines } = captureLogs();
    const app = express();
    app.get('/orders/:id', () => {
      throw new ApiError(404, 'No such order', { subCode: '404.77' as never });
    });
    app.use(errorHandler({ logger }));
    const res = await request(app).get('/orders/1');
    await request(app).get('/orders/2');
    await flushed();
    expect(res.status).toBe(404);
    expect(res.headers['x-status-sub-code']).toBe('404.77');
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No such order',
      instance: '/orders/1',
      code: 'NOT_FOUND',
      subCode: '404.77',
    });
    const warnings = lines.filter((line) => line.code === 'UNKNOWN_SUB_CODE');
    expect(warnings).toEqual([
      expect.objectContaining({
        level: 40,
        subCode: '404.77',
        msg: "Sub-code 404.77 is not in errorHandler's catalog: it is sent under its status's name. Pass the catalog that documents it as errorHandler({ catalog }).",
      }),
    ]);
  });
});
