import type { Task } from '@boocode/contracts';
import type { Sql } from './connection.js';
import { toTask, type TaskRow } from './rows.js';

export async function getTask(sql: Sql, id: string): Promise<Task | null> {
  const rows = await sql<TaskRow[]>`SELECT * FROM tasks WHERE id = ${id}`;
  return rows[0] ? toTask(rows[0]) : null;
}

/** Workers holding a running task of the session (at most one: one turn per session). */
export async function runningLeaseOwners(sql: Sql, sessionId: string): Promise<string[]> {
  const rows = await sql<{ lease_owner: string }[]>`
    SELECT lease_owner FROM tasks WHERE session_id = ${sessionId} AND status = 'running' AND lease_owner IS NOT NULL`;
  return rows.map((r) => r.lease_owner);
}
