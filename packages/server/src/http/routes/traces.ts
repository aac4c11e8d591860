import type { Handlers } from '../route.js';
import type { AppContext } from '../context.js';
import { notFound } from '../../errors.js';
import { getChat } from '../../db/chats.js';
import { listModelCalls } from '../../db/model-calls.js';
import { getProject } from '../../db/projects.js';
import { getSession } from '../../db/sessions.js';
import { listSessionStats } from '../../db/session-stats.js';
import { chatUsage, pageTraces, usageTotals } from '../../db/traces.js';

export function traceHandlers(ctx: AppContext): Handlers<'listTraces' | 'getChatUsage' | 'listModelCalls' | 'getSessionUsage' | 'listSessionStats' | 'getProjectUsage'> {
  const { sql } = ctx;
  return {
    listTraces: async ({ params, query }) => {
      if (!(await getChat(sql, params.id))) throw notFound('chat', params.id);
      return pageTraces(sql, params.id, query);
    },
    getChatUsage: async ({ params }) => {
      if (!(await getChat(sql, params.id))) throw notFound('chat', params.id);
      return chatUsage(sql, params.id);
    },
    listModelCalls: async ({ params }) => {
      if (!(await getChat(sql, params.id))) throw notFound('chat', params.id);
      return { items: await listModelCalls(sql, params.id) };
    },
    getSessionUsage: async ({ params }) => {
      if (!(await getSession(sql, params.id))) throw notFound('session', params.id);
      return usageTotals(sql, { sessionId: params.id });
    },
    listSessionStats: async () => ({ items: await listSessionStats(sql) }),
    getProjectUsage: async ({ params }) => {
      if (!(await getProject(sql, params.id))) throw notFound('project', params.id);
      return usageTotals(sql, { projectId: params.id });
    },
  };
}
