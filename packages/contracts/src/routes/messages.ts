import { z } from 'zod';
import { IdParams } from '../common.js';
import { ListMessagesQuery, ListTasksQuery, MessagePage, PostMessageBody, PostMessageResponse, RecoverTurnBody, Task } from '../rest.js';
import type { RouteDef } from './def.js';

export const TaskList = z.object({ items: z.array(Task) });
export type TaskList = z.infer<typeof TaskList>;

export const messageRoutes = {
  listMessages: {
    method: 'GET',
    path: '/api/chats/:id/messages',
    summary: "Page through a chat's messages (keyset; oldest first within a page)",
    tag: 'messages',
    params: IdParams,
    query: ListMessagesQuery,
    response: MessagePage,
    status: 200,
    errors: [],
  },
  postMessage: {
    method: 'POST',
    path: '/api/chats/:id/messages',
    summary: "Post a user message; it is stored with a pending task for the session's agent",
    tag: 'messages',
    params: IdParams,
    body: PostMessageBody,
    response: PostMessageResponse,
    status: 201,
    errors: ['session_archived'],
  },
  recoverTask: {
    method: 'POST',
    path: '/api/tasks/:id/recover',
    summary:
      'Start a new turn after a failed, interrupted or cancelled one: `retry` posts its prompt again (images included), `continue` asks the agent to carry on from where it stopped',
    tag: 'tasks',
    params: IdParams,
    body: RecoverTurnBody,
    response: PostMessageResponse,
    status: 201,
    // A turn that has not ended, or ended well; a session with a turn still running or queued; an archived one.
    errors: ['turn_running', 'session_archived'],
  },
  listSessionTasks: {
    method: 'GET',
    path: '/api/sessions/:id/tasks',
    summary: "A session's tasks (its turns), newest first; `status` keeps only the states listed",
    tag: 'tasks',
    params: IdParams,
    query: ListTasksQuery,
    response: TaskList,
    status: 200,
    errors: [],
  },
  getTask: {
    method: 'GET',
    path: '/api/tasks/:id',
    summary: 'Get a task',
    tag: 'tasks',
    params: IdParams,
    response: Task,
    status: 200,
    errors: [],
  },
  cancelTask: {
    method: 'POST',
    path: '/api/tasks/:id/cancel',
    summary: 'Cancel a task: a pending one never starts, a running one is aborted',
    tag: 'tasks',
    params: IdParams,
    response: Task,
    status: 200,
    errors: [],
  },
} as const satisfies Record<string, RouteDef>;
