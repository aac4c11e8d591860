import { ID_MATCH_LIMIT, type IdKind, type IdMatch } from '@boocode/contracts';
import type { Sql } from './connection.js';

/** The uuids that start with `hex` lie between these two: a range the primary key index answers. */
function uuidRange(hex: string): [string, string] {
  const asUuid = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  return [asUuid(hex.padEnd(32, '0')), asUuid(hex.padEnd(32, 'f'))];
}

/** Ids of each kind starting with `prefix` (hex digits, hyphens ignored), at most ID_MATCH_LIMIT in all. */
export async function resolveIds(sql: Sql, prefix: string, kinds: readonly IdKind[]): Promise<IdMatch[]> {
  const [lo, hi] = uuidRange(prefix.replace(/-/g, '').toLowerCase());
  const want = new Set(kinds);
  // One fixed statement per kind: table names are never spliced in from a request.
  const queries: Record<IdKind, () => Promise<{ id: string }[]>> = {
    project: () => sql`SELECT id FROM projects WHERE id BETWEEN ${lo} AND ${hi} ORDER BY id LIMIT ${ID_MATCH_LIMIT}`,
    session: () => sql`SELECT id FROM sessions WHERE id BETWEEN ${lo} AND ${hi} ORDER BY id LIMIT ${ID_MATCH_LIMIT}`,
    chat: () => sql`SELECT id FROM chats WHERE id BETWEEN ${lo} AND ${hi} ORDER BY id LIMIT ${ID_MATCH_LIMIT}`,
    task: () => sql`SELECT id FROM tasks WHERE id BETWEEN ${lo} AND ${hi} ORDER BY id LIMIT ${ID_MATCH_LIMIT}`,
    permission: () => sql`SELECT id FROM permissions WHERE id BETWEEN ${lo} AND ${hi} ORDER BY id LIMIT ${ID_MATCH_LIMIT}`,
    workflow_run: () => sql`SELECT id FROM workflow_runs WHERE id BETWEEN ${lo} AND ${hi} ORDER BY id LIMIT ${ID_MATCH_LIMIT}`,
  };
  const matches: IdMatch[] = [];
  for (const kind of Object.keys(queries) as IdKind[]) {
    if (!want.has(kind)) continue;
    for (const row of await queries[kind]()) matches.push({ kind, id: row.id });
  }
  return matches.slice(0, ID_MATCH_LIMIT);
}
