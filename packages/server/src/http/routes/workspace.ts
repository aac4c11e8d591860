import {
  ApplyBody,
  ApplyResult,
  CommitBody,
  CommitResult,
  IdParams,
  MergeBody,
  MergeResult,
  PendingChange,
  ProjectCollisions,
  RejectBody,
  RejectResult,
  SessionDiff,
} from '@boocode/contracts';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { getSession } from '../../db/sessions.js';
import { getProject } from '../../db/projects.js';
import { diffWorktree } from '../../git/index.js';
import { Review } from '../../workspace/review.js';

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

  const review = new Review(sql, workspace, ctx.log.child({ component: 'review' }));

  ctx.routes.add(app, {
    method: 'POST',
    url: '/api/sessions/:id/changes/apply',
    summary:
      "Apply the session's pending change to the project's working tree, all or nothing (409 dirty_project naming the files, 409 patch_does_not_apply)",
    tag: 'review',
    params: IdParams,
    body: ApplyBody,
    response: ApplyResult,
    handler: ({ params, body }) => review.apply(params.id, body),
  });

  ctx.routes.add(app, {
    method: 'POST',
    url: '/api/sessions/:id/changes/reject',
    summary: "Reject the session's pending change: its worktree goes back to the base commit",
    tag: 'review',
    params: IdParams,
    body: RejectBody,
    response: RejectResult,
    handler: ({ params, body }) => review.reject(params.id, body),
  });

  ctx.routes.add(app, {
    method: 'POST',
    url: '/api/sessions/:id/commit',
    summary: "Commit everything in the session's worktree on its branch",
    tag: 'review',
    params: IdParams,
    body: CommitBody,
    response: CommitResult,
    handler: ({ params, body }) => review.commit(params.id, body),
  });

  ctx.routes.add(app, {
    method: 'POST',
    url: '/api/sessions/:id/merge',
    summary: 'Merge the session branch into a branch of the project (409 merge_conflict naming the files; nothing changed)',
    tag: 'review',
    params: IdParams,
    body: MergeBody,
    response: MergeResult,
    handler: ({ params, body }) => review.merge(params.id, body),
  });
}
