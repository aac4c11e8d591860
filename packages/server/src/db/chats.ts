import type { Chat } from '@boocode/contracts';
import type { Sql } from './connection.js';
import { toChat, type ChatRow } from './rows.js';

export async function insertChat(sql: Sql, sessionId: string, name: string | undefined): Promise<Chat> {
  const [row] = await sql<ChatRow[]>`
    INSERT INTO chats (session_id, name)
    VALUES (${sessionId}, COALESCE(${name ?? null}::text,
      'Chat ' || (SELECT count(*) + 1 FROM chats WHERE session_id = ${sessionId})))
    RETURNING *`;
  return toChat(row!);
}

export async function listChats(sql: Sql, sessionId: string): Promise<Chat[]> {
  return (await sql<ChatRow[]>`SELECT * FROM chats WHERE session_id = ${sessionId} ORDER BY created_at, id`).map(toChat);
}

export async function getChat(sql: Sql, id: string): Promise<Chat | null> {
  const rows = await sql<ChatRow[]>`SELECT * FROM chats WHERE id = ${id}`;
  return rows[0] ? toChat(rows[0]) : null;
}

export async function renameChat(sql: Sql, id: string, name: string): Promise<Chat | null> {
  const rows = await sql<ChatRow[]>`UPDATE chats SET name = ${name} WHERE id = ${id} RETURNING *`;
  return rows[0] ? toChat(rows[0]) : null;
}

export async function chatIdsOf(sql: Sql, sessionId: string): Promise<string[]> {
  return (await sql<{ id: string }[]>`SELECT id FROM chats WHERE session_id = ${sessionId}`).map((r) => r.id);
}
