/**
 * Errors of SDKs about a response they got from another server, which keep
 * the upstream's status beside fields of their own. These SDKs are too large
 * to install for a test (the AWS SDKs, minio, nano, cohere-ai, @slack/web-api)
 * or gone from the current version (undici's throwOnError), so each error
 * here is a stand-in built to the shape the SDK's source gives it, named
 * with the file it copies; the real clients' errors are tested in
 * to-api-error.http-clients.test.ts.
 */
import request from 'supertest';
import { defaultCatalog } from '../../src/index.js';
import { appThrowing } from '../helpers/app.js';
import { errorFieldsOf, expectedProblem, problemOf } from '../helpers/problem.js';

const INTERNAL = expectedProblem(500, '/throw', defaultCatalog.get(500)!.description);

/** What a hostile or misconfigured upstream puts in its error body, for SDKs that copy it onto the error. */
const HOSTILE_BODY = {
  status: 401,
  statusCode: 401,
  expose: true,
  message: 'Access denied for svc_prod@10.2.3.4',
  headers: { 'X-Upstream': 'yes', 'WWW-Authenticate': 'Basic realm="upstream"' },
};

/** An upstream's header section without `Date`, as SDKs keep it. */
const UPSTREAM_HEADERS = {
  'content-type': 'application/json',
  'www-authenticate': 'Bearer realm="upstream"',
  'x-upstream': 'yes',
};

async function answerTo(error: unknown) {
  return request(appThrowing(() => error)).get('/throw');
}

/**
 * @smithy/smithy-client's `ServiceException` (src/exceptions.ts), the base
 * of every AWS SDK v3 client's errors, as `throwDefaultError`
 * (src/default-error-handler.ts) makes it: the upstream's status in
 * `$metadata`, then `decorateServiceException` copies each field of the
 * parsed error body that the exception does not have yet.
 */
class AwsServiceException extends Error {
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string };

  constructor(options: {
    name: string;
    $fault: 'client' | 'server';
    $metadata: AwsServiceException['$metadata'];
  }) {
    super();
    this.name = options.name;
    this.$fault = options.$fault;
    this.$metadata = options.$metadata;
  }
}

function awsV3Error(httpStatusCode: number, parsedBody: Record<string, unknown>) {
  const exception = new AwsServiceException({
    name: String(parsedBody.code ?? httpStatusCode),
    $fault: 'client',
    $metadata: { httpStatusCode, requestId: 'REQ123', extendedRequestId: 'ext' },
  });
  const fields = exception as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(parsedBody)) {
    if (value !== undefined && (fields[key] == undefined || fields[key] === ''))
      fields[key] = value;
  }
  exception.message = (fields.message as string) || 'UnknownError';
  return exception;
}

describe('errorHandler: errors of the AWS SDK v3', () => {
  it('answers 500 to one whose upstream error body sets status, expose and headers', async () => {
    const res = await answerTo(awsV3Error(403, HOSTILE_BODY));

    expect(res.status).toBe(500);
    expect(errorFieldsOf(res)).toEqual({});
    expect(problemOf(res)).toEqual(INTERNAL);
  });

  it('answers 500 to one whose upstream error body is shaped as a Boom error', async () => {
    const error = awsV3Error(401, {
      isBoom: true,
      output: {
        statusCode: 401,
        headers: { 'WWW-Authenticate': 'Basic realm="upstream"' },
        payload: { message: 'Access denied for svc_prod@10.2.3.4' },
      },
    });

    const res = await answerTo(error);

    expect(res.status).toBe(500);
    expect(errorFieldsOf(res)).toEqual({});
    expect(problemOf(res)).toEqual(INTERNAL);
  });

  it('answers 500 to a modeled error whose body carries a statusCode', async () => {
    const error = awsV3Error(400, {
      __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
      message: 'Requested resource not found: Table: prod-users not found',
      statusCode: 404,
    });

    const res = await answerTo(error);

    expect(res.status).toBe(500);
    expect(errorFieldsOf(res)).toEqual({});
    expect(problemOf(res)).toEqual(INTERNAL);
  });
});

/**
 * aws-sdk v2's error (lib/util.js `AWS.util.error`, lib/event_listeners.js,
 * lib/services/s3.js): the service's code and message, the upstream's
 * `statusCode`, whether to retry, and the request ids it read.
 */
function awsV2Error(statusCode: number, code: string, message: string, retryable: boolean) {
  return Object.assign(new Error(message), {
    name: code,
    code,
    region: 'us-east-1',
    time: new Date(),
    requestId: 'REQ123',
    extendedRequestId: 'ext',
    cfId: undefined,
    statusCode,
    retryable,
  });
}

describe('errorHandler: errors of aws-sdk v2', () => {
  it.each([
    [403, 'AccessDenied', 'User: arn:aws:iam::123456789012:user/svc is not authorized', false],
    [404, 'NoSuchKey', 'The specified key does not exist.', false],
    [400, 'ResourceNotFoundException', 'Requested resource not found: Table: prod-users', false],
    [503, 'SlowDown', 'Please reduce your request rate.', true],
  ])('answers 500 to an upstream %i (%s)', async (status, code, message, retryable) => {
    const res = await answerTo(awsV2Error(status, code, message, retryable));

    expect(res.status).toBe(500);
    expect(errorFieldsOf(res)).toEqual({});
    expect(problemOf(res)).toEqual(INTERNAL);
  });
});

describe('errorHandler: an app’s own error with a request id and retryable, as aws-sdk v2’s has', () => {
  it('keeps its status and Retry-After: without aws-sdk v2’s code and time, it is no upstream’s', async () => {
    const error = Object.assign(new Error('The order is being moved.'), {
      status: 503,
      expose: true,
      retryable: true,
      requestId: 'req-7f3a',
      headers: { 'Retry-After': '30' },
    });

    const res = await answerTo(error);

    expect([res.status, res.headers['retry-after']]).toEqual([503, '30']);
  });
});

/** minio's `S3Error` (src/errors.ts), as `parseError` (src/internal/xml-parser.ts) fills it. */
class S3Error extends Error {}

function minioError(xmlError: Record<string, unknown>) {
  const error = new S3Error() as S3Error & Record<string, unknown>;
  // The fields of the XML error body, their names lower-cased, then the response's request ids.
  for (const [key, value] of Object.entries(xmlError)) error[key.toLowerCase()] = value;
  Object.assign(error, { amzRequestid: 'R1', amzId2: 'h', amzBucketRegion: undefined });
  return error;
}

describe('errorHandler: errors of minio', () => {
  it('answers 500 to an S3Error whose upstream XML error sets Status, Expose and Headers', async () => {
    const error = minioError({
      Code: 'AccessDenied',
      Message: 'db password is hunter2',
      Status: 401,
      Expose: true,
      Headers: { 'X-Upstream': 'yes' },
    });

    const res = await answerTo(error);

    expect(res.status).toBe(500);
    expect(errorFieldsOf(res)).toEqual({});
    expect(problemOf(res)).toEqual(INTERNAL);
  });
});

/**
 * nano's error (lib/nano.js, `responseHandler`): CouchDB's status, the
 * request, headers of the URL it asked (the database's internal address),
 * and every field of CouchDB's error body.
 */
function nanoError(statusCode: number, url: string, body: Record<string, unknown>) {
  const message = (body.reason as string | undefined) ?? `couch returned ${statusCode}`;
  return Object.assign(
    new Error(message),
    {
      scope: 'couch',
      statusCode,
      request: { method: 'get', url },
      headers: { uri: url, statusCode },
      errid: 'non_200',
      name: 'Error',
      description: message,
    },
    body,
  );
}

describe('errorHandler: errors of nano (CouchDB)', () => {
  it.each([401, 404, 409])(
    'answers 500 to an upstream %i, without the database’s URL',
    async (status) => {
      const error = nanoError(status, 'http://10.0.0.7:5984/tenant_acme_invoices', {
        error: 'not_found',
        reason: 'Database does not exist.',
      });

      const res = await answerTo(error);

      expect(res.status).toBe(500);
      expect(errorFieldsOf(res)).toEqual({});
      expect(problemOf(res)).toEqual(INTERNAL);
    },
  );
});

/**
 * The error class of SDKs generated by Fern (cohere-ai's `CohereError`,
 * square's `SquareError`: src/errors/*Error.ts): the upstream's status and
 * body, and the response as `rawResponse` (a fetch `Headers` and its status).
 */
class FernError extends Error {
  readonly statusCode?: number;
  readonly body?: unknown;
  readonly rawResponse?: { headers: Headers; status: number; statusText: string; url: string };

  constructor(options: { statusCode: number; body: unknown; url: string }) {
    super(`Status code: ${options.statusCode}`);
    this.statusCode = options.statusCode;
    this.body = options.body;
    this.rawResponse = {
      headers: new Headers(UPSTREAM_HEADERS),
      status: options.statusCode,
      statusText: 'Unauthorized',
      url: options.url,
    };
  }
}

describe('errorHandler: errors of Fern-generated SDKs (cohere-ai, square)', () => {
  it('answers 500 to an upstream 401 it keeps in rawResponse', async () => {
    const error = new FernError({
      statusCode: 401,
      body: { message: 'invalid api token' },
      url: 'https://api.cohere.com/v1/chat',
    });

    const res = await answerTo(error);

    expect(res.status).toBe(500);
    expect(errorFieldsOf(res)).toEqual({});
    expect(problemOf(res)).toEqual(INTERNAL);
  });
});

describe('errorHandler: errors that name the response they are about by their code', () => {
  it.each([
    [
      // @slack/web-api's WebAPIHTTPError (src/errors.ts): the headers as a plain object.
      '@slack/web-api’s WebAPIHTTPError',
      Object.assign(new Error('An HTTP protocol error occurred: statusCode = 401'), {
        code: 'slack_webapi_http_error',
        statusCode: 401,
        statusMessage: 'Unauthorized',
        headers: UPSTREAM_HEADERS,
        body: { ok: false, error: 'invalid_auth' },
      }),
    ],
    [
      // undici 5 and 6's ResponseStatusCodeError (lib/core/errors.js), from `throwOnError`.
      'undici’s ResponseStatusCodeError',
      Object.assign(new Error('Response status code 401: Unauthorized'), {
        name: 'ResponseStatusCodeError',
        code: 'UND_ERR_RESPONSE_STATUS_CODE',
        body: { error: 'bad token' },
        status: 401,
        statusCode: 401,
        headers: UPSTREAM_HEADERS,
      }),
    ],
  ])('answers 500 to %s about an upstream 401', async (_name, error) => {
    const res = await answerTo(error);

    expect(res.status).toBe(500);
    expect(errorFieldsOf(res)).toEqual({});
    expect(problemOf(res)).toEqual(INTERNAL);
  });
});

/**
 * bent's `StatusError` (src/nodejs.js): the response's status message,
 * status and headers, and the response's body readers.
 */
class BentStatusError extends Error {
  statusCode: number;
  headers: Record<string, string>;
  json: () => Promise<unknown>;
  text: () => Promise<string>;
  arrayBuffer: () => Promise<ArrayBuffer>;

  constructor(statusCode: number, statusMessage: string) {
    super();
    this.name = 'StatusError';
    this.message = statusMessage;
    this.statusCode = statusCode;
    this.json = () => Promise.resolve({ error: 'bad token' });
    this.text = () => Promise.resolve('{"error":"bad token"}');
    this.arrayBuffer = () => Promise.resolve(new ArrayBuffer(0));
    this.headers = UPSTREAM_HEADERS;
  }
}

describe('errorHandler: errors of bent', () => {
  it('answers 500 to a StatusError about an upstream 401', async () => {
    const res = await answerTo(new BentStatusError(401, 'Unauthorized'));

    expect(res.status).toBe(500);
    expect(errorFieldsOf(res)).toEqual({});
    expect(problemOf(res)).toEqual(INTERNAL);
  });
});
