import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { CommitSha } from '@boocode/contracts';
import { GitCommandError, GitDomainError } from './errors.js';
import { git, runGit, splitNul } from './exec.js';
import { worktreeCommand } from './worktree-cmd.js';

export interface RepositoryInfo {
  /** Real path of the repository's top level (the project root). */
  root: string;
  /** HEAD commit, null in a repository without commits. */
  head: string | null;
  /** Checked-out branch (short name), null when HEAD is detached. */
  branch: string | null;
}

export function parseSha(text: string, what: string): string {
  const r = CommitSha.safeParse(text.trim());
  if (!r.success) throw new Error(`git returned ${JSON.stringify(text.trim())} for ${what}, not a commit id`);
  return r.data;
}

/**
 * Checks that `projectPath` is the top level of a non-bare git repository and describes it. Used when
 * a project is registered (a plain directory is refused) and before every worktree operation.
 * A subdirectory of a repository is refused too: worktrees, diffs and patches are all rooted at the
 * top level, and mixing the two coordinate systems is where path bugs come from.
 */
export async function inspectRepository(projectPath: string): Promise<RepositoryInfo> {
  let real: string;
  try {
    real = await realpath(projectPath);
  } catch {
    throw new GitDomainError('path_not_found', `${projectPath} does not exist`);
  }
  if (!(await stat(real)).isDirectory()) throw new GitDomainError('not_a_directory', `${projectPath} is not a directory`);
  let top: string;
  try {
    top = (await git(['rev-parse', '--show-toplevel'], { cwd: real })).replace(/\n$/, '');
  } catch (err) {
    if (err instanceof GitCommandError) {
      throw new GitDomainError('not_a_git_repository', `${projectPath} is not a git repository (no .git found)`, {
        output: err.stderr.trim(),
      });
    }
    throw err;
  }
  const root = await realpath(top);
  if (root !== real) {
    throw new GitDomainError(
      'not_repository_root',
      `${projectPath} is inside the git repository ${root}; register the repository's top level instead`,
    );
  }
  return { root, head: await tryResolveCommit(root, 'HEAD'), branch: await currentBranch(root) };
}

/** The commit a revision names, or null when it names none. */
export async function tryResolveCommit(cwd: string, rev: string): Promise<string | null> {
  const res = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], {
    cwd,
    okCodes: [1, 128],
  });
  return res.code === 0 ? parseSha(res.stdout.toString('utf8'), rev) : null;
}

export async function currentBranch(cwd: string): Promise<string | null> {
  const res = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd, okCodes: [1] });
  return res.code === 0 ? res.stdout.toString('utf8').trim() : null;
}

export async function branchExists(cwd: string, branch: string): Promise<boolean> {
  return (await tryResolveCommit(cwd, `refs/heads/${branch}`)) !== null;
}

/** Whether `ancestor` is reachable from `descendant` (equal counts). */
export async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  const res = await runGit(['merge-base', '--is-ancestor', ancestor, descendant], { cwd, okCodes: [1] });
  return res.code === 0;
}

export async function assertBranchName(cwd: string, branch: string): Promise<void> {
  const res = await runGit(['check-ref-format', '--branch', branch], { cwd, okCodes: [1, 128] });
  if (res.code !== 0 || branch.startsWith('-')) {
    throw new GitDomainError('invalid_branch_name', `${JSON.stringify(branch)} is not a valid branch name`);
  }
}

/**
 * Paths with uncommitted changes in a working tree: modified, staged, deleted and untracked files
 * (each file of an untracked directory). Ignored files are not changes.
 */
export async function dirtyPaths(cwd: string): Promise<Set<string>> {
  // --no-renames keeps each record a single path; a staged rename is reported as delete + add.
  const out = await git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], { cwd });
  const paths = new Set<string>();
  for (const rec of splitNul(out)) {
    // Record: two status letters, a space, the path.
    if (rec.length < 4 || rec[2] !== ' ') throw new Error(`unexpected git status record ${JSON.stringify(rec)}`);
    paths.add(rec.slice(3));
  }
  return paths;
}

export interface WorktreeEntry {
  path: string;
  head: string | null;
  /** Full ref (`refs/heads/...`) or null when detached. */
  branch: string | null;
  bare: boolean;
}

/** `git worktree list --porcelain -z`: the main working tree first, then linked ones. */
export async function listWorktrees(cwd: string): Promise<WorktreeEntry[]> {
  const out = (await worktreeCommand(cwd, ['list', '--porcelain', '-z'])).stdout.toString('utf8');
  const entries: WorktreeEntry[] = [];
  let cur: WorktreeEntry | null = null;
  for (const field of out.split('\0')) {
    if (field === '') {
      if (cur) entries.push(cur);
      cur = null;
      continue;
    }
    const sp = field.indexOf(' ');
    const key = sp < 0 ? field : field.slice(0, sp);
    const value = sp < 0 ? '' : field.slice(sp + 1);
    if (key === 'worktree') cur = { path: value, head: null, branch: null, bare: false };
    else if (!cur) throw new Error(`unexpected git worktree record ${JSON.stringify(field)}`);
    else if (key === 'HEAD') cur.head = value;
    else if (key === 'branch') cur.branch = value;
    else if (key === 'bare') cur.bare = true;
  }
  if (cur) entries.push(cur);
  return entries;
}

/** Whether `dir` is a linked worktree (not a repository's main working tree). */
export async function isLinkedWorktree(dir: string): Promise<boolean> {
  const out = await git(['rev-parse', '--path-format=absolute', '--git-dir', '--git-common-dir'], { cwd: dir });
  const [gitDir, commonDir] = out.split('\n');
  return gitDir !== undefined && commonDir !== undefined && path.resolve(gitDir) !== path.resolve(commonDir);
}

/**
 * Commits made by BooCode need an identity; a server account often has none configured. The user's
 * own configuration wins; only when it is missing do we commit as "BooCode".
 */
export async function identityEnv(cwd: string): Promise<Record<string, string>> {
  const name = await runGit(['config', '--get', 'user.name'], { cwd, okCodes: [1] });
  const email = await runGit(['config', '--get', 'user.email'], { cwd, okCodes: [1] });
  const env: Record<string, string> = {};
  if (name.code !== 0 || name.stdout.toString().trim() === '') {
    env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = 'BooCode';
  }
  if (email.code !== 0 || email.stdout.toString().trim() === '') {
    env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = 'boocode@localhost';
  }
  return env;
}

