import express from 'express';
import { methodsOf, routesMatching, stacksUnder } from '../../src/middleware/express-routes.js';
import { countStackReads } from '../helpers/stack-reads.js';

const ok: express.RequestHandler = (_req, res) => {
  res.end();
};

describe('routesMatching: a Router mounted inside itself', () => {
  it('finds the routes of a Router mounted in itself twice at /, entering it once', () => {
    const dir = express.Router();
    dir.get('/leaf', ok);
    dir.use(dir);
    dir.use('/', dir);
    const reads = countStackReads(dir);
    const routes = routesMatching(dir.stack, '/leaf');
    expect(methodsOf(routes)).toEqual(['GET', 'HEAD']);
    expect(routes).toHaveLength(1);
    expect(reads()).toBeLessThan(10);
  });

  it('enters a Router mounted in itself at /a and /b once for each tail of the path', () => {
    const dir = express.Router();
    dir.route('/leaf').get(ok).put(ok);
    dir.use('/a', dir);
    dir.use('/b', dir);
    const reads = countStackReads(dir);
    const routes = routesMatching(dir.stack, `${'/a/b'.repeat(100)}/leaf`);
    expect(methodsOf(routes)).toEqual(['GET', 'HEAD', 'PUT']);
    // The read above, then both mounts in each of the 201 states: one per tail of the path.
    expect(reads()).toBeLessThanOrEqual(1 + 2 * 201);
  });
});

describe('stacksUnder', () => {
  it('lists each stack once, however often it is mounted', () => {
    const app = express.Router();
    const dir = express.Router();
    dir.use('/a', dir);
    dir.use('/b', dir);
    dir.use(dir);
    app.use('/x', dir);
    app.use('/y', dir);
    countStackReads(dir);
    expect(stacksUnder(app.stack)).toEqual([app.stack, dir.stack]);
  });
});
