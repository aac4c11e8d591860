import { GitCommandError, GitDomainError } from './errors.js';
import { git, runGit } from './exec.js';
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
