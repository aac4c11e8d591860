import path from 'node:path';

/** Directories that are never searched: huge, generated, or git's own data. */
export const IGNORED_DIRS = ['**/node_modules/**', '**/.git/**'];

/**
 * A glob is matched relative to a directory inside the root; absolute patterns and ".." segments
 * would let it reach outside, so they are refused rather than rewritten.
 */
export function globPatternError(pattern: string): string | null {
  if (path.isAbsolute(pattern) || /^[a-zA-Z]:[\\/]/.test(pattern)) {
    return `Glob pattern "${pattern}" is absolute; use a pattern relative to the project root (e.g. "src/**/*.ts").`;
  }
  if (pattern.split(/[\\/]/).includes('..')) {
    return `Glob pattern "${pattern}" contains ".."; patterns may only match inside the project root.`;
  }
  return null;
}
