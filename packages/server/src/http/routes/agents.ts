import type { Handlers } from '../route.js';
import type { AppContext } from '../context.js';
import { DomainError, notFound } from '../../errors.js';
import { getChat } from '../../db/chats.js';
import { listChatAgentSessions } from '../../db/agent-sessions.js';

export function agentHandlers(ctx: AppContext): Handlers<'listAgents' | 'listAgentModels' | 'listAgentSessions'> {
  return {
    listAgents: async ({ query }) => ({ items: await ctx.registry.list(query.refresh === 'true') }),
    listAgentModels: async ({ params, query }) => {
      const info = (await ctx.registry.list()).find((a) => a.name === params.name);
      if (!info) throw new DomainError('not_found', `no agent named ${params.name}: see GET /api/agents`);
      if (!info.available) throw new DomainError('agent_unavailable', `${info.label} is not usable here: ${info.error ?? 'unavailable'}`);
      try {
        const { models, askedAt } = await ctx.registry.agentModels(info, query.refresh === 'true');
        return { agent: info.name, models, checked_at: askedAt.toISOString() };
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        ctx.log.warn({ agent: info.name, err: why }, 'listing the models of an agent failed');
        throw new DomainError('models_unavailable', `${info.label} could not tell its models: ${why}`);
      }
    },
    listAgentSessions: async ({ params }) => {
      if (!(await getChat(ctx.sql, params.id))) throw notFound('chat', params.id);
      return { items: await listChatAgentSessions(ctx.sql, params.id) };
    },
  };
}
