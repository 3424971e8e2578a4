import {
  ApiError,
  ConflictError,
  errorClasses,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RangeNotSatisfiableError,
  TooManyRequestsError,
  UnauthorizedError,
  UnprocessableEntityError,
  UpgradeRequiredError,
  defineErrorClass,
  type ApiErrorOptions,
} from '../../src/index.js';
import type { OptionErrorCode } from '../../src/options/option-error.js';
import { expectOptionError } from '../helpers/option-error.js';

const COMMON = '`subCode`, `headers`, `cause`, `expose`, `extensions`';

describe('error classes: unknown option names', () => {
  it.each([
    ['subcode', 'subCode'],
    ['sub_code', 'subCode'],
    ['header', 'headers'],
    ['expos', 'expose'],
    ['extension', 'extensions'],
  ])('refuses `%s` with a TypeError suggesting `%s`', (name, nearest) => {
    expectOptionError(
      () => new NotFoundError('x', { [name]: '404.1' } as ApiErrorOptions<404>),
      'ERR_EAE_UNKNOWN_OPTION',
      `new NotFoundError(): \`${name}\` is not an option. Did you mean \`${nearest}\`? The options are ${COMMON}.`,
    );
  });

  it('says where other data goes for a name that is no misspelling, as http-errors would copy it', () => {
    expectOptionError(
      () => new NotFoundError({ userId: 7 } as ApiErrorOptions<404>),
      'ERR_EAE_UNKNOWN_OPTION',
      `new NotFoundError(): \`userId\` is not an option: put members for the client in \`extensions\` and data for the log in \`cause\`. The options are ${COMMON}.`,
    );
  });

  it('lists the class’s own options after the common ones', () => {
    expectOptionError(
      () => new MethodNotAllowedError({ allowed: ['GET'] } as never),
      'ERR_EAE_UNKNOWN_OPTION',
      `new MethodNotAllowedError(): \`allowed\` is not an option. Did you mean \`allow\`? The options are ${COMMON}, \`allow\`.`,
    );
  });

  it('refuses an option of another class, which would be dropped', () => {
    expectOptionError(
      () => new NotFoundError({ retryAfter: 60 } as ApiErrorOptions<404>),
      'ERR_EAE_UNKNOWN_OPTION',
      /^new NotFoundError\(\): `retryAfter` is not an option: put members for the client/,
    );
  });

  it('checks new ApiError() too', () => {
    expectOptionError(
      () => new ApiError(451, 'x', { subcode: '451.1' } as never),
      'ERR_EAE_UNKNOWN_OPTION',
      `new ApiError(): \`subcode\` is not an option. Did you mean \`subCode\`? The options are ${COMMON}.`,
    );
  });

  it('accepts every option of every class', () => {
    const required: Record<number, object> = { 405: { allow: ['GET'] }, 426: { upgrade: 'h2c' } };
    for (const ErrorClass of Object.values(errorClasses)) {
      const options = {
        ...required[ErrorClass.status],
        headers: {},
        cause: 1,
        expose: true,
        extensions: {},
      };
      const AnyClass = ErrorClass as unknown as new (detail: undefined, options: object) => unknown;
      expect(() => new AnyClass(undefined, options)).not.toThrow();
    }
    const own: [ErrorClass: new (options: object) => unknown, options: object][] = [
      [UnauthorizedError, { challenge: { scheme: 'Bearer' } }],
      [ForbiddenError, { retryAfter: 1, challenge: { scheme: 'Bearer' } }],
      [ConflictError, { location: '/a' }],
      [PayloadTooLargeError, { retryAfter: 1 }],
      [RangeNotSatisfiableError, { completeLength: 1 }],
      [UnprocessableEntityError, { errors: [] }],
      [TooManyRequestsError, { retryAfter: 1 }],
    ];
    for (const [ErrorClass, options] of own) {
      expect(() => new ErrorClass(options)).not.toThrow();
    }
  });

  it('looks at own names only: inherited ones are not options the caller gave', () => {
    const options = Object.create({ inherited: true }) as ApiErrorOptions<404>;
    expect(() => new NotFoundError('x', options)).not.toThrow();
  });

  it('leaves a subclass of ApiError free to pass its own options on', () => {
    class PaymentError extends ApiError<402> {
      readonly invoiceId: string;
      constructor(options: ApiErrorOptions<402> & { invoiceId: string }) {
        super(402, 'Payment required', options);
        this.invoiceId = options.invoiceId;
      }
    }
    expect(new PaymentError({ invoiceId: 'i-1', expose: true }).invoiceId).toBe('i-1');
  });

  it('does not change the options object it is given', () => {
    const options = Object.freeze({
      subCode: '405.1' as never,
      allow: Object.freeze(['GET']),
      headers: Object.freeze({ 'X-A': '1' }),
      extensions: Object.freeze({ a: 1 }),
    });
    const error = new MethodNotAllowedError(options);
    expect(options).toEqual({
      subCode: '405.1',
      allow: ['GET'],
      headers: { 'X-A': '1' },
      extensions: { a: 1 },
    });
    expect(error.extensions).not.toBe(options.extensions);
  });
});

describe('error classes: bad values, with a code and the class name', () => {
  it.each<[string, () => unknown, OptionErrorCode, string]>([
    [
      'a status out of range',
      () => new ApiError(600),
      'ERR_EAE_OPTION_RANGE',
      'new ApiError(): `status` must be a whole number from 400 to 599, got 600',
    ],
    [
      'a status that is no number',
      () => new ApiError('404' as never),
      'ERR_EAE_OPTION_TYPE',
      'new ApiError(): `status` must be a whole number from 400 to 599, got "404"',
    ],
    [
      'a detail that is no string',
      () => new NotFoundError(42 as never),
      'ERR_EAE_OPTION_TYPE',
      'new NotFoundError(): `detail` must be a string, got 42',
    ],
    [
      'options that are an array',
      () => new NotFoundError('x', [] as never),
      'ERR_EAE_OPTIONS',
      'new NotFoundError(): options must be an object such as { subCode, headers, cause, expose, extensions }, got []',
    ],
    [
      'two options objects',
      () => new NotFoundError({} as never, {} as never),
      'ERR_EAE_OPTIONS',
      'new NotFoundError(): takes (detail?, options?) or (options), not two options objects',
    ],
    [
      'a sub-code of another status',
      () => new NotFoundError({ subCode: '401.24' as never }),
      'ERR_EAE_OPTION_TYPE',
      'new NotFoundError(): `subCode` "401.24" does not belong to status 404: use "404.<n>"',
    ],
    [
      'an expose that is no boolean',
      () => new NotFoundError({ expose: 'yes' as never }),
      'ERR_EAE_OPTION_TYPE',
      'new NotFoundError(): `expose` must be a boolean, got "yes"',
    ],
    [
      'extensions that are no object',
      () => new NotFoundError({ extensions: 'x' as never }),
      'ERR_EAE_OPTION_TYPE',
      'new NotFoundError(): `extensions` must be an object of problem members, got "x"',
    ],
    [
      'headers that are no object',
      () => new NotFoundError({ headers: 'X-A: 1' as never }),
      'ERR_EAE_OPTION_TYPE',
      'new NotFoundError(): `headers` must be an object of header names to values, got "X-A: 1"',
    ],
    [
      'a Retry-After header that is neither seconds nor a date',
      () => new NotFoundError({ headers: { 'retry-after': 'soon' } }),
      'ERR_EAE_OPTION_TYPE',
      'new NotFoundError(): `headers.retry-after` must be delay-seconds or an IMF-fixdate such as "Fri, 04 Dec 2026 12:00:00 GMT" (RFC 9110 §10.2.3), got "soon"',
    ],
    [
      'a Retry-After header dated on the wrong weekday',
      () => new NotFoundError({ headers: { 'Retry-After': 'Mon, 04 Dec 2026 12:00:00 GMT' } }),
      'ERR_EAE_OPTION_TYPE',
      'new NotFoundError(): `headers.Retry-After` must be delay-seconds or an IMF-fixdate such as "Fri, 04 Dec 2026 12:00:00 GMT" (RFC 9110 §10.2.3), got "Mon, 04 Dec 2026 12:00:00 GMT"',
    ],
    [
      'a Retry-After header of a fraction of a second',
      () => new TooManyRequestsError({ headers: { 'Retry-After': 1.5 } }),
      'ERR_EAE_OPTION_RANGE',
      'new TooManyRequestsError(): `headers.Retry-After` must be a whole number of seconds from 0 to 9007199254740991, got 1.5',
    ],
    [
      'a required option left out',
      () => new MethodNotAllowedError({} as never),
      'ERR_EAE_OPTION_MISSING',
      'new MethodNotAllowedError(): `allow` is required',
    ],
    [
      'a required option left out with no options at all',
      () => new UpgradeRequiredError(undefined, undefined as never),
      'ERR_EAE_OPTION_MISSING',
      'new UpgradeRequiredError(): `upgrade` is required',
    ],
    [
      'an own option out of range',
      () => new TooManyRequestsError({ retryAfter: -1 }),
      'ERR_EAE_OPTION_RANGE',
      'new TooManyRequestsError(): `retryAfter` must be from 0 to 9007199254740991 seconds, got -1',
    ],
    [
      'an own option of the wrong shape',
      () => new UnprocessableEntityError({ errors: [{}] as never }),
      'ERR_EAE_OPTION_TYPE',
      'new UnprocessableEntityError(): `errors` must be an array of `{ pointer?, field?, detail }`, got [{}]',
    ],
    [
      'an own option that would split a header',
      () => new ConflictError({ location: '/a\r\nb' }),
      'ERR_EAE_OPTION_TYPE',
      'new ConflictError(): `location` must be a non-empty URI reference without control characters, got "/a\\r\\nb"',
    ],
  ])('refuses %s', (_case, make, code, message) => {
    expectOptionError(make, code, message);
  });
});

describe('defineErrorClass: own options', () => {
  const TeapotError = defineErrorClass<418, { brew: string; cups?: number }>(418, 'TeapotError', {
    options: { brew: 'required', cups: 'optional' },
    imply: ({ brew, cups }) => {
      if (brew === 'coffee') throw new RangeError('`brew` must be tea, got "coffee"');
      if (brew === 'boom') throw new Error('imply failed');
      return { extensions: { brew, cups } };
    },
  });

  it('passes its own options to imply, and refuses others', () => {
    expect(new TeapotError({ brew: 'green', cups: 2 }).extensions).toEqual({
      brew: 'green',
      cups: 2,
    });
    expectOptionError(
      () => new TeapotError({ brew: 'green', cup: 2 } as never),
      'ERR_EAE_UNKNOWN_OPTION',
      `new TeapotError(): \`cup\` is not an option. Did you mean \`cups\`? The options are ${COMMON}, \`brew\`, \`cups\`.`,
    );
  });

  it('refuses a required own option left out, before imply runs', () => {
    expectOptionError(
      () => new TeapotError({} as never),
      'ERR_EAE_OPTION_MISSING',
      'new TeapotError(): `brew` is required',
    );
  });

  it('turns a TypeError or RangeError from imply into an option error of the class', () => {
    expectOptionError(
      () => new TeapotError({ brew: 'coffee' }),
      'ERR_EAE_OPTION_RANGE',
      'new TeapotError(): `brew` must be tea, got "coffee"',
    );
  });

  it('lets any other error from imply through as it is', () => {
    expect(() => new TeapotError({ brew: 'boom' })).toThrow(new Error('imply failed'));
  });

  it('holds the list of own options to the options type', () => {
    const mustNotCompile = () => {
      defineErrorClass<418, { brew: string; cups?: number }>(418, 'A', {
        // @ts-expect-error `cups` is left out
        options: { brew: 'required' },
      });
      // @ts-expect-error `brew` is required, not optional
      defineErrorClass<418, { brew: string }>(418, 'B', { options: { brew: 'optional' } });
      // @ts-expect-error a class with own options needs their list
      defineErrorClass<418, { brew: string }>(418, 'C');
      defineErrorClass<418, { brew: string }>(418, 'D', {
        // @ts-expect-error `milk` is no option of the class
        options: { brew: 'required', milk: 'optional' },
      });
    };
    expect(typeof mustNotCompile).toBe('function');
  });
});

describe('defineErrorClass: the definition is checked when it is made', () => {
  it.each<[string, () => unknown, OptionErrorCode, string]>([
    [
      'a status that is no error status',
      () => defineErrorClass(200, 'OkError'),
      'ERR_EAE_OPTION_RANGE',
      'defineErrorClass(): `status` must be a whole number from 400 to 599, got 200',
    ],
    [
      'a class name that is no identifier',
      () => defineErrorClass(460, ''),
      'ERR_EAE_OPTION_TYPE',
      'defineErrorClass(): `className` must be an identifier such as \'PaymentRequiredError\', got ""',
    ],
    [
      'parts that are not an object',
      () => defineErrorClass(460, 'ClosedError', 5 as never),
      'ERR_EAE_OPTIONS',
      "defineErrorClass(): options must be an object such as { options: { allow: 'required' }, imply }, got 5",
    ],
    [
      'a misspelt part',
      () => defineErrorClass(460, 'ClosedError', { option: { balance: 'optional' } } as never),
      'ERR_EAE_UNKNOWN_OPTION',
      'defineErrorClass(): `option` is not an option. Did you mean `options`? The options are `options`, `imply`.',
    ],
    [
      'a kind that is neither required nor optional',
      () =>
        defineErrorClass<460, { balance: number }>(460, 'ClosedError', {
          options: { balance: 'requird' as never },
        }),
      'ERR_EAE_OPTION_TYPE',
      "defineErrorClass(): `options.balance` must be 'required' or 'optional', got \"requird\"",
    ],
    [
      'an option every class has',
      () =>
        defineErrorClass<460, { subCode: string }>(460, 'ClosedError', {
          options: { subCode: 'required' },
        }),
      'ERR_EAE_OPTION_CONFLICT',
      'defineErrorClass(): `options.subCode` is an option every error class has already: give yours another name',
    ],
    [
      'an imply that is no function',
      () => defineErrorClass(460, 'ClosedError', { imply: 5 } as never),
      'ERR_EAE_OPTION_TYPE',
      'defineErrorClass(): `imply` must be a function of the options, got 5',
    ],
  ])('refuses %s', (_what, define, code, message) => {
    expectOptionError(define, code, message);
  });
});
