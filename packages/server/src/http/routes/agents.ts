import { AgentsResponse } from '@boocode/contracts';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

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
}
