import type { Handlers } from '../route.js';
import type { AppContext } from '../context.js';
import { DomainError, notFound } from '../../errors.js';
import { getChat } from '../../db/chats.js';
import { getSession } from '../../db/sessions.js';
import { insertUserMessageWithTask, listMessages } from '../../db/messages.js';
import { getTask, listSessionTasks } from '../../db/tasks.js';
import { storeImages } from '../../images/store.js';

export function messageHandlers(ctx: AppContext): Handlers<'listMessages' | 'postMessage' | 'listSessionTasks' | 'getTask' | 'cancelTask' | 'cancelSession'> {
  const { sql, broker } = ctx;
  return {
    listMessages: async ({ params, query }) => {
      if (!(await getChat(sql, params.id))) throw notFound('chat', params.id);
      return listMessages(sql, params.id, query);
    },
    postMessage: async ({ params, body }) => {
      const chat = await getChat(sql, params.id);
      if (!chat) throw notFound('chat', params.id);
      const session = await getSession(sql, chat.session_id);
      if (!session) throw notFound('session', chat.session_id);
      if (session.status === 'archived') throw new DomainError('session_archived', `session ${session.id} is archived`);
      const agent = body.agent ?? session.agent;
      // Refused here rather than failing the turn later. Only messages with images ask: the first
      // question may wait for discovery. An agent nothing serves is left to fail its turn, saying so.
      if (body.images.length > 0 && (await ctx.registry.capabilities(agent))?.images === false) {
        throw new DomainError('invalid_request', `agent '${agent}' cannot take images`);
      }
      const images = await storeImages(sql, body.images);
      const result = await insertUserMessageWithTask(sql, {
        projectId: session.project_id,
        sessionId: session.id,
        chatId: chat.id,
        content: body.content,
        images,
        agent,
        model: body.model ?? session.model,
      });
      if (!result) throw new DomainError('session_archived', `session ${session.id} is archived`);
      broker.publish(session.id, { type: 'message_created', message: result.message });
      broker.publish(session.id, { type: 'task_state', task_id: result.task.id, chat_id: chat.id, status: 'pending' });
      broker.publishUser({ type: 'task_state', task_id: result.task.id, session_id: session.id, chat_id: chat.id, status: 'pending' });
      ctx.log.info({ session_id: session.id, chat_id: chat.id, task_id: result.task.id }, 'user message stored');
      return result;
    },
    listSessionTasks: async ({ params, query }) => {
      if (!(await getSession(sql, params.id))) throw notFound('session', params.id);
      return { items: await listSessionTasks(sql, params.id, query) };
    },
    getTask: async ({ params }) => (await getTask(sql, params.id)) ?? Promise.reject(notFound('task', params.id)),
    cancelTask: async ({ params }) => (await ctx.tasks.cancel(params.id)) ?? Promise.reject(notFound('task', params.id)),
    cancelSession: async ({ params }) => {
      if (!(await getSession(sql, params.id))) throw notFound('session', params.id);
      return { cancelled: await ctx.tasks.cancelSession(params.id) };
    },
  };
}
