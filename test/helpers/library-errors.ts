/**
 * The library errors the property tests of `errorHandler` throw: this
 * library's ApiErrors (every generated class, with random options), http-errors,
 * @hapi/boom errors and objects of Boom's shape.
 */
import Boom from '@hapi/boom';
import fc from 'fast-check';
import createError from 'http-errors';
import {
  ApiError,
  bearerChallenge,
  type BearerChallengeOptions,
  defaultEntries,
  errorClasses,
} from '../../src/index.js';
import {
  box,
  causeLike,
  headersLike,
  plantedStack,
  secret,
  statusLike,
  withMembers,
} from './thrown-values.js';

const statusesWithClass = Object.keys(errorClasses).map(Number) as (keyof typeof errorClasses)[];

function subCodesOf(status: number): string[] {
  return defaultEntries.flatMap((entry) =>
    entry.status === status && 'subCode' in entry ? [entry.subCode as string] : [],
  );
}

/** Headers an `ApiError` accepts: token names, valid values. */
const validHeaders = fc.dictionary(
  fc.stringMatching(/^X-[A-Za-z0-9]{1,10}$/),
  fc.oneof(fc.stringMatching(/^[\x20-\x7e]{0,20}$/), fc.nat()),
  { maxKeys: 3 },
);

/**
 * The options of the generated classes: challenge, retryAfter, allow,
 * location, accept, errors, completeLength, upgrade, blockedBy. Random ones
 * may be invalid (a realm with CR/LF, a negative delay, no `allow` for a 405,
 * no `upgrade` for a 426): the constructor then throws, and what it throws is
 * passed to next() instead, as a route would.
 */
const classOptions = fc.record(
  {
    // Bearer options, made a challenge by bearerChallenge() (which may throw).
    challenge: fc.record(
      {
        realm: fc.oneof(fc.string(), fc.constantFrom('api', 'a "quoted" \\ realm', 'x\r\ny')),
        error: fc.constantFrom('invalid_request', 'invalid_token', 'insufficient_scope'),
        errorDescription: fc.string(),
      },
      { requiredKeys: [] },
    ),
    retryAfter: fc.oneof(fc.nat(), fc.integer({ min: -5, max: -1 }), fc.date()),
    allow: fc.array(fc.constantFrom('GET', 'POST', 'DELETE', 'bad method', ''), { maxLength: 3 }),
    location: fc.oneof(fc.webUrl(), fc.string()),
    accept: fc.array(fc.constantFrom('application/json', 'text/csv'), { maxLength: 2 }),
    errors: fc.array(
      fc.record({ pointer: fc.constantFrom('/name', '/tags/0'), detail: fc.string() }),
      { maxLength: 2 },
    ),
    completeLength: fc.oneof(fc.nat(), fc.integer({ min: -5, max: -1 }), fc.double()),
    upgrade: fc.oneof(
      fc.constantFrom('websocket', 'TLS/1.3', 'bad protocol', ''),
      fc.array(fc.constantFrom('TLS/1.3', 'HTTP/2.0', 'x/y/z'), { maxLength: 2 }),
    ),
    blockedBy: fc.oneof(fc.webUrl(), fc.string()),
  },
  { requiredKeys: [] },
);

const apiErrorInstance = fc
  .record({
    status: fc.constantFrom(...statusesWithClass),
    pickSubCode: fc.nat(),
    useSubCode: fc.boolean(),
    detail: fc.option(fc.oneof(secret, fc.string()), { nil: undefined }),
    expose: fc.option(fc.boolean(), { nil: undefined }),
    headers: fc.option(validHeaders, { nil: undefined }),
    cause: fc.option(causeLike, { nil: undefined }),
    extensions: fc.option(fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.jsonValue()), {
      nil: undefined,
    }),
    own: classOptions,
  })
  .map(({ status, pickSubCode, useSubCode, own, ...options }) => {
    const subCodes = subCodesOf(status);
    const subCode =
      useSubCode && subCodes.length > 0 ? subCodes[pickSubCode % subCodes.length] : undefined;
    // The sub-code is literal-typed per class; these are taken from the catalog itself.
    const { challenge, ...rest } = own;
    const all = { ...rest, ...options, subCode: subCode as never };
    const ErrorClass = errorClasses[status] as unknown as new (
      detail?: string,
      options?: object,
    ) => ApiError;
    const description = `new ${ErrorClass.name}(${fc.stringify(options.detail)}, ${fc.stringify({ ...all, challenge })})`;
    try {
      const withChallenge = challenge
        ? { ...all, challenge: bearerChallenge(challenge as BearerChallengeOptions) }
        : all;
      return box(new ErrorClass(options.detail, withChallenge), description);
    } catch (error) {
      return box(error, `what ${description} threw`);
    }
  });

const baseApiError = fc
  .tuple(
    fc.integer({ min: 400, max: 599 }),
    fc.option(fc.oneof(secret, fc.string()), { nil: undefined }),
    fc.option(fc.boolean(), { nil: undefined }),
    fc.option(causeLike, { nil: undefined }),
  )
  .map(([status, detail, expose, cause]) =>
    box(
      new ApiError(status, detail, { expose, cause }),
      `new ApiError(${status}, ${fc.stringify(detail)}, ${fc.stringify({ expose, cause })})`,
    ),
  );

const httpError = fc
  .tuple(
    fc.integer({ min: 400, max: 599 }),
    fc.oneof(secret, fc.string()),
    fc.record(
      {
        expose: fc.boolean(),
        headers: headersLike,
        cause: causeLike,
        password: secret,
        stack: plantedStack,
      },
      { requiredKeys: [] },
    ),
  )
  .map(([status, message, props]) =>
    box(
      createError(status, message, props),
      `createError(${status}, ${fc.stringify(message)}, ${fc.stringify(props)})`,
    ),
  );

/** Real @hapi/boom errors, with messages and data that must not leak from a 5xx. */
const boomError = fc
  .tuple(
    fc.integer({ min: 400, max: 599 }),
    fc.oneof(secret, fc.string()),
    fc.option(fc.record({ password: secret }), { nil: undefined }),
    fc.boolean(),
  )
  .map(([status, message, data, boomify]) =>
    boomify
      ? box(
          Boom.boomify(Object.assign(new Error(message), { data }), { statusCode: status }),
          `Boom.boomify(new Error(${fc.stringify(message)}), { statusCode: ${status} })`,
        )
      : box(
          new Boom.Boom(message, { statusCode: status, data }),
          `new Boom(${fc.stringify(message)}, { statusCode: ${status}, data: ${fc.stringify(data)} })`,
        ),
  );

/** Objects of Boom's shape whose members are anything. */
const boomLike = fc
  .record(
    {
      isBoom: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.anything({ maxDepth: 0 })),
      output: fc.oneof(
        {
          weight: 4,
          arbitrary: fc.record(
            {
              statusCode: statusLike,
              headers: headersLike,
              payload: fc.record(
                {
                  message: fc.oneof(secret, fc.string(), fc.anything({ maxDepth: 0 })),
                  error: fc.string(),
                },
                { requiredKeys: [] },
              ),
            },
            { requiredKeys: [] },
          ),
        },
        fc.anything({ maxDepth: 1 }),
      ),
      status: statusLike,
      message: secret,
      // A secret never sent, or @hapi/wreck's data about the response it got.
      data: fc.oneof(
        secret,
        fc.record({
          isResponseError: fc.oneof(fc.constant(true), fc.anything({ maxDepth: 0 })),
          headers: headersLike,
          payload: secret,
        }),
      ),
    },
    { requiredKeys: ['isBoom'] },
  )
  .map((parts) => box(withMembers(new Error(), parts), `Boom-like ${fc.stringify(parts)}`));

export const libraryError = fc.oneof(
  apiErrorInstance,
  baseApiError,
  httpError,
  boomError,
  boomLike,
);
