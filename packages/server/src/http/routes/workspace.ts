import type { Handlers } from '../route.js';
import type { AppContext } from '../context.js';
import { notFound } from '../../errors.js';
import { getSession } from '../../db/sessions.js';
import { getProject } from '../../db/projects.js';
import { diffWorktree } from '../../git/index.js';
import { Review } from '../../workspace/review.js';

export function workspaceHandlers(ctx: AppContext): Handlers<'getSessionDiff' | 'getPendingChange' | 'getProjectCollisions' | 'applyChange' | 'rejectChange' | 'commitSession' | 'mergeSession' | 'getSessionBranch' | 'updateFromBase' | 'pushSession'> {
  const { sql, workspace } = ctx;
  const review = new Review(sql, workspace, ctx.log.child({ component: 'review' }));
  return {
    getSessionDiff: async ({ params }) => {
      if (!(await getSession(sql, params.id))) throw notFound('session', params.id);
      const wt = await workspace.get(params.id);
      return wt ? diffWorktree({ path: wt.path, baseCommit: wt.base_commit }) : null;
    },
    getPendingChange: async ({ params }) => {
      if (!(await getSession(sql, params.id))) throw notFound('session', params.id);
      return { pending: await workspace.pending(params.id) };
    },
    getProjectCollisions: async ({ params }) => {
      if (!(await getProject(sql, params.id))) throw notFound('project', params.id);
      return { collisions: await workspace.collisions(params.id) };
    },
    applyChange: ({ params, body }) => review.apply(params.id, body),
    rejectChange: ({ params, body }) => review.reject(params.id, body),
    commitSession: ({ params, body }) => review.commit(params.id, body),
    mergeSession: ({ params, body }) => review.merge(params.id, body),
    getSessionBranch: ({ params }) => review.branchStatus(params.id),
    updateFromBase: ({ params }) => review.updateFromBase(params.id),
    pushSession: ({ params, body }) => review.push(params.id, body),
  };
}
