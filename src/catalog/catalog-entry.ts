/** A dotted sub-code: the HTTP status, a dot and a number, e.g. `401.24`. */
export type SubCodeString = `${number}.${number}`;

/** One documented response code: a status, or a status refined by a sub-code. */
export interface CatalogEntry {
  /** The HTTP status code. */
  readonly status: number;
  /** A dotted sub-code that refines `status`, e.g. `401.24`; absent for the status itself. */
  readonly subCode?: SubCodeString | undefined;
  /** A stable symbolic name in SCREAMING_SNAKE_CASE, e.g. `TOKEN_EXPIRED`; sent as the `code` member. */
  readonly name: string;
  /** A short summary; for a status, its reason phrase from RFC 9110. */
  readonly title: string;
  /** What it means for the client, in a sentence or two; the default `detail`. */
  readonly description: string;
  /** The response headers that come with this code, for documentation. */
  readonly headers?: readonly string[] | undefined;
}
