import { z } from 'zod';
import { IdParams } from '../common.js';
import { CreateProjectBody, Project } from '../rest.js';
import { ProjectCollisions } from '../git.js';
import type { RouteDef } from './def.js';

export const ProjectList = z.object({ items: z.array(Project) });
export type ProjectList = z.infer<typeof ProjectList>;

export const projectRoutes = {
  listProjects: {
    method: 'GET',
    path: '/api/projects',
    summary: 'List projects',
    tag: 'projects',
    response: ProjectList,
    status: 200,
    errors: [],
  },
  createProject: {
    method: 'POST',
    path: '/api/projects',
    summary: 'Register the top level of a local git repository as a project',
    tag: 'projects',
    body: CreateProjectBody,
    response: Project,
    status: 201,
    errors: ['path_not_found', 'not_a_directory', 'not_a_git_repository', 'not_repository_root', 'conflict'],
  },
  getProject: {
    method: 'GET',
    path: '/api/projects/:id',
    summary: 'Get a project',
    tag: 'projects',
    params: IdParams,
    response: Project,
    status: 200,
    errors: [],
  },
  deleteProject: {
    method: 'DELETE',
    path: '/api/projects/:id',
    summary: 'Remove a project (its sessions, chats and messages go with it; the repository is untouched)',
    tag: 'projects',
    params: IdParams,
    status: 204,
    errors: [],
  },
  getProjectCollisions: {
    method: 'GET',
    path: '/api/projects/:id/collisions',
    summary: "Overlapping pending changes between a project's open sessions",
    tag: 'review',
    params: IdParams,
    response: ProjectCollisions,
    status: 200,
    errors: [],
  },
} as const satisfies Record<string, RouteDef>;
