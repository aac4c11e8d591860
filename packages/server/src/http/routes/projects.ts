import path from 'node:path';
import { CreateProjectBody, IdParams, Project } from '@boocode/contracts';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { ApiError, notFound } from '../errors.js';
import { resolveRepository } from '../../projects/git-repo.js';
import { deleteProject, findProjectByPath, getProject, insertProject, listProjects } from '../../db/projects.js';

export function registerProjectRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { sql } = ctx;

  ctx.routes.add(app, {
    method: 'POST',
    url: '/api/projects',
    summary: 'Register a local git repository as a project',
    tag: 'projects',
    body: CreateProjectBody,
    response: Project,
    status: 201,
    handler: async ({ body }) => {
      const repo = await resolveRepository(body.path);
      const project = await insertProject(sql, { name: body.name ?? path.basename(repo), path: repo });
      if (!project) {
        const existing = await findProjectByPath(sql, repo);
        throw new ApiError(409, 'conflict', `path: ${repo} is already registered`, { project_id: existing?.id });
      }
      ctx.broker.publishUser({ type: 'project_added', project });
      ctx.log.info({ project_id: project.id, path: repo }, 'project registered');
      return project;
    },
  });

  ctx.routes.add(app, {
    method: 'GET',
    url: '/api/projects',
    summary: 'List projects',
    tag: 'projects',
    response: z.object({ items: z.array(Project) }),
    handler: async () => ({ items: await listProjects(sql) }),
  });

  ctx.routes.add(app, {
    method: 'GET',
    url: '/api/projects/:id',
    summary: 'Get a project',
    tag: 'projects',
    params: IdParams,
    response: Project,
    handler: async ({ params }) => (await getProject(sql, params.id)) ?? Promise.reject(notFound('project', params.id)),
  });

  ctx.routes.add(app, {
    method: 'DELETE',
    url: '/api/projects/:id',
    summary: 'Remove a project (its sessions, chats and messages go with it; the repository is untouched)',
    tag: 'projects',
    params: IdParams,
    handler: async ({ params }) => {
      if (!(await deleteProject(sql, params.id))) throw notFound('project', params.id);
      ctx.broker.publishUser({ type: 'project_removed', project_id: params.id });
    },
  });
}
