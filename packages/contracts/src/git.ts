import { z } from 'zod';
import { Id, Timestamp } from './common.js';

// Wire shapes of the git domain: session diffs, pending changes, collisions and the
// review actions (apply / reject / merge / commit / archive).

/** A full object id: SHA-1 (40 hex) or SHA-256 (64 hex) repositories. */
export const CommitSha = z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'expected a full commit id');
export type CommitSha = z.infer<typeof CommitSha>;

/**
 * A branch name as `git check-ref-format --branch` would accept it (the server checks with git too).
 * Refused up front: a leading `-` (would read as an option), whitespace, control characters and the
 * characters git forbids, so a bad name is a 400 naming the field rather than a git error.
 */
export const BranchName = z
  .string()
  .min(1, 'must not be empty')
  .max(250)
  .refine((s) => !s.startsWith('-'), 'must not start with "-"')
  .refine((s) => !/[\s\x00-\x1f\x7f~^:?*[\\]/.test(s), 'contains a character git does not allow in branch names')
  .refine(
    (s) => !s.includes('..') && !s.includes('@{') && !s.includes('//') && !/(^\/|\/$|\.lock$|\.$)/.test(s),
    'is not a valid git branch name',
  );
export type BranchName = z.infer<typeof BranchName>;

/**
 * `status` is the kind of change. A binary file changed in place is `binary`; a binary file that was
 * added, deleted or renamed keeps that kind and has `binary: true`. Binary files have no line counts.
 */
export const DiffFileStatus = z.enum(['added', 'modified', 'deleted', 'renamed', 'binary']);
export type DiffFileStatus = z.infer<typeof DiffFileStatus>;

export const DiffFile = z.object({
  /** Path in the session's tree, relative to the repository root, `/`-separated. */
  path: z.string().min(1),
  /** Path in the base commit when the file was renamed. */
  old_path: z.string().min(1).optional(),
  status: DiffFileStatus,
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
  binary: z.boolean(),
});
export type DiffFile = z.infer<typeof DiffFile>;

export const DiffStats = z.object({
  files: z.number().int().nonnegative(),
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
});
export type DiffStats = z.infer<typeof DiffStats>;

/** The accumulated change of a session: its worktree (committed or not) against the base commit. */
export const SessionDiff = z.object({
  base_commit: CommitSha,
  /** The worktree's HEAD when the diff was taken (differs from the base once commits were made). */
  head: CommitSha.optional(),
  files: z.array(DiffFile),
  /** `git apply`-able unified diff (binary files as `GIT binary patch`), paths prefixed a/ and b/. */
  patch: z.string(),
  stats: DiffStats,
});
export type SessionDiff = z.infer<typeof SessionDiff>;

export const PendingChangeStatus = z.enum(['pending', 'applied', 'rejected', 'merged']);
export type PendingChangeStatus = z.infer<typeof PendingChangeStatus>;

/** One accumulating change per session: each turn's diff supersedes the previous pending one. */
export const PendingChange = z.object({
  id: Id,
  session_id: Id,
  task_id: Id.nullable(),
  /** The agent whose turn produced this diff. */
  agent: z.string(),
  status: PendingChangeStatus,
  base_commit: CommitSha,
  head: CommitSha.nullable(),
  files: z.array(DiffFile),
  stats: DiffStats,
  patch: z.string(),
  created_at: Timestamp,
});
export type PendingChange = z.infer<typeof PendingChange>;

// ---- collisions ----

/** Inclusive 1-based line range `[start, end]` in the base file's coordinates. */
export const LineRange = z
  .tuple([z.number().int().positive(), z.number().int().positive()])
  .refine(([s, e]) => s <= e, 'start must not exceed end');
export type LineRange = z.infer<typeof LineRange>;

export const CollisionSeverity = z.enum(['same_line', 'adjacent_line', 'different_area']);
export type CollisionSeverity = z.infer<typeof CollisionSeverity>;

/** Two sessions of a project with pending changes to the same file (same field names as the frame). */
export const Collision = z.object({
  file: z.string().min(1),
  severity: CollisionSeverity,
  session_id: Id,
  other_session_id: Id,
  ranges: z.array(LineRange),
  other_ranges: z.array(LineRange),
});
export type Collision = z.infer<typeof Collision>;

export const ProjectCollisions = z.object({ collisions: z.array(Collision) });
export type ProjectCollisions = z.infer<typeof ProjectCollisions>;

// ---- review actions ----

/** Apply a pending change onto the project's working tree (default: the session's pending change). */
export const ApplyBody = z.object({ change_id: Id.optional() });
export type ApplyBody = z.infer<typeof ApplyBody>;
export const ApplyResult = z.object({ files: z.array(z.string()) });
export type ApplyResult = z.infer<typeof ApplyResult>;

/** Reject: the session's worktree is reset to its base commit (tracked and untracked files). */
export const RejectBody = z.object({ change_id: Id.optional() });
export type RejectBody = z.infer<typeof RejectBody>;
export const RejectResult = z.object({ base_commit: CommitSha });
export type RejectResult = z.infer<typeof RejectResult>;

const commitMessage = z.string().trim().min(1, 'must not be empty').max(100_000);

export const CommitBody = z.object({ message: commitMessage });
export type CommitBody = z.infer<typeof CommitBody>;
export const CommitResult = z.object({ commit: CommitSha, files: z.array(z.string()) });
export type CommitResult = z.infer<typeof CommitResult>;

export const MergeBody = z
  .object({
    target_branch: BranchName,
    /** Commit the worktree's uncommitted changes first (with `message`); otherwise only commits merge. */
    commit_pending: z.boolean().default(false),
    message: commitMessage.optional(),
  })
  .refine((b) => !b.commit_pending || b.message !== undefined, {
    message: 'required when commit_pending is true',
    path: ['message'],
  });
export type MergeBody = z.input<typeof MergeBody>;

export const MergeResult = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('merged'),
    target_branch: z.string(),
    commit: CommitSha,
    fast_forward: z.boolean(),
    /** Worktree files left uncommitted, hence not part of the merge. */
    uncommitted_files: z.array(z.string()),
  }),
  z.object({ status: z.literal('up_to_date'), target_branch: z.string(), commit: CommitSha }),
  /** Nothing was changed: the target branch and the project are exactly as before. */
  z.object({ status: z.literal('conflict'), target_branch: z.string(), conflicts: z.array(z.string()) }),
]);
export type MergeResult = z.infer<typeof MergeResult>;

// ---- the session branch against its base and its remote ----

/** Whether an action is offered; when not, `reason` says why in a sentence the UI can show. */
export const ActionAvailability = z.object({ available: z.boolean(), reason: z.string().nullable() });
export type ActionAvailability = z.infer<typeof ActionAvailability>;

/** A pull request as gh reports it: GitHub's number, its address and its title. */
export const PullRequestRef = z.object({ number: z.number().int().positive(), url: z.string().url(), title: z.string() });
export type PullRequestRef = z.infer<typeof PullRequestRef>;

/** Where the session branch stands: commits its base gained since the worktree was cut, and where it can be pushed. */
export const SessionBranchStatus = z.object({
  /** The session branch; null for a session working in the project directory. */
  branch: z.string().nullable(),
  /** The branch the session started from (the project's current branch when none was chosen). */
  base_branch: z.string().nullable(),
  /** Commits on the base branch that the session branch does not have. */
  behind: z.number().int().nonnegative(),
  /** Commits on the session branch that the base branch does not have. */
  ahead: z.number().int().nonnegative(),
  update: ActionAvailability,
  /** The remote the branch is pushed to: the base branch's upstream remote, else `origin`, else the only one. */
  remote: z.string().nullable(),
  push: ActionAvailability,
  /** Opening a pull request needs a remote and the `gh` command on the server's PATH, logged in (`gh auth status`). */
  pull_request: ActionAvailability,
  /**
   * The pull request gh reports open from the session branch into its base; null when there is none,
   * the branch is not on the remote yet, or gh cannot tell (missing, logged out, unreachable).
   */
  open_pull_request: PullRequestRef.nullable(),
});
export type SessionBranchStatus = z.infer<typeof SessionBranchStatus>;

/** Update from base: the base branch is merged into the session branch (never a half-merged tree). */
export const UpdateFromBaseResult = z.object({
  status: z.enum(['updated', 'up_to_date']),
  base_branch: z.string(),
  /** The session branch's head afterwards. */
  commit: CommitSha,
  /** How many commits of the base branch came in. */
  merged_commits: z.number().int().nonnegative(),
});
export type UpdateFromBaseResult = z.infer<typeof UpdateFromBaseResult>;

const prText = z.string().trim().min(1, 'must not be empty');

export const PushBody = z
  .object({
    /** Commit the worktree's uncommitted changes first (with `message`); otherwise only commits are pushed. */
    commit_pending: z.boolean().default(false),
    message: commitMessage.optional(),
    /** Also open a pull request against the base branch with `gh`. */
    pull_request: z.object({ title: prText.pipe(z.string().max(256)), body: z.string().max(65_536).default('') }).optional(),
  })
  .refine((b) => !b.commit_pending || b.message !== undefined, {
    message: 'required when commit_pending is true',
    path: ['message'],
  });
export type PushBody = z.input<typeof PushBody>;

export const PushResult = z.object({
  remote: z.string(),
  branch: z.string(),
  commit: CommitSha,
  /** Worktree files left uncommitted, hence not pushed. */
  uncommitted_files: z.array(z.string()),
  /** The pull request's address as `gh` printed it (or the one already open); null when none was asked for. */
  pull_request_url: z.string().nullable(),
  /** Set instead of opening a second one: the pull request from this branch into the base that was already open. */
  existing_pull_request: PullRequestRef.nullable(),
});
export type PushResult = z.infer<typeof PushResult>;

export const ArchiveBody = z.object({ keep_branch: z.boolean().default(false) });
export type ArchiveBody = z.input<typeof ArchiveBody>;

// ---- set-up output and errors ----

export const CommandOutputChunk = z.object({ stream: z.enum(['stdout', 'stderr']), text: z.string() });
export type CommandOutputChunk = z.infer<typeof CommandOutputChunk>;

/** Stable codes of git-domain refusals; routes map them to 4xx bodies `{error: code, message, details}`. */
export const GitErrorCode = z.enum([
  'path_not_found',
  'not_a_directory',
  'not_a_git_repository',
  'not_repository_root',
  'no_commits',
  'unknown_branch',
  'branch_exists',
  'invalid_branch_name',
  'worktree_conflict',
  'not_isolated',
  'dirty_project',
  'patch_does_not_apply',
  'nothing_to_commit',
  'target_checked_out_elsewhere',
  'dirty_worktree',
  'no_remote',
  'push_failed',
  'gh_unavailable',
  'pull_request_failed',
  'invalid_project_config',
  'copy_outside_project',
  'setup_failed',
]);
export type GitErrorCode = z.infer<typeof GitErrorCode>;

export const GitErrorDetails = z.object({
  /** Files concerned: dirty touched files, conflicting files. */
  files: z.array(z.string()).optional(),
  /** Captured output of a failing command (set-up) or git's own message. */
  output: z.string().optional(),
  /** The config key at fault, e.g. `setup[0]`. */
  key: z.string().optional(),
  exit_code: z.number().int().nullable().optional(),
  /** `pull_request_failed`: the push that did happen, and is kept, before gh failed. */
  pushed: z.object({ remote: z.string(), branch: z.string(), commit: CommitSha }).optional(),
});
export type GitErrorDetails = z.infer<typeof GitErrorDetails>;
