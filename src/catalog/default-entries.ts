import type { CatalogEntry } from './catalog-entry.js';

/**
 * The codes documented by the response-code pages API teams publish: every
 * status and sub-code of the vendor pages this library was built from.
 * Status titles are RFC 9110's reason phrases (§15); 418 is RFC 2324's.
 */
export const defaultEntries = [
  // 2xx and 3xx: not thrown, but documented and used by the success helpers.
  {
    status: 200,
    name: 'OK',
    title: 'OK',
    description: 'The request succeeded; the body holds the result.',
  },
  {
    status: 201,
    name: 'CREATED',
    title: 'Created',
    description: 'A new resource was created; the Location header holds its URL.',
    headers: ['Location'],
  },
  {
    status: 202,
    name: 'ACCEPTED',
    title: 'Accepted',
    description:
      'The request was accepted for asynchronous processing, which has not finished yet. No Location is sent.',
  },
  {
    status: 204,
    name: 'NO_CONTENT',
    title: 'No Content',
    description: 'The request succeeded and there is nothing to return, as after a DELETE.',
  },
  {
    status: 302,
    name: 'FOUND',
    title: 'Found',
    description: 'The resource is temporarily at another URL, given in the Location header.',
    headers: ['Location'],
  },
  {
    status: 304,
    name: 'NOT_MODIFIED',
    title: 'Not Modified',
    description:
      'The representation matching If-None-Match has not changed; the client should use its cached copy. No body is sent.',
  },

  // 4xx
  {
    status: 400,
    name: 'BAD_REQUEST',
    title: 'Bad Request',
    description:
      'The request is malformed, for example invalid parameters or a body that cannot be parsed. Change it before retrying.',
  },
  {
    status: 401,
    name: 'UNAUTHORIZED',
    title: 'Unauthorized',
    description:
      'The request lacks valid credentials. The WWW-Authenticate header says how to authenticate.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.1',
    name: 'SIGNATURE_HEADER_MISSING',
    title: 'Signature header missing',
    description: 'The request has no Signature header.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.2',
    name: 'SIGNATURE_HEADER_DUPLICATED',
    title: 'Multiple Signature headers',
    description: 'The request has more than one Signature header; send exactly one.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.3',
    name: 'SIGNATURE_MALFORMED',
    title: 'Signature is not valid JSON',
    description: 'The Signature header must be a well-formed JSON object.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.4',
    name: 'SIGNATURE_APP_KEY_INVALID',
    title: 'AppKey missing or invalid',
    description: 'The signature has no AppKey, or its AppKey is not in the expected format.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.5',
    name: 'SIGNATURE_ISSUED_AT_INVALID',
    title: 'IssuedAt missing or invalid',
    description: 'The signature has no IssuedAt, or its IssuedAt is not a valid timestamp.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.6',
    name: 'SIGNATURE_ISSUED_AT_OUT_OF_RANGE',
    title: 'IssuedAt outside the allowed window',
    description:
      "The signature's IssuedAt is more than 60 minutes away from the server's time. Check the client clock.",
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.7',
    name: 'APP_KEY_NOT_FOUND',
    title: 'AppKey not found',
    description: 'No application is registered under the AppKey of the signature.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.8',
    name: 'SIGNATURE_TOKEN_MISSING',
    title: 'Token missing',
    description: 'The signature has no Token.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.9',
    name: 'SIGNATURE_TOKEN_MISMATCH',
    title: 'Token hash incorrect',
    description: 'The Token of the signature does not match the expected hash.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.10',
    name: 'APP_SECRET_EXPIRED',
    title: 'Token made with an expired AppSecret',
    description:
      'The Token was computed with an AppSecret that has since been rotated out. Sign with the current secret.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.20',
    name: 'SESSION_ID_NOT_UNIQUE',
    title: 'Session ID not unique',
    description: 'The client session ID is already in use by another session.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.21',
    name: 'SESSION_INVALID',
    title: 'Invalid session',
    description: 'The client session is not valid.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.22',
    name: 'REQUEST_DOMAIN_UNKNOWN',
    title: 'Unknown request domain',
    description: 'The request comes from a domain that is not registered for this application.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.23',
    name: 'TOKEN_NOT_RECOGNIZED',
    title: 'Token not recognized',
    description: 'The access token is unknown, malformed or its signature does not verify.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.24',
    name: 'TOKEN_EXPIRED',
    title: 'Token expired',
    description: 'The access token has expired. Obtain a new one and retry.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.30',
    name: 'PUBLIC_ID_EXPIRED',
    title: 'PublicID expired',
    description: 'The PublicID used for public authentication has expired.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.31',
    name: 'PUBLIC_IP_UNKNOWN',
    title: 'Unknown public IP address',
    description: 'The request comes from an IP address that is not registered for public access.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 401,
    subCode: '401.32',
    name: 'PUBLIC_ID_NOT_RECOGNIZED',
    title: 'PublicID not recognized',
    description: 'The PublicID used for public authentication is unknown.',
    headers: ['WWW-Authenticate'],
  },
  {
    status: 403,
    name: 'FORBIDDEN',
    title: 'Forbidden',
    description:
      'The client is authenticated but not allowed to do this, for example because of its role or group.',
  },
  {
    status: 403,
    subCode: '403.21',
    name: 'API_SESSION_KEY_MISSING',
    title: 'ApiSessionKey header missing',
    description: 'Data isolation is enabled and the request has no ApiSessionKey header.',
  },
  {
    status: 403,
    subCode: '403.22',
    name: 'API_SESSION_KEY_NOT_RECOGNIZED',
    title: 'ApiSessionKey not recognized',
    description: 'Data isolation is enabled and the ApiSessionKey header names no known session.',
  },
  {
    status: 403,
    subCode: '403.23',
    name: 'API_SESSION_EXPIRED',
    title: 'ApiSession expired',
    description: 'Data isolation is enabled and the ApiSession has expired.',
  },
  {
    status: 403,
    subCode: '403.25',
    name: 'API_SESSION_ACCESS_DENIED',
    title: 'ApiSession has no access',
    description: 'Data isolation is enabled and the ApiSession may not access this resource.',
  },
  {
    status: 403,
    subCode: '403.30',
    name: 'TEMPORARILY_BLOCKED',
    title: 'Access temporarily denied',
    description:
      'Unusual request activity was detected, so access is denied for a while. Retry after the time in Retry-After.',
    headers: ['Retry-After'],
  },
  {
    status: 404,
    name: 'NOT_FOUND',
    title: 'Not Found',
    description: 'No resource exists at this URL, or the requested object does not exist.',
  },
  {
    status: 404,
    subCode: '404.1',
    name: 'USER_NOT_FOUND',
    title: 'User not found',
    description: 'No user matches the given key.',
  },
  {
    status: 404,
    subCode: '404.2',
    name: 'EXTERNAL_USER_NOT_FOUND',
    title: 'External user not found',
    description: 'No user matches the given external key and type.',
  },
  {
    status: 405,
    name: 'METHOD_NOT_ALLOWED',
    title: 'Method Not Allowed',
    description:
      'The resource exists but does not support this HTTP method. The Allow header lists the methods it supports.',
    headers: ['Allow'],
  },
  {
    status: 409,
    name: 'CONFLICT',
    title: 'Conflict',
    description:
      'The request conflicts with the current state of the resource, for example it already exists. Location may point at the existing one.',
    headers: ['Location'],
  },
  {
    status: 409,
    subCode: '409.1',
    name: 'DUPLICATE_REQUEST_IN_PROGRESS',
    title: 'Duplicate request in progress',
    description:
      'An identical request is still being processed. Wait for it to finish instead of sending it again.',
  },
  {
    status: 410,
    name: 'GONE',
    title: 'Gone',
    description:
      'This API version is deprecated and no longer served. Update to the newer version.',
  },
  {
    status: 413,
    name: 'PAYLOAD_TOO_LARGE',
    title: 'Content Too Large',
    description: 'The request body is larger than the server is willing to process.',
  },
  {
    status: 413,
    subCode: '413.1',
    name: 'REQUEST_COST_EXCEEDS_LIMIT',
    title: 'Request costs more than the rate limit',
    description:
      'The request costs more than the rate limit allows in a whole window, so it can never be allowed as it is. Split it into smaller requests: retrying it unchanged will not help.',
  },
  {
    status: 415,
    name: 'UNSUPPORTED_MEDIA_TYPE',
    title: 'Unsupported Media Type',
    description:
      'The request body is in a media type or encoding that this resource does not accept.',
  },
  {
    status: 417,
    name: 'EXPECTATION_FAILED',
    title: 'Expectation Failed',
    description: 'The server cannot meet the expectation given in the Expect request header.',
  },
  {
    status: 418,
    name: 'IM_A_TEAPOT',
    title: "I'm a teapot",
    description: 'The server refuses to brew coffee because it is a teapot (RFC 2324).',
  },
  {
    status: 422,
    name: 'UNPROCESSABLE_ENTITY',
    title: 'Unprocessable Content',
    description:
      'The request is well-formed but its content fails validation; `errors` lists each problem.',
  },
  {
    status: 429,
    name: 'TOO_MANY_REQUESTS',
    title: 'Too Many Requests',
    description:
      'The client has sent more requests than its rate limit allows. Retry after the time in Retry-After; the X-Rate-Limit headers show the limit.',
    headers: ['Retry-After', 'X-Rate-Limit-Limit', 'X-Rate-Limit-Remaining', 'X-Rate-Limit-Reset'],
  },

  // 5xx
  {
    status: 500,
    name: 'INTERNAL_SERVER_ERROR',
    title: 'Internal Server Error',
    description: 'The server hit an unexpected error. The problem is on our side.',
  },
  {
    status: 503,
    name: 'SERVICE_UNAVAILABLE',
    title: 'Service Unavailable',
    description:
      'The server is overloaded or down for maintenance. Wait at least the time in Retry-After before retrying.',
    headers: ['Retry-After'],
  },
] as const satisfies readonly CatalogEntry[];

/** One entry of the default catalog, literal-typed; `CatalogEntry` keeps optional fields readable on every member. */
export type DefaultEntry = (typeof defaultEntries)[number] & CatalogEntry;
