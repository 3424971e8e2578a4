import { createHash } from 'node:crypto';

/**
 * The longest client key kept as it is by default (by the rate-limit stores,
 * their deny cache and the refusal log), in UTF-16 code units.
 */
export const MAX_STORED_KEY_LENGTH = 64;

/**
 * The form in which a client key is kept: by the stores, and by what counts
 * clients in memory (the deny cache, the refusal log). Keys often come from
 * client input (a header, a user name), so none is kept at any length: a
 * short key is kept as it is, any other as `#` and its SHA-256 digest in
 * base64url (44 characters). "Any other" is a key longer than `maxLength`,
 * one that starts with `#` (so that no key kept as it is looks like a
 * digest), and one with a lone surrogate (which Redis clients would replace
 * with U+FFFD, merging keys). The digest is of the UTF-16 code units, so
 * that every distinct key has its own.
 */
export function storedKey(key: string, maxLength = MAX_STORED_KEY_LENGTH): string {
  if (key.length <= maxLength && key.charCodeAt(0) !== 0x23 && key.isWellFormed()) {
    return key;
  }
  return `#${createHash('sha256').update(key, 'utf16le').digest('base64url')}`;
}
