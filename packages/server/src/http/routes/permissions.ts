import { AnswerPermissionBody, IdParams, ListPermissionsQuery, Permission } from '@boocode/contracts';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { ApiError, notFound } from '../errors.js';
import { getSession } from '../../db/sessions.js';

export function registerPermissionRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { permissions } = ctx;

  ctx.routes.add(app, {
    method: 'POST',
    url: '/api/permissions/:id',
    summary: "Answer an agent's permission request: allow once, allow always, or reject",
    tag: 'permissions',
    params: IdParams,
    body: AnswerPermissionBody,
    response: Permission,
    handler: async ({ params, body }) => {
      const answered = await permissions.answer(params.id, body.decision, 'user');
      if (answered) return answered;
      const existing = await permissions.get(params.id);
      if (!existing) throw notFound('permission request', params.id);
      throw new ApiError(409, 'already_resolved', `permission request ${params.id} is already ${existing.status}`, { status: existing.status, decision: existing.decision });
    },
  });

  ctx.routes.add(app, {
    method: 'GET',
    url: '/api/sessions/:id/permissions',
    summary: "A session's permission requests (filter by status)",
    tag: 'permissions',
    params: IdParams,
    query: ListPermissionsQuery,
    response: z.object({ items: z.array(Permission) }),
    handler: async ({ params, query }) => {
      if (!(await getSession(ctx.sql, params.id))) throw notFound('session', params.id);
      return { items: await permissions.list(params.id, query.status) };
    },
  });
}
