import { formatMediaTypeList, parseMediaRange } from '../../src/headers/media-type-list.js';

describe('parseMediaRange', () => {
  it.each([
    ['application/json', 'application/json'],
    ['Application/JSON', 'application/json'],
    ['text/*', 'text/*'],
    ['*/*', '*/*'],
    ['application/*+json', 'application/*+json'],
    ['*/*+xml', '*/*+xml'],
    ['application/vnd.api+json', 'application/vnd.api+json'],
  ])('accepts %p as %p', (value, expected) => {
    expect(parseMediaRange(value, '`t`')).toBe(expected);
  });

  it.each([
    ['json'],
    ['application/json;charset=utf-8'],
    ['*/json'],
    ['a*/json'],
    ['application/*json'],
    ['application/*+*'],
    ['text/plain\r\nX-Injected: 1'],
    [undefined],
  ])('refuses %p, naming the option', (value) => {
    expect(() => parseMediaRange(value, '`t`')).toThrow(/^`t` must be a media type/);
  });
});

describe('formatMediaTypeList', () => {
  it('joins the types with a comma and a space, once each', () => {
    expect(formatMediaTypeList(['application/json', 'TEXT/plain', 'text/plain'], '`t`')).toBe(
      'application/json, text/plain',
    );
  });

  it('refuses an empty list', () => {
    expect(() => formatMediaTypeList([], '`t`')).toThrow(
      new TypeError('`t` must be a non-empty array of media types, got '),
    );
  });

  it('refuses a bad entry, naming it', () => {
    expect(() => formatMediaTypeList(['text/plain', 'bad'], '`t`')).toThrow(/^`t` entry .*"bad"$/);
  });
});
