import { IdParams } from '../common.js';
import { TracePage, TracesQuery, UsageSummary } from '../runner.js';
import type { RouteDef } from './def.js';

export const traceRoutes = {
  listTraces: {
    method: 'GET',
    path: '/api/chats/:id/traces',
    summary: "Page through a chat's tool traces, ordered by turn and start time (keyset cursor)",
    tag: 'traces',
    params: IdParams,
    query: TracesQuery,
    response: TracePage,
    status: 200,
    errors: [],
  },
  getChatUsage: {
    method: 'GET',
    path: '/api/chats/:id/usage',
    summary: "A chat's token usage per turn and in total, with prompt-cache hit ratios",
    tag: 'traces',
    params: IdParams,
    response: UsageSummary,
    status: 200,
    errors: [],
  },
} as const satisfies Record<string, RouteDef>;
