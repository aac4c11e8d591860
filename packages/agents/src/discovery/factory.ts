import type { AgentBackend, AgentInfo } from '@boocode/contracts';
import { backendDefinition, type BackendSettings, type CustomAgentsConfig } from '../backends/registry.js';
import type { Env } from '../external/env.js';
import { silentLogger, type AgentLogger } from '../external/logger.js';
import type { SandboxPolicy } from '../sandbox/index.js';

export interface BackendFactoryOptions {
  /** The server's environment, which every process a backend starts begins from. */
  baseEnv: Env;
  /** Each backend's settings by kind (config.json sections with env vars over them); default: none set. */
  settings?: Partial<BackendSettings>;
  /** The user's custom agents: their `env` is not part of AgentInfo (it may hold secrets). */
  custom?: CustomAgentsConfig;
  logger?: AgentLogger;
  sandbox?: SandboxPolicy;
}

/**
 * The backend for an agent `GET /api/agents` lists, built by its kind's definition. One instance
 * serves every chat of that agent: OpenCode shares one server, ACP starts one process per chat
 * inside, Paseo is stateless.
 */
export function backendFor(agent: AgentInfo, opts: BackendFactoryOptions): AgentBackend {
  const def = backendDefinition(agent.kind);
  if (def.discover && !agent.command[0]) throw new Error(`agent ${agent.name} has no command`);
  return def.create(def.settings.parse(opts.settings?.[agent.kind] ?? {}), {
    name: agent.name,
    command: agent.command,
    // A custom agent's `env` applies to whatever runs it, whichever its kind.
    env: opts.custom?.[agent.name]?.env ?? {},
    baseEnv: opts.baseEnv,
    logger: opts.logger ?? silentLogger,
    sandbox: opts.sandbox,
    timeoutSeconds: opts.custom?.[agent.name]?.timeout_seconds,
  });
}
