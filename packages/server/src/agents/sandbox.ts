import path from 'node:path';
import { probeSandbox, sandboxState, type SandboxPolicy } from '@boocode/agents';
import type { ServerConfig } from '../config/server-config.js';
import type { Logger } from '../logger.js';

/**
 * Finds out once, at start, whether agent commands can be confined here, and says so: a machine
 * without a working bubblewrap runs them unconfined (or refuses them when the sandbox is required).
 */
export async function sandboxPolicy(config: ServerConfig, log: Logger): Promise<SandboxPolicy> {
  const probe = config.sandbox.mode === 'off' ? ({ available: false, reason: 'switched off' } as const) : await probeSandbox(config.env.PATH ?? '');
  const policy: SandboxPolicy = { settings: config.sandbox, probe, hide: [config.home], agentHomes: path.join(config.home, 'sandbox-homes') };
  const state = sandboxState(policy);
  const fields = { sandbox: state.state, network: state.network, mode: config.sandbox.mode, agents: config.sandbox.agents };
  if (state.state === 'on') log.info(fields, 'sandbox: agent commands run in bubblewrap');
  else log.warn({ ...fields, reason: state.detail }, 'sandbox: agent commands are NOT confined');
  return policy;
}
