import type { Handlers } from '../route.js';
import type { AppContext } from '../context.js';
import { notFound } from '../../errors.js';
import { getChat } from '../../db/chats.js';
import { listChatAgentSessions } from '../../db/agent-sessions.js';

export function agentHandlers(ctx: AppContext): Handlers<'listAgents' | 'listAgentSessions'> {
  return {
    listAgents: async ({ query }) => ({ items: await ctx.registry.list(query.refresh === 'true') }),
    listAgentSessions: async ({ params }) => {
      if (!(await getChat(ctx.sql, params.id))) throw notFound('chat', params.id);
      return { items: await listChatAgentSessions(ctx.sql, params.id) };
    },
  };
}
