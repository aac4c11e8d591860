import { z } from 'zod';
import { Id, IdParams } from '../common.js';
import { Chat, CreateChatBody, CreateSessionBody, ListSessionsQuery, MessagePage, RenameBody, Session, UpdateSessionBody } from '../rest.js';
import { ArchiveBody } from '../git.js';
import { UsageSummary } from '../runner.js';
import { ChatAgentSessionsResponse } from '../agents.js';
import type { RouteDef } from './def.js';

export const SessionList = z.object({ items: z.array(Session) });
export type SessionList = z.infer<typeof SessionList>;
export const ListChatsQuery = z.object({
  /**
   * Also answer with the first chat's newest messages (this many), its usage and its agent
   * sessions: what a view shows when no chat is named, without waiting for the list first.
   */
  first_messages: z.coerce.number().int().min(1).max(200).optional(),
});
export type ListChatsQuery = z.infer<typeof ListChatsQuery>;
/** The first chat as `GET /api/chats/:id/messages`, `/usage` and `/agent-sessions` answer for it. */
export const FirstChat = z.object({ chat_id: Id, messages: MessagePage, usage: UsageSummary, agent_sessions: ChatAgentSessionsResponse });
export type FirstChat = z.infer<typeof FirstChat>;
export const ChatList = z.object({ items: z.array(Chat), first: FirstChat.optional() });
export type ChatList = z.infer<typeof ChatList>;
export const CancelSessionResult = z.object({ cancelled: z.array(Id) });
export type CancelSessionResult = z.infer<typeof CancelSessionResult>;

export const sessionRoutes = {
  createSession: {
    method: 'POST',
    path: '/api/sessions',
    summary: 'Open a session in a project (with a first chat)',
    tag: 'sessions',
    body: CreateSessionBody,
    response: Session,
    status: 201,
    // The project named in the body.
    errors: ['not_found'],
  },
  listSessions: {
    method: 'GET',
    path: '/api/sessions',
    summary: 'List sessions, newest first',
    tag: 'sessions',
    query: ListSessionsQuery,
    response: SessionList,
    status: 200,
    errors: [],
  },
  getSession: {
    method: 'GET',
    path: '/api/sessions/:id',
    summary: 'Get a session',
    tag: 'sessions',
    params: IdParams,
    response: Session,
    status: 200,
    errors: [],
  },
  updateSession: {
    method: 'PATCH',
    path: '/api/sessions/:id',
    summary: "Rename a session or change its agent, model, mode or permission policy (the agent's next turn uses them)",
    tag: 'sessions',
    params: IdParams,
    body: UpdateSessionBody,
    response: Session,
    status: 200,
    // A mode the session's agent did not report.
    errors: ['setting_unsupported'],
  },
  archiveSession: {
    method: 'POST',
    path: '/api/sessions/:id/archive',
    summary:
      'Archive a session: its unfinished tasks are cancelled, then teardown runs and its worktree and (unless keep_branch) its branch are removed',
    tag: 'sessions',
    params: IdParams,
    body: ArchiveBody,
    response: Session,
    status: 200,
    errors: [],
  },
  unarchiveSession: {
    method: 'POST',
    path: '/api/sessions/:id/unarchive',
    summary: 'Reopen an archived session; its worktree is made again on its next turn (on its branch if that was kept)',
    tag: 'sessions',
    params: IdParams,
    response: Session,
    status: 200,
    errors: [],
  },
  markSessionSeen: {
    method: 'POST',
    path: '/api/sessions/:id/seen',
    summary: 'Say the user has seen how the last turn ended: clears "finished" and "failed" (a waiting permission stays)',
    tag: 'sessions',
    params: IdParams,
    response: Session,
    status: 200,
    errors: [],
  },
  cancelSession: {
    method: 'POST',
    path: '/api/sessions/:id/cancel',
    summary: "Cancel a session's running turn and its queued ones",
    tag: 'tasks',
    params: IdParams,
    response: CancelSessionResult,
    status: 200,
    errors: [],
  },
  createChat: {
    method: 'POST',
    path: '/api/sessions/:id/chats',
    summary: 'Open a new chat tab in a session',
    tag: 'chats',
    params: IdParams,
    body: CreateChatBody,
    response: Chat,
    status: 201,
    errors: [],
  },
  listChats: {
    method: 'GET',
    path: '/api/sessions/:id/chats',
    summary: "List a session's chats, oldest first; `first_messages` adds the first chat's newest page, usage and agent sessions",
    tag: 'chats',
    params: IdParams,
    query: ListChatsQuery,
    response: ChatList,
    status: 200,
    errors: [],
  },
  getChat: {
    method: 'GET',
    path: '/api/chats/:id',
    summary: 'Get a chat',
    tag: 'chats',
    params: IdParams,
    response: Chat,
    status: 200,
    errors: [],
  },
  renameChat: {
    method: 'PATCH',
    path: '/api/chats/:id',
    summary: 'Rename a chat',
    tag: 'chats',
    params: IdParams,
    body: RenameBody,
    response: Chat,
    status: 200,
    errors: [],
  },
} as const satisfies Record<string, RouteDef>;
