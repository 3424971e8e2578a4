import { parse as parseAuthHeader } from 'auth-header';
import createHttpError from 'http-errors';
import {
  ApiError,
  BadGatewayError,
  BadRequestError,
  bearerChallenge,
  ConflictError,
  defaultEntries,
  errorClasses,
  ExpectationFailedError,
  FailedDependencyError,
  ForbiddenError,
  GatewayTimeoutError,
  GoneError,
  HTTPVersionNotSupportedError,
  ImATeapotError,
  InsufficientStorageError,
  InternalServerError,
  isApiError,
  LengthRequiredError,
  LockedError,
  LoopDetectedError,
  MethodNotAllowedError,
  MisdirectedRequestError,
  NetworkAuthenticationRequiredError,
  NotAcceptableError,
  NotExtendedError,
  NotFoundError,
  NotImplementedError,
  PayloadTooLargeError,
  PaymentRequiredError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ProxyAuthenticationRequiredError,
  RangeNotSatisfiableError,
  RequestHeaderFieldsTooLargeError,
  RequestTimeoutError,
  ServiceUnavailableError,
  TooEarlyError,
  TooManyRequestsError,
  UnauthorizedError,
  UnavailableForLegalReasonsError,
  UnprocessableEntityError,
  UnsupportedMediaTypeError,
  UpgradeRequiredError,
  URITooLongError,
  VariantAlsoNegotiatesError,
} from '../../src/index.js';
import { expectOptionError } from '../helpers/option-error.js';

const classes = [
  [BadRequestError, 400, 'BadRequestError', {}],
  [UnauthorizedError, 401, 'UnauthorizedError', {}],
  [PaymentRequiredError, 402, 'PaymentRequiredError', {}],
  [ForbiddenError, 403, 'ForbiddenError', {}],
  [NotFoundError, 404, 'NotFoundError', {}],
  [MethodNotAllowedError, 405, 'MethodNotAllowedError', { Allow: 'GET' }],
  [NotAcceptableError, 406, 'NotAcceptableError', {}],
  [ProxyAuthenticationRequiredError, 407, 'ProxyAuthenticationRequiredError', {}],
  [RequestTimeoutError, 408, 'RequestTimeoutError', { Connection: 'close' }],
  [ConflictError, 409, 'ConflictError', {}],
  [GoneError, 410, 'GoneError', {}],
  [LengthRequiredError, 411, 'LengthRequiredError', {}],
  [PreconditionFailedError, 412, 'PreconditionFailedError', {}],
  [PayloadTooLargeError, 413, 'PayloadTooLargeError', {}],
  [URITooLongError, 414, 'URITooLongError', {}],
  [UnsupportedMediaTypeError, 415, 'UnsupportedMediaTypeError', {}],
  [RangeNotSatisfiableError, 416, 'RangeNotSatisfiableError', {}],
  [ExpectationFailedError, 417, 'ExpectationFailedError', {}],
  [ImATeapotError, 418, 'ImATeapotError', {}],
  [MisdirectedRequestError, 421, 'MisdirectedRequestError', {}],
  [UnprocessableEntityError, 422, 'UnprocessableEntityError', {}],
  [LockedError, 423, 'LockedError', {}],
  [FailedDependencyError, 424, 'FailedDependencyError', {}],
  [TooEarlyError, 425, 'TooEarlyError', {}],
  [
    UpgradeRequiredError,
    426,
    'UpgradeRequiredError',
    { Upgrade: 'websocket', Connection: 'upgrade' },
  ],
  [PreconditionRequiredError, 428, 'PreconditionRequiredError', {}],
  [TooManyRequestsError, 429, 'TooManyRequestsError', {}],
  [RequestHeaderFieldsTooLargeError, 431, 'RequestHeaderFieldsTooLargeError', {}],
  [UnavailableForLegalReasonsError, 451, 'UnavailableForLegalReasonsError', {}],
  [InternalServerError, 500, 'InternalServerError', {}],
  [NotImplementedError, 501, 'NotImplementedError', {}],
  [BadGatewayError, 502, 'BadGatewayError', {}],
  [ServiceUnavailableError, 503, 'ServiceUnavailableError', { 'Retry-After': '120' }],
  [GatewayTimeoutError, 504, 'GatewayTimeoutError', {}],
  [HTTPVersionNotSupportedError, 505, 'HTTPVersionNotSupportedError', {}],
  [VariantAlsoNegotiatesError, 506, 'VariantAlsoNegotiatesError', {}],
  [InsufficientStorageError, 507, 'InsufficientStorageError', {}],
  [LoopDetectedError, 508, 'LoopDetectedError', {}],
  [NotExtendedError, 510, 'NotExtendedError', {}],
  [NetworkAuthenticationRequiredError, 511, 'NetworkAuthenticationRequiredError', {}],
] as const;

// A 405 cannot be built without `allow`, nor a 426 without `upgrade`; every other class can be built bare.
const build = (ErrorClass: (typeof classes)[number][0], detail?: string) =>
  ErrorClass === MethodNotAllowedError
    ? new MethodNotAllowedError(detail, { allow: ['GET'] })
    : ErrorClass === UpgradeRequiredError
      ? new UpgradeRequiredError(detail, { upgrade: 'websocket' })
      : new (ErrorClass as typeof NotFoundError)(detail);

describe.each(classes)('%p', (ErrorClass, status, name, headers) => {
  const error = build(ErrorClass, 'Something specific');

  it('has the status of its class, as status and statusCode', () => {
    expect(error.status).toBe(status);
    expect(error.statusCode).toBe(status);
    expect(ErrorClass.status).toBe(status);
  });

  it('has the class name http-errors gives its status', () => {
    const httpErrorsClass = (createHttpError as unknown as Record<number, { name: string }>)[
      status
    ];
    expect(httpErrorsClass?.name).toBe(name);
  });

  it('is named after its class', () => {
    expect(error.name).toBe(name);
    expect(ErrorClass.name).toBe(name);
    expect(String(error)).toBe(`${name}: Something specific`);
  });

  it('exposes its detail below 500 only', () => {
    expect(error.expose).toBe(status < 500);
    expect(error.detail).toBe('Something specific');
    expect(error.message).toBe('Something specific');
  });

  it('carries the headers its status implies', () => {
    expect(error.headers).toEqual(headers);
  });

  it('is an ApiError, an Error and an http-errors error', () => {
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(Error);
    expect(isApiError(error)).toBe(true);
    expect(createHttpError.isHttpError(error)).toBe(true);
  });

  it('falls back to the status phrase as message when given no detail', () => {
    const bare = build(ErrorClass);
    expect(bare.detail).toBeUndefined();
    expect(bare.message).toMatch(/^[A-Z]/);
  });

  it('keeps a stack trace that starts at the throw site', () => {
    expect(error.stack).toContain('error-classes.test.ts');
  });
});

describe('the generated classes', () => {
  it('cover every error status of the default catalog', () => {
    const errorStatuses = [
      ...new Set(defaultEntries.map((entry) => entry.status).filter((status) => status >= 400)),
    ];
    expect(Object.keys(errorClasses).map(Number)).toEqual(errorStatuses);
  });
});

describe('ApiError', () => {
  it('takes any status from 400 to 599', () => {
    const error = new ApiError(451, 'Blocked by court order');
    expect(error.status).toBe(451);
    expect(error.message).toBe('Blocked by court order');
    expect(error.name).toBe('ApiError');
  });

  it.each([200, 399, 600, 404.5, Number.NaN])('refuses status %p with a RangeError', (status) => {
    expect(() => new ApiError(status)).toThrow(RangeError);
  });

  it('refuses a sub-code of another status, naming both', () => {
    expect(() => new NotFoundError('x', { subCode: '401.24' as never })).toThrow(
      'new NotFoundError(): `subCode` "401.24" does not belong to status 404: use "404.<n>"',
    );
  });

  it('refuses a malformed sub-code', () => {
    expect(() => new NotFoundError('x', { subCode: '404.x' as never })).toThrow(TypeError);
  });

  it('has the catalog name of its sub-code, else of its status, as code', () => {
    expect(new ApiError(401, 'x', { subCode: '401.24' }).code).toBe('TOKEN_EXPIRED');
    expect(new ApiError(401).code).toBe('UNAUTHORIZED');
  });

  it('has a code made from the status phrase for a status the catalog lacks', () => {
    expect(new ApiError(499).code).toBe('HTTP_499');
    expect(new ApiError(509).code).toBe('BANDWIDTH_LIMIT_EXCEEDED');
  });

  it('keeps the cause for logs', () => {
    const cause = new Error('db down');
    expect(new InternalServerError(undefined, { cause }).cause).toBe(cause);
    expect('cause' in new InternalServerError()).toBe(false);
  });

  it('lets expose be set either way', () => {
    expect(new ServiceUnavailableError('Down for maintenance', { expose: true }).expose).toBe(true);
    expect(new BadRequestError('internal', { expose: false }).expose).toBe(false);
  });

  it('validates extra headers at construction', () => {
    expect(() => new BadRequestError('x', { headers: { 'X-A': 'a\r\nb' } })).toThrow(
      'new BadRequestError(): `headers.X-A` must be a string of printable ASCII, without control characters',
    );
    expect(() => new BadRequestError('x', { headers: { 'X A': 'a' } })).toThrow(
      'new BadRequestError(): A `headers` name must be an RFC 9110 token, got "X A"',
    );
  });

  it('turns numeric header values into strings', () => {
    expect(new BadRequestError('x', { headers: { 'X-Limit': 10 } }).headers).toEqual({
      'X-Limit': '10',
    });
  });

  it('keeps extensions frozen and apart from the message', () => {
    const error = new BadRequestError('x', { extensions: { balance: 30 } });
    expect(error.extensions).toEqual({ balance: 30 });
    expect(Object.isFrozen(error.extensions)).toBe(true);
  });

  it('is recognised when made by another copy of the library (ESM next to CommonJS)', () => {
    const foreign = Object.create(
      Object.assign(Object.create(Error.prototype), {
        [Symbol.for('express-api-errors.ApiError')]: true,
      }),
    );
    expect(isApiError(foreign)).toBe(true);
    expect(isApiError(new Error('x'))).toBe(false);
    expect(isApiError(null)).toBe(false);
  });
});

describe('class options', () => {
  it('accepts options alone, without a detail', () => {
    const error = new NotFoundError({ subCode: '404.1' });
    expect(error.subCode).toBe('404.1');
    expect(error.detail).toBeUndefined();
  });

  it('UnauthorizedError builds WWW-Authenticate from its challenge', () => {
    const error = new UnauthorizedError('Token expired', {
      subCode: '401.24',
      challenge: bearerChallenge({ realm: 'api', error: 'invalid_token' }),
    });
    expect(error.headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"',
    });
  });

  it('ForbiddenError carries Retry-After for a temporary block', () => {
    expect(new ForbiddenError({ subCode: '403.30', retryAfter: 600 }).headers).toEqual({
      'Retry-After': '600',
    });
  });

  it('ForbiddenError carries an insufficient_scope challenge', () => {
    const error = new ForbiddenError({
      challenge: bearerChallenge({ realm: 'api', error: 'insufficient_scope', scope: 'admin' }),
    });
    expect(error.headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="api", scope="admin", error="insufficient_scope"',
    });
  });

  it('MethodNotAllowedError sets Allow and refuses to be built without it', () => {
    expect(new MethodNotAllowedError({ allow: ['GET', 'HEAD'] }).headers).toEqual({
      Allow: 'GET, HEAD',
    });
    expect(() => new MethodNotAllowedError(undefined, undefined as never)).toThrow(
      'new MethodNotAllowedError(): `allow` is required',
    );
  });

  it('ConflictError points Location at the existing resource', () => {
    expect(new ConflictError('Already exists', { location: '/users/7' }).headers).toEqual({
      Location: '/users/7',
    });
  });

  it('ConflictError sets Retry-After for a duplicate request in progress (409.1)', () => {
    expect(new ConflictError({ subCode: '409.1', retryAfter: 1 }).headers).toEqual({
      'Retry-After': '1',
    });
  });

  it('TooManyRequestsError sets Retry-After in whole seconds from seconds or a Date', () => {
    expect(new TooManyRequestsError({ retryAfter: 1.5 }).headers).toEqual({ 'Retry-After': '2' });
    const inTwoMinutes = new Date(Date.now() + 120_000);
    expect(new TooManyRequestsError({ retryAfter: inTwoMinutes }).headers['Retry-After']).toMatch(
      /^1[12]\d$/,
    );
    expect(new TooManyRequestsError().headers).toEqual({});
  });

  it('ServiceUnavailableError waits 120 seconds unless told otherwise', () => {
    expect(new ServiceUnavailableError().headers).toEqual({ 'Retry-After': '120' });
    expect(new ServiceUnavailableError({ retryAfter: 30 }).headers).toEqual({
      'Retry-After': '30',
    });
  });

  it('UnprocessableEntityError carries each field error as an extension member', () => {
    const error = new UnprocessableEntityError('Invalid user', {
      errors: [
        { pointer: '/email', detail: 'must be an email address' },
        { field: 'age', detail: 'must be a number' },
      ],
    });
    expect(error.extensions).toEqual({
      errors: [
        { pointer: '/email', detail: 'must be an email address' },
        { field: 'age', detail: 'must be a number' },
      ],
    });
    expect(() => new UnprocessableEntityError({ errors: [{}] as never })).toThrow(
      '`errors` must be an array of `{ pointer?, field?, detail }`',
    );
  });

  it('UnsupportedMediaTypeError carries the accepted media types', () => {
    expect(new UnsupportedMediaTypeError({ accept: ['application/json'] }).extensions).toEqual({
      accept: ['application/json'],
    });
  });

  it.each([
    ['application/json', '"application/json"'],
    [[1, {}, null], '[1,{},null]'],
    [5, '5'],
  ])(
    'UnsupportedMediaTypeError refuses accept %j, which is no list of media types',
    (accept, shown) => {
      expectOptionError(
        () => new UnsupportedMediaTypeError({ accept: accept as never }),
        'ERR_EAE_OPTION_TYPE',
        `new UnsupportedMediaTypeError(): \`accept\` must be an array of media types such as ["application/json"], got ${shown}`,
      );
    },
  );

  it('ProxyAuthenticationRequiredError builds Proxy-Authenticate from its challenge', () => {
    const error = new ProxyAuthenticationRequiredError({
      challenge: { scheme: 'Basic', params: { realm: 'proxy "eu"' } },
    });
    expect(error.headers).toEqual({ 'Proxy-Authenticate': 'Basic realm="proxy \\"eu\\""' });
    expect(parseAuthHeader(error.headers['Proxy-Authenticate']!)).toMatchObject({
      scheme: 'Basic',
      params: { realm: 'proxy "eu"' },
    });
    expect(new ProxyAuthenticationRequiredError().headers).toEqual({});
  });

  it('RequestTimeoutError asks for the connection to be closed', () => {
    expect(new RequestTimeoutError().headers).toEqual({ Connection: 'close' });
  });

  it('PayloadTooLargeError carries Retry-After only when the condition is temporary', () => {
    expect(new PayloadTooLargeError({ retryAfter: 30 }).headers).toEqual({ 'Retry-After': '30' });
    expect(new PayloadTooLargeError().headers).toEqual({});
  });

  it('RangeNotSatisfiableError states the complete length in Content-Range', () => {
    expect(new RangeNotSatisfiableError({ completeLength: 1234 }).headers).toEqual({
      'Content-Range': 'bytes */1234',
    });
    expect(new RangeNotSatisfiableError().headers).toEqual({});
  });

  it('UpgradeRequiredError sets Upgrade with Connection: upgrade and refuses to be built without it', () => {
    expect(new UpgradeRequiredError({ upgrade: ['TLS/1.3', 'HTTP/2.0'] }).headers).toEqual({
      Upgrade: 'TLS/1.3, HTTP/2.0',
      Connection: 'upgrade',
    });
    expect(() => new UpgradeRequiredError(undefined, undefined as never)).toThrow(
      'new UpgradeRequiredError(): `upgrade` is required',
    );
  });

  it('UnavailableForLegalReasonsError links to who blocks the resource with rel="blocked-by"', () => {
    const error = new UnavailableForLegalReasonsError({
      blockedBy: 'https://isp.example/legal?case=1',
    });
    expect(error.headers).toEqual({
      Link: '<https://isp.example/legal?case=1>; rel="blocked-by"',
    });
    expect(new UnavailableForLegalReasonsError().headers).toEqual({});
  });

  it('lets explicit headers replace implied ones, whatever their case', () => {
    const error = new ServiceUnavailableError({ headers: { 'retry-after': '5' } });
    expect(error.headers).toEqual({ 'retry-after': '5' });
  });

  it('refuses bad class options at the throw site', () => {
    expect(() => new ConflictError({ location: '/a\r\nb' })).toThrow(TypeError);
    expect(() => new TooManyRequestsError({ retryAfter: -1 })).toThrow(RangeError);
    expect(() => new MethodNotAllowedError({ allow: ['G ET'] })).toThrow(TypeError);
    expect(() => new RangeNotSatisfiableError({ completeLength: -1 })).toThrow(RangeError);
    expect(() => new UpgradeRequiredError({ upgrade: 'web socket' })).toThrow(TypeError);
    expect(() => new UnavailableForLegalReasonsError({ blockedBy: '/a\r\nb' })).toThrow(
      '`blockedBy` must be a non-empty URI reference without control characters',
    );
    expect(() => new PayloadTooLargeError({ retryAfter: -1 })).toThrow(RangeError);
    expect(
      () => new ProxyAuthenticationRequiredError({ challenge: { scheme: 'Basic realm' } }),
    ).toThrow(TypeError);
  });
});
