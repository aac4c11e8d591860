import { IdParams, PendingChange, ProjectCollisions, SessionDiff } from '@boocode/contracts';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { getSession } from '../../db/sessions.js';
import { getProject } from '../../db/projects.js';
import { diffWorktree } from '../../git/index.js';

export function registerWorkspaceRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { sql, workspace } = ctx;

  ctx.routes.add(app, {
    method: 'GET',
    url: '/api/sessions/:id/diff',
    summary: "Live diff of the session's worktree against its base commit",
    tag: 'review',
    params: IdParams,
    response: SessionDiff.nullable(),
    handler: async ({ params }) => {
      if (!(await getSession(sql, params.id))) throw notFound('session', params.id);
      const wt = await workspace.get(params.id);
      return wt ? diffWorktree({ path: wt.path, baseCommit: wt.base_commit }) : null;
    },
  });

  ctx.routes.add(app, {
    method: 'GET',
    url: '/api/sessions/:id/changes',
    summary: "The session's pending change (the accumulated diff of its turns), if any",
    tag: 'review',
    params: IdParams,
    response: z.object({ pending: PendingChange.nullable() }),
    handler: async ({ params }) => {
      if (!(await getSession(sql, params.id))) throw notFound('session', params.id);
      return { pending: await workspace.pending(params.id) };
    },
  });

  ctx.routes.add(app, {
    method: 'GET',
    url: '/api/projects/:id/collisions',
    summary: "Overlapping pending changes between a project's open sessions",
    tag: 'review',
    params: IdParams,
    response: ProjectCollisions,
    handler: async ({ params }) => {
      if (!(await getProject(sql, params.id))) throw notFound('project', params.id);
      return { collisions: await workspace.collisions(params.id) };
    },
  });
}
