/**
 * The fallback answer when handling itself fails (here: a `problemType`
 * that throws), read off the socket.
 */
import { ConflictError } from '../../src/index.js';
import { appFailingAfter } from '../helpers/app.js';
import { rawGet } from '../helpers/raw-http.js';

const failingProblemType = () => {
  throw new Error('problemType is broken');
};

describe('lastResort', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('sends the reason phrase of 500, not the statusMessage the handler had set', async () => {
    const app = appFailingAfter(
      (res) => {
        res.statusMessage = 'All Good';
      },
      () => new ConflictError('Order 7 is already paid.'),
      { logger: false, problemType: failingProblemType },
    );
    const res = await rawGet(app, '/throw');

    expect(res.statusLine).toBe('HTTP/1.1 500 Internal Server Error');
  });
});
