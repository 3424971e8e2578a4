import type * as OpenTelemetry from '@opentelemetry/api';

/**
 * What `errorHandler` tells the active OpenTelemetry span, when the app has
 * `@opentelemetry/api` installed (an optional peer, loaded only if present).
 * Per OpenTelemetry's HTTP semantic conventions for server spans: the
 * status in `http.response.status_code`; a 5xx sets the span's status to
 * ERROR and `error.type` to the error's catalog name; a 4xx is the client's
 * doing and leaves both unset. Every error gets our own
 * `express_api_errors.code` (and `.sub_code`, `.refusal`), so that traces
 * can be searched by code.
 */

let api: typeof OpenTelemetry | null | undefined;

/** Loads `@opentelemetry/api` once, if the app has it; until then (a few ms) spans are left alone. */
export function loadOpenTelemetry(): void {
  if (api !== undefined) return;
  api = null;
  import('@opentelemetry/api').then(
    (loaded) => {
      api = loaded;
    },
    () => undefined,
  );
}

/** How an error's answer went, as the span is told it. */
export interface SpanOutcome {
  /** A deliberate refusal (429, 403.30, a 503 of maintenance or load shedding). */
  readonly refusal: boolean;
  /**
   * Marks the span as an error, with the code as `error.type`: a 5xx, or a
   * request that failed under the status it had sent (OpenTelemetry's HTTP
   * conventions leave the status unset below 500 "unless there was another error").
   */
  readonly failed: boolean;
  /** The client had gone before the answer could be written: no status was sent to record. */
  readonly clientGone: boolean;
}

/** Describes the error on the active span, if there is one; never throws. */
export function describeOnActiveSpan(
  status: number,
  code: string,
  subCode: string | undefined,
  { refusal, failed, clientGone }: SpanOutcome,
): void {
  if (!api) return;
  try {
    const span = api.trace.getActiveSpan();
    if (span === undefined || !span.isRecording()) return;
    // `http.response.status_code` is the status sent: none reached a client that had gone.
    if (clientGone) span.setAttribute('express_api_errors.client_gone', true);
    else span.setAttribute('http.response.status_code', status);
    span.setAttribute('express_api_errors.code', code);
    if (subCode !== undefined) span.setAttribute('express_api_errors.sub_code', subCode);
    if (refusal) span.setAttribute('express_api_errors.refusal', true);
    if (failed) {
      span.setAttribute('error.type', code);
      span.setStatus({ code: api.SpanStatusCode.ERROR });
    }
  } catch {
    // A broken tracer must not change the answer.
  }
}
