import { realpath } from 'node:fs/promises';
import type { MergeResult } from '@boocode/contracts';
import { commitWorktree } from './commit.js';
import { GitCommandError, GitDomainError } from './errors.js';
import { git, runGit, splitNul } from './exec.js';
import { copiedFiles } from './layout.js';
import {
  assertBranchName,
  dirtyPaths,
  identityEnv,
  inspectRepository,
  isAncestor,
  listWorktrees,
  parseSha,
  tryResolveCommit,
} from './repo.js';

export interface MergeOptions {
  projectPath: string;
  /** The session branch, e.g. `boocode/fix-login`. */
  branch: string;
  targetBranch: string;
  /** The session worktree: its uncommitted files are committed first when `commitPending` is set. */
  worktreePath?: string;
  commitPending?: boolean;
  /** Message of the pending-changes commit; also the merge commit's when given. */
  message?: string;
  signal?: AbortSignal;
}

/**
 * Merges the session branch into `targetBranch` of the project.
 *
 * The merge is computed without touching any working tree (`git merge-tree --write-tree`, git >= 2.38):
 * on a conflict nothing at all has changed, not even a `MERGE_HEAD`, and the conflicting files are
 * reported. A clean result becomes a commit (or a fast-forward), then the branch moves:
 * - not checked out anywhere: a compare-and-swap `update-ref`, so a concurrent push to it is not lost;
 * - checked out in the project: `git merge --ff-only` to that commit, which also updates the files,
 *   after refusing (`dirty_project`) if files the merge changes have uncommitted edits there;
 * - checked out in another worktree: refused (`target_checked_out_elsewhere`); moving it would leave
 *   that worktree's files out of step with its branch.
 */
export async function mergeSessionBranch(opts: MergeOptions): Promise<MergeResult> {
  const { root } = await inspectRepository(opts.projectPath);
  await assertBranchName(root, opts.branch);
  await assertBranchName(root, opts.targetBranch);
  const target = opts.targetBranch;

  if (opts.commitPending && opts.worktreePath) {
    try {
      await commitWorktree({
        worktreePath: opts.worktreePath,
        message: opts.message ?? `BooCode session ${opts.branch}`,
        signal: opts.signal,
      });
    } catch (err) {
      if (!(err instanceof GitDomainError && err.code === 'nothing_to_commit')) throw err;
    }
  }

  const source = await tryResolveCommit(root, `refs/heads/${opts.branch}`);
  if (!source) throw new GitDomainError('unknown_branch', `branch ${opts.branch} does not exist`);
  const targetHead = await tryResolveCommit(root, `refs/heads/${target}`);
  if (!targetHead) throw new GitDomainError('unknown_branch', `target branch ${target} does not exist`);

  if (await isAncestor(root, source, targetHead)) {
    return { status: 'up_to_date', target_branch: target, commit: targetHead };
  }

  const fastForward = await isAncestor(root, targetHead, source);
  let commit = source;
  if (!fastForward) {
    const merged = await runGit(
      ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', targetHead, source],
      { cwd: root, okCodes: [1], signal: opts.signal },
    );
    // Output: the merged tree's id, then (on conflict) the conflicted paths, NUL-terminated.
    const [tree = '', ...conflicted] = splitNul(merged.stdout.toString('utf8'));
    if (merged.code === 1) {
      return { status: 'conflict', target_branch: target, conflicts: [...new Set(conflicted)].sort() };
    }
    const message = opts.message ?? `Merge branch '${opts.branch}' into ${target}`;
    commit = parseSha(
      await git(['commit-tree', parseSha(tree, 'merge-tree'), '-p', targetHead, '-p', source, '-F', '-'], {
        cwd: root,
        input: message,
        env: await identityEnv(root),
      }),
      'commit-tree',
    );
  }

  const holder = (await listWorktrees(root)).find((w) => w.branch === `refs/heads/${target}`);
  if (!holder) {
    await runGit(['update-ref', '-m', `boocode: merge ${opts.branch}`, `refs/heads/${target}`, commit, targetHead], {
      cwd: root,
    });
  } else if ((await realpath(holder.path).catch(() => holder.path)) === root) {
    const changed = splitNul(await git(['diff', '--name-only', '-z', '--no-renames', targetHead, commit], { cwd: root }));
    const dirty = await dirtyPaths(root);
    const clash = changed.filter((p) => dirty.has(p));
    if (clash.length > 0) {
      throw new GitDomainError(
        'dirty_project',
        `the project has uncommitted changes in ${clash.length} file(s) the merge changes: ${clash.join(', ')}`,
        { files: clash },
      );
    }
    try {
      await runGit(['merge', '--ff-only', '--quiet', commit], { cwd: root, signal: opts.signal });
    } catch (err) {
      if (!(err instanceof GitCommandError)) throw err;
      // Raced with an edit or a moved HEAD; git refused before changing anything.
      throw new GitDomainError('dirty_project', `the project changed during the merge: ${err.stderr.trim()}`, {
        output: err.stderr,
      });
    }
  } else {
    throw new GitDomainError(
      'target_checked_out_elsewhere',
      `branch ${target} is checked out in ${holder.path}; merge there or check out another branch`,
    );
  }

  return {
    status: 'merged',
    target_branch: target,
    commit,
    fast_forward: fastForward,
    uncommitted_files: opts.worktreePath ? await uncommitted(opts.worktreePath) : [],
  };
}

/** Uncommitted files of a session worktree, the files copied in from the project left out. */
export async function uncommitted(worktreePath: string): Promise<string[]> {
  const copied = new Set(await copiedFiles(worktreePath));
  return [...(await dirtyPaths(worktreePath))].filter((p) => !copied.has(p)).sort();
}
