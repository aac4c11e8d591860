import type { GitErrorCode } from '@boocode/contracts';
import { GitDomainError } from '../git/index.js';
import { ApiError } from '../http/errors.js';

/**
 * HTTP status of each git-domain refusal: 400 when the request (or the project's config file) is at
 * fault, 409 when the state of the project or worktree is. Never 500: these are all user-fixable.
 */
const STATUS: Record<GitErrorCode, 400 | 409> = {
  path_not_found: 400,
  not_a_directory: 400,
  not_a_git_repository: 409,
  not_repository_root: 409,
  no_commits: 409,
  unknown_branch: 400,
  branch_exists: 409,
  invalid_branch_name: 400,
  worktree_conflict: 409,
  not_isolated: 409,
  dirty_project: 409,
  patch_does_not_apply: 409,
  nothing_to_commit: 409,
  target_checked_out_elsewhere: 409,
  invalid_project_config: 400,
  copy_outside_project: 400,
  setup_failed: 409,
};

/** The API error for a git-domain refusal (`{error: code, message, details}`); anything else unchanged. */
export function apiErrorOf(err: unknown): unknown {
  if (err instanceof GitDomainError) return new ApiError(STATUS[err.code], err.code, err.message, err.details);
  return err;
}

export async function mapGitErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw apiErrorOf(err);
  }
}
