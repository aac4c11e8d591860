// The git domain: session worktrees, diffs, review actions, collisions and reaping.
// Plain inputs (paths, ids, commits) and typed results; no database or HTTP in here.
export { GitCommandError, GitDomainError } from './errors.js';
export { setGitBaseEnv } from './base-env.js';
export { inspectRepository, type RepositoryInfo } from './repo.js';
export { loadProjectConfig, parseProjectConfig, formatConfigKey, PROJECT_CONFIG_FILE } from './project-config.js';
export { runCommand, runCommands, type CommandResult, type OutputListener } from './commands.js';
export { copyProjectFiles, expandPattern } from './copy.js';
export { worktreePathFor } from './layout.js';
export {
  ensureSessionWorktree,
  branchForSlug,
  type EnsureWorktreeOptions,
  type SessionWorktree,
} from './worktree.js';
export { diffWorktree, type DiffWorktreeOptions } from './diff.js';
export { parsePatch, diffStats, toDiffFiles, unquotePath, type ParsedFile, type ParsedHunk } from './patch.js';
export { applyPatch, touchedPaths } from './apply.js';
export { rejectWorktree } from './reject.js';
export { commitWorktree } from './commit.js';
export { mergeSessionBranch, uncommitted, type MergeOptions } from './merge.js';
export { updateFromBase, countCommits, type UpdateFromBaseOptions } from './branch-sync.js';
export { pushRemote, pushBranch } from './push.js';
export { openPullRequest, findOpenPullRequest, ghLoggedIn, findGh, type PullRequestOptions } from './gh.js';
export { archiveSessionWorktree, type ArchiveOptions, type ArchiveOutcome } from './archive.js';
export {
  touchesFromPatch,
  findCollisions,
  collisionsForSession,
  touchSeverity,
  mergeRanges,
  ADJACENT_LINE_THRESHOLD,
  type FileTouch,
  type SessionTouches,
} from './collisions.js';
export { reapWorktrees, type ReapOptions, type ReapResult } from './reaper.js';
