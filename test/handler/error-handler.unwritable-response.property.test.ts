/**
 * Property-based tests of `errorHandler` on a response whose `writeHead` or
 * `end` a hooking middleware broke (../helpers/throw-server.ts, route `/unwritable/<id>`).
 */
import fc from 'fast-check';
import { flushed } from '../helpers/logs.js';
import { rawGet } from '../helpers/raw-http.js';
import { libraryError } from '../helpers/library-errors.js';
import { PROPERTY_TIMEOUT, RUNS, throwServer, type Breakage } from '../helpers/throw-server.js';
import { anyValue, errorLike, hostile } from '../helpers/thrown-values.js';

const { logs, port, park, expectServerAlive } = throwServer();

const breakage = fc.constantFrom<Breakage>('writeHead', 'end before', 'end after');

describe('errorHandler on a response whose writeHead or end throws', () => {
  it(
    'reports each failure once, in one line at error and one process warning, and stays up',
    async () => {
      const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(anyValue, errorLike, hostile, libraryError),
            breakage,
            async ({ value: thrown }, breaks) => {
              const id = park({ value: thrown, breaks });
              const before = logs.lines.length;
              const warnings = warn.mock.calls.length;
              // The connection is closed, unless the response was whole before `end` threw.
              const raw = await rawGet(port(), `/logged/unwritable/${id}`).catch(() => undefined);
              await flushed();

              expect(raw === undefined).toBe(breaks !== 'end after');
              expect(logs.lines.length).toBe(before + 1);
              const line = logs.lines[before] as Record<string, unknown>;
              expect(line).toMatchObject({
                level: 50,
                status: raw?.status ?? 500,
                code: 'INTERNAL_SERVER_ERROR',
                handlerFailure: expect.stringContaining('hook is broken'),
              });
              expect(warn.mock.calls.length).toBe(warnings + 1);
              expect(warn.mock.calls[warnings]![1]).toEqual({
                code: 'EXPRESS_API_ERRORS_HANDLER_FAILED',
              });
            },
          ),
          { numRuns: RUNS.unwritable },
        );
      } finally {
        warn.mockRestore();
      }
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );
});
