import type { Sql } from './connection.js';

/**
 * Span contexts kept in rows (W3C traceparent), so spans started by another process, or after a
 * restart, still find their parent.
 */

export async function setWorkflowRunTraceparent(sql: Sql, runId: string, traceparent: string): Promise<void> {
  await sql`UPDATE workflow_runs SET traceparent = ${traceparent} WHERE id = ${runId}`;
}

export async function workflowRunTraceparent(sql: Sql, runId: string): Promise<string | null> {
  const [row] = await sql<{ traceparent: string | null }[]>`SELECT traceparent FROM workflow_runs WHERE id = ${runId}`;
  return row?.traceparent ?? null;
}
