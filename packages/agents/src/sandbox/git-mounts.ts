import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** A path bound into the sandbox at the same place, writable or not. Later mounts cover earlier ones. */
export interface Mount {
  path: string;
  writable: boolean;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function readTrimmed(p: string): Promise<string | null> {
  try {
    return (await readFile(p, 'utf8')).trim();
  } catch {
    return null;
  }
}

/**
 * The session branch's ref writable and nothing else of its kind: git updates a ref by renaming a
 * lock file over it, so its directory must be writable; every other entry of that directory (the
 * other sessions' branches, or `main` for a top-level branch) is bound read-only over itself.
 */
async function refMounts(common: string, ref: string): Promise<Mount[]> {
  const file = path.join(common, ref);
  if (!(await exists(file))) return [];
  const dir = path.dirname(file);
  const own = path.basename(file);
  const mounts: Mount[] = [{ path: dir, writable: true }];
  for (const name of await readdir(dir)) if (name !== own) mounts.push({ path: path.join(dir, name), writable: false });
  // The reflog is appended to in place, so the file alone is enough.
  const log = path.join(common, 'logs', ref);
  if (await exists(log)) mounts.push({ path: log, writable: true });
  return mounts;
}

/**
 * What git in `root` needs beyond the worktree itself, so a command can commit on the session
 * branch while the repository's shared config, hooks and other branches stay read-only (a worktree
 * shares its repository's `.git/config`: `git config core.hooksPath` there would reach the
 * project). Returned mounts come after `root`'s own writable bind.
 */
export async function gitMounts(root: string): Promise<{ before: Mount[]; after: Mount[] }> {
  const dotGit = path.join(root, '.git');
  let info;
  try {
    info = await stat(dotGit);
  } catch {
    return { before: [], after: [] };
  }
  if (info.isDirectory()) {
    // A repository checked out in place: its own .git is inside the writable root; keep what
    // would run code (config, hooks) read-only.
    const after: Mount[] = [];
    for (const name of ['config', 'hooks', 'info']) {
      const p = path.join(dotGit, name);
      if (await exists(p)) after.push({ path: p, writable: false });
    }
    return { before: [], after };
  }
  const pointer = await readTrimmed(dotGit);
  const admin = pointer?.startsWith('gitdir:') ? path.resolve(root, pointer.slice('gitdir:'.length).trim()) : null;
  if (!admin || !(await exists(admin))) return { before: [], after: [{ path: dotGit, writable: false }] };
  const commonRel = await readTrimmed(path.join(admin, 'commondir'));
  const common = commonRel ? path.resolve(admin, commonRel) : admin;
  const head = await readTrimmed(path.join(admin, 'HEAD'));
  const ref = head?.startsWith('ref:') ? head.slice(4).trim() : null;

  const before: Mount[] = [{ path: common, writable: false }];
  if (await exists(path.join(common, 'objects'))) before.push({ path: path.join(common, 'objects'), writable: true });
  if (ref?.startsWith('refs/heads/')) before.push(...(await refMounts(common, ref)));
  // The worktree's own admin dir (HEAD, index, its logs) is writable, but not the files that say
  // where the repository is: a rewritten commondir would send BooCode's own git commands to a
  // config the agent wrote.
  before.push({ path: admin, writable: true });
  for (const name of ['commondir', 'gitdir', 'config.worktree']) {
    const p = path.join(admin, name);
    if (await exists(p)) before.push({ path: p, writable: false });
  }
  // Likewise the worktree's `.git` pointer file.
  return { before, after: [{ path: dotGit, writable: false }] };
}
