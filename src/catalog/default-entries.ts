import type { CatalogEntry } from './catalog-entry.js';

/**
 * The codes documented by the response-code pages API teams publish: every
 * status and sub-code of the vendor pages this library was built from, and
 * every other 4xx and 5xx that http-errors has a class for, bar the
 * unregistered 509. Status titles are RFC 9110's reason phrases (§15); the
 * others are those of the RFC that registers the status: 418 RFC 2324 §2.3.2,
 * 423 and 424 RFC 4918 §11, 425 RFC 8470 §5.2, 428 and 431 RFC 6585 §3 and §5,
 * 451 RFC 7725 §3, 506 RFC 2295 §8.1, 507 RFC 4918 §11.5, 508 RFC 5842 §7.2,
 * 510 RFC 2774 §7, 511 RFC 6585 §6.
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
    status: 400,
    subCode: '400.10',
    name: 'IDEMPOTENCY_KEY_MISSING',
    title: 'Idempotency key missing',
    description:
      'This operation needs an Idempotency-Key header, so that a retry cannot run it twice. Send one, a new unique value per operation.',
    headers: ['Link'],
  },
  {
    status: 400,
    subCode: '400.11',
    name: 'IDEMPOTENCY_KEY_INVALID',
    title: 'Idempotency key invalid',
    description:
      'The Idempotency-Key header is not one quoted string of 1 to 255 characters. Send a single value such as "8e03978e-40d5-43e8-bc93-6894a57f9324".',
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
    status: 402,
    name: 'PAYMENT_REQUIRED',
    title: 'Payment Required',
    description:
      'The request cannot be served until a payment is settled, for example an unpaid invoice or a plan that does not include this feature.',
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
      'Unusual request activity was detected, so access is denied for a while. Retry after the time in Retry-After, when the response gives one.',
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
    status: 406,
    name: 'NOT_ACCEPTABLE',
    title: 'Not Acceptable',
    description:
      'The resource has no representation that matches the Accept headers of the request. Ask for a media type, language or encoding it offers.',
  },
  {
    status: 407,
    name: 'PROXY_AUTHENTICATION_REQUIRED',
    title: 'Proxy Authentication Required',
    description:
      'The client must first authenticate with the proxy. The Proxy-Authenticate header says how.',
    headers: ['Proxy-Authenticate'],
  },
  {
    status: 408,
    name: 'REQUEST_TIMEOUT',
    title: 'Request Timeout',
    description:
      'The server stopped waiting for the rest of the request and closes the connection. Send the request again on a new connection.',
    headers: ['Connection'],
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
    headers: ['Retry-After'],
  },
  {
    status: 410,
    name: 'GONE',
    title: 'Gone',
    description:
      'This API version is deprecated and no longer served. Update to the newer version.',
    // What deprecated() sends with it, each when configured (RFC 9745, RFC 8594, RFC 8288).
    headers: ['Deprecation', 'Sunset', 'Link'],
  },
  {
    status: 411,
    name: 'LENGTH_REQUIRED',
    title: 'Length Required',
    description:
      'The request has a body without a Content-Length, which this resource requires. Send the body with its length.',
  },
  {
    status: 412,
    name: 'PRECONDITION_FAILED',
    title: 'Precondition Failed',
    description:
      'A condition of the request, such as If-Match, no longer holds: the resource changed since the client last read it. Read it again before retrying.',
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
    status: 414,
    name: 'URI_TOO_LONG',
    title: 'URI Too Long',
    description:
      'The request URL is longer than the server is willing to read. Move long parameters into the request body.',
  },
  {
    status: 415,
    name: 'UNSUPPORTED_MEDIA_TYPE',
    title: 'Unsupported Media Type',
    description:
      'The request body is in a media type or encoding that this resource does not accept.',
    // What requireContentType() sends with it, to a POST and to a PATCH (W3C LDP §7.1, RFC 5789 §3.1).
    headers: ['Accept-Post', 'Accept-Patch'],
  },
  {
    status: 416,
    name: 'RANGE_NOT_SATISFIABLE',
    title: 'Range Not Satisfiable',
    description:
      'None of the ranges in the Range header overlaps the representation. Content-Range gives its current length.',
    headers: ['Content-Range'],
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
    status: 421,
    name: 'MISDIRECTED_REQUEST',
    title: 'Misdirected Request',
    description:
      'The request reached a server that does not answer for its host, for example over a reused connection. Retry on a new connection.',
  },
  {
    status: 422,
    name: 'UNPROCESSABLE_ENTITY',
    title: 'Unprocessable Content',
    description:
      'The request is well-formed but its content fails validation; `errors` lists each problem.',
  },
  {
    status: 422,
    subCode: '422.10',
    name: 'IDEMPOTENCY_KEY_REUSED',
    title: 'Idempotency key reused',
    description:
      'This Idempotency-Key was already used for a different request. Use a new key for a new operation, or resend the original request unchanged.',
  },
  {
    status: 423,
    name: 'LOCKED',
    title: 'Locked',
    description: 'The resource is locked, so it cannot be changed until the lock is released.',
  },
  {
    status: 424,
    name: 'FAILED_DEPENDENCY',
    title: 'Failed Dependency',
    description: 'The request was not carried out because another action it depends on failed.',
  },
  {
    status: 425,
    name: 'TOO_EARLY',
    title: 'Too Early',
    description:
      'The server will not process a request that could be replayed, such as one sent in TLS early data. Retry once the handshake is complete.',
  },
  {
    status: 426,
    name: 'UPGRADE_REQUIRED',
    title: 'Upgrade Required',
    description:
      'The server will not serve this request over the current protocol. The Upgrade header lists the protocols to switch to.',
    headers: ['Upgrade', 'Connection'],
  },
  {
    status: 428,
    name: 'PRECONDITION_REQUIRED',
    title: 'Precondition Required',
    description:
      'This resource accepts only conditional requests, so that concurrent updates cannot overwrite each other. Send If-Match with the ETag last read.',
  },
  {
    status: 429,
    name: 'TOO_MANY_REQUESTS',
    title: 'Too Many Requests',
    description:
      'The client has sent more requests than its rate limit allows. Retry after the time in Retry-After, when the response gives one; the X-Rate-Limit headers show the limit.',
    headers: [
      'Retry-After',
      'X-Rate-Limit-Limit',
      'X-Rate-Limit-Remaining',
      'X-Rate-Limit-Reset',
      'RateLimit',
      'RateLimit-Policy',
    ],
  },
  {
    status: 431,
    name: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
    title: 'Request Header Fields Too Large',
    description:
      'A header field, or all of them together, are larger than the server accepts. Send smaller headers, for example fewer cookies.',
  },
  {
    status: 451,
    name: 'UNAVAILABLE_FOR_LEGAL_REASONS',
    title: 'Unavailable For Legal Reasons',
    description:
      'Access to the resource is denied because of a legal demand. A Link with rel="blocked-by" names who is blocking it.',
    headers: ['Link'],
  },

  // 5xx
  {
    status: 500,
    name: 'INTERNAL_SERVER_ERROR',
    title: 'Internal Server Error',
    description: 'The server hit an unexpected error. The problem is on our side.',
  },
  {
    status: 501,
    name: 'NOT_IMPLEMENTED',
    title: 'Not Implemented',
    description:
      'The server does not support what the request needs, such as its method, on any resource.',
  },
  {
    status: 502,
    name: 'BAD_GATEWAY',
    title: 'Bad Gateway',
    description:
      'A server further along the chain sent an invalid answer. The problem is on our side.',
  },
  {
    status: 503,
    name: 'SERVICE_UNAVAILABLE',
    title: 'Service Unavailable',
    description:
      'The server is overloaded or down for maintenance. Retry later: after at least the time in Retry-After, when the response gives one.',
    headers: ['Retry-After'],
  },
  {
    status: 504,
    name: 'GATEWAY_TIMEOUT',
    title: 'Gateway Timeout',
    description:
      'A server further along the chain did not answer in time. The problem is on our side; a later retry may succeed.',
  },
  {
    status: 505,
    name: 'HTTP_VERSION_NOT_SUPPORTED',
    title: 'HTTP Version Not Supported',
    description: 'The server does not support the major HTTP version the request was sent with.',
  },
  {
    status: 506,
    name: 'VARIANT_ALSO_NEGOTIATES',
    title: 'Variant Also Negotiates',
    description:
      'The content negotiation of the server is misconfigured: the variant it chose negotiates again. The problem is on our side.',
  },
  {
    status: 507,
    name: 'INSUFFICIENT_STORAGE',
    title: 'Insufficient Storage',
    description: 'The server cannot store what it needs to complete the request.',
  },
  {
    status: 508,
    name: 'LOOP_DETECTED',
    title: 'Loop Detected',
    description: 'The server stopped the request because processing it ran into an endless loop.',
  },
  {
    status: 510,
    name: 'NOT_EXTENDED',
    title: 'Not Extended',
    description:
      'The request lacks an HTTP extension that the server requires to access the resource.',
  },
  {
    status: 511,
    name: 'NETWORK_AUTHENTICATION_REQUIRED',
    title: 'Network Authentication Required',
    description:
      'The client must authenticate to gain network access, as at a captive portal. The answer comes from the network, not from the intended server.',
  },
] as const satisfies readonly CatalogEntry[];

// Frozen through: users spread them into their own catalogs, so no import may change them.
deepFreeze(defaultEntries);

function deepFreeze(value: object): void {
  for (const member of Object.values(value)) {
    if (typeof member === 'object' && member !== null) deepFreeze(member as object);
  }
  Object.freeze(value);
}

/** One entry of the default catalog, literal-typed; `CatalogEntry` keeps optional fields readable on every member. */
export type DefaultEntry = (typeof defaultEntries)[number] & CatalogEntry;
