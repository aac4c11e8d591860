import type { Sql } from '../db/connection.js';
import type { TaskRow } from '../db/rows.js';

export const TASKS_CHANNEL = 'boocode_tasks';

/** Advisory lock space of "this session's worktree is being reviewed" (see workspace/review.ts). */
export const REVIEW_LOCK = 727_002;

/**
 * Claims the oldest runnable task: pending, due, the oldest pending of its session, and its
 * session not already running one. SKIP LOCKED lets many workers claim at once without
 * waiting on each other; the unique index on running tasks per session backs the rule up.
 * A workflow's agents (workflow_run_id set) are outside that rule, as they are in Claude Code:
 * they run side by side in the session, next to its turns.
 */
export async function claimTask(sql: Sql, workerId: string, leaseMs: number): Promise<TaskRow | null> {
  try {
    const rows = await sql<TaskRow[]>`
      UPDATE tasks SET
        status = 'running',
        lease_owner = ${workerId},
        lease_expires_at = now() + ${leaseMs} * interval '1 millisecond',
        heartbeat_at = now(),
        attempts = attempts + 1,
        started_at = now(),
        updated_at = now()
      WHERE id = (
        SELECT t.id FROM tasks t
        WHERE t.status = 'pending' AND t.run_after <= now() AND NOT t.cancel_requested
          AND (t.workflow_run_id IS NOT NULL OR NOT EXISTS (
            SELECT 1 FROM tasks r WHERE r.session_id = t.session_id AND r.status = 'running' AND r.workflow_run_id IS NULL))
          -- A review action (apply, reject, merge, commit) holds this lock while it works on the worktree.
          AND (t.session_id IS NULL OR pg_try_advisory_xact_lock(${REVIEW_LOCK}, hashtext(t.session_id::text)))
          AND (t.workflow_run_id IS NOT NULL OR NOT EXISTS (
            SELECT 1 FROM tasks e
            WHERE e.session_id = t.session_id AND e.status = 'pending' AND NOT e.cancel_requested AND e.workflow_run_id IS NULL
              AND (e.created_at, e.id) < (t.created_at, t.id)))
        ORDER BY t.created_at, t.id
        FOR UPDATE SKIP LOCKED
        LIMIT 1)
      RETURNING *`;
    return rows[0] ?? null;
  } catch (err) {
    // Two workers raced for two tasks of one session: the index refused the second. Not an error.
    if ((err as { code?: string }).code === '23505') return null;
    throw err;
  }
}

/** Returns a task this worker claimed but will not run (it is shutting down), attempt not counted. */
export async function unclaimTask(sql: Sql, taskId: string, workerId: string): Promise<void> {
  await sql`
    UPDATE tasks SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, started_at = NULL,
      attempts = attempts - 1, updated_at = now()
    WHERE id = ${taskId} AND lease_owner = ${workerId} AND status = 'running'`;
  await sql`SELECT pg_notify(${TASKS_CHANNEL}, ${taskId})`;
}

/** Renews the lease; false means the task is no longer ours (recovered elsewhere or finished). */
export async function renewLease(sql: Sql, taskId: string, workerId: string, leaseMs: number): Promise<{ held: boolean; cancel: boolean }> {
  const rows = await sql<{ cancel_requested: boolean }[]>`
    UPDATE tasks SET lease_expires_at = now() + ${leaseMs} * interval '1 millisecond', heartbeat_at = now()
    WHERE id = ${taskId} AND lease_owner = ${workerId} AND status = 'running'
    RETURNING cancel_requested`;
  return { held: rows.length > 0, cancel: rows[0]?.cancel_requested ?? false };
}

export interface Recovered {
  id: string;
  session_id: string | null;
  chat_id: string | null;
  status: 'pending' | 'failed' | 'cancelled';
  message_id: string | null;
}

/**
 * Tasks whose worker died (lease expired). With no agent output persisted yet, the task is
 * queued again (and its empty assistant message dropped), up to max_attempts; otherwise it is
 * failed as `interrupted`, keeping the partial message, marked.
 */
export async function recoverExpired(sql: Sql): Promise<Recovered[]> {
  return sql.begin(async (tx) => {
    const expired = await tx<{ id: string; session_id: string | null; chat_id: string | null; attempts: number; max_attempts: number; cancel_requested: boolean }[]>`
      SELECT id, session_id, chat_id, attempts, max_attempts, cancel_requested FROM tasks
      WHERE status = 'running' AND lease_expires_at < now()
      FOR UPDATE SKIP LOCKED`;
    const out: Recovered[] = [];
    for (const t of expired) {
      const [msg] = await tx<{ id: string; has_output: boolean }[]>`
        SELECT m.id, (m.content <> '' OR m.reasoning <> '' OR EXISTS (SELECT 1 FROM tool_traces tt WHERE tt.task_id = ${t.id})) AS has_output
        FROM messages m WHERE m.task_id = ${t.id} AND m.role = 'assistant' ORDER BY m.pos DESC LIMIT 1`;
      // A lost turn cannot still be waiting for an answer.
      await tx`
        UPDATE permissions SET status = 'cancelled', decided_by = 'cancelled', answered_at = now()
        WHERE task_id = ${t.id} AND status = 'pending'`;
      if (t.cancel_requested) {
        // The user had cancelled it: it ends cancelled, whatever it had produced.
        await tx`
          UPDATE tasks SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, finished_at = now(), updated_at = now()
          WHERE id = ${t.id}`;
        if (msg) await tx`UPDATE messages SET status = 'cancelled', finished_at = now() WHERE id = ${msg.id}`;
        out.push({ id: t.id, session_id: t.session_id, chat_id: t.chat_id, status: 'cancelled', message_id: msg?.id ?? null });
        continue;
      }
      if (!msg?.has_output && t.attempts < t.max_attempts) {
        if (msg) await tx`DELETE FROM messages WHERE id = ${msg.id}`;
        await tx`
          UPDATE tasks SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, started_at = NULL,
            run_after = now(), error = 'worker lost; retrying', updated_at = now()
          WHERE id = ${t.id}`;
        await tx`SELECT pg_notify(${TASKS_CHANNEL}, ${t.id})`;
        out.push({ id: t.id, session_id: t.session_id, chat_id: t.chat_id, status: 'pending', message_id: null });
      } else {
        const reason = msg?.has_output ? 'interrupted' : 'interrupted: no attempts left';
        await tx`
          UPDATE tasks SET status = 'failed', error = ${reason}, lease_owner = NULL, lease_expires_at = NULL,
            finished_at = now(), updated_at = now()
          WHERE id = ${t.id}`;
        if (msg) {
          await tx`
            UPDATE messages SET status = 'failed', finished_at = now(),
              metadata = metadata || ${tx.json({ interrupted: true, error: reason })}
            WHERE id = ${msg.id}`;
          await tx`UPDATE tool_traces SET outcome = 'cancelled', error = 'interrupted', finished_at = now()
                   WHERE task_id = ${t.id} AND finished_at IS NULL`;
        }
        out.push({ id: t.id, session_id: t.session_id, chat_id: t.chat_id, status: 'failed', message_id: msg?.id ?? null });
      }
    }
    return out;
  });
}
