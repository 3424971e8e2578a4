import type { Request, Response } from 'express';
import type { ApiError } from '../errors/api-error.js';
import { refusalOf } from '../errors/refusal.js';
import { errorChannel, type ErrorMessage } from '../observability/channels.js';
import { describeOnActiveSpan } from '../observability/open-telemetry.js';

/** What is reported of a handled error: the error, and the status and code that answer it. */
export interface Observed {
  readonly thrown: unknown;
  readonly error: ApiError;
  readonly status: number;
  readonly subCode: string | undefined;
  readonly code: string;
  readonly req: Request;
  readonly res: Response;
  /** The client had gone before the answer could be written: `status` was not sent. */
  readonly clientGone?: boolean;
}

/**
 * Describes the error on the active span, before the response ends (HTTP
 * instrumentation ends the span when it finishes). After the headers went
 * out, the status is theirs and the span is marked failed (OpenTelemetry's
 * HTTP conventions: an error other than the status).
 */
export function describeSpan({ error, status, subCode, code, res, clientGone }: Observed): void {
  const refusal = refusalOf(error) !== undefined;
  describeOnActiveSpan(status, code, subCode, {
    refusal,
    failed: status >= 500 || res.headersSent,
    clientGone: clientGone === true,
  });
}

/**
 * Tells subscribers of the error channel what was answered, once a request:
 * after the answer is sent, so that an answer that failed is reported by the
 * last resort as the 500 it became.
 */
export function publishError(observed: Observed, progress: { published: boolean }): void {
  if (progress.published) return;
  progress.published = true;
  if (!errorChannel.hasSubscribers) return;
  const { thrown, error, status, code, subCode, req, res } = observed;
  const refusal = refusalOf(error) !== undefined;
  const clientGone = observed.clientGone === true;
  const message: ErrorMessage = {
    thrown,
    error,
    status,
    code,
    subCode,
    refusal,
    clientGone,
    req,
    res,
  };
  errorChannel.publish(message);
}
