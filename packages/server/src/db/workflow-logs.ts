import type { WorkflowLogList } from '@boocode/contracts';
import type { Sql } from './connection.js';
import { iso } from './rows.js';

/**
 * Lines kept per run: the newest ones. A script logging in a loop must not grow the table without
 * bound; the run view and `workflow logs` show what the end of a run said, which matters most.
 */
export const WORKFLOW_LOG_LIMIT = 2000;
/** Characters kept of one line; the rest is cut with a mark. */
export const WORKFLOW_LOG_LINE_CHARS = 8000;

export interface NewLogLine {
  line: number;
  message: string;
}

/**
 * Stores lines of a run in one statement. A line already stored under its number (logged again by
 * a run taken over, replaying its script) is kept as it is. Lines older than the newest
 * WORKFLOW_LOG_LIMIT go.
 */
export async function insertWorkflowLogs(sql: Sql, runId: string, lines: readonly NewLogLine[]): Promise<void> {
  if (lines.length === 0) return;
  await sql`
    INSERT INTO workflow_logs (run_id, seq, message)
    SELECT ${runId}, l.seq, l.message
    FROM unnest(${lines.map((l) => l.line)}::int[], ${lines.map((l) => l.message)}::text[]) AS l(seq, message)
    ON CONFLICT (run_id, seq) DO NOTHING`;
  const newest = Math.max(...lines.map((l) => l.line));
  if (newest > WORKFLOW_LOG_LIMIT) await sql`DELETE FROM workflow_logs WHERE run_id = ${runId} AND seq <= ${newest - WORKFLOW_LOG_LIMIT}`;
}

/** A run's stored lines in order (after line `after`), and how many older ones are no longer kept. */
export async function listWorkflowLogs(sql: Sql, runId: string, after = 0): Promise<WorkflowLogList> {
  const rows = await sql<{ seq: number; message: string; at: Date }[]>`
    SELECT seq, message, at FROM workflow_logs WHERE run_id = ${runId} AND seq > ${after} ORDER BY seq`;
  const [first] = await sql<{ seq: number | null }[]>`SELECT min(seq) AS seq FROM workflow_logs WHERE run_id = ${runId}`;
  return {
    items: rows.map((r) => ({ line: r.seq, message: r.message, at: iso(r.at) })),
    dropped: first?.seq ? Math.max(0, first.seq - 1 - after) : 0,
  };
}
