import { isThenable } from '../../src/util/is-thenable.js';

describe('isThenable', () => {
  it('is true of a promise and of any object or function with a callable then, as await sees them', () => {
    const thenableFunction = Object.assign(() => undefined, { then: () => undefined });
    expect(
      [Promise.resolve(1), { then: () => undefined }, thenableFunction].map((value) =>
        isThenable<unknown>(value),
      ),
    ).toEqual([true, true, true]);
  });

  it('is false of a value whose then is not a function, and of null, undefined and primitives', () => {
    expect(
      [{ then: 1 }, { then: null }, {}, null, undefined, 0, '', 'then', false].map((value) =>
        isThenable<unknown>(value),
      ),
    ).toEqual([false, false, false, false, false, false, false, false, false]);
  });
});
