import type { Chat, Message, Subagent, SubagentResult } from '@boocode/contracts';
import type postgres from 'postgres';
import type { Sql } from './connection.js';
import { jsonb } from './json.js';
import { iso, isoOrNull, MESSAGE_COLUMNS, toChat, toMessage, usageOf, type ChatRow, type MessageRow, type TaskRow } from './rows.js';

/** Background subagents: child tasks of a turn, each in a chat of its own in the parent's session. */

const ENDED = ['completed', 'failed', 'cancelled', 'timed_out'];

export const toSubagent = (r: TaskRow): Subagent => ({
  id: r.id,
  parent_task_id: r.parent_task_id,
  session_id: r.session_id!,
  chat_id: r.chat_id!,
  label: r.subagent_label,
  agent: r.agent,
  model: r.model,
  status: r.status,
  error: r.error,
  isolation: r.subagent_worktree ? 'worktree' : 'shared',
  depth: r.subagent_depth,
  spawn_tool_call_id: r.spawn_tool_call_id,
  usage: usageOf(r),
  created_at: iso(r.created_at),
  started_at: isoOrNull(r.started_at),
  finished_at: isoOrNull(r.finished_at),
});

/** Why a spawn is refused, for the caller to word. */
export type SpawnRefusal =
  | { limit: 'running'; count: number }
  | { limit: 'per_turn'; count: number }
  | { limit: 'parent_gone' };

/** The limit a new child of `parentTaskId` would exceed, or null. */
export async function spawnRefusal(sql: Sql | postgres.TransactionSql, parentTaskId: string, limits: { running: number; perTurn: number }): Promise<SpawnRefusal | null> {
  const [c] = await sql<{ total: number; open: number }[]>`
    SELECT count(*)::int AS total, count(*) FILTER (WHERE status IN ('pending', 'running'))::int AS open
    FROM tasks WHERE parent_task_id = ${parentTaskId}`;
  if (c!.open >= limits.running) return { limit: 'running', count: c!.open };
  if (c!.total >= limits.perTurn) return { limit: 'per_turn', count: c!.total };
  return null;
}

export interface NewSubagent {
  id: string;
  parentTaskId: string;
  projectId: string;
  sessionId: string;
  depth: number;
  agent: string;
  model: string | null;
  prompt: string;
  label: string | null;
  /** The child's own worktree (its directory id, path and the commit it was cut from), or null to share the parent's. */
  worktree: { id: string; path: string; baseCommit: string } | null;
  /** The spawning tool call; null when the caller does not know it (a spawn over MCP). */
  toolCallId: string | null;
  limits: { running: number; perTurn: number };
}

/**
 * Queues a child: its chat, its prompt as the chat's first user message, its task. The parent's
 * row is locked while its children are counted, so two spawns racing cannot both pass a limit.
 */
export async function insertSubagent(sql: Sql, n: NewSubagent): Promise<{ row: TaskRow; chat: Chat } | { refused: SpawnRefusal }> {
  return sql.begin(async (tx) => {
    const [parent] = await tx<{ id: string }[]>`SELECT id FROM tasks WHERE id = ${n.parentTaskId} FOR UPDATE`;
    if (!parent) return { refused: { limit: 'parent_gone' } as const };
    const refused = await spawnRefusal(tx, n.parentTaskId, n.limits);
    if (refused) return { refused };
    const name = `${n.label ?? 'subagent'}`.slice(0, 200);
    const [chat] = await tx<ChatRow[]>`
      INSERT INTO chats (session_id, name, user_turns) VALUES (${n.sessionId}, ${name}, 1) RETURNING *`;
    const [msg] = await tx<{ id: string }[]>`
      INSERT INTO messages (chat_id, session_id, role, content, status, turn, finished_at, metadata)
      VALUES (${chat!.id}, ${n.sessionId}, 'user', ${n.prompt}, 'complete', 1, now(), ${jsonb(tx, { parent_task_id: n.parentTaskId })})
      RETURNING id`;
    const input = { parts: [{ type: 'text', text: n.prompt }], turn: 1, ...(n.worktree ? { cwd: n.worktree.path } : {}) };
    // The spawning call's trace: the one named, or else (a spawn over MCP, whose caller knows no
    // call id) the parent's latest running spawn_subagent call, whatever prefix its agent gives
    // MCP tools. Its span's traceparent puts the child's span under it.
    const [spawner] = await tx<{ tool_call_id: string; traceparent: string | null }[]>`
      SELECT tool_call_id, traceparent FROM tool_traces
      WHERE task_id = ${n.parentTaskId}
        AND (tool_call_id = ${n.toolCallId}
             OR (${n.toolCallId}::text IS NULL AND outcome = 'running' AND tool_name LIKE '%spawn_subagent%'))
      ORDER BY pos DESC LIMIT 1`;
    const [row] = await tx<TaskRow[]>`
      INSERT INTO tasks (id, project_id, session_id, chat_id, message_id, agent, model, input,
        parent_task_id, subagent_label, subagent_depth, subagent_worktree, subagent_base_commit, spawn_tool_call_id, traceparent)
      VALUES (${n.id}, ${n.projectId}, ${n.sessionId}, ${chat!.id}, ${msg!.id}, ${n.agent}, ${n.model}, ${jsonb(tx, input)},
        ${n.parentTaskId}, ${n.label}, ${n.depth}, ${n.worktree?.id ?? null}, ${n.worktree?.baseCommit ?? null},
        ${n.toolCallId ?? spawner?.tool_call_id ?? null}, ${spawner?.traceparent ?? null})
      RETURNING *`;
    await tx`UPDATE messages SET task_id = ${n.id} WHERE id = ${msg!.id}`;
    return { row: row!, chat: toChat(chat!) };
  });
}

export async function getTaskRow(sql: Sql, id: string): Promise<TaskRow | null> {
  const [row] = await sql<TaskRow[]>`SELECT * FROM tasks WHERE id = ${id}`;
  return row ?? null;
}

/** A child of the session, or null (no such task, or not a subagent of this session). */
export async function getSubagentRow(sql: Sql, sessionId: string, id: string): Promise<TaskRow | null> {
  const [row] = await sql<TaskRow[]>`SELECT * FROM tasks WHERE id = ${id} AND session_id = ${sessionId} AND parent_task_id IS NOT NULL`;
  return row ?? null;
}

/** The child with its final answer once it has ended. */
export async function subagentResult(sql: Sql, row: TaskRow): Promise<SubagentResult> {
  let text: string | null = null;
  if (ENDED.includes(row.status)) {
    const [msg] = await sql<{ content: string }[]>`
      SELECT content FROM messages WHERE task_id = ${row.id} AND role = 'assistant' ORDER BY pos DESC LIMIT 1`;
    text = msg?.content ?? null;
  }
  return { ...toSubagent(row), text };
}

/** The session's children, newest first. */
export async function listSubagentRows(sql: Sql, sessionId: string, limit = 200): Promise<TaskRow[]> {
  return sql<TaskRow[]>`
    SELECT * FROM tasks WHERE session_id = ${sessionId} AND parent_task_id IS NOT NULL
    ORDER BY created_at DESC, id DESC LIMIT ${limit}`;
}

/** Children of this task that have not ended. */
export async function unfinishedChildIds(sql: Sql, parentTaskId: string): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    SELECT id FROM tasks WHERE parent_task_id = ${parentTaskId} AND status IN ('pending', 'running')`;
  return rows.map((r) => r.id);
}

/** The parent collected the child's final result itself: no notice for it. */
export async function markSubagentDelivered(sql: Sql, id: string): Promise<void> {
  await sql`UPDATE tasks SET subagent_delivered = true WHERE id = ${id} AND status = ANY(${ENDED}::text[])`;
}

export interface Undelivered {
  child: TaskRow;
  parent: TaskRow;
  text: string | null;
}

/**
 * Children of `parentTaskId` that ended and whose parent's turn has ended too, without the parent
 * having collected their result: taken here, once (the UPDATE marks them), for a notice. Called
 * after a child ends and after a parent ends, each after its own row is written, so whichever
 * commits last sees both ended.
 */
export async function takeUndelivered(sql: Sql, parentTaskId: string): Promise<Undelivered[]> {
  const rows = await sql<(TaskRow & { parent: TaskRow; text: string | null })[]>`
    WITH taken AS (
      UPDATE tasks c SET subagent_delivered = true
      FROM tasks p
      WHERE c.parent_task_id = ${parentTaskId} AND p.id = c.parent_task_id
        AND c.status = ANY(${ENDED}::text[]) AND NOT c.subagent_delivered
        AND p.status = ANY(${ENDED}::text[])
      RETURNING c.*
    )
    SELECT t.*, (SELECT to_jsonb(p) FROM tasks p WHERE p.id = t.parent_task_id) AS parent,
      (SELECT m.content FROM messages m WHERE m.task_id = t.id AND m.role = 'assistant' ORDER BY m.pos DESC LIMIT 1) AS text
    FROM taken t ORDER BY t.finished_at, t.id`;
  return rows.map(({ parent, text, ...child }) => ({ child, parent, text }));
}

/** Children's own worktrees in open sessions: the sweep keeps them for review. */
export async function liveSubagentWorktrees(sql: Sql): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    SELECT t.subagent_worktree AS id FROM tasks t JOIN sessions s ON s.id = t.session_id
    WHERE t.subagent_worktree IS NOT NULL AND s.status = 'open'`;
  return rows.map((r) => r.id);
}

/** The task a chat is running now, else its latest: the parent of a subagent an external agent spawns. */
export async function currentTaskOfChat(sql: Sql, chatId: string): Promise<TaskRow | null> {
  const [row] = await sql<TaskRow[]>`
    SELECT * FROM tasks WHERE chat_id = ${chatId}
    ORDER BY (status = 'running') DESC, created_at DESC, id DESC LIMIT 1`;
  return row ?? null;
}

/** A system message in a chat: BooCode telling the user something, never sent to the agent. */
export async function insertNotice(sql: Sql, n: { sessionId: string; chatId: string; content: string; metadata: Record<string, unknown> }): Promise<Message> {
  const [row] = await sql<MessageRow[]>`
    INSERT INTO messages (chat_id, session_id, role, content, status, finished_at, metadata)
    VALUES (${n.chatId}, ${n.sessionId}, 'system', ${n.content}, 'complete', now(), ${jsonb(sql, n.metadata)})
    RETURNING ${sql(MESSAGE_COLUMNS)}`;
  return toMessage(row!);
}
