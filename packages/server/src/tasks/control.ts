import type { InFlightTurn, Task } from '@boocode/contracts';
import type { Sql } from '../db/connection.js';
import { toTask, type TaskRow } from '../db/rows.js';

export const CANCEL_CHANNEL = 'boocode_cancel';

export interface TaskControl {
  /** Cancels a pending task at once; asks the worker running it to abort otherwise. */
  cancel(taskId: string): Promise<Task | null>;
  /** Cancels every unfinished task of a session; returns their ids. */
  cancelSession(sessionId: string): Promise<string[]>;
  inFlight(sessionId: string): Promise<InFlightTurn[]>;
  /** Sessions with a turn running now (and whether it waits for a permission answer). */
  activities(): Promise<{ session_id: string; project_id: string; activity: 'running' | 'awaiting_permission' }[]>;
}

/**
 * Cancellation goes through the database so that whichever worker holds the task hears it
 * (NOTIFY), and a task that is not running yet simply never starts.
 */
export function createTaskControl(sql: Sql, onCancelled: (task: Task) => void): TaskControl {
  const cancelRow = async (id: string): Promise<Task | null> => {
    const rows = await sql<TaskRow[]>`
      UPDATE tasks SET
        status = CASE WHEN status = 'pending' THEN 'cancelled' ELSE status END,
        finished_at = CASE WHEN status = 'pending' THEN now() ELSE finished_at END,
        error = CASE WHEN status = 'pending' THEN 'cancelled before it started' ELSE error END,
        cancel_requested = cancel_requested OR status IN ('pending', 'running'),
        updated_at = now()
      WHERE id = ${id}
      RETURNING *`;
    const row = rows[0];
    if (!row) return null;
    if (row.status === 'running') await sql`SELECT pg_notify(${CANCEL_CHANNEL}, ${id})`;
    const task = toTask(row);
    if (task.status === 'cancelled') onCancelled(task);
    return task;
  };
  return {
    cancel: cancelRow,
    async cancelSession(sessionId) {
      const rows = await sql<{ id: string }[]>`
        SELECT id FROM tasks WHERE session_id = ${sessionId} AND status IN ('pending', 'running') ORDER BY created_at`;
      for (const r of rows) await cancelRow(r.id);
      return rows.map((r) => r.id);
    },
    async activities() {
      const rows = await sql<{ session_id: string; project_id: string; awaiting: boolean }[]>`
        SELECT DISTINCT t.session_id, t.project_id,
               EXISTS (SELECT 1 FROM permissions p WHERE p.task_id = t.id AND p.status = 'pending') AS awaiting
        FROM tasks t WHERE t.status = 'running' AND t.session_id IS NOT NULL`;
      return rows.map((r) => ({ session_id: r.session_id, project_id: r.project_id, activity: r.awaiting ? 'awaiting_permission' : 'running' }));
    },
    async inFlight(sessionId) {
      const rows = await sql<
        { task_id: string; chat_id: string; message_id: string; turn: number; agent: string; model: string | null; started_at: Date; awaiting: boolean }[]
      >`
        SELECT t.id AS task_id, m.chat_id, m.id AS message_id, COALESCE(m.turn, 0) AS turn, t.agent, m.model,
               m.started_at,
               EXISTS (SELECT 1 FROM permissions p WHERE p.task_id = t.id AND p.status = 'pending') AS awaiting
        FROM tasks t JOIN messages m ON m.task_id = t.id AND m.role = 'assistant' AND m.status = 'streaming'
        WHERE t.session_id = ${sessionId} AND t.status = 'running'
        ORDER BY t.started_at`;
      return rows.map((r) => ({
        task_id: r.task_id,
        chat_id: r.chat_id,
        message_id: r.message_id,
        turn: r.turn,
        agent: r.agent,
        model: r.model,
        started_at: r.started_at.toISOString(),
        awaiting_permission: r.awaiting,
      }));
    },
  };
}
