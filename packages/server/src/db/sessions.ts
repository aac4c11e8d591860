import type { Chat, PermissionPolicy, PolicySupport, Session, SessionAttention, SessionStatus } from '@boocode/contracts';
import type { Sql } from './connection.js';
import { jsonb } from './json.js';
import { toChat, toSession, type ChatRow, type SessionRow } from './rows.js';

export interface NewSession {
  project_id: string;
  name: string;
  agent: string;
  model: string | null;
  permission_policy: PermissionPolicy;
  isolated: boolean;
  base_branch: string | null;
  /** false: `name` is a placeholder, replaced by a title from the first prompt or the agent. */
  named: boolean;
}

/** Where an automatic title comes from: what it may replace is in the migration that adds `name_source`. */
export type TitleSource = 'prompt' | 'agent';

/** A session always has a first chat, so a message can be posted right away. */
export async function insertSession(sql: Sql, s: NewSession): Promise<{ session: Session; chat: Chat }> {
  return sql.begin(async (tx) => {
    const [row] = await tx<SessionRow[]>`
      INSERT INTO sessions (project_id, name, agent, model, permission_policy, isolated, base_branch, name_source)
      VALUES (${s.project_id}, ${s.name}, ${s.agent}, ${s.model}, ${s.permission_policy}, ${s.isolated}, ${s.base_branch}, ${s.named ? 'user' : 'placeholder'})
      RETURNING *`;
    const [chat] = await tx<ChatRow[]>`INSERT INTO chats (session_id, name) VALUES (${row!.id}, 'Chat 1') RETURNING *`;
    return { session: toSession(row!), chat: toChat(chat!) };
  });
}

export async function listSessions(sql: Sql, f: { project_id?: string; status?: SessionStatus; agent?: string }): Promise<Session[]> {
  const rows = await sql<SessionRow[]>`
    SELECT * FROM sessions
    WHERE (${f.project_id ?? null}::uuid IS NULL OR project_id = ${f.project_id ?? null}::uuid)
      AND (${f.status ?? null}::text IS NULL OR status = ${f.status ?? null}::text)
      AND (${f.agent ?? null}::text IS NULL OR agent = ${f.agent ?? null}::text)
    ORDER BY created_at DESC, id`;
  return rows.map(toSession);
}

/** Which of these sessions are open (not archived, not deleted). */
export async function openSessionsAmong(sql: Sql, ids: readonly string[]): Promise<Set<string>> {
  const rows = await sql<{ id: string }[]>`SELECT id FROM sessions WHERE id = ANY(${ids as string[]}::uuid[]) AND status = 'open'`;
  return new Set(rows.map((r) => r.id));
}

export async function getSession(sql: Sql, id: string): Promise<Session | null> {
  const rows = await sql<SessionRow[]>`SELECT * FROM sessions WHERE id = ${id}`;
  return rows[0] ? toSession(rows[0]) : null;
}

export type SessionPatch = Partial<Pick<Session, 'name' | 'model' | 'mode' | 'agent' | 'permission_policy' | 'status' | 'subagent_followup'>>;

export async function updateSession(sql: Sql, id: string, patch: SessionPatch): Promise<Session | null> {
  const cols = Object.keys(patch).filter((k) => patch[k as keyof SessionPatch] !== undefined) as (keyof SessionPatch)[];
  if (cols.length === 0) return getSession(sql, id);
  // A name given by the user is kept: no automatic title replaces it.
  const rows = await sql<SessionRow[]>`
    UPDATE sessions SET ${sql(patch, cols)}, name_source = CASE WHEN ${patch.name !== undefined} THEN 'user' ELSE name_source END, updated_at = now()
    WHERE id = ${id} RETURNING *`;
  return rows[0] ? toSession(rows[0]) : null;
}

/**
 * An automatic title: the first prompt's replaces only the placeholder, the agent's anything but a
 * name the user gave. Null when nothing changed.
 */
export async function setAutomaticTitle(sql: Sql, id: string, title: string, source: TitleSource): Promise<Session | null> {
  const rows = await sql<SessionRow[]>`
    UPDATE sessions SET name = ${title}, name_source = ${source}, updated_at = now()
    WHERE id = ${id} AND name <> ${title}
      AND name_source = ANY(${source === 'prompt' ? ['placeholder'] : ['placeholder', 'prompt', 'agent']}::text[])
    RETURNING *`;
  return rows[0] ? toSession(rows[0]) : null;
}

/** What the agent's turn found about the policy; null when it was already known. */
export async function setPolicySupport(sql: Sql, id: string, support: PolicySupport): Promise<Session | null> {
  const rows = await sql<SessionRow[]>`
    UPDATE sessions SET policy_support = ${jsonb(sql, support)}, updated_at = now()
    WHERE id = ${id} AND policy_support IS DISTINCT FROM ${jsonb(sql, support)}::jsonb
    RETURNING *`;
  return rows[0] ? toSession(rows[0]) : null;
}

export async function openSessionIds(sql: Sql): Promise<string[]> {
  return (await sql<{ id: string }[]>`SELECT id FROM sessions WHERE status = 'open'`).map((r) => r.id);
}

/**
 * Sets what the session wants from its user; null when `unless` holds the present value (a
 * finished turn does not hide a permission question another chat still waits on) or nothing
 * changed. Returns the updated session otherwise.
 */
export async function setAttention(
  sql: Sql,
  id: string,
  attention: SessionAttention | null,
  opts: { only?: readonly SessionAttention[]; unless?: readonly SessionAttention[] } = {},
): Promise<Session | null> {
  const only = opts.only ? [...opts.only] : null;
  const unless = [...(opts.unless ?? [])];
  const rows = await sql<SessionRow[]>`
    UPDATE sessions SET attention = ${attention}, updated_at = now()
    WHERE id = ${id}
      AND attention IS DISTINCT FROM ${attention}
      AND (${only}::text[] IS NULL OR attention = ANY(${only}::text[]))
      AND (attention IS NULL OR NOT attention = ANY(${unless}::text[]))
    RETURNING *`;
  return rows[0] ? toSession(rows[0]) : null;
}

/** Clears "needs permission" once no question of the session is left waiting. */
export async function clearAnsweredAttention(sql: Sql, id: string): Promise<Session | null> {
  const rows = await sql<SessionRow[]>`
    UPDATE sessions SET attention = NULL, updated_at = now()
    WHERE id = ${id} AND attention = 'permission'
      AND NOT EXISTS (SELECT 1 FROM permissions p WHERE p.session_id = ${id} AND p.status = 'pending')
    RETURNING *`;
  return rows[0] ? toSession(rows[0]) : null;
}
