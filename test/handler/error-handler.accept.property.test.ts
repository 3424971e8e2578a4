/**
 * Property-based tests of `errorHandler` under arbitrary Accept fields: any
 * thrown value is answered as problem+json or json (../helpers/throw-server.ts).
 */
import fc from 'fast-check';
import { expectedFor } from '../helpers/expected-answer.js';
import { libraryError } from '../helpers/library-errors.js';
import { expectWellFormedProblem } from '../helpers/problem-faults.js';
import { PROPERTY_TIMEOUT, RUNS, throwServer } from '../helpers/throw-server.js';
import { anyValue } from '../helpers/thrown-values.js';

const { throwThrough, expectServerAlive } = throwServer();

/**
 * Accept fields (RFC 9110 §12.5.1) made of the pieces that matter to the
 * parser, well-formed or not, and of any printable ASCII.
 */
const acceptField = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/problem+json',
        'APPLICATION/JSON',
        'application/*',
        '*/*',
        'text/html',
        '*/json',
        ';q=0',
        ';q=0.5',
        ';q=1',
        ';q=1.5',
        ';Q=0.001',
        ';charset=utf-8',
        ';charset="UTF-8"',
        ';level=1',
        ', ',
        ',',
        ';',
        '"',
        '\\',
        ' ',
        '\t',
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 12 },
  )
  .map((pieces) => pieces.join(''));

describe('errorHandler under arbitrary Accept fields', () => {
  it(
    'answers any value as problem+json or json, problem+json when the field names no JSON type',
    async () => {
      const value = fc.oneof(anyValue, libraryError);
      await fc.assert(
        fc.asyncProperty(value, acceptField, async ({ value: thrown }, accept) => {
          const { path, reply } = await throwThrough(thrown, { headers: { Accept: accept } });
          const type = reply.headers['content-type'];
          expect(['application/problem+json', 'application/json']).toContain(type);
          if (!/json/i.test(accept)) expect(type).toBe('application/problem+json');
          expectWellFormedProblem(reply, path, expectedFor(thrown), type);
        }),
        { numRuns: RUNS.accept },
      );
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );
});
