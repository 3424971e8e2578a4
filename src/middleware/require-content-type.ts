import type { Request, RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from '../errors/error-classes.js';
import { formatMediaTypeList, parseMediaRange } from '../headers/media-type-list.js';
import { optionError } from '../options/option-error.js';
import { checkNotCalledAsMiddleware, parseWith } from '../options/parse.js';

const FACTORY = 'requireContentType()';

/**
 * The header that tells a client which media types a method accepts, where
 * one is defined: `Accept-Post` (W3C LDP §7.1) and `Accept-Patch`
 * (RFC 5789 §3.1, which asks for it on a 415 to a PATCH).
 */
const ACCEPT_HEADER_BY_METHOD: ReadonlyMap<string, string> = new Map([
  ['POST', 'Accept-Post'],
  ['PATCH', 'Accept-Patch'],
]);

/**
 * Answers 415 to a request whose body is not of one of `types`, e.g.
 * `requireContentType('application/json', 'application/*+json')`. Types
 * match case-insensitively and regardless of parameters such as
 * `; charset=utf-8`, with the wildcards of Express's `req.is()`. A request
 * without a body passes: there is nothing to check.
 */
export function requireContentType(...types: string[]): RequestHandler {
  checkNotCalledAsMiddleware(FACTORY, types, "app.use(requireContentType('application/json'))");
  if (types.length === 0) {
    throw optionError(
      FACTORY,
      'ERR_EAE_OPTION_MISSING',
      "`types` are required: at least one media type, e.g. requireContentType('application/json')",
    );
  }
  const accepted = [
    ...new Set(
      types.map((type, index) =>
        parseWith(FACTORY, () => parseMediaRange(type, `\`types[${index}]\``)),
      ),
    ),
  ];
  const acceptValues = new Map([
    ['Accept-Post', formatMediaTypeList(accepted, '`types`')],
    ['Accept-Patch', acceptPatchValue(accepted)],
  ]);

  return function requireContentTypeHandler(req, _res, next) {
    if (!hasBody(req) || isOneOf(req.headers['content-type'], accepted)) {
      next();
      return;
    }
    const acceptHeader = ACCEPT_HEADER_BY_METHOD.get(req.method);
    const acceptValue = acceptHeader === undefined ? undefined : acceptValues.get(acceptHeader);
    next(
      new UnsupportedMediaTypeError({
        accept: accepted,
        headers:
          acceptHeader === undefined || acceptValue === undefined
            ? undefined
            : { [acceptHeader]: acceptValue },
      }),
    );
  };
}

/** An RFC 9110 §8.3.1 media type without parameters: `type "/" subtype`, both tokens. */
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * Whether a `Content-Type` is of one of `ranges` (lower case, from
 * `parseMediaRange`), matched the way `req.is()` matches: `*` for any type
 * or subtype, `*+json` for any subtype with that structured-syntax suffix.
 * Parameters are ignored whatever they hold (`application/json;` has an
 * empty one, which RFC 9110 §5.6.6 allows and Express 4's `req.is()`
 * refused, where Express 5's takes it); a value that is no media type matches nothing.
 */
function isOneOf(contentType: string | undefined, ranges: readonly string[]): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  const essence = (semicolon === -1 ? contentType : contentType.slice(0, semicolon))
    .trim()
    .toLowerCase();
  if (!MEDIA_TYPE.test(essence)) return false;
  const slash = essence.indexOf('/');
  const type = essence.slice(0, slash);
  const subtype = essence.slice(slash + 1);
  return ranges.some((range) => {
    const [rangeType, rangeSubtype] = range.split('/') as [string, string];
    if (rangeType !== '*' && rangeType !== type) return false;
    if (rangeSubtype === '*') return true;
    if (rangeSubtype.startsWith('*+')) return subtype.endsWith(rangeSubtype.slice(1));
    return rangeSubtype === subtype;
  });
}

/**
 * `Accept-Patch` lists media types, not ranges (RFC 5789 §3.1), so wildcard
 * entries are left out; with none left, the header is not sent.
 */
function acceptPatchValue(types: readonly string[]): string | undefined {
  const concrete = types.filter((type) => !type.includes('*'));
  return concrete.length === 0 ? undefined : formatMediaTypeList(concrete, '`types`');
}

/**
 * Whether the request has content (RFC 9112 §6.3): framed by
 * `Transfer-Encoding`, or by a `Content-Length` above zero. An empty body
 * has no media type to check.
 */
function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && Number(length) > 0;
}
