import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ProjectConfig } from '@boocode/contracts';
import { runCommands, type CommandResult, type OutputListener } from './commands.js';
import { GitCommandError, GitDomainError } from './errors.js';
import { runGit } from './exec.js';
import { readMeta, removeMeta } from './layout.js';
import { loadProjectConfig } from './project-config.js';
import { removeWorktree } from './remove.js';
import { assertBranchName, branchExists, inspectRepository } from './repo.js';

export interface ArchiveOptions {
  projectPath: string;
  worktreePath: string;
  /** The session branch; read from the worktree's sidecar when omitted. */
  branch?: string | null;
  /** Keep the session branch (its commits stay reachable). Default false. */
  keepBranch?: boolean;
  config?: ProjectConfig;
  onOutput?: OutputListener;
  signal?: AbortSignal;
}

export interface ArchiveOutcome {
  teardown: CommandResult[];
  /** Why teardown did not run or failed; archiving goes on regardless (a broken teardown must not pin a worktree forever). */
  teardown_error: string | null;
  /** Whether there was a worktree directory to remove. */
  removed: boolean;
  branch: string | null;
  branch_deleted: boolean;
  /** Why the branch could not be deleted (e.g. the user checked it out). */
  branch_error: string | null;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends a session's worktree: `teardown` commands (in the worktree, same environment as set-up), then
 * the worktree and its sidecar are removed and, unless kept, the session branch is deleted. Safe to
 * call again after a partial failure.
 */
export async function archiveSessionWorktree(opts: ArchiveOptions): Promise<ArchiveOutcome> {
  const { root } = await inspectRepository(opts.projectPath);
  const wt = path.resolve(opts.worktreePath);
  const present = await exists(wt);
  if (present && (await realpath(wt)) === root) {
    throw new GitDomainError('not_isolated', 'the session works in the project itself; there is no worktree to remove');
  }
  const meta = await readMeta(wt).catch(() => null);
  const branch = opts.branch ?? meta?.branch ?? null;

  let teardown: CommandResult[] = [];
  let teardownError: string | null = null;
  if (present) {
    try {
      const config = opts.config ?? (await loadProjectConfig(root));
      teardown = await runCommands({
        commands: config.teardown ?? [],
        cwd: wt,
        env: { BOOCODE_WORKTREE_PATH: wt, BOOCODE_PROJECT_PATH: root, BOOCODE_BRANCH: branch ?? '' },
        onOutput: opts.onOutput,
        signal: opts.signal,
      });
      const failed = teardown.find((r) => !r.ok);
      if (failed) teardownError = `teardown command ${JSON.stringify(failed.argv)} failed (exit ${failed.exit_code ?? 'none'})`;
    } catch (err) {
      if (!(err instanceof GitDomainError)) throw err;
      teardownError = err.message;
    }
  }

  await removeWorktree(root, wt);
  await removeMeta(wt);

  let branchDeleted = false;
  let branchError: string | null = null;
  if (branch && !opts.keepBranch) {
    await assertBranchName(root, branch);
    if (await branchExists(root, branch)) {
      try {
        await runGit(['branch', '-D', '--quiet', branch], { cwd: root });
        branchDeleted = true;
      } catch (err) {
        if (!(err instanceof GitCommandError)) throw err;
        branchError = err.stderr.trim();
      }
    }
  }
  return {
    teardown,
    teardown_error: teardownError,
    removed: present,
    branch,
    branch_deleted: branchDeleted,
    branch_error: branchError,
  };
}
