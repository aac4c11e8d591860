import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GitCommandError } from './errors.js';
import { runGit, type GitOptions, type GitOutput } from './exec.js';

/**
 * `git worktree add|list|remove|prune` read every worktree's metadata files, and `add` writes a new
 * one non-atomically: run concurrently on one repository, one of them can read a half-written file and
 * die with "fatal: failed to read .git/worktrees/<x>/commondir" (seen with git 2.39 under parallel
 * session creation). Within this process they are therefore serialized per repository; across
 * processes (several workers) that transient failure is retried.
 */

const queues = new Map<string, Promise<unknown>>();

/** A repository's key whether we were given its top level or its `.git` directory. */
function repoKey(repoDir: string): string {
  const abs = path.resolve(repoDir);
  return path.basename(abs) === '.git' ? path.dirname(abs) : abs;
}

async function serialized<T>(repoDir: string, fn: () => Promise<T>): Promise<T> {
  const key = repoKey(repoDir);
  const prev = queues.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => {});
  queues.set(key, tail);
  try {
    return await run;
  } finally {
    // Drop the entry once nothing is queued behind us, so the map does not grow with every repository.
    if (queues.get(key) === tail) queues.delete(key);
  }
}

const TRANSIENT = /failed to read .*worktrees|could not lock|Unable to create '.*\.lock'/i;
const ATTEMPTS = 5;

/** Runs a `git worktree ...` command (args after `worktree`) in `repoDir`, serialized and retried. */
export async function worktreeCommand(repoDir: string, args: readonly string[], opts: Omit<GitOptions, 'cwd'> = {}): Promise<GitOutput> {
  return serialized(repoDir, async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await runGit(['worktree', ...args], { ...opts, cwd: repoDir });
      } catch (err) {
        if (!(err instanceof GitCommandError) || attempt >= ATTEMPTS || !TRANSIENT.test(err.stderr)) throw err;
        await sleep(20 * attempt + Math.random() * 30);
      }
    }
  });
}
