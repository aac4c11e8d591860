import type { UpdateFromBaseResult } from '@boocode/contracts';
import { DomainError } from '../errors.js';
import { GitCommandError, GitDomainError } from './errors.js';
import { git, runGit, splitNul } from './exec.js';
import { uncommitted } from './merge.js';
import { identityEnv, isAncestor, parseSha, tryResolveCommit } from './repo.js';

/** Commits on `to` that `from` does not have. */
export async function countCommits(cwd: string, from: string, to: string): Promise<number> {
  return Number((await git(['rev-list', '--count', `${from}..${to}`], { cwd })).trim());
}

export async function resolveBranch(cwd: string, branch: string): Promise<string> {
  const commit = await tryResolveCommit(cwd, `refs/heads/${branch}`);
  if (!commit) throw new GitDomainError('unknown_branch', `branch ${branch} does not exist`);
  return commit;
}

/** Merges `theirs` into `ours` without a working tree: the tree id, or the conflicting files. */
async function mergeTrees(cwd: string, ours: string, theirs: string): Promise<{ tree: string } | { conflicts: string[] }> {
  const merged = await runGit(['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', ours, theirs], { cwd, okCodes: [1] });
  const [tree = '', ...conflicted] = splitNul(merged.stdout.toString('utf8'));
  if (merged.code === 1) return { conflicts: [...new Set(conflicted)].sort() };
  return { tree: parseSha(tree, 'merge-tree') };
}

async function commitTree(cwd: string, tree: string, parents: string[], message: string): Promise<string> {
  const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'];
  return parseSha(await git(args, { cwd, input: message, env: await identityEnv(cwd) }), 'commit-tree');
}

export interface UpdateFromBaseOptions {
  worktreePath: string;
  branch: string;
  baseBranch: string;
  /** What the session's diff is taken against now. */
  baseCommit: string;
}

/**
 * Brings the base branch's new commits into the session branch by merging it in (a merge, not a
 * rebase: the session's commits keep their ids, so a branch already pushed or a change already
 * applied stays what it was, and nothing needs a force push).
 *
 * Like the merge into the project, the result is computed first without touching the worktree
 * (`git merge-tree`): a conflict is reported with its files and nothing changed. Uncommitted files
 * the merge does not touch are carried over; one it would overwrite refuses the update
 * (`dirty_worktree`), naming it. The worktree then moves with `merge --ff-only`, which git does
 * all or nothing.
 *
 * Returns the new diff base too.
 */
export async function updateFromBase(opts: UpdateFromBaseOptions): Promise<UpdateFromBaseResult & { diff_base: string }> {
  const cwd = opts.worktreePath;
  const base = await resolveBranch(cwd, opts.baseBranch);
  const head = await resolveBranch(cwd, opts.branch);
  const behind = await countCommits(cwd, head, base);
  if (behind === 0) return { status: 'up_to_date', base_branch: opts.baseBranch, commit: head, merged_commits: 0, diff_base: opts.baseCommit };

  // The diff base afterwards: the base branch's head when the old base is part of it; else (the old
  // base holds reviewed work the base branch lacks, e.g. an applied change) a merge of the two, made
  // a parent of the update so it stays reachable, and the diff keeps holding only the session's work.
  const diffBase = (await isAncestor(cwd, opts.baseCommit, base)) ? base : await mergedBase(cwd, opts.baseCommit, base);
  let commit = base;
  if (!(await isAncestor(cwd, head, base)) || diffBase !== base) {
    const merged = await mergeTrees(cwd, head, base);
    if ('conflicts' in merged) {
      throw new DomainError(
        'merge_conflict',
        `${opts.baseBranch} cannot be merged into ${opts.branch}: ${merged.conflicts.length} file(s) conflict: ${merged.conflicts.join(', ')}. Nothing was changed.`,
        { files: merged.conflicts },
      );
    }
    commit = await commitTree(cwd, merged.tree, [head, diffBase], `Merge branch '${opts.baseBranch}' into ${opts.branch}`);
  }

  const changed = new Set(splitNul(await git(['diff', '--name-only', '-z', '--no-renames', head, commit], { cwd })));
  const clash = (await uncommitted(cwd)).filter((p) => changed.has(p));
  if (clash.length > 0) {
    throw new GitDomainError(
      'dirty_worktree',
      `the update from ${opts.baseBranch} changes ${clash.length} file(s) that have uncommitted changes in the session: ${clash.join(', ')}. Commit or reject them first; nothing was changed.`,
      { files: clash },
    );
  }
  try {
    await runGit(['merge', '--ff-only', '--quiet', commit], { cwd });
  } catch (err) {
    if (!(err instanceof GitCommandError)) throw err;
    throw new GitDomainError('dirty_worktree', `the session's worktree changed during the update: ${err.stderr.trim()}`, { output: err.stderr });
  }
  return { status: 'updated', base_branch: opts.baseBranch, commit, merged_commits: behind, diff_base: diffBase };
}

/** The old diff base with the base branch merged in; the base branch's head when the two conflict. */
async function mergedBase(cwd: string, oldBase: string, baseHead: string): Promise<string> {
  const merged = await mergeTrees(cwd, oldBase, baseHead);
  if ('conflicts' in merged) return baseHead;
  return commitTree(cwd, merged.tree, [oldBase, baseHead], `boocode: reviewed work merged with ${baseHead.slice(0, 12)}`);
}
