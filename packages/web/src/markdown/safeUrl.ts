const ALLOWED_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * Returns the URL if following it cannot run script (no `javascript:`, `data:`, `vbscript:`...),
 * else null. Browsers ignore control characters and whitespace inside a scheme, so those are
 * removed before the scheme is read.
 */
export function safeUrl(raw: string): string | null {
  const url = raw.trim();
  if (url === '') return null;
  const compact = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(compact);
  if (!scheme) return url;
  return ALLOWED_SCHEMES.has(scheme[1]!.toLowerCase()) ? url : null;
}
