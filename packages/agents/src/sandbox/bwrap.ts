import { gitMounts, type Mount } from './git-mounts.js';

export interface BwrapPlan {
  /** The worktree: writable, and where the command starts. */
  root: string;
  /** Directories the command must not see (BooCode's home, with its config and other worktrees). */
  hide: readonly string[];
  network: boolean;
  /** A directory bound writable over the home directory (an external agent's private home). */
  home?: { source: string; target: string };
}

function bindArgs(m: Mount): string[] {
  return [m.writable ? '--bind' : '--ro-bind', m.path, m.path];
}

/**
 * bubblewrap arguments that run a command with the system read-only, `/tmp` private, `hide`
 * invisible, only the worktree (and the parts of git a commit on the session branch writes)
 * writable, in new PID, IPC and UTS namespaces (no /proc of the server; every process it starts
 * dies with it) and, when the network is off, a network namespace of its own.
 */
export async function bwrapArgs(plan: BwrapPlan): Promise<string[]> {
  const git = await gitMounts(plan.root);
  const args = [
    '--die-with-parent',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    ...(plan.network ? [] : ['--unshare-net']),
    // Its own session: no TIOCSTI into a terminal, and no signals to BooCode's process group.
    '--new-session',
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--tmpfs',
    '/tmp',
  ];
  for (const dir of plan.hide) args.push('--tmpfs', dir);
  if (plan.home) args.push('--bind', plan.home.source, plan.home.target, '--setenv', 'HOME', plan.home.target);
  for (const m of git.before) args.push(...bindArgs(m));
  args.push('--bind', plan.root, plan.root);
  for (const m of git.after) args.push(...bindArgs(m));
  args.push('--setenv', 'TMPDIR', '/tmp', '--chdir', plan.root);
  return args;
}
