import type { Request, Response } from 'express';
import type { ApiError } from '../errors/api-error.js';
import { refusalOf } from '../errors/refusal.js';
import { errorChannel, type ErrorMessage } from '../observability/channels.js';
import { describeOnActiveSpan } from '../observability/open-telemetry.js';

/** What `observe` reports: the error, and the status and code that answer it. */
interface Observed {
  readonly thrown: unknown;
  readonly error: ApiError;
  readonly status: number;
  readonly subCode: string | undefined;
  readonly code: string;
  readonly req: Request;
  readonly res: Response;
}

/**
 * Tells subscribers of the error channel, and the active span, about the
 * error, once a request (see `lastResort`). After the headers went out, the
 * status is theirs and the span is marked failed (OpenTelemetry's HTTP
 * conventions: an error other than the status).
 */
export function observe(
  { thrown, error, status, subCode, code, req, res }: Observed,
  progress: { observed: boolean },
): void {
  if (progress.observed) return;
  progress.observed = true;
  const refusal = refusalOf(error) !== undefined;
  if (errorChannel.hasSubscribers) {
    const message: ErrorMessage = { thrown, error, status, code, subCode, refusal, req, res };
    errorChannel.publish(message);
  }
  describeOnActiveSpan(status, code, subCode, refusal, status >= 500 || res.headersSent);
}
