import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';

/** A path the agent asked for that lies outside the session's worktree. */
export class OutsideRootError extends Error {
  constructor(readonly path: string) {
    super(`path is outside the session worktree: ${path}`);
    this.name = 'OutsideRootError';
  }
}

/**
 * Resolves `path` (absolute, as ACP requires) with symlinks followed and checks it stays inside
 * `root` (itself a real path). A path that does not exist yet resolves through its nearest
 * existing ancestor, so a symlinked parent cannot smuggle a new file out of the worktree.
 */
export async function confine(root: string, path: string): Promise<string> {
  if (!isAbsolute(path)) throw new OutsideRootError(path);
  let existing = path;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = await realpath(existing);
      const full = rest.length > 0 ? join(real, ...rest.reverse()) : real;
      const rel = relative(root, full);
      if (rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))) return full;
      throw new OutsideRootError(path);
    } catch (err) {
      if (err instanceof OutsideRootError) throw err;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const parent = dirname(existing);
      if (parent === existing) throw new OutsideRootError(path);
      rest.push(basename(existing));
      existing = parent;
    }
  }
}

/** `fs/read_text_file`: optionally from a 1-based `line`, at most `limit` lines. */
export async function readConfined(
  root: string,
  path: string,
  line?: number | null,
  limit?: number | null,
): Promise<string> {
  const text = await readFile(await confine(root, path), 'utf8');
  if (!line && !limit) return text;
  const lines = text.split('\n');
  const start = Math.max(0, (line ?? 1) - 1);
  return lines.slice(start, limit ? start + limit : undefined).join('\n');
}

/** `fs/write_text_file`: creates missing parent directories inside the root. */
export async function writeConfined(root: string, path: string, content: string): Promise<void> {
  const target = await confine(root, path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, content, 'utf8');
}
