import { AgentSessionState, AgentsResponse, ChatAgentSessionsResponse, IdParams, type ChatAgentSession } from '@boocode/contracts';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { getChat } from '../../db/chats.js';
import { iso } from '../../db/rows.js';

const AgentsQuery = z.object({ refresh: z.enum(['true', 'false']).optional() });

interface AgentSessionRow {
  chat_id: string;
  agent: string;
  backend: ChatAgentSession['backend'];
  status: ChatAgentSession['status'];
  resume_token: string | null;
  state: unknown;
  last_active_at: Date;
}

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
      const rows = await ctx.sql<AgentSessionRow[]>`
        SELECT chat_id, agent, backend, status, resume_token, state, last_active_at FROM agent_sessions
        WHERE chat_id = ${params.id} ORDER BY created_at`;
      return {
        items: rows.map((r) => {
          // Written by this server from validated events; a row an older version wrote just shows less.
          const state = AgentSessionState.safeParse(r.state);
          return {
            ...(state.success ? state.data : {}),
            chat_id: r.chat_id,
            agent: r.agent,
            backend: r.backend,
            status: r.status,
            resume_token: r.resume_token,
            last_active_at: iso(r.last_active_at),
          };
        }),
      };
    },
  });
}
