import { AgentSessionState, type ChatAgentSession } from '@boocode/contracts';
import type { Handlers } from '../route.js';
import type { AppContext } from '../context.js';
import { notFound } from '../../errors.js';
import { getChat } from '../../db/chats.js';
import { iso } from '../../db/rows.js';

interface AgentSessionRow {
  chat_id: string;
  agent: string;
  backend: ChatAgentSession['backend'];
  status: ChatAgentSession['status'];
  resume_token: string | null;
  state: unknown;
  last_active_at: Date;
}

export function agentHandlers(ctx: AppContext): Handlers<'listAgents' | 'listAgentSessions'> {
  return {
    listAgents: async ({ query }) => ({ items: await ctx.registry.list(query.refresh === 'true') }),
    listAgentSessions: async ({ params }) => {
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
  };
}
