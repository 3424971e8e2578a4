import { createHash } from 'node:crypto';

/** The longest client key a rate-limit store keeps as it is, in UTF-16 code units. */
export const MAX_STORED_KEY_LENGTH = 64;

/**
 * The form in which a store keeps a client key. Keys often come from client
 * input (a header, a user name), so a store must not keep them at any
 * length: a short key is kept as it is, any other as `#` and its SHA-256
 * digest in base64url (44 characters). "Any other" is a key longer than
 * `maxLength`, one that starts with `#` (so that no key kept as it is looks
 * like a digest), and one with a lone surrogate (which Redis clients would
 * replace with U+FFFD, merging keys). The digest is of the UTF-16 code
 * units, so that every distinct key has its own.
 */
export function storedKey(key: string, maxLength = MAX_STORED_KEY_LENGTH): string {
  if (key.length <= maxLength && key.charCodeAt(0) !== 0x23 && key.isWellFormed()) {
    return key;
  }
  return `#${createHash('sha256').update(key, 'utf16le').digest('base64url')}`;
}
