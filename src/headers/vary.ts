import type { ServerResponse } from 'node:http';

/**
 * Adds `field` to the response's `Vary` (RFC 9110 §12.5.5), keeping what is
 * there: a response chosen by a request field must say so, or a shared cache
 * may serve it to a request that would have been given another. Nothing to
 * add when `Vary` is `*` or already lists the field (field names are
 * case-insensitive).
 */
export function addVary(res: ServerResponse, field: string): void {
  const current = res.getHeader('Vary');
  if (current === undefined) {
    res.setHeader('Vary', field);
    return;
  }
  const listed = Array.isArray(current) ? current.join(', ') : String(current);
  const wanted = field.toLowerCase();
  for (const name of listed.split(',')) {
    const trimmed = name.trim().toLowerCase();
    if (trimmed === '*' || trimmed === wanted) return;
  }
  res.setHeader('Vary', listed.trim() === '' ? field : `${listed}, ${field}`);
}
