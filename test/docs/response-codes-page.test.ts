import { createHash } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import {
  defaultCatalog,
  errorHandler,
  renderResponseCodes,
  responseCodesPage,
  type Catalog,
} from '../../src/index.js';
import { ordersCatalog, TYPE_BASE_URI } from '../helpers/docs-catalog.js';

function appServing(catalog: Catalog = defaultCatalog, options = {}) {
  const app = express();
  app.get('/docs/errors', responseCodesPage(catalog, options));
  app.use(errorHandler({ logger: false }));
  return app;
}

const html = renderResponseCodes(defaultCatalog, { format: 'html' });
const markdown = renderResponseCodes(defaultCatalog, { format: 'markdown' });

describe('responseCodesPage', () => {
  it('serves the HTML page to a browser', async () => {
    const res = await request(appServing())
      .get('/docs/errors')
      .set('Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')
      .expect(200)
      .expect('Content-Type', 'text/html; charset=utf-8')
      .expect('Vary', 'Accept')
      .expect('Cache-Control', 'no-cache')
      .expect('X-Content-Type-Options', 'nosniff')
      .expect('ETag', /^"[A-Za-z0-9_-]{27}"$/);
    expect(res.text).toBe(html);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(html)));
  });

  it('allows the page its own stylesheet, by hash, and nothing else: no script, image, frame, form or base URL', async () => {
    const res = await request(appServing()).get('/docs/errors').expect(200);
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.text)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(res.headers['content-security-policy']).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(res.text.match(/<style>/g)).toHaveLength(1);
    expect(res.text).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
  });

  it('serves markdown for text/markdown', async () => {
    const res = await request(appServing())
      .get('/docs/errors')
      .set('Accept', 'text/markdown')
      .expect(200)
      .expect('Content-Type', 'text/markdown; charset=utf-8');
    expect(res.text).toBe(markdown);
  });

  it('serves the catalog as JSON for application/json', async () => {
    const res = await request(appServing())
      .get('/docs/errors')
      .set('Accept', 'application/json')
      .expect(200)
      .expect('Content-Type', 'application/json; charset=utf-8');
    expect(JSON.parse(res.text)).toEqual({
      entries: JSON.parse(JSON.stringify(defaultCatalog.entries)),
    });
  });

  it('serves HTML to a client that sends no Accept or */*', async () => {
    await request(appServing())
      .get('/docs/errors')
      .unset('Accept')
      .expect('Content-Type', 'text/html; charset=utf-8');
    await request(appServing())
      .get('/docs/errors')
      .set('Accept', '*/*')
      .expect('Content-Type', 'text/html; charset=utf-8');
  });

  it('prefers what the client weighs highest', async () => {
    await request(appServing())
      .get('/docs/errors')
      .set('Accept', 'text/html;q=0.5, text/markdown;q=0.9')
      .expect('Content-Type', 'text/markdown; charset=utf-8');
  });

  it('answers 406 with a problem when the client accepts none of the three', async () => {
    const res = await request(appServing())
      .get('/docs/errors')
      .set('Accept', 'image/png')
      .expect(406)
      .expect('Content-Type', 'application/problem+json')
      .expect('Vary', 'Accept');
    expect(JSON.parse(res.text)).toMatchObject({
      status: 406,
      code: 'NOT_ACCEPTABLE',
      detail: 'This page is available as text/html, text/markdown and application/json.',
    });
  });

  it('answers a conditional GET with its ETag 304, without a body', async () => {
    const app = appServing();
    const first = await request(app).get('/docs/errors').set('Accept', 'text/markdown');
    const etag = first.headers.etag!;
    const again = await request(app)
      .get('/docs/errors')
      .set('Accept', 'text/markdown')
      .set('If-None-Match', `"other", ${etag}`)
      .expect(304)
      .expect('ETag', etag);
    expect(again.text).toBe('');
    expect(again.headers['content-type']).toBeUndefined();
  });

  it('gives each representation its own ETag, so that a stale one gets the full page', async () => {
    const app = appServing();
    const md = await request(app).get('/docs/errors').set('Accept', 'text/markdown');
    const page = await request(app)
      .get('/docs/errors')
      .set('If-None-Match', md.headers.etag!)
      .expect(200)
      .expect('Content-Type', 'text/html; charset=utf-8');
    expect(page.headers.etag).not.toBe(md.headers.etag);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const res = await request(appServing())
      .head('/docs/errors')
      .expect(200)
      .expect('Content-Length', String(Buffer.byteLength(html)));
    expect(res.text).toBeUndefined();
  });

  it("types the examples with typeBaseUri and shows a user catalog's codes", async () => {
    const res = await request(appServing(ordersCatalog, { typeBaseUri: TYPE_BASE_URI }))
      .get('/docs/errors')
      .set('Accept', 'text/markdown');
    expect(res.text).toBe(
      renderResponseCodes(ordersCatalog, { format: 'markdown', typeBaseUri: TYPE_BASE_URI }),
    );
    expect(res.text).toContain('"type": "https://api.example.com/docs/errors#409.71"');
  });

  it('refuses bad options at start-up, under its own name', () => {
    expect(() => responseCodesPage(defaultCatalog, { typeBaseUri: 'docs' })).toThrow(
      /^responseCodesPage\(\): `typeBaseUri` must be an absolute URI/,
    );
    expect(() => responseCodesPage(defaultCatalog, { titel: 'x' } as never)).toThrow(
      'responseCodesPage(): `titel` is not an option. Did you mean `title`? The options are `typeBaseUri`, `title`.',
    );
    expect(() => responseCodesPage({} as never)).toThrow(
      expect.objectContaining({ code: 'ERR_EAE_OPTION_TYPE' }),
    );
  });
});
