import type { ApiClient } from '@boocode/client';
import type { Message, Permission, ToolTrace } from '@boocode/contracts';

/** What a session has stored: its messages (every chat, oldest first) with their tool calls and permission requests. */
export interface SessionHistory {
  messages: Message[];
  traces: ToolTrace[];
  permissions: Permission[];
}

/** Every page of a keyset-paged list. */
async function allPages<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; cursor: string | null }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const p = await page(cursor);
    items.push(...p.items);
    if (!p.cursor) return items;
    cursor = p.cursor;
  }
}

/** Every message of a chat, oldest first (from the oldest page forward). */
export function chatMessages(api: ApiClient, chatId: string): Promise<Message[]> {
  return allPages(async (after) => {
    const p = await api.call('listMessages', { params: { id: chatId }, query: after ? { after, limit: 200 } : { after: '0', limit: 200 } });
    return { items: p.items, cursor: p.next_cursor };
  });
}

/** What the user asked in the session, every chat, oldest first. */
export async function sessionPrompts(api: ApiClient, sessionId: string): Promise<string[]> {
  const { items: chats } = await api.call('listChats', { params: { id: sessionId } });
  const messages = (await Promise.all(chats.map((c) => chatMessages(api, c.id)))).flat().filter((m) => m.role === 'user');
  return messages.sort((a, b) => a.started_at.localeCompare(b.started_at)).map((m) => m.content);
}

/** The session's history; `since` leaves out the messages started before it (and their calls). */
export async function fetchHistory(api: ApiClient, sessionId: string, since?: Date): Promise<SessionHistory> {
  const { items: chats } = await api.call('listChats', { params: { id: sessionId } });
  const messages: Message[] = [];
  const traces: ToolTrace[] = [];
  for (const chat of chats) {
    messages.push(...(await chatMessages(api, chat.id)));
    traces.push(
      ...(await allPages(async (cursor) => {
        const p = await api.call('listTraces', { params: { id: chat.id }, query: cursor ? { cursor, limit: 200 } : { limit: 200 } });
        return { items: p.items, cursor: p.next_cursor };
      })),
    );
  }
  const { items: permissions } = await api.call('listPermissions', { params: { id: sessionId } });
  const kept = since ? messages.filter((m) => new Date(m.started_at) >= since) : messages;
  kept.sort((a, b) => a.started_at.localeCompare(b.started_at) || Number(a.cursor) - Number(b.cursor));
  const ids = new Set(kept.map((m) => m.id));
  return {
    messages: kept,
    traces: traces.filter((t) => t.message_id !== null && ids.has(t.message_id)),
    permissions: permissions.filter((p) => p.message_id !== null && ids.has(p.message_id)),
  };
}
