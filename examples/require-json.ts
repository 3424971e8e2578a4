import type { RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from '../src/index.js';

const JSON_TYPE = 'application/json';

/**
 * Refuses a body that is not JSON with a 415 that lists what is accepted.
 * Mount it after `express.json()`, which skips other media types silently.
 */
export function requireJson(): RequestHandler {
  return function requireJsonBody(req, _res, next) {
    if (req.is(JSON_TYPE)) next();
    else
      next(
        new UnsupportedMediaTypeError('Send the body as application/json.', {
          accept: [JSON_TYPE],
        }),
      );
  };
}
