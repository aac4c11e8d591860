import { z } from 'zod';
import { IdParams } from '../common.js';
import {
  ApplyBody,
  ApplyResult,
  CommitBody,
  CommitResult,
  MergeBody,
  MergeResult,
  PendingChange,
  PushBody,
  PushResult,
  RejectBody,
  RejectResult,
  SessionBranchStatus,
  SessionDiff,
  UpdateFromBaseResult,
} from '../git.js';
import type { ErrorCode } from './errors.js';
import type { RouteDef } from './def.js';

export const PendingChangeResponse = z.object({ pending: PendingChange.nullable() });
export type PendingChangeResponse = z.infer<typeof PendingChangeResponse>;

/** Refusals of every review action: the session is archived or a turn of it writes to the worktree. */
const actionErrors = ['session_archived', 'turn_running'] as const satisfies readonly ErrorCode[];
/** The project's directory, checked again by the actions that write to it. */
const projectDirErrors = ['path_not_found', 'not_a_directory', 'not_a_git_repository', 'not_repository_root'] as const satisfies readonly ErrorCode[];

export const reviewRoutes = {
  getSessionDiff: {
    method: 'GET',
    path: '/api/sessions/:id/diff',
    summary: "Live diff of the session's worktree against its base commit (null without a worktree)",
    tag: 'review',
    params: IdParams,
    response: SessionDiff.nullable(),
    status: 200,
    errors: [],
  },
  getPendingChange: {
    method: 'GET',
    path: '/api/sessions/:id/changes',
    summary: "The session's pending change (the accumulated diff of its turns), if any",
    tag: 'review',
    params: IdParams,
    response: PendingChangeResponse,
    status: 200,
    errors: [],
  },
  applyChange: {
    method: 'POST',
    path: '/api/sessions/:id/changes/apply',
    summary: "Apply the session's pending change to the project's working tree, all or nothing",
    tag: 'review',
    params: IdParams,
    body: ApplyBody,
    response: ApplyResult,
    status: 200,
    errors: [...actionErrors, 'not_isolated', 'no_pending_change', 'change_not_pending', 'dirty_project', 'patch_does_not_apply', ...projectDirErrors],
  },
  rejectChange: {
    method: 'POST',
    path: '/api/sessions/:id/changes/reject',
    summary: "Reject the session's pending change: its worktree goes back to the base commit",
    tag: 'review',
    params: IdParams,
    body: RejectBody,
    response: RejectResult,
    status: 200,
    errors: [...actionErrors, 'no_worktree', 'not_isolated', 'change_not_pending'],
  },
  commitSession: {
    method: 'POST',
    path: '/api/sessions/:id/commit',
    summary: "Commit everything in the session's worktree on its branch",
    tag: 'review',
    params: IdParams,
    body: CommitBody,
    response: CommitResult,
    status: 200,
    errors: [...actionErrors, 'no_worktree', 'not_isolated', 'nothing_to_commit'],
  },
  mergeSession: {
    method: 'POST',
    path: '/api/sessions/:id/merge',
    summary: 'Merge the session branch into a branch of the project; a conflict changes nothing',
    tag: 'review',
    params: IdParams,
    body: MergeBody,
    response: MergeResult,
    status: 200,
    errors: [
      ...actionErrors,
      'no_worktree',
      'not_isolated',
      'merge_conflict',
      'unknown_branch',
      'invalid_branch_name',
      'dirty_project',
      'target_checked_out_elsewhere',
      ...projectDirErrors,
    ],
  },
  getSessionBranch: {
    method: 'GET',
    path: '/api/sessions/:id/branch',
    summary: 'Where the session branch stands: behind/ahead of its base branch, and whether it can be updated, pushed or proposed',
    tag: 'review',
    params: IdParams,
    response: SessionBranchStatus,
    status: 200,
    errors: [...projectDirErrors],
  },
  updateFromBase: {
    method: 'POST',
    path: '/api/sessions/:id/update-from-base',
    summary: 'Merge the base branch into the session branch; a conflict or an uncommitted file in the way changes nothing',
    tag: 'review',
    params: IdParams,
    response: UpdateFromBaseResult,
    status: 200,
    errors: [...actionErrors, 'no_worktree', 'not_isolated', 'unknown_branch', 'merge_conflict', 'dirty_worktree', ...projectDirErrors],
  },
  pushSession: {
    method: 'POST',
    path: '/api/sessions/:id/push',
    summary: "Push the session branch to the project's remote and optionally open a pull request with gh",
    tag: 'review',
    params: IdParams,
    body: PushBody,
    response: PushResult,
    status: 200,
    errors: [...actionErrors, 'no_worktree', 'not_isolated', 'no_remote', 'push_failed', 'gh_unavailable', 'pull_request_failed', 'unknown_branch', ...projectDirErrors],
  },
} as const satisfies Record<string, RouteDef>;
