import { z } from 'zod';
import { Timestamp } from './common.js';
import { AgentBackendKind } from './agent.js';

/** Agent names are used in URLs, config keys and pool keys. */
export const AgentName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, ".", "_" or "-"');

/**
 * A user-defined agent in `BOOCODE_HOME/config.json` (`{"agents": {"<name>": {...}}}`), e.g.
 * `{"command": "my-agent", "args": ["--acp"], "env": {"MY_KEY": "..."}, "kind": "acp"}`.
 */
export const CustomAgentConfig = z.object({
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  kind: z.enum(['acp', 'opencode_server', 'paseo']).default('acp'),
  label: z.string().min(1).optional(),
});
export type CustomAgentConfig = z.infer<typeof CustomAgentConfig>;

export const CustomAgentsConfig = z.record(AgentName, CustomAgentConfig);
export type CustomAgentsConfig = z.infer<typeof CustomAgentsConfig>;

export const AgentModel = z.object({ id: z.string(), name: z.string().optional() });
export type AgentModel = z.infer<typeof AgentModel>;

/** One external agent as discovery found it (`GET /api/agents`). */
export const AgentInfo = z.object({
  name: AgentName,
  label: z.string(),
  kind: AgentBackendKind,
  /** Installed and answering; `error` says why not. */
  available: z.boolean(),
  version: z.string().nullable(),
  /** Real path of the executable. */
  install_path: z.string().nullable(),
  /** How it is started: executable and arguments (ACP agents speak on its stdio). */
  command: z.array(z.string()),
  /** Models the agent reports (empty when it reports none or models were not probed). */
  models: z.array(AgentModel),
  custom: z.boolean(),
  error: z.string().nullable(),
  checked_at: Timestamp,
});
export type AgentInfo = z.infer<typeof AgentInfo>;

export const AgentsResponse = z.object({ items: z.array(AgentInfo) });
export type AgentsResponse = z.infer<typeof AgentsResponse>;
