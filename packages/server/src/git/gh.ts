import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PullRequestRef } from '@boocode/contracts';
import { which } from '@boocode/agents';
import { gitBaseEnv } from './base-env.js';
import { GitDomainError } from './errors.js';
import { gitEnv } from './exec.js';

// The GitHub CLI, run with argument arrays (never a shell) in a session's worktree.

/** How long a question to gh may take before the branch status stops waiting for it (it goes to GitHub). */
const QUESTION_TIMEOUT_MS = 10_000;

interface GhOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs gh to the end; rejects only when it cannot be started (or `signal` stops it). */
function runGh(gh: string, args: readonly string[], cwd: string, signal?: AbortSignal): Promise<GhOutput> {
  return new Promise((resolve, reject) => {
    // gh must not stop to ask anything: it has no terminal here.
    const child = spawn(gh, args, { cwd, env: gitEnv({ GH_PROMPT_DISABLED: '1', NO_COLOR: '1' }), stdio: ['ignore', 'pipe', 'pipe'], signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new GitDomainError('pull_request_failed', `gh could not be started: ${e.message}`)));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8').trim() }));
  });
}

export interface PullRequestOptions {
  /** The `gh` executable, found on the server's PATH. */
  gh: string;
  cwd: string;
  branch: string;
  baseBranch: string;
  title: string;
  body: string;
}

/** gh's refusal when the branch already has an open pull request into the base (`a pull request for branch "x" into branch "main" already exists:`). */
const ALREADY_EXISTS = /^a pull request for branch .* already exists:?$/m;

/**
 * Opens a pull request with `gh pr create`; returns the address gh prints. When gh refuses because one
 * is already open for the branch, that one is returned instead (asked of gh, not read from its words).
 */
export async function openPullRequest(opts: PullRequestOptions): Promise<{ url: string; existing: PullRequestRef | null }> {
  const args = ['pr', 'create', '--head', opts.branch, '--base', opts.baseBranch, '--title', opts.title, '--body', opts.body];
  const r = await runGh(opts.gh, args, opts.cwd);
  const url = r.stdout.split('\n').map((l) => l.trim()).reverse().find((l) => /^https?:\/\//.test(l));
  if (r.code === 0 && url) return { url, existing: null };
  if (ALREADY_EXISTS.test(r.stderr)) {
    const existing = await findOpenPullRequest(opts).catch(() => null);
    if (existing) return { url: existing.url, existing };
  }
  throw new GitDomainError('pull_request_failed', `gh could not open the pull request: ${r.stderr.split('\n').slice(-2).join(' ') || `exit ${r.code ?? 'signal'}`}`, {
    output: r.stderr,
    exit_code: r.code,
  });
}

/** What `gh pr list --json number,title,url` prints: a JSON array. */
const PullRequestList = z.array(PullRequestRef);

/** The pull request open from `branch` into `baseBranch`, as gh reports it; null when there is none or gh cannot say. */
export async function findOpenPullRequest(opts: { gh: string; cwd: string; branch: string; baseBranch: string }): Promise<PullRequestRef | null> {
  const args = ['pr', 'list', '--head', opts.branch, '--base', opts.baseBranch, '--state', 'open', '--json', 'number,title,url', '--limit', '1'];
  const r = await runGh(opts.gh, args, opts.cwd, AbortSignal.timeout(QUESTION_TIMEOUT_MS)).catch(() => null);
  if (r?.code !== 0) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    return null;
  }
  const list = PullRequestList.safeParse(parsed);
  return list.success ? (list.data[0] ?? null) : null;
}

/** How long a successful `gh auth status` is believed while gh and its logins file stay as they were. */
const LOGIN_REMEMBERED_MS = 60_000;

/** The last successful `gh auth status` per gh path: when, and the state of gh it held for. */
const loginsSeen = new Map<string, { state: string; at: number }>();

/** Where gh keeps its logins: `hosts.yml` in its config directory, found as gh finds it. */
function ghHostsFile(env: NodeJS.ProcessEnv): string | null {
  const dir =
    env.GH_CONFIG_DIR ||
    (env.XDG_CONFIG_HOME && path.join(env.XDG_CONFIG_HOME, 'gh')) ||
    (process.platform === 'win32' && env.AppData && path.join(env.AppData, 'GitHub CLI')) ||
    (env.HOME && path.join(env.HOME, '.config', 'gh'));
  return dir ? path.join(dir, 'hosts.yml') : null;
}

/**
 * What a login depends on here: the gh executable and its logins file (`gh auth login` and
 * `logout` rewrite it), so any of them changing makes a remembered success void.
 */
async function loginState(gh: string): Promise<string> {
  const hosts = ghHostsFile(gitEnv());
  const mark = async (file: string | null) => {
    const st = file ? await stat(file, { bigint: true }).catch(() => null) : null;
    return st ? `${st.mtimeNs}:${st.size}` : null;
  };
  return JSON.stringify(await Promise.all([mark(gh), mark(hosts)]));
}

/**
 * Whether gh has a GitHub login to act with (`gh auth status` exits 0). A success is remembered
 * for a minute while gh and its logins stay unchanged; a failure never is, so `gh auth login`
 * takes effect at once.
 */
export async function ghLoggedIn(gh: string, cwd: string): Promise<boolean> {
  const state = await loginState(gh);
  const seen = loginsSeen.get(gh);
  if (seen && seen.state === state && Date.now() - seen.at < LOGIN_REMEMBERED_MS) return true;
  const r = await runGh(gh, ['auth', 'status'], cwd, AbortSignal.timeout(QUESTION_TIMEOUT_MS)).catch(() => null);
  if (r?.code === 0) loginsSeen.set(gh, { state, at: Date.now() });
  else loginsSeen.delete(gh);
  return r?.code === 0;
}

/** The `gh` command on the server's PATH, or null. */
export function findGh(): Promise<string | null> {
  return which('gh', { path: gitBaseEnv().PATH ?? '' });
}
