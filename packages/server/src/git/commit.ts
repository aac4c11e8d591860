import type { CommitResult } from '@boocode/contracts';
import { GitDomainError } from './errors.js';
import { git, runGit, splitNul } from './exec.js';
import { copiedFiles } from './layout.js';
import { identityEnv, isLinkedWorktree, parseSha } from './repo.js';

/**
 * Commits everything in a session worktree (new files included, ignored and copied-in files not) on the
 * session branch. `nothing_to_commit` when the worktree has no changes. Repository hooks run as they
 * would for the user. Only for worktrees: a non-isolated session's index is the user's.
 */
export async function commitWorktree(opts: {
  worktreePath: string;
  message: string;
  signal?: AbortSignal;
}): Promise<CommitResult> {
  const cwd = opts.worktreePath;
  if (!(await isLinkedWorktree(cwd))) {
    throw new GitDomainError('not_isolated', `${cwd} is not a session worktree; refusing to commit in it`);
  }
  const pathspecs = ['.', ...(await copiedFiles(cwd)).map((p) => `:(exclude,literal)${p}`)];
  await runGit(['add', '-A', '--pathspec-from-file=-', '--pathspec-file-nul'], {
    cwd,
    input: pathspecs.join('\0') + '\0',
    signal: opts.signal,
  });
  const staged = await runGit(['diff', '--cached', '--quiet'], { cwd, okCodes: [1] });
  if (staged.code === 0) throw new GitDomainError('nothing_to_commit', 'the worktree has no changes to commit');
  await runGit(['commit', '--quiet', '-F', '-'], {
    cwd,
    input: opts.message,
    env: await identityEnv(cwd),
    signal: opts.signal,
  });
  const commit = parseSha(await git(['rev-parse', 'HEAD'], { cwd }), 'HEAD');
  const files = splitNul(await git(['diff-tree', '-r', '--no-commit-id', '--name-only', '-z', '--root', commit], { cwd }));
  return { commit, files };
}
