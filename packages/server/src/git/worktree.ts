import { mkdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ProjectConfig } from '@boocode/contracts';
import { runCommands, type CommandResult, type OutputListener } from './commands.js';
import { copyProjectFiles } from './copy.js';
import { GitDomainError } from './errors.js';
import { readMeta, worktreePathFor, writeMeta, type WorktreeMeta } from './layout.js';
import { loadProjectConfig } from './project-config.js';
import { removeWorktree } from './remove.js';
import { worktreeCommand } from './worktree-cmd.js';
import {
  assertBranchName,
  branchExists,
  inspectRepository,
  listWorktrees,
  tryResolveCommit,
  type RepositoryInfo,
} from './repo.js';

export interface EnsureWorktreeOptions {
  /** BOOCODE_HOME. */
  home: string;
  projectId: string;
  projectPath: string;
  sessionId: string;
  /** Used for the branch name `boocode/<slug>`; sanitized here. Should be unique per project. */
  sessionSlug: string;
  /** Branch (or other revision) to start from; default: the project's current HEAD. */
  baseBranch?: string | null;
  /** false: the session works in the project directory itself. Default true. */
  isolated?: boolean;
  /** The project's `.boocode/config.json`; read from the project when omitted. */
  config?: ProjectConfig;
  /** Set-up output as it arrives (for `setup_output` frames). */
  onOutput?: OutputListener;
  signal?: AbortSignal;
}

export interface SessionWorktree {
  /** Directory the agent works in: the worktree, or the project root when not isolated. */
  path: string;
  /** Real path of the project's repository root. */
  project_path: string;
  /** The session branch; for a non-isolated session, the project's current branch (null if detached). */
  branch: string | null;
  /**
   * What diffs are taken against. For a non-isolated session it is the project's HEAD *now*: the
   * caller persists it on the first turn and keeps using the stored value.
   */
  base_commit: string;
  isolated: boolean;
  /** True when this call created the worktree. */
  created: boolean;
  /** Files copied in from the project (repository-relative). */
  copied: string[];
  /** Set-up commands run by this call (empty when the worktree was reused). */
  setup: CommandResult[];
}

/** `Fix Login Bug!` → `boocode/fix-login-bug`. Letters of any script are kept. */
export function branchForSlug(slug: string): string {
  const clean = slug
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+/, '')
    .slice(0, 80)
    .replace(/\.lock$/, '-lock')
    .replace(/[-.]+$/, '');
  return `boocode/${clean || 'session'}`;
}

async function resolveBase(repo: RepositoryInfo, baseBranch: string | null | undefined): Promise<string> {
  if (baseBranch) {
    const commit =
      (await tryResolveCommit(repo.root, `refs/heads/${baseBranch}`)) ?? (await tryResolveCommit(repo.root, baseBranch));
    if (!commit) throw new GitDomainError('unknown_branch', `base branch ${JSON.stringify(baseBranch)} does not exist`);
    return commit;
  }
  if (!repo.head) {
    throw new GitDomainError('no_commits', `${repo.root} has no commits yet; commit something before starting a session`);
  }
  return repo.head;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** A worktree git knows about whose directory is intact (not half-created, not deleted by hand). */
async function isHealthy(projectRoot: string, worktreePath: string): Promise<boolean> {
  try {
    if (!(await stat(path.join(worktreePath, '.git'))).isFile()) return false;
  } catch {
    return false;
  }
  const known = await listWorktrees(projectRoot);
  return known.some((w) => w.path === worktreePath);
}

/**
 * The session's working directory, created on the first call and reused afterwards (same path, branch
 * and base commit). A new worktree gets the config's `copy` files, then its `setup` commands; a failing
 * command throws `setup_failed` with the output, and the next call retries set-up (not creation).
 */
export async function ensureSessionWorktree(opts: EnsureWorktreeOptions): Promise<SessionWorktree> {
  const repo = await inspectRepository(opts.projectPath);
  if (opts.isolated === false) {
    const base = await resolveBase(repo, null);
    return {
      path: repo.root,
      project_path: repo.root,
      branch: repo.branch,
      base_commit: base,
      isolated: false,
      created: false,
      copied: [],
      setup: [],
    };
  }

  // Real paths throughout: git records worktrees by absolute path and we compare against its list.
  const planned = worktreePathFor(opts.home, opts.projectId, opts.sessionId);
  await mkdir(path.dirname(planned), { recursive: true });
  const wtPath = path.join(await realpath(path.dirname(planned)), path.basename(planned));

  let meta = await readMeta(wtPath);
  if (meta && meta.project_path !== repo.root) {
    throw new GitDomainError(
      'worktree_conflict',
      `${wtPath} belongs to the repository ${meta.project_path}, not ${repo.root}`,
    );
  }
  let config = opts.config;
  let created = false;
  if (!meta || !(await isHealthy(repo.root, wtPath))) {
    // Validate the config before creating anything, so a typo costs nothing to fix.
    config ??= await loadProjectConfig(repo.root);
    const branch = meta?.branch ?? branchForSlug(opts.sessionSlug);
    await assertBranchName(repo.root, branch);
    const hasBranch = await branchExists(repo.root, branch);
    if (hasBranch && !meta) {
      throw new GitDomainError('branch_exists', `branch ${branch} already exists; choose another session slug`);
    }
    const interrupted = meta !== null;
    meta ??= {
      version: 1,
      session_id: opts.sessionId,
      project_id: opts.projectId,
      project_path: repo.root,
      worktree_path: wtPath,
      branch,
      base_commit: await resolveBase(repo, opts.baseBranch),
      copied: [],
      setup_done: false,
      created_at: new Date().toISOString(),
    };
    // Written first: after a crash at any later point, the retry knows the branch and base (or the
    // reaper knows what to clean up).
    await writeMeta(meta);
    // Leftovers of an interrupted attempt (a directory, or git's record of a missing one) would make
    // `worktree add` refuse the path.
    if (interrupted || (await exists(wtPath))) await removeWorktree(repo.root, wtPath);
    const attach = ['add', '--quiet', wtPath, branch];
    try {
      await worktreeCommand(repo.root, hasBranch ? attach : ['add', '--quiet', '--no-track', '-b', branch, wtPath, meta.base_commit], {
        signal: opts.signal,
      });
    } catch (err) {
      // `add -b` creates the branch before it validates the worktree: a failed attempt (another
      // process racing on the same repository) can leave the branch behind, at our base commit.
      if (hasBranch || !(await branchExists(repo.root, branch))) throw err;
      await worktreeCommand(repo.root, attach, { signal: opts.signal });
    }
    created = true;
  }

  let setup: CommandResult[] = [];
  if (!meta.setup_done) {
    config ??= await loadProjectConfig(repo.root);
    ({ meta, setup } = await setUp(meta, config, opts));
  }
  return {
    path: wtPath,
    project_path: repo.root,
    branch: meta.branch,
    base_commit: meta.base_commit,
    isolated: true,
    created,
    copied: meta.copied,
    setup,
  };
}

async function setUp(
  meta: WorktreeMeta,
  config: ProjectConfig,
  opts: EnsureWorktreeOptions,
): Promise<{ meta: WorktreeMeta; setup: CommandResult[] }> {
  const copied = await copyProjectFiles({
    projectRoot: meta.project_path,
    worktreeRoot: meta.worktree_path,
    patterns: config.copy ?? [],
  });
  const withCopies: WorktreeMeta = { ...meta, copied: [...new Set([...meta.copied, ...copied])].sort() };
  await writeMeta(withCopies);
  const results = await runCommands({
    commands: config.setup ?? [],
    cwd: meta.worktree_path,
    env: {
      BOOCODE_WORKTREE_PATH: meta.worktree_path,
      BOOCODE_PROJECT_PATH: meta.project_path,
      BOOCODE_BRANCH: meta.branch,
    },
    onOutput: opts.onOutput,
    signal: opts.signal,
  });
  const failed = results.find((r) => !r.ok);
  if (failed) {
    throw new GitDomainError(
      'setup_failed',
      `setup command ${JSON.stringify(failed.argv)} failed (${failed.exit_code === null ? 'did not run to completion' : `exit ${failed.exit_code}`})`,
      { output: failed.output, exit_code: failed.exit_code },
    );
  }
  const done: WorktreeMeta = { ...withCopies, setup_done: true };
  await writeMeta(done);
  return { meta: done, setup: results };
}
