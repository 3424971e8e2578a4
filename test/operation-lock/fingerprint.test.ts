import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson, requestFingerprint } from '../../src/operation-lock/fingerprint.js';

/** An independent model: JSON with sorted keys, by recursion, for the values JSON.parse makes. */
function model(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(model).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${model((value as Record<string, unknown>)[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The same value with the keys of every object inserted in the reverse order. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value).reverse()) {
    Object.defineProperty(copy, key, {
      value: reversed((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

describe('canonicalJson', () => {
  it('writes any JSON value as JSON with the keys of every object sorted', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const written = canonicalJson(value);
        expect(written).toBe(model(value));
        expect(model(JSON.parse(written))).toBe(written);
      }),
      { numRuns: 500 },
    );
  });

  it('writes a value the same whatever order its keys were inserted in', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        (value) => canonicalJson(reversed(value)) === canonicalJson(value),
      ),
      { numRuns: 500 },
    );
  });

  it('writes values nested 100,000 deep, deeper than recursion can go', () => {
    const depth = 100_000;
    let array: unknown = [];
    let object: unknown = {};
    for (let level = 1; level < depth; level++) {
      array = [array];
      object = { a: object };
    }
    expect(canonicalJson(array)).toBe(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    expect(canonicalJson(object)).toBe(`${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`);
    expect(requestFingerprint('/orders', array)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('writes what JSON.stringify writes for toJSON, undefined, functions and symbols', () => {
    const value = {
      when: new Date(0),
      gone: undefined,
      call: () => 1,
      list: [undefined, () => 1, Symbol('s'), Number.NaN, -0],
      own: { toJSON: (key: string) => `key ${key}` },
    };
    expect(canonicalJson(value)).toBe(
      '{"list":[null,null,null,null,0],"own":"key own","when":"1970-01-01T00:00:00.000Z"}',
    );
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('keeps a `__proto__` member that JSON.parse made as a member', () => {
    expect(canonicalJson(JSON.parse('{"b":1,"__proto__":{"x":2}}'))).toBe(
      '{"__proto__":{"x":2},"b":1}',
    );
  });

  it('refuses a cycle and a BigInt with a TypeError, as JSON.stringify does', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(TypeError);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });
});

describe('requestFingerprint', () => {
  // Fingerprints are stored with keys (for 24 hours by default, in Redis across deploys): a
  // change to any of these values makes every retry after an upgrade a 422.10. Each was
  // checked against a SHA-256 computed by hand of `<target length>:<target><tag><payload>`.
  it.each<[string, string, unknown, string | undefined, string]>([
    ['no body', '/orders', undefined, undefined, 'pamUPRwgbJcqETMxwwJc8PTr4n6318w-SEPtriPY6_s'],
    [
      'a JSON body',
      '/orders',
      { b: [1, 'x'], a: { d: null, c: true } },
      undefined,
      'Rjl4P0XM3BmbtJJpf8RqVLQv6p40EO4Ol5v_gcnrAEk',
    ],
    [
      'a text body',
      '/orders',
      'plain text',
      undefined,
      '45NZ-c0umdYMtWbsdz5edDf-goCoPlA2fOC5YEMFKmU',
    ],
    [
      'a raw body',
      '/orders',
      Buffer.from([0, 255, 1]),
      undefined,
      'y1Rds_NvdkKraTwGAbub5_1GJkyqjEQYwfkLAfmArsw',
    ],
    [
      'a fingerprint option',
      '/orders',
      { a: 1 },
      'custom',
      'DMAEgod0-XghHlRs6RdOHcpNY7shshzYtUZQ655-Kk0',
    ],
    [
      'the null-prototype body of a form multer parsed',
      '/documents',
      Object.assign(Object.create(null) as object, { title: 'contract' }),
      undefined,
      '9hlR2oNuDNUtNQHPjsCPuUltSFUUxfvrW9IzB3Z536Q',
    ],
  ])('gives %s the fingerprint it always had', (_label, target, body, custom, expected) => {
    expect(requestFingerprint(target, body, custom)).toBe(expected);
  });

  it('gives every target and payload the digest of its parts fed one by one, lone surrogates too', () => {
    // The parts as requestFingerprint always fed them to a Hash, an independent model of the one
    // string it now hashes at once.
    const streamed = (target: string, tag: string, payload: string): string =>
      createHash('sha256')
        .update(`${target.length}:${target}`)
        .update(tag)
        .update(payload)
        .digest('base64url');
    const text = fc.string({ unit: 'binary' }); // any UTF-16 code units, lone surrogates included
    fc.assert(
      fc.property(text, text, text, (target, body, custom) => {
        expect(requestFingerprint(target, body)).toBe(streamed(target, 's', body));
        expect(requestFingerprint(target, undefined, custom)).toBe(streamed(target, 'c', custom));
        expect(requestFingerprint(target, { body })).toBe(
          streamed(target, 'j', JSON.stringify({ body })),
        );
      }),
    );
  });

  it('gives a form with an uploaded file the fingerprint it always had', () => {
    // Checked by hand: SHA-256 of `10:/documents`, `f`, the body's own SHA-256 (of its tag and
    // JSON) as bytes, then the files' canonical JSON.
    const body = Object.assign(Object.create(null) as object, { title: 'contract' });
    const files = [
      {
        fieldname: 'scan',
        originalname: 'a.pdf',
        mimetype: 'application/pdf',
        size: 3,
        sha256: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
      },
    ];
    expect(requestFingerprint('/documents', body, undefined, files)).toBe(
      'xEIvH4w52_G7YeqaS_mGm0ymKM4MPRFLSWRsHk7QIsU',
    );
  });

  it('gives the same fingerprints where Node has no crypto.hash (before Node 20.12)', () => {
    const nodeCrypto = jest.requireActual<Record<string, unknown>>('node:crypto');
    const hash = nodeCrypto.hash;
    delete nodeCrypto.hash;
    try {
      let older: typeof requestFingerprint | undefined;
      jest.isolateModules(() => {
        ({ requestFingerprint: older } = jest.requireActual<{
          requestFingerprint: typeof requestFingerprint;
        }>('../../src/operation-lock/fingerprint.js'));
      });
      for (const [body, custom] of [
        [undefined, undefined],
        [{ b: [1, 'x'], a: { d: null } }, undefined],
        ['plain \ud800 text', undefined],
        [{ a: 1 }, 'custom'],
      ] as const) {
        expect(older!('/orders', body, custom)).toBe(requestFingerprint('/orders', body, custom));
      }
    } finally {
      nodeCrypto.hash = hash;
    }
  });

  it('gives no body, null and an empty object the same fingerprint', () => {
    const prints = [undefined, null, {}].map((body) => requestFingerprint('/orders', body));
    expect(new Set(prints).size).toBe(1);
    expect(prints[0]).toMatch(/^[\w-]{43}$/);
  });

  it('tells a JSON string, a text body and a raw body with the same characters apart', () => {
    const prints = [
      requestFingerprint('/orders', ['a']),
      requestFingerprint('/orders', '["a"]'),
      requestFingerprint('/orders', Buffer.from('["a"]')),
    ];
    expect(new Set(prints).size).toBe(3);
  });

  it('hashes a raw body as its bytes without enumerating them as keys (V8 makes a string of each index first)', () => {
    const body = Buffer.alloc(1024, 7);
    const hasOwn = jest.spyOn(Object, 'hasOwn');
    try {
      const print = requestFingerprint('/uploads', body);
      expect(hasOwn.mock.calls.filter(([object]) => object === body)).toEqual([]);
      const expected = createHash('sha256').update('8:/uploads').update('b').update(body);
      expect(print).toBe(expected.digest('base64url'));
    } finally {
      hasOwn.mockRestore();
    }
  });

  it('tells targets apart, with the same body or the same fingerprint option', () => {
    const targets = ['/accounts/1/charge', '/accounts/2/charge', '/charge?account=1', '/charge'];
    expect(new Set(targets.map((target) => requestFingerprint(target, { amount: 10 }))).size).toBe(
      4,
    );
    expect(new Set(targets.map((target) => requestFingerprint(target, undefined, 'x'))).size).toBe(
      4,
    );
  });

  it('keeps a target and a payload from running into each other', () => {
    expect(requestFingerprint('/a', undefined, 'bc')).not.toBe(
      requestFingerprint('/ab', undefined, 'c'),
    );
  });
});
