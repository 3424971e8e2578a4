import jwt from 'jsonwebtoken';
import request from 'supertest';
import { appThrowing } from '../helpers/app.js';
import { thrownBy } from '../helpers/option-error.js';
import { problemOf } from '../helpers/problem.js';

describe('errorHandler: what it maps, in order', () => {
  it('answers an expired jsonwebtoken with 401.24 and an invalid_token challenge', async () => {
    const token = jwt.sign({ sub: '1', exp: Math.floor(Date.now() / 1000) - 60 }, 'secret');
    const res = await request(appThrowing(() => thrownBy(() => jwt.verify(token, 'secret')))).get(
      '/throw',
    );
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token has expired."',
    );
    expect(res.headers['x-status-sub-code']).toBe('401.24');
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'The access token has expired.',
      instance: '/throw',
      code: 'TOKEN_EXPIRED',
      subCode: '401.24',
    });
  });

  it('answers a jsonwebtoken signed with another key with 401.23', async () => {
    const token = jwt.sign({ sub: '1' }, 'other secret');
    const res = await request(
      appThrowing(() => thrownBy(() => jwt.verify(token, 'secret')), {
        logger: false,
        defaultChallenge: { scheme: 'Bearer', params: { realm: 'shop' } },
      }),
    ).get('/throw');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="shop", error="invalid_token", error_description="The access token is not valid."',
    );
    expect(problemOf(res)).toMatchObject({ code: 'TOKEN_NOT_RECOGNIZED', subCode: '401.23' });
  });
});
