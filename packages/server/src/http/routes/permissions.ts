import type { Handlers } from '../route.js';
import type { AppContext } from '../context.js';
import { DomainError, notFound } from '../../errors.js';
import { getSession } from '../../db/sessions.js';

export function permissionHandlers(ctx: AppContext): Handlers<'answerPermission' | 'listAllPermissions' | 'listPermissions'> {
  const { permissions } = ctx;
  return {
    answerPermission: async ({ params, body }) => {
      const answered = await permissions.answer(params.id, body.decision, 'user');
      if (answered) return answered;
      const existing = await permissions.get(params.id);
      if (!existing) throw notFound('permission request', params.id);
      throw new DomainError('already_resolved', `permission request ${params.id} is already ${existing.status}`, { status: existing.status, decision: existing.decision });
    },
    listAllPermissions: async ({ query }) => ({ items: await permissions.listAll(query) }),
    listPermissions: async ({ params, query }) => {
      if (!(await getSession(ctx.sql, params.id))) throw notFound('session', params.id);
      return { items: await permissions.list(params.id, query.status) };
    },
  };
}
