import type { Response } from 'express';
import { formatGlobalIdentifier } from '../headers/global-identifier.js';
import { formatLocation } from '../headers/location.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import { checkOptionsObject, parseWith } from '../options/parse.js';

export interface CreatedOptions {
  /** The global identifier of the new resource, sent as `X-Global-Identifier`. Defaults to none. */
  globalId?: string | undefined;
}

const CREATED = 'created()';
const CREATED_OPTION_NAMES = optionNames<CreatedOptions>()(['globalId']);

/**
 * `201 Created` (RFC 9110 §15.3.2): `Location` names the new resource; the
 * optional body (sent with `res.json`) describes it. Arguments are checked
 * before anything is written, so a bad one leaves the response untouched.
 */
export function created(
  res: Response,
  location: string,
  body?: unknown,
  options: CreatedOptions = {},
): void {
  checkOptionsObject(CREATED, options, "{ globalId: 'urn:uuid:…' }");
  checkOptionNames(CREATED, options, CREATED_OPTION_NAMES);
  const headers: Record<string, string> = {
    Location: parseWith(CREATED, () => formatLocation(location)),
  };
  if (options.globalId !== undefined) {
    const { globalId } = options;
    headers['X-Global-Identifier'] = parseWith(CREATED, () => formatGlobalIdentifier(globalId));
  }
  send(res.status(201).set(headers), body);
}

/**
 * `202 Accepted` (RFC 9110 §15.3.3): the request was queued, not done. No
 * `Location`; describe how to follow the job in the body.
 */
export function accepted(res: Response, body?: unknown): void {
  send(res.status(202), body);
}

/** `204 No Content` (RFC 9110 §15.3.5): never a body, so neither `Content-Type` nor `ETag`. */
export function noContent(res: Response): void {
  // RFC 9110 §15.3.5: no content, so no header may describe any (set earlier by other middleware).
  for (const name of ['Content-Type', 'Content-Length', 'Transfer-Encoding', 'ETag']) {
    res.removeHeader(name);
  }
  res.status(204).end();
}

/**
 * `302 Found` (RFC 9110 §15.4.3) with `Location` and an empty body: unlike
 * `res.redirect`, no HTML or text note, which API clients do not read.
 */
export function found(res: Response, location: string): void {
  const value = parseWith('found()', () => formatLocation(location));
  res.status(302).set('Location', value).end();
}

/** `undefined` means no body; anything else, `null` included, is sent as JSON. */
function send(res: Response, body: unknown): void {
  if (body === undefined) res.end();
  else res.json(body);
}
