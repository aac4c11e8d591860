import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { GitCommandError } from './errors.js';
import { worktreeCommand } from './worktree-cmd.js';

/**
 * The repository (its common git dir) a linked worktree belongs to, read from the worktree's `.git`
 * file (`gitdir: <common>/worktrees/<name>`). Works when the worktree is too broken for git itself.
 */
export async function commonDirOfWorktree(worktreePath: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path.join(worktreePath, '.git'), 'utf8');
  } catch {
    return null;
  }
  const m = /^gitdir: (.+)$/m.exec(text);
  if (!m?.[1]) return null;
  const gitdir = path.resolve(worktreePath, m[1].trim());
  const parent = path.dirname(gitdir);
  return path.basename(parent) === 'worktrees' ? path.dirname(parent) : null;
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Removes a linked worktree and git's record of it. `git worktree remove --force --force` also takes
 * locked and dirty worktrees (the session is over; its changes live in the pending diff or branch).
 * When git cannot (a half-created or already-forgotten worktree), the directory is deleted directly
 * and `git worktree prune` drops the stale record. `repoDir` is the project root or its git dir.
 */
export async function removeWorktree(repoDir: string | null, worktreePath: string): Promise<void> {
  if (repoDir && (await isDir(repoDir))) {
    try {
      await worktreeCommand(repoDir, ['remove', '--force', '--force', worktreePath]);
    } catch (err) {
      if (!(err instanceof GitCommandError)) throw err;
    }
  }
  await rm(worktreePath, { recursive: true, force: true });
  if (repoDir && (await isDir(repoDir))) await worktreeCommand(repoDir, ['prune']);
}
