import { z } from 'zod';
import { IdParams } from '../common.js';
import { AgentModelsResponse, AgentNameParams, AgentsResponse, ChatAgentSessionsResponse } from '../agents.js';
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
  listAgentModels: {
    method: 'GET',
    path: '/api/agents/:name/models',
    summary:
      "The models an agent offers, asked of the agent (the native agent's endpoint `/models`, an ACP agent's model option, opencode's list); kept for a short while",
    tag: 'agents',
    params: AgentNameParams,
    query: AgentsQuery,
    response: AgentModelsResponse,
    status: 200,
    // An unknown agent; one not usable here; one that could not tell its models.
    errors: ['not_found', 'agent_unavailable', 'models_unavailable'],
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
