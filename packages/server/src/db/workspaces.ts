import type { DiffFile, DiffStats, PendingChange, PendingChangeStatus } from '@boocode/contracts';
import type { FileTouch } from '../git/collisions.js';
import type { Sql } from './connection.js';
import { jsonb } from './json.js';
import { iso } from './rows.js';
import { REVIEW_LOCK } from './tasks.js';

/** Sessions' worktrees and their pending changes (the diff under review). */

export interface WorktreeRow {
  session_id: string;
  project_id: string;
  path: string;
  branch: string | null;
  base_commit: string;
  isolated: boolean;
}

export async function getWorktree(sql: Sql, sessionId: string): Promise<WorktreeRow | null> {
  const rows = await sql<WorktreeRow[]>`SELECT * FROM session_worktrees WHERE session_id = ${sessionId}`;
  return rows[0] ?? null;
}

export async function upsertWorktree(sql: Sql, wt: WorktreeRow): Promise<void> {
  await sql`
    INSERT INTO session_worktrees (session_id, project_id, path, branch, base_commit, isolated)
    VALUES (${wt.session_id}, ${wt.project_id}, ${wt.path}, ${wt.branch}, ${wt.base_commit}, ${wt.isolated})
    ON CONFLICT (session_id) DO UPDATE SET path = EXCLUDED.path, branch = EXCLUDED.branch,
      base_commit = EXCLUDED.base_commit, isolated = EXCLUDED.isolated`;
}

export async function deleteWorktrees(sql: Sql, sessionIds: string[]): Promise<void> {
  await sql`DELETE FROM session_worktrees WHERE session_id = ANY(${sessionIds}::uuid[])`;
}

/** Later diffs of the session are taken from this commit. */
export async function moveWorktreeBase(sql: Sql, sessionId: string, commit: string): Promise<void> {
  await sql`UPDATE session_worktrees SET base_commit = ${commit} WHERE session_id = ${sessionId}`;
}

/**
 * Runs `fn` holding the session's review lock on one connection. While it is held no worker
 * claims a turn of the session (the claim skips locked sessions), on every server sharing the
 * database.
 */
export async function withReviewLock<T>(sql: Sql, sessionId: string, fn: () => Promise<T>): Promise<T> {
  const conn = await sql.reserve();
  try {
    await conn`SELECT pg_advisory_lock(${REVIEW_LOCK}, hashtext(${sessionId}))`;
    return await fn();
  } finally {
    await conn`SELECT pg_advisory_unlock(${REVIEW_LOCK}, hashtext(${sessionId}))`.catch(() => {});
    conn.release();
  }
}

interface PendingRow {
  id: string;
  session_id: string;
  task_id: string | null;
  agent: string;
  status: PendingChange['status'];
  base_commit: string;
  head: string | null;
  files: PendingChange['files'];
  stats: PendingChange['stats'];
  patch: string;
  created_at: Date;
}

const toPendingChange = (r: PendingRow): PendingChange => ({
  id: r.id,
  session_id: r.session_id,
  task_id: r.task_id,
  agent: r.agent,
  status: r.status,
  base_commit: r.base_commit,
  head: r.head,
  files: r.files,
  stats: r.stats,
  patch: r.patch,
  created_at: iso(r.created_at),
});

export interface NewPendingChange {
  sessionId: string;
  projectId: string;
  taskId: string | null;
  agent: string;
  baseCommit: string;
  head: string | null;
  files: DiffFile[];
  stats: DiffStats;
  patch: string;
  touches: readonly FileTouch[];
}

/** The session's pending change becomes this one; none when `files` is empty (a clean worktree). */
export async function replacePendingChange(sql: Sql, c: NewPendingChange): Promise<PendingChange | null> {
  // A clean worktree (most turns that only answer) needs no transaction: one statement.
  if (c.files.length === 0) {
    await sql`DELETE FROM pending_changes WHERE session_id = ${c.sessionId} AND status = 'pending'`;
    return null;
  }
  return sql.begin(async (tx) => {
    await tx`DELETE FROM pending_changes WHERE session_id = ${c.sessionId} AND status = 'pending'`;
    const [row] = await tx<PendingRow[]>`
      INSERT INTO pending_changes (session_id, project_id, task_id, agent, base_commit, head, files, stats, patch, touches)
      VALUES (${c.sessionId}, ${c.projectId}, ${c.taskId}, ${c.agent}, ${c.baseCommit}, ${c.head},
              ${jsonb(tx, c.files)}, ${jsonb(tx, c.stats)}, ${c.patch}, ${jsonb(tx, c.touches)})
      RETURNING *`;
    return toPendingChange(row!);
  });
}

export async function getPendingChange(sql: Sql, sessionId: string): Promise<PendingChange | null> {
  const rows = await sql<PendingRow[]>`SELECT * FROM pending_changes WHERE session_id = ${sessionId} AND status = 'pending'`;
  return rows[0] ? toPendingChange(rows[0]) : null;
}

/** One of the session's changes, in whatever status. */
export async function getChange(sql: Sql, sessionId: string, changeId: string): Promise<PendingChange | null> {
  const rows = await sql<PendingRow[]>`
    SELECT * FROM pending_changes WHERE id = ${changeId} AND session_id = ${sessionId}`;
  return rows[0] ? toPendingChange(rows[0]) : null;
}

/** Moves a pending change out of review; null when it was no longer pending. */
export async function settleChange(sql: Sql, changeId: string, status: Exclude<PendingChangeStatus, 'pending'>): Promise<PendingChange | null> {
  const rows = await sql<PendingRow[]>`
    UPDATE pending_changes SET status = ${status} WHERE id = ${changeId} AND status = 'pending' RETURNING *`;
  return rows[0] ? toPendingChange(rows[0]) : null;
}

/** The files each open session of the project touches in its pending change. */
export async function pendingTouches(sql: Sql, projectId: string): Promise<{ session_id: string; touches: FileTouch[] }[]> {
  return sql<{ session_id: string; touches: FileTouch[] }[]>`
    SELECT pc.session_id, pc.touches FROM pending_changes pc JOIN sessions s ON s.id = pc.session_id
    WHERE pc.project_id = ${projectId} AND pc.status = 'pending' AND s.status = 'open'`;
}
