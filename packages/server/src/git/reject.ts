import type { RejectResult } from '@boocode/contracts';
import { GitDomainError } from './errors.js';
import { runGit } from './exec.js';
import { copiedFiles } from './layout.js';
import { isLinkedWorktree } from './repo.js';

/** A literal path as a `.gitignore`-style pattern anchored at the root (for `git clean -e`). */
export function literalIgnorePattern(p: string): string {
  return '/' + p.replace(/[\\*?[]/g, '\\$&').replace(/ +$/, (spaces) => spaces.replace(/ /g, '\\ '));
}

/**
 * Rejects a session's change: its worktree goes back to the base commit, tracked files reset (commits
 * made in the worktree included) and untracked files removed. Ignored files (dependencies installed
 * by set-up) and the files copied in from the project stay, so the next turn starts ready to work.
 * Only for worktrees: in a non-isolated session this would wipe the user's own project.
 */
export async function rejectWorktree(opts: { worktreePath: string; baseCommit: string }): Promise<RejectResult> {
  const cwd = opts.worktreePath;
  if (!(await isLinkedWorktree(cwd))) {
    throw new GitDomainError('not_isolated', `${cwd} is not a session worktree; refusing to reset it`);
  }
  await runGit(['reset', '--hard', '--quiet', opts.baseCommit], { cwd });
  const keep = (await copiedFiles(cwd)).flatMap((p) => ['-e', literalIgnorePattern(p)]);
  await runGit(['clean', '-fd', '--quiet', ...keep], { cwd });
  return { base_commit: opts.baseCommit };
}
