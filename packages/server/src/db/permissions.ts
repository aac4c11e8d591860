import type { Permission, PermissionDecision, PermissionOption, PermissionRequestData } from '@boocode/contracts';
import type { Sql } from './connection.js';
import { jsonb, type JsonValue } from './json.js';
import { iso, isoOrNull } from './rows.js';

/** Permission requests of agents and their answers. */

/** Answers recorded by one server reach the worker holding the turn through this channel. */
export const PERMISSION_CHANNEL = 'boocode_permission';

interface PermissionRow {
  id: string;
  session_id: string;
  chat_id: string;
  message_id: string | null;
  task_id: string | null;
  tool_call_id: string | null;
  title: string;
  kind: string | null;
  options: PermissionOption[];
  status: Permission['status'];
  decision: string | null;
  decided_by: Permission['decided_by'];
  created_at: Date;
  answered_at: Date | null;
}

const toPermission = (r: PermissionRow): Permission => ({
  id: r.id,
  session_id: r.session_id,
  chat_id: r.chat_id,
  message_id: r.message_id,
  task_id: r.task_id,
  tool_call_id: r.tool_call_id,
  title: r.title,
  kind: r.kind,
  options: r.options,
  status: r.status,
  decision: r.decision,
  decided_by: r.decided_by,
  created_at: iso(r.created_at),
  answered_at: isoOrNull(r.answered_at),
});

export interface NewPermission {
  sessionId: string;
  chatId: string;
  messageId: string;
  taskId: string;
  request: Omit<PermissionRequestData, 'input'>;
  /** The tool input the agent asks about, validated as JSON. */
  input: JsonValue;
}

export async function insertPermission(sql: Sql, p: NewPermission): Promise<Permission> {
  const req = p.request;
  const [row] = await sql<PermissionRow[]>`
    INSERT INTO permissions (session_id, chat_id, message_id, task_id, agent_request_id, tool_call_id, title, kind, input, options)
    VALUES (${p.sessionId}, ${p.chatId}, ${p.messageId}, ${p.taskId}, ${req.id}, ${req.tool_call_id}, ${req.title},
            ${req.kind}, ${jsonb(sql, p.input)}, ${jsonb(sql, req.options)})
    RETURNING *`;
  return toPermission(row!);
}

/** Records a decision on a pending request; null when it was not pending (answered or cancelled already). */
export async function answerPermission(sql: Sql, id: string, decision: PermissionDecision, by: 'user' | 'policy'): Promise<Permission | null> {
  const rows = await sql<PermissionRow[]>`
    UPDATE permissions SET status = 'answered', decision = ${decision}, decided_by = ${by}, answered_at = now()
    WHERE id = ${id} AND status = 'pending' RETURNING *`;
  return rows[0] ? toPermission(rows[0]) : null;
}

/** Tells every server that a request was answered (the one running its turn delivers it). */
export async function notifyPermissionAnswered(sql: Sql, id: string): Promise<void> {
  await sql`SELECT pg_notify(${PERMISSION_CHANNEL}, ${id})`;
}

/** Cancels these requests where still pending. */
export async function cancelPermissions(sql: Sql, ids: string[]): Promise<void> {
  await sql`
    UPDATE permissions SET status = 'cancelled', decided_by = 'cancelled', answered_at = now()
    WHERE id = ANY(${ids}::uuid[]) AND status = 'pending'`;
}

export async function getPermission(sql: Sql, id: string): Promise<Permission | null> {
  const rows = await sql<PermissionRow[]>`SELECT * FROM permissions WHERE id = ${id}`;
  return rows[0] ? toPermission(rows[0]) : null;
}

export async function listPermissions(sql: Sql, sessionId: string, status?: Permission['status']): Promise<Permission[]> {
  const rows = await sql<PermissionRow[]>`
    SELECT * FROM permissions WHERE session_id = ${sessionId}
      AND (${status ?? null}::text IS NULL OR status = ${status ?? null}::text)
    ORDER BY created_at`;
  return rows.map(toPermission);
}
