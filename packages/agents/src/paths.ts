import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * Confines agent file access to the session root; shared by the native tools and the ACP client's
 * `fs/*` methods. Both the lexical path and the real path (after symlinks) must stay inside, so
 * `../x`, `/etc/passwd`, a symlink to `/` and a dangling symlink are all refused.
 */

export type Resolved = { ok: true; abs: string; rel: string } | { ok: false; error: string };

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function relOf(root: string, p: string): string {
  return path.relative(root, p) || '.';
}

function outside(input: string): Resolved {
  return {
    ok: false,
    error: `Path "${input}" is outside the project root. Use a path relative to the project root (for example "src/index.ts"); "..", absolute paths elsewhere and symlinks leading out are not allowed.`,
  };
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

export interface ResolveOpts {
  /**
   * When false, a symlink as the last component is not followed (delete_file removes the link, not
   * its target); its target must still lie inside the root.
   */
  followLast?: boolean;
}

/**
 * Resolves `input` against `root` (which must itself be a realpath). The target may not exist yet
 * (write_file creates it): then the nearest existing ancestor is resolved and must be inside.
 */
export async function resolveInRoot(root: string, input: string, opts: ResolveOpts = {}): Promise<Resolved> {
  if (input.includes('\0')) return { ok: false, error: 'Path contains a NUL byte.' };
  const lexical = path.resolve(root, input === '' ? '.' : input);
  if (!isInside(root, lexical)) return outside(input);

  if (opts.followLast === false && lexical !== root) {
    const parent = await resolveInRoot(root, path.dirname(lexical));
    if (!parent.ok) return outside(input);
    const abs = path.join(parent.abs, path.basename(lexical));
    const target = await resolveInRoot(root, abs);
    if (!target.ok) return outside(input);
    return { ok: true, abs, rel: relOf(root, abs) };
  }

  // Walk up to the nearest component that exists (lstat: a dangling symlink counts as existing).
  let existing = lexical;
  const missing: string[] = [];
  for (;;) {
    try {
      await lstat(existing);
      break;
    } catch (err) {
      if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
      missing.unshift(path.basename(existing));
      existing = path.dirname(existing);
    }
  }
  let real: string;
  try {
    real = await realpath(existing);
  } catch (err) {
    // A dangling symlink: where it would lead cannot be checked, so it is refused.
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ELOOP')) return outside(input);
    throw err;
  }
  const abs = path.join(real, ...missing);
  if (!isInside(root, abs)) return outside(input);
  return { ok: true, abs, rel: relOf(root, abs) };
}

/** Writing tools must not touch git's own data: it would corrupt the session's worktree. */
export function isGitInternal(rel: string): boolean {
  const first = rel.split(path.sep)[0];
  return first === '.git';
}

/**
 * A file with more than one hard link may be the same inode as a file outside the root (a link
 * made by a command in the worktree); where its other names are cannot be checked, so it is
 * neither read nor written.
 */
export class HardLinkedFileError extends Error {
  constructor(readonly abs: string) {
    super(`${path.basename(abs)} has other hard links, which may lead outside the project root; it is neither read nor written.`);
    this.name = 'HardLinkedFileError';
  }
}

async function openChecked(abs: string, flags: number, mode?: number): Promise<{ fh: FileHandle; info: Stats }> {
  const fh = await open(abs, flags | constants.O_NOFOLLOW, mode);
  try {
    // Checked on the open descriptor, so a link made between the check and the read cannot slip in.
    const info = await fh.stat();
    if (info.isFile() && info.nlink > 1) throw new HardLinkedFileError(abs);
    return { fh, info };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/**
 * Writes `abs` (a path resolveInRoot returned) without following a symlink in its last component:
 * one planted there after the check (the agent runs commands in the worktree) fails with ELOOP
 * instead of redirecting the write. A hard-linked file is refused before it is truncated.
 */
export async function writeNoFollow(abs: string, content: string): Promise<void> {
  const { fh } = await openChecked(abs, constants.O_WRONLY | constants.O_CREAT, 0o666);
  try {
    await fh.truncate(0);
    await fh.writeFile(content, 'utf8');
  } finally {
    await fh.close();
  }
}

/**
 * Opens `abs` for reading without following a symlink in its last component, refusing a
 * hard-linked file; the caller closes the handle.
 */
export async function openForRead(abs: string): Promise<{ fh: FileHandle; info: Stats }> {
  return openChecked(abs, constants.O_RDONLY);
}

/** Reads `abs` (a path resolveInRoot returned) as openForRead does. */
export async function readNoFollow(abs: string): Promise<string> {
  const { fh } = await openForRead(abs);
  try {
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}

/**
 * Whether `abs` (lexically inside `root`, a real path) is reached without a symlinked directory:
 * glob and grep list what they find under a directory, and one reached through a link may lie
 * outside the root. `seen` caches answers per directory across one listing.
 */
export async function reachedWithoutLinks(root: string, abs: string, seen: Map<string, boolean>): Promise<boolean> {
  const dir = path.dirname(abs);
  let ok = seen.get(dir);
  if (ok === undefined) {
    try {
      ok = isInside(root, dir) && (await realpath(dir)) === dir;
    } catch {
      ok = false;
    }
    seen.set(dir, ok);
  }
  return ok;
}
