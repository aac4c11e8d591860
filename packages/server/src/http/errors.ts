import type { ErrorBody, ErrorCode } from '@boocode/contracts';
import type { ZodError } from 'zod';
import { DomainError } from '../errors.js';

/**
 * The HTTP status of every error code. Git-domain refusals are 400 when the request (or the project's
 * config file) is at fault, 409 when the state of the project or worktree is: all user-fixable.
 */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  internal: 500,
  unauthorized: 401,
  invalid_login_code: 401,
  forbidden_host: 403,
  forbidden_origin: 403,
  not_found: 404,
  invalid_request: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  conflict: 409,
  session_archived: 409,
  already_resolved: 409,
  turn_running: 409,
  no_worktree: 409,
  no_pending_change: 409,
  change_not_pending: 409,
  merge_conflict: 409,
  invalid_workflow: 400,
  // The server's Node cannot run the sandbox: not the request's fault, and not a crash either.
  workflows_unavailable: 503,
  subagent_limit: 409,
  agent_unavailable: 409,
  // The agent (or the native agent's endpoint) did not answer with its models.
  models_unavailable: 502,
  setting_unsupported: 409,
  // A project path is given by the request, when it is registered.
  path_not_found: 400,
  not_a_directory: 400,
  not_a_git_repository: 400,
  not_repository_root: 400,
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
  dirty_worktree: 409,
  no_remote: 409,
  // The remote or gh refused (rejected push, no auth): git's or gh's words are in the message.
  push_failed: 409,
  gh_unavailable: 409,
  pull_request_failed: 409,
  invalid_project_config: 400,
  copy_outside_project: 400,
  setup_failed: 409,
  // Terminals. Without a usable tmux the feature is unavailable on this server, nothing the request can fix.
  tmux_missing: 503,
  tmux_unsupported: 503,
  terminal_not_found: 404,
  terminal_limit: 409,
  terminal_exited: 409,
  // The session's directory is gone or not a directory.
  invalid_terminal_cwd: 409,
  invalid_terminal_size: 400,
  invalid_terminal_name: 400,
  invalid_terminal_input: 400,
  invalid_pattern: 400,
  pattern_too_expensive: 400,
};

export function errorBody(err: DomainError): ErrorBody {
  return { error: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) };
}

/** "content: must not be empty" — the first issue names the field; all issues go in details. */
export function invalid(where: 'body' | 'query', err: ZodError): DomainError {
  const first = err.issues[0];
  const field = first && first.path.length ? first.path.join('.') : where;
  return new DomainError(
    'invalid_request',
    `${field}: ${first?.message ?? 'invalid'}`,
    err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

/** A request string PostgreSQL would refuse, named by its path ("images.0.data: must not contain NUL characters"). */
export function unstorableField(found: { path: (string | number)[]; message: string }): DomainError {
  const field = found.path.join('.') || 'body';
  return new DomainError('invalid_request', `${field}: ${found.message}`, [{ path: field, message: found.message }]);
}

/** The refusals of `work` name the request field they are about ("path: /x does not exist"). */
export async function inField<T>(field: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof DomainError) throw new DomainError(err.code, `${field}: ${err.message}`, err.details);
    throw err;
  }
}
