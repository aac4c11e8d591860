import { readdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { readMeta, removeMeta, SIDECAR_SUFFIX, worktreesRoot } from './layout.js';
import { commonDirOfWorktree, removeWorktree } from './remove.js';

export interface ReapOptions {
  /** BOOCODE_HOME. */
  home: string;
  /** Sessions that still exist and are open: their worktrees stay. */
  live: ReadonlySet<string>;
  /** Sessions with a task running right now: never touched, whatever `live` says. */
  busy: ReadonlySet<string>;
  log?: Logger;
}

export interface ReapEntry {
  project_id: string;
  session_id: string;
  path: string;
}

export interface ReapResult {
  /** Removed worktrees; `branch` is left in place (it may hold the only copy of committed work). */
  removed: (ReapEntry & { branch: string | null })[];
  kept: (ReapEntry & { reason: 'live' | 'busy' })[];
  failed: (ReapEntry & { error: string })[];
}

async function entries(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Sweeps `<home>/worktrees`: every session worktree (or leftover sidecar of a half-created one) whose
 * session is not live — archived, deleted, or never recorded because the server crashed — is removed,
 * and git's record of it pruned from its repository. Busy sessions are kept even if not live: a running
 * task owns its directory until it ends.
 */
export async function reapWorktrees(opts: ReapOptions): Promise<ReapResult> {
  const result: ReapResult = { removed: [], kept: [], failed: [] };
  const root = worktreesRoot(opts.home);
  for (const project of await entries(root)) {
    if (!project.isDirectory()) continue;
    const projectDir = path.join(root, project.name);
    const sessions = new Set<string>();
    for (const e of await entries(projectDir)) {
      if (e.isDirectory()) sessions.add(e.name);
      else if (e.name.endsWith(SIDECAR_SUFFIX)) sessions.add(e.name.slice(0, -SIDECAR_SUFFIX.length));
    }
    for (const sessionId of [...sessions].sort()) {
      const entry: ReapEntry = { project_id: project.name, session_id: sessionId, path: path.join(projectDir, sessionId) };
      if (opts.busy.has(sessionId)) {
        result.kept.push({ ...entry, reason: 'busy' });
        continue;
      }
      if (opts.live.has(sessionId)) {
        result.kept.push({ ...entry, reason: 'live' });
        continue;
      }
      try {
        const meta = await readMeta(entry.path).catch(() => null);
        const repoDir = meta?.project_path ?? (await commonDirOfWorktree(entry.path));
        await removeWorktree(repoDir, entry.path);
        await removeMeta(entry.path);
        result.removed.push({ ...entry, branch: meta?.branch ?? null });
        opts.log?.info({ ...entry, branch: meta?.branch ?? null }, 'reaped session worktree');
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        result.failed.push({ ...entry, error });
        opts.log?.warn({ ...entry, err: error }, 'could not reap session worktree');
      }
    }
    // An emptied project directory goes too; a non-empty one (kept worktrees) just fails to.
    await rmdir(projectDir).catch(() => {});
  }
  return result;
}
