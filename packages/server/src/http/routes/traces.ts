import { IdParams, TracePage, TracesQuery, UsageSummary } from '@boocode/contracts';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { getChat } from '../../db/chats.js';
import { chatUsage, pageTraces } from '../../db/traces.js';

export function registerTraceRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { sql } = ctx;

  ctx.routes.add(app, {
    method: 'GET',
    url: '/api/chats/:id/traces',
    summary: "Page through a chat's tool traces, ordered by turn and start time (keyset cursor)",
    tag: 'traces',
    params: IdParams,
    query: TracesQuery,
    response: TracePage,
    handler: async ({ params, query }) => {
      if (!(await getChat(sql, params.id))) throw notFound('chat', params.id);
      return pageTraces(sql, params.id, query);
    },
  });

  ctx.routes.add(app, {
    method: 'GET',
    url: '/api/chats/:id/usage',
    summary: "A chat's token usage per turn and in total, with prompt-cache hit ratios",
    tag: 'traces',
    params: IdParams,
    response: UsageSummary,
    handler: async ({ params }) => {
      if (!(await getChat(sql, params.id))) throw notFound('chat', params.id);
      return chatUsage(sql, params.id);
    },
  });
}
