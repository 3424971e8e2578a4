/** The opening paragraph of both page formats. */
export const INTRODUCTION =
  'Every response code of this API, by class: the status, its symbolic name (the `code` member of a problem), ' +
  'the headers that come with it, and the sub-codes that refine it (the `subCode` member and the ' +
  '`X-Status-Sub-Code` header). Errors answer with an RFC 9457 problem body (`application/problem+json`), ' +
  'shown for each code as the server sends it; `instance` is the path of the request and `requestId` ' +
  'echoes the `X-Request-Id` header.';
