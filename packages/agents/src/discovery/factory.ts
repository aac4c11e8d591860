import type { AgentBackend, AgentInfo, CustomAgentsConfig } from '@boocode/contracts';
import { AcpBackend, type AcpBackendOptions } from '../acp/backend.js';
import type { AgentLogger } from '../external/logger.js';
import { OpenCodeBackend, type OpenCodeBackendOptions } from '../opencode/backend.js';
import { PaseoBackend, type PaseoBackendOptions } from '../paseo/backend.js';

export interface BackendFactoryOptions {
  logger?: AgentLogger;
  /** Settings of the OpenCode backend (provider config, default provider, watchdog, ...). */
  opencode?: Omit<OpenCodeBackendOptions, 'binary' | 'logger'>;
  paseo?: Omit<PaseoBackendOptions, 'bin' | 'logger'>;
  acp?: Pick<AcpBackendOptions, 'initTimeoutMs' | 'cancelGraceMs'>;
  /** The user's custom agents: their `env` is not part of AgentInfo (it may hold secrets). */
  custom?: CustomAgentsConfig;
}

/**
 * The backend for a discovered agent. One instance serves every chat of that agent: OpenCode
 * shares one server, ACP starts one process per chat inside, Paseo is stateless.
 */
export function backendFor(agent: AgentInfo, opts: BackendFactoryOptions = {}): AgentBackend {
  const [command, ...args] = agent.command;
  if (!command) throw new Error(`agent ${agent.name} has no command`);
  // A custom agent's `env` applies to whatever runs it, whichever its kind.
  const customEnv = opts.custom?.[agent.name]?.env;
  switch (agent.kind) {
    case 'opencode_server':
      return new OpenCodeBackend({ ...opts.opencode, env: { ...opts.opencode?.env, ...customEnv }, binary: command, logger: opts.logger });
    case 'paseo':
      return new PaseoBackend({ ...opts.paseo, env: { ...opts.paseo?.env, ...customEnv }, bin: command, logger: opts.logger });
    case 'acp':
      return new AcpBackend({
        ...opts.acp,
        name: agent.name,
        command: { command, args, env: customEnv },
        logger: opts.logger,
      });
    case 'native':
      throw new Error('the native agent is not an external backend');
  }
}
