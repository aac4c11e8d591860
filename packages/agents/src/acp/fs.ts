import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import { isGitInternal, readNoFollow, resolveInRoot, writeNoFollow } from '../paths.js';

/** A path the agent asked for that BooCode will not touch; the message goes back to the agent. */
export class RefusedPathError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'RefusedPathError';
  }
}

/** A path the agent asked for that lies outside the session's worktree. */
export class OutsideRootError extends RefusedPathError {
  constructor(path: string) {
    super(path, `path is outside the session worktree: ${path}`);
    this.name = 'OutsideRootError';
  }
}

/**
 * Resolves `path` (absolute, as ACP requires) inside `root` (itself a real path) with the native
 * tools' rules: symlinks followed and checked, a dangling symlink refused, a missing file resolved
 * through its nearest existing ancestor.
 */
export async function confine(root: string, path: string): Promise<{ abs: string; rel: string }> {
  if (!isAbsolute(path)) throw new OutsideRootError(path);
  const r = await resolveInRoot(root, path);
  if (!r.ok) throw new OutsideRootError(path);
  return { abs: r.abs, rel: r.rel };
}

/** `fs/read_text_file`: optionally from a 1-based `line`, at most `limit` lines. */
export async function readConfined(
  root: string,
  path: string,
  line?: number | null,
  limit?: number | null,
): Promise<string> {
  const text = await readNoFollow((await confine(root, path)).abs);
  if (!line && !limit) return text;
  const lines = text.split('\n');
  const start = Math.max(0, (line ?? 1) - 1);
  return lines.slice(start, limit ? start + limit : undefined).join('\n');
}

/** `fs/write_text_file`: creates missing parent directories inside the root; never inside `.git`. */
export async function writeConfined(root: string, path: string, content: string): Promise<void> {
  const target = await confine(root, path);
  if (isGitInternal(target.rel)) throw new RefusedPathError(path, `files inside .git cannot be written: ${path}`);
  await mkdir(dirname(target.abs), { recursive: true });
  // The agent runs its own commands in the worktree: check again once the parents exist, so a
  // link planted among them meanwhile is caught; the last component is opened without following.
  const again = await confine(root, path);
  if (again.abs !== target.abs) throw new OutsideRootError(path);
  await writeNoFollow(target.abs, content);
}
