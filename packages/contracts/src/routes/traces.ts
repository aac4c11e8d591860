import { IdParams } from '../common.js';
import { TracePage, TracesQuery, UsageSummary } from '../runner.js';
import { ModelCallList, SessionStatsList, UsageTotals } from '../usage.js';
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
  listModelCalls: {
    method: 'GET',
    path: '/api/chats/:id/model-calls',
    summary: "A chat's model calls in order: timing, tokens, the prompt's cached and uncached segments, cost",
    tag: 'traces',
    params: IdParams,
    response: ModelCallList,
    status: 200,
    errors: ['not_found'],
  },
  getSessionUsage: {
    method: 'GET',
    path: '/api/sessions/:id/usage',
    summary: "A session's tokens, cost and what the prompt cache saved, over all its chats",
    tag: 'traces',
    params: IdParams,
    response: UsageTotals,
    status: 200,
    errors: ['not_found'],
  },
  listSessionStats: {
    method: 'GET',
    path: '/api/sessions/stats',
    summary: "Every session's pending-change size (files, lines added and removed) and the cost of its turns, for the overview board",
    tag: 'traces',
    response: SessionStatsList,
    status: 200,
    errors: [],
  },
  getProjectUsage: {
    method: 'GET',
    path: '/api/projects/:id/usage',
    summary: "A project's tokens, cost and what the prompt cache saved, over all its sessions",
    tag: 'traces',
    params: IdParams,
    response: UsageTotals,
    status: 200,
    errors: ['not_found'],
  },
} as const satisfies Record<string, RouteDef>;
