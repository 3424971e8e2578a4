import { checkOptionNames, optionNames } from '../../src/options/option-names.js';

const KNOWN = ['limit', 'windowMs', 'debug', 'retryAfter'] as const;

function refusal(options: object, extra?: Parameters<typeof checkOptionNames>[3]) {
  try {
    checkOptionNames('factory()', options, KNOWN, extra);
  } catch (error) {
    return error as TypeError & { code: string };
  }
  throw new Error('accepted');
}

describe('checkOptionNames', () => {
  it('accepts known names', () => {
    expect(() => checkOptionNames('factory()', { limit: 1, debug: true }, KNOWN)).not.toThrow();
  });

  it.each([
    ['debg', 'debug'],
    ['Debug', 'debug'],
    ['retry_after', 'retryAfter'],
    ['retryafter', 'retryAfter'],
    ['windowMS', 'windowMs'],
    ['limt', 'limit'],
  ])(
    'refuses %j with a TypeError coded ERR_EAE_UNKNOWN_OPTION, suggesting `%s`',
    (name, nearest) => {
      const error = refusal({ [name]: 1 });
      expect(error).toBeInstanceOf(TypeError);
      expect(error.code).toBe('ERR_EAE_UNKNOWN_OPTION');
      expect(error.message).toBe(
        `factory(): \`${name}\` is not an option. Did you mean \`${nearest}\`? The options are \`limit\`, \`windowMs\`, \`debug\`, \`retryAfter\`.`,
      );
    },
  );

  it('suggests the one option a name begins, as when a unit is left off', () => {
    expect(refusal({ window: 1 }).message).toContain('Did you mean `windowMs`?');
    expect(refusal({ retry: 1 }).message).toContain('Did you mean `retryAfter`?');
  });

  it('suggests nothing for a name that begins several options, or is too short to tell', () => {
    const known = ['maxKeys', 'maxAge', 'limit'];
    const refused = (name: string) => {
      try {
        checkOptionNames('factory()', { [name]: 1 }, known);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused('max')).not.toContain('Did you mean');
    expect(refused('li')).not.toContain('Did you mean');
  });

  it('suggests nothing for a name far from every option', () => {
    expect(refusal({ colour: 'red' }).message).toBe(
      'factory(): `colour` is not an option. The options are `limit`, `windowMs`, `debug`, `retryAfter`.',
    );
  });

  it('gives the advice of a migration table before any guess', () => {
    expect(refusal({ max: 5 }, { migrations: { max: 'use `limit`' } }).message).toBe(
      'factory(): `max` is not an option: use `limit`. The options are `limit`, `windowMs`, `debug`, `retryAfter`.',
    );
  });

  it('gives the hint for a name that is no misspelling, after any migration or guess', () => {
    const hint = { hint: 'put data in `extensions`', migrations: { max: 'use `limit`' } };
    expect(refusal({ userId: 7 }, hint).message).toBe(
      'factory(): `userId` is not an option: put data in `extensions`. The options are `limit`, `windowMs`, `debug`, `retryAfter`.',
    );
    expect(refusal({ debg: true }, hint).message).toContain('Did you mean `debug`?');
    expect(refusal({ max: 5 }, hint).message).toContain('`max` is not an option: use `limit`.');
  });

  it('names a nested option by its path', () => {
    expect(refusal({ limt: 1 }, { path: 'windows[0].' }).message).toContain(
      '`windows[0].limt` is not an option. Did you mean `windows[0].limit`?',
    );
  });

  it('looks up migration advice as own properties only', () => {
    expect(refusal({ toString: 1 }, { migrations: {} }).message).toContain(
      '`toString` is not an option.',
    );
  });
});

describe('optionNames', () => {
  interface Options {
    limit: number;
    debug?: boolean;
  }

  it('returns the names, frozen', () => {
    const names = optionNames<Options>()(['limit', 'debug']);
    expect(names).toEqual(['limit', 'debug']);
    expect(Object.isFrozen(names)).toBe(true);
  });

  it('does not compile with an option left out or a name that is no option', () => {
    const mustNotCompile = () => {
      // @ts-expect-error `debug` is left out
      optionNames<Options>()(['limit']);
      // @ts-expect-error `debg` is no option
      optionNames<Options>()(['limit', 'debug', 'debg']);
    };
    expect(typeof mustNotCompile).toBe('function');
  });
});
