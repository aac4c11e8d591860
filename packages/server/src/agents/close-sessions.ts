import type { AgentSessionHandle } from '@boocode/contracts';
import type { Sql } from '../db/connection.js';
import { closeAgentSessions, resumableAgentSessions } from '../db/agent-sessions.js';
import { chatIdsOf } from '../db/chats.js';
import type { Logger } from '../logger.js';
import type { BackendPool } from './backend-pool.js';
import type { AgentRegistry } from './registry.js';

export interface CloseAgentsDeps {
  sql: Sql;
  pool: BackendPool;
  registry: AgentRegistry;
  log: Logger;
}

const keyOf = (chatId: string, agent: string) => `${chatId}\u0000${agent}`;

/**
 * A session was archived: ends the agent sessions of all its chats for good (`closeSession`).
 * Warm ones go through the pool; the ones only the database still knows (evicted when idle, or
 * from before a restart) get a handle rebuilt from `agent_sessions`, because Paseo must archive
 * its agent either way. Failures are logged: archiving the session never fails because of them.
 */
export async function closeSessionAgents(deps: CloseAgentsDeps, sessionId: string): Promise<void> {
  const { sql, pool, registry, log } = deps;
  const chatIds = await chatIdsOf(sql, sessionId);
  if (chatIds.length === 0) return;
  const warm = new Set((await pool.closeChatSessions(chatIds)).map((h) => keyOf(h.key.chatId, h.key.agent)));
  const stored = await resumableAgentSessions(sql, chatIds);
  for (const row of stored) {
    if (warm.has(keyOf(row.chat_id, row.agent))) continue;
    const handle: AgentSessionHandle = {
      key: { chatId: row.chat_id, agent: row.agent },
      backend: row.backend,
      root: row.root ?? '',
      model: null,
      resumeToken: row.resume_token,
    };
    try {
      await (await registry.backendFor(row.agent)).closeSession(handle);
    } catch (err) {
      log.warn({ err, chat_id: row.chat_id, agent: row.agent }, 'closing a stored agent session failed');
    }
  }
  await closeAgentSessions(sql, chatIds);
}
