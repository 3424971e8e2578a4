import { expectTypeOf } from 'expect-type';
import {
  defaultCatalog,
  renderResponseCodes,
  type RenderResponseCodesOptions,
  type ResponseCodesFormat,
} from '../../src/index.js';

// These checks run in `npm run typecheck`; the functions are never called.
describe('renderResponseCodes format types', () => {
  it('names each format once, so that a Record of markdown and html is complete', () => {
    const compiles = () => {
      const extensions: Record<ResponseCodesFormat, string> = { markdown: '.md', html: '.html' };
      return extensions;
    };
    expectTypeOf<ResponseCodesFormat>().toEqualTypeOf<'markdown' | 'html'>();
    expect(compiles).toBeInstanceOf(Function);
  });

  it('takes md for markdown as the format option, and no other name', () => {
    const compiles = () => {
      renderResponseCodes(defaultCatalog, { format: 'md' });
      // @ts-expect-error: not a format
      renderResponseCodes(defaultCatalog, { format: 'pdf' });
    };
    expectTypeOf<RenderResponseCodesOptions['format']>().toEqualTypeOf<
      'markdown' | 'md' | 'html'
    >();
    expect(compiles).toBeInstanceOf(Function);
  });
});
