import type { InputPart, Message, MessagePage, Task } from '@boocode/contracts';
import type { Sql } from './connection.js';
import { toMessage, toTask, type MessageRow, type TaskRow } from './rows.js';

export async function getMessage(sql: Sql, id: string): Promise<Message | null> {
  const rows = await sql<MessageRow[]>`SELECT * FROM messages WHERE id = ${id}`;
  return rows[0] ? toMessage(rows[0]) : null;
}

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
      SELECT * FROM messages WHERE chat_id = ${chatId} AND pos > ${q.after} ORDER BY pos ASC LIMIT ${take}`;
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
        SELECT * FROM messages WHERE chat_id = ${chatId} AND pos < ${q.before} ORDER BY pos DESC LIMIT ${take}`
    : await sql<MessageRow[]>`SELECT * FROM messages WHERE chat_id = ${chatId} ORDER BY pos DESC LIMIT ${take}`;
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
  images: InputPart[];
  agent: string;
  model: string | null;
}

/**
 * The user's message and the pending task that answers it, stored together or not at all; null
 * when the session is no longer open. The chat row is locked so concurrent posts number their
 * turns one after the other, and the session row so an archive cannot slip in between.
 */
export async function insertUserMessageWithTask(sql: Sql, m: NewUserMessage): Promise<{ message: Message; task: Task } | null> {
  return sql.begin(async (tx) => {
    const [open] = await tx<{ status: string }[]>`SELECT status FROM sessions WHERE id = ${m.sessionId} FOR SHARE`;
    if (open?.status !== 'open') return null;
    await tx`SELECT 1 FROM chats WHERE id = ${m.chatId} FOR UPDATE`;
    const [counted] = await tx<{ turn: number }[]>`
      SELECT count(*)::int + 1 AS turn FROM messages WHERE chat_id = ${m.chatId} AND role = 'user'`;
    const turn = counted!.turn;
    const [msg] = await tx<MessageRow[]>`
      INSERT INTO messages (chat_id, session_id, role, content, status, turn, finished_at, metadata)
      VALUES (${m.chatId}, ${m.sessionId}, 'user', ${m.content}, 'complete', ${turn}, now(),
              ${tx.json({ images: m.images.length })})
      RETURNING *`;
    const parts: InputPart[] = [...(m.content ? [{ type: 'text' as const, text: m.content }] : []), ...m.images];
    const [task] = await tx<TaskRow[]>`
      INSERT INTO tasks (project_id, session_id, chat_id, message_id, agent, model, input)
      VALUES (${m.projectId}, ${m.sessionId}, ${m.chatId}, ${msg!.id}, ${m.agent}, ${m.model},
              ${tx.json({ parts, turn } as never)})
      RETURNING *`;
    await tx`UPDATE messages SET task_id = ${task!.id} WHERE id = ${msg!.id}`;
    return { message: toMessage({ ...msg!, task_id: task!.id }), task: toTask(task!) };
  });
}
