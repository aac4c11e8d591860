import { spawn } from 'node:child_process';
import { GitCommandError, GitDomainError } from './errors.js';
import { which } from '@boocode/agents';
import { gitBaseEnv } from './base-env.js';
import { gitEnv, git, runGit } from './exec.js';
import { resolveBranch } from './branch-sync.js';

/**
 * The remote a session branch goes to: the base branch's upstream remote, else `origin`, else the
 * repository's only remote. Null when there is none (or several and none of them is chosen).
 */
export async function pushRemote(cwd: string, baseBranch: string | null): Promise<string | null> {
  const remotes = (await git(['remote'], { cwd })).split('\n').filter(Boolean);
  if (baseBranch) {
    const upstream = await runGit(['config', '--get', `branch.${baseBranch}.remote`], { cwd, okCodes: [1] });
    const name = upstream.stdout.toString('utf8').trim();
    if (upstream.code === 0 && remotes.includes(name)) return name;
  }
  if (remotes.includes('origin')) return 'origin';
  return remotes.length === 1 ? remotes[0]! : null;
}

/** Pushes `branch` to the same name on `remote`; a refusal is `push_failed` with git's own words. */
export async function pushBranch(opts: { cwd: string; remote: string; branch: string; signal?: AbortSignal }): Promise<string> {
  const commit = await resolveBranch(opts.cwd, opts.branch);
  const ref = `refs/heads/${opts.branch}`;
  try {
    await runGit(['push', '--quiet', '--', opts.remote, `${ref}:${ref}`], { cwd: opts.cwd, signal: opts.signal });
  } catch (err) {
    if (!(err instanceof GitCommandError)) throw err;
    const said = err.stderr.trim().split('\n').filter(Boolean).slice(-3).join(' ');
    throw new GitDomainError('push_failed', `pushing ${opts.branch} to ${opts.remote} failed: ${said || 'git gave no reason'}`, {
      output: err.stderr,
    });
  }
  return commit;
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

/** Opens a pull request with `gh pr create` (an argument array, never a shell); returns the address gh prints. */
export function openPullRequest(opts: PullRequestOptions): Promise<string> {
  const args = ['pr', 'create', '--head', opts.branch, '--base', opts.baseBranch, '--title', opts.title, '--body', opts.body];
  return new Promise((resolve, reject) => {
    // gh must not stop to ask anything: it has no terminal here.
    const child = spawn(opts.gh, args, { cwd: opts.cwd, env: gitEnv({ GH_PROMPT_DISABLED: '1', NO_COLOR: '1' }), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new GitDomainError('pull_request_failed', `gh could not be started: ${e.message}`)));
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8').trim();
      const url = stdout.split('\n').map((l) => l.trim()).reverse().find((l) => /^https?:\/\//.test(l));
      if (code === 0 && url) return resolve(url);
      reject(
        new GitDomainError('pull_request_failed', `gh could not open the pull request: ${stderr.split('\n').slice(-2).join(' ') || `exit ${code ?? 'signal'}`}`, {
          output: stderr,
          exit_code: code,
        }),
      );
    });
  });
}

/** The `gh` command on the server's PATH, or null. */
export function findGh(): Promise<string | null> {
  return which('gh', { path: gitBaseEnv().PATH ?? '' });
}
