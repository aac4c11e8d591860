import {
  AgentsResponse,
  ApplyResult,
  Chat,
  ChatAgentSessionsResponse,
  MergeResult,
  RejectResult,
  MessagePage,
  PendingChange,
  Permission,
  PostMessageResponse,
  Project,
  ProjectCollisions,
  Session,
  Task,
  TracePage,
  UsageSummary,
  type PermissionDecision,
  type CreateProjectBody,
  type CreateSessionBody,
  type MergeBody,
  type PostMessageBody,
  type UpdateSessionBody,
} from '@boocode/contracts';
import { request, type Schema } from './client';

/** Typed calls to the routes of docs/api.md. */

const listOf = <T>(item: Schema<T>): Schema<{ items: T[] }> => ({
  safeParse(value) {
    if (typeof value !== 'object' || value === null || !Array.isArray((value as { items?: unknown }).items)) {
      return { success: false, error: { message: 'expected {items: [...]}' } };
    }
    const items: T[] = [];
    for (const [i, raw] of (value as { items: unknown[] }).items.entries()) {
      const r = item.safeParse(raw);
      if (!r.success) return { success: false, error: { message: `items[${i}]: ${r.error.message}` } };
      items.push(r.data);
    }
    return { success: true, data: { items } };
  },
});

/** 204 responses have no body. */
const NoContent: Schema<null> = {
  safeParse: (value) =>
    value === undefined ? { success: true, data: null } : { success: false, error: { message: 'expected no body' } },
};

const CancelledTasks: Schema<{ cancelled: string[] }> = {
  safeParse(value) {
    const c = (value as { cancelled?: unknown } | null)?.cancelled;
    return Array.isArray(c) && c.every((x) => typeof x === 'string')
      ? { success: true, data: { cancelled: c } }
      : { success: false, error: { message: 'expected {cancelled: string[]}' } };
  },
};

const PendingChangeResponse: Schema<{ pending: PendingChange | null }> = {
  safeParse(value) {
    const p = (value as { pending?: unknown } | null)?.pending;
    if (p === null) return { success: true, data: { pending: null } };
    const r = PendingChange.safeParse(p);
    return r.success ? { success: true, data: { pending: r.data } } : { success: false, error: { message: `pending: ${r.error.message}` } };
  },
};

const enc = encodeURIComponent;

export const api = {
  projects: {
    list: () => request(listOf(Project), 'GET', '/api/projects'),
    create: (body: CreateProjectBody) => request(Project, 'POST', '/api/projects', body),
    remove: (id: string) => request(NoContent, 'DELETE', `/api/projects/${enc(id)}`),
  },
  sessions: {
    list: () => request(listOf(Session), 'GET', '/api/sessions'),
    get: (id: string) => request(Session, 'GET', `/api/sessions/${enc(id)}`),
    create: (body: CreateSessionBody) => request(Session, 'POST', '/api/sessions', body),
    update: (id: string, body: UpdateSessionBody) => request(Session, 'PATCH', `/api/sessions/${enc(id)}`, body),
    archive: (id: string) => request(Session, 'POST', `/api/sessions/${enc(id)}/archive`),
    cancel: (id: string) => request(CancelledTasks, 'POST', `/api/sessions/${enc(id)}/cancel`),
  },
  chats: {
    list: (sessionId: string) => request(listOf(Chat), 'GET', `/api/sessions/${enc(sessionId)}/chats`),
    create: (sessionId: string, name?: string) =>
      request(Chat, 'POST', `/api/sessions/${enc(sessionId)}/chats`, name ? { name } : {}),
    rename: (chatId: string, name: string) => request(Chat, 'PATCH', `/api/chats/${enc(chatId)}`, { name }),
  },
  messages: {
    /** Newest page when no cursor is given; `before` pages back in time. */
    page: (chatId: string, opts: { before?: string; limit?: number } = {}, signal?: AbortSignal) => {
      const q = new URLSearchParams();
      if (opts.before) q.set('before', opts.before);
      q.set('limit', String(opts.limit ?? 100));
      return request(MessagePage, 'GET', `/api/chats/${enc(chatId)}/messages?${q}`, undefined, signal);
    },
    post: (chatId: string, body: PostMessageBody) =>
      request(PostMessageResponse, 'POST', `/api/chats/${enc(chatId)}/messages`, body),
  },
  agents: {
    list: () => request(AgentsResponse, 'GET', '/api/agents'),
    /** What each agent last reported about its session behind a chat (title, settings, context). */
    ofChat: (chatId: string) => request(ChatAgentSessionsResponse, 'GET', `/api/chats/${enc(chatId)}/agent-sessions`),
  },
  traces: {
    /** One turn's tool calls (ordered by start), paged forward. */
    ofTurn: (chatId: string, turn: number, cursor?: string) => {
      const q = new URLSearchParams({ turn: String(turn), limit: '200' });
      if (cursor) q.set('cursor', cursor);
      return request(TracePage, 'GET', `/api/chats/${enc(chatId)}/traces?${q}`);
    },
    usage: (chatId: string) => request(UsageSummary, 'GET', `/api/chats/${enc(chatId)}/usage`),
  },
  permissions: {
    list: (sessionId: string) => request(listOf(Permission), 'GET', `/api/sessions/${enc(sessionId)}/permissions`),
    answer: (id: string, decision: PermissionDecision) => request(Permission, 'POST', `/api/permissions/${enc(id)}`, { decision }),
  },
  review: {
    pending: (sessionId: string) => request(PendingChangeResponse, 'GET', `/api/sessions/${enc(sessionId)}/changes`),
    collisions: (projectId: string) => request(ProjectCollisions, 'GET', `/api/projects/${enc(projectId)}/collisions`),
    apply: (sessionId: string, changeId: string) =>
      request(ApplyResult, 'POST', `/api/sessions/${enc(sessionId)}/changes/apply`, { change_id: changeId }),
    reject: (sessionId: string, changeId: string) =>
      request(RejectResult, 'POST', `/api/sessions/${enc(sessionId)}/changes/reject`, { change_id: changeId }),
    merge: (sessionId: string, body: MergeBody) => request(MergeResult, 'POST', `/api/sessions/${enc(sessionId)}/merge`, body),
  },
  tasks: {
    get: (id: string) => request(Task, 'GET', `/api/tasks/${enc(id)}`),
    cancel: (id: string) => request(Task, 'POST', `/api/tasks/${enc(id)}/cancel`),
  },
};
