import { randomUUID } from 'node:crypto';
import type { Message, MessageImage, MessagePage, Task, Usage } from '@boocode/contracts';
import { storedPart, type TaskPart } from '../images/parts.js';
import type { Sql } from './connection.js';
import { jsonb } from './json.js';
import { MESSAGE_COLUMNS, toMessage, toTask, type MessageRow, type TaskRow } from './rows.js';

/**
 * Keyset page over a chat's messages, always returned oldest first. Without a cursor it is
 * the newest page (what a chat view opens on); `before` walks back, `after` walks forward.
 */
export async function listMessages(
  sql: Sql,
  chatId: string,
  q: { before?: string; after?: string; limit: number },
): Promise<MessagePage> {
  const take = q.limit + 1;
  let rows: MessageRow[];
  if (q.after) {
    rows = await sql<MessageRow[]>`
      SELECT ${sql(MESSAGE_COLUMNS)} FROM messages WHERE chat_id = ${chatId} AND pos > ${q.after} ORDER BY pos ASC LIMIT ${take}`;
    const more = rows.length > q.limit;
    rows = rows.slice(0, q.limit);
    return {
      items: rows.map(toMessage),
      prev_cursor: rows.length ? String(rows[0]!.pos) : q.after,
      next_cursor: more ? String(rows[rows.length - 1]!.pos) : null,
    };
  }
  rows = q.before
    ? await sql<MessageRow[]>`
        SELECT ${sql(MESSAGE_COLUMNS)} FROM messages WHERE chat_id = ${chatId} AND pos < ${q.before} ORDER BY pos DESC LIMIT ${take}`
    : await sql<MessageRow[]>`SELECT ${sql(MESSAGE_COLUMNS)} FROM messages WHERE chat_id = ${chatId} ORDER BY pos DESC LIMIT ${take}`;
  const more = rows.length > q.limit;
  rows = rows.slice(0, q.limit).reverse();
  return {
    items: rows.map(toMessage),
    prev_cursor: more ? String(rows[0]!.pos) : null,
    next_cursor: q.before ? (rows.length ? String(rows[rows.length - 1]!.pos) : null) : null,
  };
}

export interface NewUserMessage {
  projectId: string;
  sessionId: string;
  chatId: string;
  content: string;
  /** Already stored by hash (see storeImages). */
  images: MessageImage[];
  agent: string;
  model: string | null;
  /** Kept on the message (a follow-up turn's note says which subagents it reports). */
  metadata?: Record<string, unknown>;
}

/**
 * The user's message and the pending task that answers it, stored together or not at all, in one
 * statement (one round trip: posting is on the dispatch path); null when the session is no longer
 * open. The session row is share-locked so an archive cannot slip in between, and the chat's turn
 * counter is incremented under its row lock, so concurrent posts number their turns one after the
 * other. The two rows reference each other; foreign keys are checked at the end of the statement.
 */
export async function insertUserMessageWithTask(sql: Sql, m: NewUserMessage): Promise<{ message: Message; task: Task } | null> {
  const messageId = randomUUID();
  const taskId = randomUUID();
  const parts: TaskPart[] = [...(m.content ? [{ type: 'text' as const, text: m.content }] : []), ...m.images.map(storedPart)];
  const refs = m.images.map((i, position) => ({ message_id: messageId, position, sha256: i.sha256 }));
  const rows = await sql<{ message: MessageRow; task: TaskRow }[]>`
    WITH open AS (
      SELECT id FROM sessions WHERE id = ${m.sessionId} AND status = 'open' FOR SHARE
    ), counted AS (
      UPDATE chats SET user_turns = user_turns + 1
      WHERE id = ${m.chatId} AND EXISTS (SELECT 1 FROM open)
      RETURNING user_turns AS turn
    ), message AS (
      INSERT INTO messages (id, chat_id, session_id, task_id, role, content, status, turn, finished_at, metadata)
      SELECT ${messageId}, ${m.chatId}, ${m.sessionId}, ${taskId}, 'user', ${m.content}, 'complete', turn, now(),
             ${jsonb(sql, { ...m.metadata, images: m.images })}
      FROM counted
      RETURNING ${sql(MESSAGE_COLUMNS)}
    ), refs AS (
      INSERT INTO message_images (message_id, position, sha256)
      SELECT r.message_id, r.position, r.sha256 FROM message,
        jsonb_to_recordset(${jsonb(sql, refs)}::jsonb) AS r(message_id uuid, position smallint, sha256 text)
    ), task AS (
      INSERT INTO tasks (id, project_id, session_id, chat_id, message_id, agent, model, input)
      SELECT ${taskId}, ${m.projectId}, ${m.sessionId}, ${m.chatId}, ${messageId}, ${m.agent}, ${m.model},
             jsonb_build_object('parts', ${jsonb(sql, parts)}::jsonb, 'turn', turn)
      FROM counted
      RETURNING *
    )
    SELECT to_jsonb(message) AS message, to_jsonb(task) AS task FROM message, task`;
  const row = rows[0];
  return row ? { message: toMessage(row.message), task: toTask(row.task) } : null;
}

export interface NewAssistantMessage {
  id: string;
  chatId: string;
  sessionId: string;
  taskId: string;
  model: string | null;
  turn: number;
  startedAt: Date;
  metadata: Message['metadata'];
}

/** The streaming assistant message a turn writes into. */
export async function insertAssistantMessage(sql: Sql, m: NewAssistantMessage): Promise<void> {
  await sql`
    INSERT INTO messages (id, chat_id, session_id, task_id, role, status, model, turn, started_at, metadata)
    VALUES (${m.id}, ${m.chatId}, ${m.sessionId}, ${m.taskId}, 'assistant', 'streaming', ${m.model}, ${m.turn}, ${m.startedAt},
            ${jsonb(sql, m.metadata)})`;
}

export async function deleteMessage(sql: Sql, id: string): Promise<void> {
  await sql`DELETE FROM messages WHERE id = ${id}`;
}

/** Appends streamed text and reasoning; `seq` is the stream seq of the newest delta in it. */
export async function appendToMessage(sql: Sql, id: string, text: string, reasoning: string, seq: number | null): Promise<void> {
  await sql`
    UPDATE messages SET content = content || ${text}, reasoning = reasoning || ${reasoning}, content_seq = ${seq}
    WHERE id = ${id}`;
}

/** Replaces a streaming message's text and reasoning (a continued turn cutting back what it says again). */
export async function setMessageText(sql: Sql, id: string, content: string, reasoning: string): Promise<void> {
  await sql`UPDATE messages SET content = ${content}, reasoning = ${reasoning} WHERE id = ${id}`;
}

export interface FinishedMessage {
  content: string;
  reasoning: string;
  status: 'complete' | 'failed' | 'cancelled';
  seq: number | null;
  usage: Usage;
  usageReported: boolean;
  metadata: Message['metadata'];
}

/** The authoritative final write of a streamed message: full text, status, usage, metadata merged in. */
export async function finishMessage(sql: Sql, id: string, m: FinishedMessage): Promise<void> {
  const u = m.usage;
  await sql`
    UPDATE messages SET content = ${m.content}, reasoning = ${m.reasoning}, status = ${m.status}, content_seq = ${m.seq},
      input_tokens = ${u.input_total}, no_cache_tokens = ${u.no_cache}, cache_read_tokens = ${u.cache_read},
      cache_write_tokens = ${u.cache_write}, output_tokens = ${u.output}, reasoning_tokens = ${u.reasoning},
      usage_reported = ${m.usageReported}, finished_at = now(), metadata = metadata || ${jsonb(sql, m.metadata)}
    WHERE id = ${id}`;
}

/** Keys merged into a message's metadata. */
export async function mergeMessageMetadata(sql: Sql, id: string, patch: Message['metadata']): Promise<void> {
  await sql`UPDATE messages SET metadata = metadata || ${jsonb(sql, patch)} WHERE id = ${id}`;
}
