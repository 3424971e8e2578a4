import type { Request, RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from '../errors/error-classes.js';
import { formatMediaTypeList, parseMediaRange } from '../headers/media-type-list.js';
import { optionError } from '../options/option-error.js';
import { parseWith } from '../options/parse.js';

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
    if (!hasBody(req) || req.is(accepted)) {
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
