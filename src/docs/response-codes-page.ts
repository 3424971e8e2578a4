import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { NotAcceptableError } from '../errors/error-classes.js';
import { acceptQuality } from '../headers/accept.js';
import { addVary } from '../headers/vary.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import { checkOptionsObject, parseBaseUri } from '../options/parse.js';
import { catalogToJson } from './catalog-json.js';
import { PAGE_CONTENT_SECURITY_POLICY } from './render-html.js';
import type { Catalog } from '../catalog/catalog.js';
import {
  checkCatalog,
  parseTitle,
  renderResponseCodes,
  type ResponseCodesFormat,
} from './render-response-codes.js';

export interface ResponseCodesPageOptions {
  /** The URI the page is served at, as given to `errorHandler({ typeBaseUri })`. Defaults to none. */
  typeBaseUri?: string | undefined;
  /** The page's heading. Defaults to `Response codes`. */
  title?: string | undefined;
}

interface Representation {
  readonly type: string;
  readonly subtype: string;
  readonly contentType: string;
  readonly body: Buffer;
  readonly etag: string;
}

const FACTORY = 'responseCodesPage()';
const OPTION_NAMES = optionNames<ResponseCodesPageOptions>()(['typeBaseUri', 'title']);

/**
 * Serves the catalog's response-codes page, negotiated (RFC 9110 §12.5.1):
 * HTML for browsers, markdown for `text/markdown` (RFC 7763), the catalog
 * as JSON for `application/json`; a 406 when the client accepts none. Each
 * representation is rendered once and has its own strong `ETag`, so that a
 * conditional GET is answered `304 Not Modified` (RFC 9110 §13.1.2).
 *
 * @example
 * app.get('/docs/errors', responseCodesPage(catalog, { typeBaseUri: 'https://api.example.com/docs/errors' }));
 */
export function responseCodesPage(
  catalog: Catalog,
  options: ResponseCodesPageOptions = {},
): RequestHandler {
  checkCatalog(FACTORY, catalog);
  checkOptionsObject(FACTORY, options, "{ typeBaseUri: 'https://api.example.com/docs/errors' }");
  checkOptionNames(FACTORY, options, OPTION_NAMES);
  // Checked here, so that a bad option is reported under this factory's name.
  const typeBaseUri = parseBaseUri(FACTORY, 'typeBaseUri', options.typeBaseUri);
  const title = parseTitle(FACTORY, options.title ?? 'Response codes');
  const render = (format: ResponseCodesFormat) =>
    renderResponseCodes(catalog, { format, typeBaseUri, title });
  // In order of preference when the client weighs them equally (`*/*`): the page first.
  const representations = [
    representation('text', 'html', render('html')),
    representation('text', 'markdown', render('markdown')),
    representation('application', 'json', JSON.stringify(catalogToJson(catalog), null, 2)),
  ];
  return function serveResponseCodes(req: Request, res: Response, next: NextFunction): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    const chosen = choose(req, representations);
    addVary(res, 'Accept');
    if (chosen === undefined) {
      next(
        new NotAcceptableError(
          'This page is available as text/html, text/markdown and application/json.',
        ),
      );
      return;
    }
    res.setHeader('ETag', chosen.etag);
    // Revalidated on every use, so that a new deployment's page is seen at once.
    res.setHeader('Cache-Control', 'no-cache');
    // On a 304 too: a browser that revalidates its copy takes the headers it is sent then.
    res.setHeader('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY);
    if (req.fresh) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader('Content-Type', chosen.contentType);
    res.setHeader('Content-Length', chosen.body.length);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.method === 'HEAD') res.end();
    else res.end(chosen.body);
  };
}

function representation(type: string, subtype: string, text: string): Representation {
  const body = Buffer.from(text, 'utf8');
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  return {
    type,
    subtype,
    contentType: `${type}/${subtype}; charset=utf-8`,
    body,
    etag: `"${hash}"`,
  };
}

/** The representation the client accepts most, the earlier on a tie; none when it accepts none. */
function choose(
  req: Request,
  representations: readonly Representation[],
): Representation | undefined {
  const accept = req.headers.accept;
  if (accept === undefined || accept.trim() === '') return representations[0];
  let best: Representation | undefined;
  let bestQuality = 0;
  for (const each of representations) {
    const quality = acceptQuality(accept, each.type, each.subtype, { charset: 'utf-8' });
    if (quality > bestQuality) [best, bestQuality] = [each, quality];
  }
  return best;
}
