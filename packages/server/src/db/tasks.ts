import type { Task, TaskStatus } from '@boocode/contracts';
import type { Sql } from './connection.js';
import { toTask, type TaskRow } from './rows.js';

export async function getTask(sql: Sql, id: string): Promise<Task | null> {
  const rows = await sql<TaskRow[]>`SELECT * FROM tasks WHERE id = ${id}`;
  return rows[0] ? toTask(rows[0]) : null;
}

/** A session's tasks, newest first, optionally only those in `status`. */
export async function listSessionTasks(sql: Sql, sessionId: string, q: { status?: TaskStatus[]; limit: number }): Promise<Task[]> {
  const rows = await sql<TaskRow[]>`
    SELECT * FROM tasks
    WHERE session_id = ${sessionId} AND (${q.status ?? null}::text[] IS NULL OR status = ANY(${q.status ?? null}::text[]))
    ORDER BY created_at DESC, id DESC
    LIMIT ${q.limit}`;
  return rows.map(toTask);
}
