import { AgentsResponse, ChatAgentSessionsResponse, IdParams } from '@boocode/contracts';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { getChat } from '../../db/chats.js';
import { listChatAgentSessions } from '../../db/agent-sessions.js';

const AgentsQuery = z.object({ refresh: z.enum(['true', 'false']).optional() });

export function registerAgentRoutes(app: FastifyInstance, ctx: AppContext): void {
  ctx.routes.add(app, {
    method: 'GET',
    url: '/api/agents',
    summary: 'Agents usable here: the native agent and the external agents discovery found (refresh=true probes again)',
    tag: 'agents',
    query: AgentsQuery,
    response: AgentsResponse,
    handler: async ({ query }) => ({ items: await ctx.registry.list(query.refresh === 'true') }),
  });

  ctx.routes.add(app, {
    method: 'GET',
    url: '/api/chats/:id/agent-sessions',
    summary: "The agents' own sessions behind a chat: resume token, status, and what each agent last reported (title, settings, commands, mode, context use)",
    tag: 'agents',
    params: IdParams,
    response: ChatAgentSessionsResponse,
    handler: async ({ params }) => {
      if (!(await getChat(ctx.sql, params.id))) throw notFound('chat', params.id);
      return { items: await listChatAgentSessions(ctx.sql, params.id) };
    },
  });
}
