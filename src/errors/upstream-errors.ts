// Errors of HTTP clients and SDKs about a response they got from another
// server, recognised by shape so that none is a dependency. Their status is
// the upstream's, not this request's: answered with it, an upstream 401 told
// our client that its own credentials were bad (RFC 9110 §15.5.2), an
// upstream 429 asked it to slow down, an upstream 404 said our resource was
// gone. A failed dependency is this server's fault, a 500; see toApiError.

/**
 * Fields in which clients keep the response they got: superagent, Octokit,
 * gaxios, ofetch, got, ky and Azure's RestError in `response`; SDKs generated
 * by Fern (cohere-ai, square) in `rawResponse`; the Elasticsearch and
 * OpenSearch clients' ResponseError in `meta` (whose `statusCode` getter
 * prefers a `status` in the upstream's body); the AWS SDK v3 in `$response`.
 */
const RESPONSE_FIELDS = ['response', 'rawResponse', 'meta', '$response'];

/**
 * The `code`s of errors about a response, which keep its status and headers:
 * undici's `ResponseError` (`interceptors.responseError()`) and the
 * `ResponseStatusCodeError` of its `throwOnError` (undici 5 and 6), and
 * @slack/web-api's `WebAPIHTTPError`.
 */
const RESPONSE_ERROR_CODES: ReadonlySet<unknown> = new Set([
  'UND_ERR_RESPONSE',
  'UND_ERR_RESPONSE_STATUS_CODE',
  'slack_webapi_http_error',
]);

/**
 * Whether an error with a status is an HTTP client's or an SDK's about the
 * response it got. A `request` or `config` alone says nothing of where the
 * status came from, nor does a `response` without headers (NestJS's
 * `HttpException` keeps its own body there): those errors keep the status
 * they were given. So do SDKs' errors that keep only the upstream's status
 * (@google/genai's, discord.js's, dockerode's): nothing tells them from an
 * app's `Object.assign(new Error(), { status: 404 })`, as Express documents
 * it; the README shows how to map them.
 *
 * Several SDKs copy the fields of the upstream's error body onto the error
 * (the AWS SDK v3's `decorateServiceException`, minio's XML error, nano's
 * CouchDB body), so that the upstream chooses its `status`, `expose` and
 * `headers`: each is known by a field the SDK sets itself.
 */
export function isUpstreamError(error: Record<string, unknown>): boolean {
  return (
    error.isAxiosError === true ||
    RESPONSE_FIELDS.some((field) => isHttpResponse(error[field])) ||
    isReceivedHeaderSection(error.headers) ||
    RESPONSE_ERROR_CODES.has(error.code) ||
    // AWS SDK v3: every service's error has `$metadata` (the upstream's status and request
    // id), set before the body's fields, which fill in only what is not set.
    isObject(error.$metadata) ||
    // aws-sdk v2 (`AWS.util.error`): the request id it read from the response (null when there
    // was none), whether to retry, its code and when it failed, beside the upstream's
    // `statusCode`: all four, since an app's own error may carry a request id and `retryable`.
    (Object.hasOwn(error, 'requestId') &&
      typeof error.retryable === 'boolean' &&
      typeof error.code === 'string' &&
      error.time instanceof Date) ||
    // minio's S3Error: its response's request ids, set after the XML body's fields (whose
    // names it lower-cases, so none is one of these).
    Object.hasOwn(error, 'amzRequestid') ||
    Object.hasOwn(error, 'amzId2') ||
    // nano (CouchDB): its scope and error id; its `headers` are { uri, statusCode }, the
    // database's internal URL. Best effort: nano copies CouchDB's body over both (see README).
    error.scope === 'couch' ||
    error.errid === 'non_200' ||
    // Twilio's RestException keeps neither headers nor a response: only the fields of
    // Twilio's error body, whose `more_info` (a link to its error docs) it sets as `moreInfo`.
    Object.hasOwn(error, 'moreInfo') ||
    // bent's StatusError: the upstream's `statusCode` and `headers`, and its body's readers.
    typeof error.arrayBuffer === 'function'
  );
}

/**
 * Whether a Boom error is @hapi/wreck's about the response it got (and so
 * simple-oauth2's, which calls it): wreck makes it with the upstream's
 * status ("Response Error: 401 Unauthorized") and `data` of
 * `{ isResponseError: true, headers, res, payload }`.
 */
export function isWreckResponseError(error: object): boolean {
  const { data } = error as { data?: unknown };
  return isObject(data) && (data as { isResponseError?: unknown }).isResponseError === true;
}

/**
 * Whether an error's `headers` are those of a response received, as SDKs
 * keep them beside the upstream's status: a fetch `Headers` (OpenAI's), or
 * fields with a `Date` (Stripe's: every field it got), which an origin
 * server sends with every response (RFC 9110 §6.6.1) and no error made to
 * be sent carries (an app's `err.headers`, as Express documents them, add
 * `Retry-After` or `WWW-Authenticate`). Not every upstream sends a `Date`
 * (Elasticsearch does not; a hostile one need not), so this is one sign of
 * several, and foreign-headers.ts keeps what such headers could do.
 */
function isReceivedHeaderSection(headers: unknown): boolean {
  if (!isObject(headers)) return false;
  if (typeof (headers as { get?: unknown }).get === 'function') return true;
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'date') return true;
  return false;
}

/** A response as HTTP clients keep it: a numeric status (`status`, or Node's `statusCode`) and its headers. */
function isHttpResponse(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { status, statusCode, headers } = value as Record<string, unknown>;
  return (typeof status === 'number' || typeof statusCode === 'number') && isObject(headers);
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/**
 * `isUpstreamError`, for code outside the handler's guard: an error whose
 * fields throw when read is taken for one, so that its status and headers
 * are not trusted.
 */
export function isUpstreamErrorSafely(error: object): boolean {
  try {
    return isUpstreamError(error as Record<string, unknown>) || isWreckResponseError(error);
  } catch {
    return true;
  }
}
