import {
  asOptionError,
  checkOptionsObject,
  parseBaseUri,
  parseBoolean,
  parseFunction,
  parseWholeNumber,
  parseWith,
} from '../../src/options/parse.js';

function thrown(run: () => unknown) {
  try {
    run();
  } catch (error) {
    return error as Error & { code: string };
  }
  throw new Error('accepted');
}

describe('checkOptionsObject', () => {
  it('accepts an object', () => {
    expect(() => checkOptionsObject('factory()', {}, '{ limit }')).not.toThrow();
  });

  it.each([[null], [undefined], [[]], ['limit'], [5]])(
    'refuses %p with ERR_EAE_OPTIONS, showing an example',
    (options) => {
      const error = thrown(() => checkOptionsObject('factory()', options, '{ limit }'));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.code).toBe('ERR_EAE_OPTIONS');
      expect(error.message).toMatch(
        /^factory\(\): options must be an object such as \{ limit \}, got /,
      );
    },
  );
});

describe('parseFunction', () => {
  it('passes a function or undefined through', () => {
    const key = () => 'k';
    expect(parseFunction('factory()', 'key', key)).toBe(key);
    expect(parseFunction('factory()', 'key', undefined)).toBeUndefined();
  });

  it('refuses anything else, naming the option and the value', () => {
    const error = thrown(() => parseFunction('factory()', 'key', 'ip' as never));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe('ERR_EAE_OPTION_TYPE');
    expect(error.message).toBe('factory(): `key` must be a function, got "ip"');
  });
});

describe('parseBoolean', () => {
  it('takes a boolean, or the fallback when not given', () => {
    expect(parseBoolean('factory()', 'debug', false, true)).toBe(false);
    expect(parseBoolean('factory()', 'debug', undefined, true)).toBe(true);
  });

  it.each([['yes'], [1], [null]])('refuses %p rather than reading it as truthy', (value) => {
    const error = thrown(() => parseBoolean('factory()', 'debug', value as never, true));
    expect(error.code).toBe('ERR_EAE_OPTION_TYPE');
    expect(error.message).toBe(
      `factory(): \`debug\` must be a boolean, got ${JSON.stringify(value)}`,
    );
  });
});

describe('parseWholeNumber', () => {
  const range = { min: 1, max: 1_000_000, unit: 'milliseconds' };

  it('takes a whole number in range', () => {
    expect(parseWholeNumber('factory()', 'windowMs', 1, range)).toBe(1);
    expect(parseWholeNumber('factory()', 'windowMs', 1_000_000, range)).toBe(1_000_000);
  });

  it('says a missing number is required, with the range', () => {
    const error = thrown(() => parseWholeNumber('factory()', 'windowMs', undefined, range));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe('ERR_EAE_OPTION_MISSING');
    expect(error.message).toBe(
      'factory(): `windowMs` is required: a whole number of milliseconds from 1 to 1,000,000',
    );
  });

  it.each([[0], [1_000_001], [1.5], [Number.NaN], [Infinity], [-1]])(
    'refuses the number %p with a RangeError',
    (value) => {
      const error = thrown(() => parseWholeNumber('factory()', 'windowMs', value, range));
      expect(error).toBeInstanceOf(RangeError);
      expect(error.code).toBe('ERR_EAE_OPTION_RANGE');
      expect(error.message).toMatch(
        /^factory\(\): `windowMs` must be a whole number of milliseconds from 1 to 1,000,000, got /,
      );
    },
  );

  it.each([['5'], [null], [5n]])('refuses %p, which is no number, with a TypeError', (value) => {
    const error = thrown(() => parseWholeNumber('factory()', 'windowMs', value, range));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe('ERR_EAE_OPTION_TYPE');
  });

  it('says "or more" without a maximum', () => {
    expect(thrown(() => parseWholeNumber('factory()', 'size', -1, { min: 0 })).message).toBe(
      'factory(): `size` must be a whole number, 0 or more, got -1',
    );
  });
});

describe('parseBaseUri', () => {
  it('passes an absolute URI without a fragment, or undefined, through', () => {
    expect(parseBaseUri('f()', 'typeBaseUri', 'https://api.example.com/docs/errors')).toBe(
      'https://api.example.com/docs/errors',
    );
    expect(parseBaseUri('f()', 'typeBaseUri', 'urn:example:errors')).toBe('urn:example:errors');
    expect(parseBaseUri('f()', 'typeBaseUri', 'tag:example.com,2026:errors')).toBe(
      'tag:example.com,2026:errors',
    );
    expect(parseBaseUri('f()', 'typeBaseUri', 'https://api.example.com/docs/%C3%A9rrors')).toBe(
      'https://api.example.com/docs/%C3%A9rrors',
    );
    expect(parseBaseUri('f()', 'typeBaseUri', undefined)).toBeUndefined();
  });

  it.each([
    ['/docs/errors'],
    ['https://api.example.com/docs#errors'],
    ['https://api.example.com/docs errors'],
    ['https://api.example.com/\r\n'],
    ['https://a.example/"<x>'],
    ['https://a.example/{x}'],
    ['https://a.example/a\\b'],
    ['https://a.example/%zz'],
    [''],
    [42],
  ])('refuses %p with ERR_EAE_OPTION_TYPE', (value) => {
    const error = thrown(() => parseBaseUri('f()', 'typeBaseUri', value));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe('ERR_EAE_OPTION_TYPE');
    expect(error.message).toMatch(
      /^f\(\): `typeBaseUri` must be an absolute URI without a fragment, such as "https:\/\/api\.example\.com\/docs\/errors", got /,
    );
  });
});

describe('parseBaseUri: schemes', () => {
  it.each([
    ['javascript:alert(1)'],
    ['data:text/html,x'],
    ['file:///etc/passwd'],
    ['ftp://a.example/e'],
  ])('refuses %p, which is no http, https, urn or tag URI', (value) => {
    const error = thrown(() => parseBaseUri('f()', 'typeBaseUri', value));
    expect(error).toBeInstanceOf(TypeError);
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'ERR_EAE_OPTION_TYPE',
      message: `f(): \`typeBaseUri\` must be an http, https, urn or tag URI, such as "https://api.example.com/docs/errors", got ${JSON.stringify(value)}`,
    });
  });
});

describe('parseWith and asOptionError', () => {
  it('returns what the check returns', () => {
    expect(parseWith('factory()', () => 'value')).toBe('value');
  });

  it.each([
    [TypeError, 'ERR_EAE_OPTION_TYPE'],
    [RangeError, 'ERR_EAE_OPTION_RANGE'],
  ])('turns a %p from a shared check into a coded error of the factory', (Kind, code) => {
    const error = thrown(() =>
      parseWith('factory()', () => {
        throw new Kind('`retryAfter` must not be negative, got -1');
      }),
    );
    expect(error).toBeInstanceOf(Kind);
    expect(error.code).toBe(code);
    expect(error.message).toBe('factory(): `retryAfter` must not be negative, got -1');
  });

  it('leaves other errors, and errors that have a code, as they are', () => {
    const plain = new Error('boom');
    const coded = Object.assign(new TypeError('x'), { code: 'ERR_OTHER' });
    expect(asOptionError('factory()', plain)).toBe(plain);
    expect(asOptionError('factory()', coded)).toBe(coded);
  });
});
