import { z } from 'zod';
import { IdParams } from '../common.js';
import { AgentsResponse, ChatAgentSessionsResponse } from '../agents.js';
import type { RouteDef } from './def.js';

export const AgentsQuery = z.object({ refresh: z.enum(['true', 'false']).optional() });

export const agentRoutes = {
  listAgents: {
    method: 'GET',
    path: '/api/agents',
    summary: 'Agents usable here: the native agent and the external agents discovery found (refresh=true probes again)',
    tag: 'agents',
    query: AgentsQuery,
    response: AgentsResponse,
    status: 200,
    errors: [],
  },
  listAgentSessions: {
    method: 'GET',
    path: '/api/chats/:id/agent-sessions',
    summary:
      "The agents' own sessions behind a chat: resume token, status, and what each agent last reported (title, settings, commands, mode, context use)",
    tag: 'agents',
    params: IdParams,
    response: ChatAgentSessionsResponse,
    status: 200,
    errors: [],
  },
} as const satisfies Record<string, RouteDef>;
