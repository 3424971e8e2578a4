import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a request's fingerprint keeps of a file uploaded with it. */
export interface UploadedFile {
  readonly fieldname: string;
  readonly originalname?: string;
  readonly mimetype?: string;
  readonly size?: number;
  /** The SHA-256 of its bytes, in base64url: only for a file held in memory. */
  readonly sha256?: string;
}

const NO_FILES: readonly UploadedFile[] = Object.freeze([]);

/** A multipart media type (RFC 2046 §5.1), as multer asks type-is for one. */
const MULTIPART = /^multipart\//i;

/**
 * The files multer put beside the body, in multer's shape: `req.file` (an
 * object), `req.files` (an array, or a record of arrays by field, taken in
 * sorted order of the fields), on a multipart request. A file is an object with a string
 * `fieldname`; its `originalname`, `mimetype`, `size` and, when multer's
 * memory storage gave it a `buffer`, a hash of its bytes are kept. Not
 * disk storage's `path` or `filename`: they are random, another for each
 * request, and a retry would never match. Anything in another shape (no
 * upload, another library's) gives no files, and so the fingerprint the
 * body alone gives.
 */
export function uploadedFiles(req: IncomingMessage): readonly UploadedFile[] {
  // multer reads only multipart bodies. Asked first, because `file` and `files` are not on a
  // request without an upload, and looking for them through Express's request prototypes
  // cost 0.7 µs a request (measured), as much as the rest of this.
  if (!MULTIPART.test(req.headers['content-type'] ?? '')) return NO_FILES;
  const { file, files } = req as { file?: unknown; files?: unknown };
  const found: UploadedFile[] = [];
  if (typeof file === 'object' && file !== null) addFile(found, file);
  if (Array.isArray(files)) {
    for (const each of files) addFile(found, each);
  } else if (typeof files === 'object' && files !== null) {
    const byField = files as Record<string, unknown>;
    for (const field of Object.keys(byField).sort()) {
      const list = byField[field];
      if (Array.isArray(list)) for (const each of list) addFile(found, each);
    }
  }
  return found;
}

function addFile(found: UploadedFile[], value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const { fieldname, originalname, mimetype, size, buffer } = value as Record<string, unknown>;
  if (typeof fieldname !== 'string') return;
  const file: { -readonly [K in keyof UploadedFile]: UploadedFile[K] } = { fieldname };
  if (typeof originalname === 'string') file.originalname = originalname;
  if (typeof mimetype === 'string') file.mimetype = mimetype;
  if (typeof size === 'number' && Number.isFinite(size)) file.size = size;
  if (Buffer.isBuffer(buffer))
    file.sha256 = createHash('sha256').update(buffer).digest('base64url');
  found.push(file);
}
