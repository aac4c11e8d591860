import { IdParams, ListMessagesQuery, MessagePage, PostMessageBody, PostMessageResponse, Task } from '@boocode/contracts';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { ApiError, notFound } from '../errors.js';
import { getChat } from '../../db/chats.js';
import { getSession } from '../../db/sessions.js';
import { insertUserMessageWithTask, listMessages } from '../../db/messages.js';
import { getTask } from '../../db/tasks.js';

export function registerMessageRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { sql, broker } = ctx;

  ctx.routes.add(app, {
    method: 'GET',
    url: '/api/chats/:id/messages',
    summary: "Page through a chat's messages (keyset; oldest first within a page)",
    tag: 'messages',
    params: IdParams,
    query: ListMessagesQuery,
    response: MessagePage,
    handler: async ({ params, query }) => {
      if (!(await getChat(sql, params.id))) throw notFound('chat', params.id);
      return listMessages(sql, params.id, query);
    },
  });

  ctx.routes.add(app, {
    method: 'POST',
    url: '/api/chats/:id/messages',
    summary: "Post a user message; it is stored with a pending task for the session's agent",
    tag: 'messages',
    params: IdParams,
    body: PostMessageBody,
    response: PostMessageResponse,
    status: 201,
    handler: async ({ params, body }) => {
      const chat = await getChat(sql, params.id);
      if (!chat) throw notFound('chat', params.id);
      const session = await getSession(sql, chat.session_id);
      if (!session) throw notFound('session', chat.session_id);
      if (session.status === 'archived') throw new ApiError(409, 'session_archived', `session ${session.id} is archived`);
      const agent = body.agent ?? session.agent;
      // Refused here rather than failing the turn later. Only messages with images ask: the first
      // question may wait for discovery. An agent nothing serves is left to fail its turn, saying so.
      if (body.images.length > 0 && (await ctx.registry.capabilities(agent))?.images === false) {
        throw new ApiError(400, 'invalid_request', `agent '${agent}' cannot take images`);
      }
      const result = await insertUserMessageWithTask(sql, {
        projectId: session.project_id,
        sessionId: session.id,
        chatId: chat.id,
        content: body.content,
        images: body.images,
        agent,
        model: body.model ?? session.model,
      });
      if (!result) throw new ApiError(409, 'session_archived', `session ${session.id} is archived`);
      broker.publish(session.id, { type: 'message_created', message: result.message });
      broker.publish(session.id, { type: 'task_state', task_id: result.task.id, chat_id: chat.id, status: 'pending' });
      broker.publishUser({ type: 'task_state', task_id: result.task.id, session_id: session.id, chat_id: chat.id, status: 'pending' });
      ctx.log.info({ session_id: session.id, chat_id: chat.id, task_id: result.task.id }, 'user message stored');
      return result;
    },
  });

  ctx.routes.add(app, {
    method: 'GET',
    url: '/api/tasks/:id',
    summary: 'Get a task',
    tag: 'tasks',
    params: IdParams,
    response: Task,
    handler: async ({ params }) => (await getTask(sql, params.id)) ?? Promise.reject(notFound('task', params.id)),
  });

  ctx.routes.add(app, {
    method: 'POST',
    url: '/api/tasks/:id/cancel',
    summary: 'Cancel a task: a pending one never starts, a running one is aborted',
    tag: 'tasks',
    params: IdParams,
    response: Task,
    handler: async ({ params }) => (await ctx.tasks.cancel(params.id)) ?? Promise.reject(notFound('task', params.id)),
  });

  ctx.routes.add(app, {
    method: 'POST',
    url: '/api/sessions/:id/cancel',
    summary: "Cancel a session's running turn and its queued ones",
    tag: 'tasks',
    params: IdParams,
    response: z.object({ cancelled: z.array(z.uuid()) }),
    handler: async ({ params }) => {
      if (!(await getSession(sql, params.id))) throw notFound('session', params.id);
      return { cancelled: await ctx.tasks.cancelSession(params.id) };
    },
  });
}
