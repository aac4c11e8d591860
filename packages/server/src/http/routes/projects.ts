import path from 'node:path';
import type { AppContext } from '../context.js';
import { DomainError, notFound } from '../../errors.js';
import { inField } from '../errors.js';
import type { Handlers } from '../route.js';
import { inspectRepository } from '../../git/index.js';
import { deleteProject, findProjectByPath, getProject, insertProject, listProjects } from '../../db/projects.js';
import { listSessions } from '../../db/sessions.js';

/** `~` and `~/…` as a shell reads them (another user's `~name` is not: it stays a relative name). */
export function expandHome(p: string, home: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(home, p.slice(1)) : p;
}

export function projectHandlers(ctx: AppContext): Handlers<'createProject' | 'listProjects' | 'getProject' | 'deleteProject'> {
  const { sql } = ctx;
  return {
    createProject: async ({ body }) => {
      const { root } = await inField('path', inspectRepository(expandHome(body.path, ctx.userHome)));
      const project = await insertProject(sql, { name: body.name ?? path.basename(root), path: root });
      if (!project) {
        const existing = await findProjectByPath(sql, root);
        throw new DomainError('conflict', `path: ${root} is already registered`, { project_id: existing?.id });
      }
      ctx.broker.publishUser({ type: 'project_added', project });
      ctx.log.info({ project_id: project.id, path: root }, 'project registered');
      return project;
    },
    listProjects: async () => ({ items: await listProjects(sql) }),
    getProject: async ({ params }) => (await getProject(sql, params.id)) ?? Promise.reject(notFound('project', params.id)),
    deleteProject: async ({ params }) => {
      const sessions = await listSessions(sql, { project_id: params.id });
      if (!(await deleteProject(sql, params.id))) throw notFound('project', params.id);
      ctx.broker.publishUser({ type: 'project_removed', project_id: params.id });
      // Its sessions went with it; their terminals go too (the sweep retries what fails here).
      for (const s of sessions) {
        await ctx.terminals.killSession(s.id).catch((err: unknown) => ctx.log.warn({ err, session_id: s.id }, 'killing the terminals of a deleted session failed'));
      }
    },
  };
}
