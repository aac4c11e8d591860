import type { Session } from '@boocode/contracts';
import { sessionAgentStates } from '../db/agent-sessions.js';
import type { Sql } from '../db/connection.js';
import { DomainError } from '../errors.js';
import type { AgentRegistry } from './registry.js';

/**
 * Refuses a mode the session's agent cannot take. The modes offered are the ones the agent itself
 * reported for this session (its `mode` setting), so a mode can be chosen once the agent has run a
 * turn; an agent without modes (the native agent) never takes one.
 */
export async function checkSessionMode(sql: Sql, registry: AgentRegistry, session: Session, agent: string, mode: string): Promise<void> {
  const caps = await registry.capabilities(agent);
  if (caps && !caps.modes) throw new DomainError('setting_unsupported', `${agent} has no modes to choose from`);
  const offered = new Set<string>();
  for (const state of await sessionAgentStates(sql, session.id, agent)) {
    for (const o of state.config_options ?? []) if (o.category === 'mode') for (const v of o.values) offered.add(v.value);
  }
  if (offered.size === 0) {
    throw new DomainError('setting_unsupported', `${agent} has not reported any modes in this session yet: send a message first, then choose a mode`);
  }
  if (!offered.has(mode)) throw new DomainError('setting_unsupported', `${agent} has no mode "${mode}"; its modes: ${[...offered].join(', ')}`);
}
