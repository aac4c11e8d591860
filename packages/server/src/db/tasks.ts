import type { Task } from '@boocode/contracts';
import type { Sql } from './connection.js';
import { toTask, type TaskRow } from './rows.js';

export async function getTask(sql: Sql, id: string): Promise<Task | null> {
  const rows = await sql<TaskRow[]>`SELECT * FROM tasks WHERE id = ${id}`;
  return rows[0] ? toTask(rows[0]) : null;
}
