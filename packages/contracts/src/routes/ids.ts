import { z } from 'zod';
import { commaList, Id } from '../common.js';
import type { RouteDef } from './def.js';

/** What a short id may name. */
export const IdKind = z.enum(['project', 'session', 'chat', 'task', 'permission', 'workflow_run']);
export type IdKind = z.infer<typeof IdKind>;

/** The most matches a lookup returns: enough to show why a prefix is ambiguous. */
export const ID_MATCH_LIMIT = 10;

/** The start of an id: 4 to 32 hex digits, hyphens where the id has them or none at all. */
export const IdPrefix = z
  .string()
  .regex(/^[0-9a-fA-F-]+$/, 'must be hex digits of an id')
  .refine((s) => {
    const digits = s.replace(/-/g, '').length;
    return digits >= 4 && digits <= 32;
  }, 'must have 4 to 32 hex digits');

export const ResolveIdsQuery = z.object({
  prefix: IdPrefix,
  /** Comma-separated; all kinds when left out. */
  kinds: commaList(IdKind).optional(),
});

export const IdMatch = z.object({ kind: IdKind, id: Id });
export type IdMatch = z.infer<typeof IdMatch>;
export const IdMatches = z.object({ items: z.array(IdMatch) });
export type IdMatches = z.infer<typeof IdMatches>;

export const idRoutes = {
  resolveIds: {
    method: 'GET',
    path: '/api/ids',
    summary: `The ids that start with a prefix, of the kinds asked for (at most ${ID_MATCH_LIMIT}): how clients take short ids, as git does`,
    tag: 'meta',
    query: ResolveIdsQuery,
    response: IdMatches,
    status: 200,
    errors: [],
  },
} as const satisfies Record<string, RouteDef>;
