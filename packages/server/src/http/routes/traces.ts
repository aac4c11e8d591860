import type { Handlers } from '../route.js';
import type { AppContext } from '../context.js';
import { notFound } from '../../errors.js';
import { getChat } from '../../db/chats.js';
import { chatUsage, pageTraces } from '../../db/traces.js';

export function traceHandlers(ctx: AppContext): Handlers<'listTraces' | 'getChatUsage'> {
  const { sql } = ctx;
  return {
    listTraces: async ({ params, query }) => {
      if (!(await getChat(sql, params.id))) throw notFound('chat', params.id);
      return pageTraces(sql, params.id, query);
    },
    getChatUsage: async ({ params }) => {
      if (!(await getChat(sql, params.id))) throw notFound('chat', params.id);
      return chatUsage(sql, params.id);
    },
  };
}
