import { chmod, copyFile, lstat, mkdir, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { GitDomainError } from './errors.js';

/**
 * Copies the config's `copy` entries (files such as `.env` that are not in git) from the project into a
 * fresh worktree. Entries are relative paths or globs: `*` and `?` within one path segment, `**` for any
 * number of directories. A matched directory is copied whole. Everything stays inside the project:
 * a symlink that resolves outside it is refused. Files that already exist in the worktree (checked
 * out from the base commit) are left alone, so a copy can never smuggle uncommitted project edits into
 * the session.
 */

/** `**` walks do not descend into these (dependency trees are huge and never what `.env` globs mean). */
const SKIP_DIRS = new Set(['.git', 'node_modules']);

function isGlob(segment: string): boolean {
  return /[*?]/.test(segment);
}

function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (const ch of segment) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'u');
}

/** Repository-relative (`/`-separated) paths in `root` that match `pattern`. */
export async function expandPattern(root: string, pattern: string): Promise<string[]> {
  const segments = pattern.split('/').filter((s) => s !== '' && s !== '.');
  const found = new Set<string>();

  async function walk(rel: string, i: number): Promise<void> {
    if (i === segments.length) {
      found.add(rel);
      return;
    }
    const seg = segments[i]!;
    if (seg === '**') {
      await walk(rel, i + 1); // zero directories
      for (const e of await listDir(root, rel)) {
        if (e.isDirectory() && !SKIP_DIRS.has(e.name)) await walk(join(rel, e.name), i);
      }
      return;
    }
    if (!isGlob(seg)) {
      const next = join(rel, seg);
      if (await exists(path.join(root, next))) await walk(next, i + 1);
      return;
    }
    const re = segmentRegExp(seg);
    for (const e of await listDir(root, rel)) {
      if (e.name === '.git' || !re.test(e.name)) continue;
      // Only directories can continue a pattern with more segments.
      if (i + 1 < segments.length && !e.isDirectory()) continue;
      await walk(join(rel, e.name), i + 1);
    }
  }

  await walk('', 0);
  found.delete('');
  return [...found].sort();
}

function join(rel: string, name: string): string {
  return rel === '' ? name : `${rel}/${name}`;
}

async function listDir(root: string, rel: string) {
  try {
    return await readdir(path.join(root, rel), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return [];
    }
    throw err;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Copies every match of `patterns` from `projectRoot` into `worktreeRoot`; returns the files written
 * (repository-relative). Both roots must be real paths.
 */
export async function copyProjectFiles(opts: {
  projectRoot: string;
  worktreeRoot: string;
  patterns: readonly string[];
}): Promise<string[]> {
  const copied: string[] = [];
  const seen = new Set<string>();

  async function copyEntry(rel: string): Promise<void> {
    if (seen.has(rel) || rel.split('/').includes('.git')) return;
    seen.add(rel);
    const src = path.join(opts.projectRoot, rel);
    // realpath follows every symlink on the way, so a link anywhere in the path is confined too.
    const real = await realpath(src);
    if (!inside(opts.projectRoot, real)) {
      throw new GitDomainError('copy_outside_project', `copy: ${rel} leads outside the project (to ${real})`, {
        key: 'copy',
        files: [rel],
      });
    }
    const st = await stat(real);
    if (st.isDirectory()) {
      for (const e of await readdir(real)) {
        if (e !== '.git') await copyEntry(join(rel, e));
      }
      return;
    }
    if (!st.isFile()) return; // sockets, fifos: nothing sensible to copy
    const dest = path.join(opts.worktreeRoot, rel);
    if (await exists(dest)) return;
    await mkdir(path.dirname(dest), { recursive: true });
    // A symlinked directory checked out in the worktree must not carry the copy out of it.
    if (!inside(opts.worktreeRoot, await realpath(path.dirname(dest)))) {
      throw new GitDomainError('copy_outside_project', `copy: ${rel} would be written outside the worktree`, {
        key: 'copy',
        files: [rel],
      });
    }
    await copyFile(real, dest);
    await chmod(dest, st.mode & 0o7777);
    copied.push(rel);
  }

  for (const pattern of opts.patterns) {
    for (const rel of await expandPattern(opts.projectRoot, pattern)) await copyEntry(rel);
  }
  return copied.sort();
}
