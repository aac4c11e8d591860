import type { AppContext } from '../context.js';
import type { Handlers } from '../route.js';
import { notFound } from '../../errors.js';
import { getSession } from '../../db/sessions.js';
import { getTask } from '../../db/tasks.js';
import { getTaskRow } from '../../db/subagents.js';

export function subagentHandlers(ctx: AppContext): Handlers<'listSubagents' | 'spawnSubagent' | 'getSubagent' | 'getSubagentDiff'> {
  const { sql, subagents } = ctx;
  return {
    listSubagents: async ({ params }) => {
      if (!(await getSession(sql, params.id))) throw notFound('session', params.id);
      return { items: await subagents.list(params.id) };
    },
    spawnSubagent: async ({ params, body }) => {
      const parent = await getTaskRow(sql, params.id);
      if (!parent) throw notFound('task', params.id);
      return subagents.spawn(parent, body, null);
    },
    getSubagent: async ({ params, query }, req) => {
      const task = await getTask(sql, params.id);
      if (!task?.session_id) throw notFound('subagent', params.id);
      // A client that hangs up stops the wait.
      const gone = new AbortController();
      req.raw.once('close', () => gone.abort());
      return subagents.result(task.session_id, params.id, query.wait_seconds, gone.signal);
    },
    getSubagentDiff: ({ params }) => subagents.diff(params.id),
  };
}
