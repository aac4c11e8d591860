import { z } from 'zod';
import { IdParams } from '../common.js';
import { AnswerPermissionBody, ListAllPermissionsQuery, ListPermissionsQuery, Permission } from '../runner.js';
import type { RouteDef } from './def.js';

export const PermissionList = z.object({ items: z.array(Permission) });
export type PermissionList = z.infer<typeof PermissionList>;

export const permissionRoutes = {
  answerPermission: {
    method: 'POST',
    path: '/api/permissions/:id',
    summary: "Answer an agent's permission request: allow once, allow always, or reject",
    tag: 'permissions',
    params: IdParams,
    body: AnswerPermissionBody,
    response: Permission,
    status: 200,
    errors: ['already_resolved'],
  },
  listAllPermissions: {
    method: 'GET',
    path: '/api/permissions',
    summary: "Every session's permission requests, newest first (filter by status)",
    tag: 'permissions',
    query: ListAllPermissionsQuery,
    response: PermissionList,
    status: 200,
    errors: [],
  },
  listPermissions: {
    method: 'GET',
    path: '/api/sessions/:id/permissions',
    summary: "A session's permission requests (filter by status)",
    tag: 'permissions',
    params: IdParams,
    query: ListPermissionsQuery,
    response: PermissionList,
    status: 200,
    errors: [],
  },
} as const satisfies Record<string, RouteDef>;
