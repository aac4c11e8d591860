import type { Handlers } from '../route.js';
import type { AppContext } from '../context.js';
import { DomainError, notFound } from '../../errors.js';
import { getChat } from '../../db/chats.js';
import { getSession, setAutomaticTitle } from '../../db/sessions.js';
import { insertUserMessageWithTask, listMessages, type NewUserMessage } from '../../db/messages.js';
import { getTask, listSessionTasks, taskPromptParts, unfinishedTaskIds } from '../../db/tasks.js';
import { announceSession } from '../../stream/attention.js';
import { recoverable, recoveryMessage } from '../../tasks/recover.js';
import { titleFromPrompt } from '../../tasks/title.js';
import { storeImages } from '../../images/store.js';

export function messageHandlers(ctx: AppContext): Handlers<'listMessages' | 'postMessage' | 'recoverTask' | 'listSessionTasks' | 'getTask' | 'cancelTask' | 'cancelSession'> {
  const { sql, broker } = ctx;
  /** Stores a user message with its task and tells every client; a session still on its placeholder name takes its title from it. */
  const post = async (m: NewUserMessage) => {
    const result = await insertUserMessageWithTask(sql, m);
    if (!result) throw new DomainError('session_archived', `session ${m.sessionId} is archived`);
    broker.publish(m.sessionId, { type: 'message_created', message: result.message });
    broker.publish(m.sessionId, { type: 'task_state', task_id: result.task.id, chat_id: m.chatId, status: 'pending' });
    broker.publishUser({ type: 'task_state', task_id: result.task.id, session_id: m.sessionId, chat_id: m.chatId, status: 'pending' });
    ctx.log.info({ session_id: m.sessionId, chat_id: m.chatId, task_id: result.task.id }, 'user message stored');
    const title = titleFromPrompt(m.content);
    const titled = title ? await setAutomaticTitle(sql, m.sessionId, title, 'prompt') : null;
    if (titled) announceSession(broker, titled);
    return result;
  };
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
      return post({
        projectId: session.project_id,
        sessionId: session.id,
        chatId: chat.id,
        content: body.content,
        images,
        agent,
        model: body.model ?? session.model,
      });
    },
    recoverTask: async ({ params, body }) => {
      const task = await getTask(sql, params.id);
      if (!task) throw notFound('task', params.id);
      if (!task.session_id || !task.chat_id) throw new DomainError('invalid_request', `task ${task.id} is not a turn of a session chat`);
      if (!recoverable(task)) {
        if (task.status === 'pending' || task.status === 'running') throw new DomainError('turn_running', `task ${task.id} has not ended yet`);
        throw new DomainError('invalid_request', `task ${task.id} completed: only a failed, interrupted or cancelled turn can be retried or continued`);
      }
      const session = await getSession(sql, task.session_id);
      if (!session) throw notFound('session', task.session_id);
      if (session.status === 'archived') throw new DomainError('session_archived', `session ${session.id} is archived`);
      // One at a time: a second click, or another browser's, must not queue the same turn twice.
      if ((await unfinishedTaskIds(sql, session.id)).length > 0) {
        throw new DomainError('turn_running', `session ${session.id} has a turn running or queued; try again once it ends`);
      }
      const { inlineImages, ...recovery } = recoveryMessage(task, body.action, body.action === 'retry' ? await taskPromptParts(sql, task.id) : null);
      const message = { ...recovery, images: [...recovery.images, ...(await storeImages(sql, inlineImages))] };
      if (!message.content.trim() && message.images.length === 0) throw new DomainError('invalid_request', `task ${task.id} has no prompt to send again`);
      ctx.log.info({ session_id: session.id, task_id: task.id, action: body.action }, 'recovering a turn');
      // The agent and model of the session now: a model changed after the failure is the one wanted.
      return post({ projectId: session.project_id, sessionId: session.id, chatId: task.chat_id, agent: session.agent, model: session.model, ...message });
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
