import { AgentSessionState, type AgentBackendKind, type ChatAgentSession } from '@boocode/contracts';
import type { Sql } from './connection.js';
import { jsonb } from './json.js';
import { iso } from './rows.js';

/** The agents' own sessions behind a chat (one per agent): resume token, status, last state. */

export interface BusyAgentSession {
  chatId: string;
  agent: string;
  backend: AgentBackendKind;
  resumeToken: string | null;
  fingerprint: string | null;
  root: string;
}

/** A turn started on the agent session. */
export async function markAgentSessionBusy(sql: Sql, s: BusyAgentSession): Promise<void> {
  await sql`
    INSERT INTO agent_sessions (chat_id, agent, backend, resume_token, config_fingerprint, status, root, last_active_at)
    VALUES (${s.chatId}, ${s.agent}, ${s.backend}, ${s.resumeToken}, ${s.fingerprint}, 'busy', ${s.root}, now())
    ON CONFLICT (chat_id, agent) DO UPDATE SET backend = EXCLUDED.backend, resume_token = EXCLUDED.resume_token,
      config_fingerprint = EXCLUDED.config_fingerprint, status = 'busy', root = EXCLUDED.root, last_active_at = now()`;
}

/** A turn ended: idle again (or crashed), with the newest resume token and what the agent reported. */
export async function markAgentSessionDone(
  sql: Sql,
  s: { chatId: string; agent: string; crashed: boolean; resumeToken: string | null; state: AgentSessionState },
): Promise<void> {
  await sql`
    UPDATE agent_sessions SET last_active_at = now(),
      -- Archived while the turn ran: the agent session stays closed.
      status = CASE WHEN status = 'closed' THEN 'closed' ELSE ${s.crashed ? 'crashed' : 'idle'} END,
      resume_token = COALESCE(${s.resumeToken}, resume_token),
      state = state || ${jsonb(sql, s.state)}
    WHERE chat_id = ${s.chatId} AND agent = ${s.agent}`;
}

interface AgentSessionRow {
  chat_id: string;
  agent: string;
  backend: ChatAgentSession['backend'];
  status: ChatAgentSession['status'];
  resume_token: string | null;
  state: unknown;
  last_active_at: Date;
}

export async function listChatAgentSessions(sql: Sql, chatId: string): Promise<ChatAgentSession[]> {
  const rows = await sql<AgentSessionRow[]>`
    SELECT chat_id, agent, backend, status, resume_token, state, last_active_at FROM agent_sessions
    WHERE chat_id = ${chatId} ORDER BY created_at`;
  return rows.map((r) => {
    // Written by this server from validated events; a row an older version wrote just shows less.
    const state = AgentSessionState.safeParse(r.state);
    return {
      ...(state.success ? state.data : {}),
      chat_id: r.chat_id,
      agent: r.agent,
      backend: r.backend,
      status: r.status,
      resume_token: r.resume_token,
      last_active_at: iso(r.last_active_at),
    };
  });
}

export interface StoredAgentSession {
  chat_id: string;
  agent: string;
  backend: AgentBackendKind;
  resume_token: string;
  root: string | null;
}

/** Agent sessions of these chats that are not closed and can still be addressed (have a resume token). */
export async function resumableAgentSessions(sql: Sql, chatIds: string[]): Promise<StoredAgentSession[]> {
  return sql<StoredAgentSession[]>`
    SELECT chat_id, agent, backend, resume_token, root FROM agent_sessions
    WHERE chat_id = ANY(${chatIds}::uuid[]) AND status <> 'closed' AND resume_token IS NOT NULL`;
}

export async function closeAgentSessions(sql: Sql, chatIds: string[]): Promise<void> {
  await sql`UPDATE agent_sessions SET status = 'closed' WHERE chat_id = ANY(${chatIds}::uuid[])`;
}

/** What `agent` last reported in each chat of a session, newest first (the modes it offers, its current settings). */
export async function sessionAgentStates(sql: Sql, sessionId: string, agent: string): Promise<AgentSessionState[]> {
  const rows = await sql<{ state: unknown }[]>`
    SELECT a.state FROM agent_sessions a JOIN chats c ON c.id = a.chat_id
    WHERE c.session_id = ${sessionId} AND a.agent = ${agent} ORDER BY a.last_active_at DESC`;
  return rows.flatMap((r) => {
    const state = AgentSessionState.safeParse(r.state);
    return state.success ? [state.data] : [];
  });
}
