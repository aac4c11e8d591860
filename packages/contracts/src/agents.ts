import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { AgentBackendKind, AgentCommand, AgentConfigOption } from './agent.js';

/** Agent names are used in URLs, config keys and pool keys. */
export const AgentName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, ".", "_" or "-"');

export const AgentModel = z.object({ id: z.string(), name: z.string().optional() });
export type AgentModel = z.infer<typeof AgentModel>;

/**
 * What an agent's backend can do, so clients offer only what works (and the server refuses the rest):
 * take images in a prompt, resume its own session after a restart, switch modes, list its models,
 * report token usage.
 */
export const AgentCapabilities = z.object({
  images: z.boolean(),
  resume: z.boolean(),
  modes: z.boolean(),
  model_list: z.boolean(),
  usage: z.boolean(),
});
export type AgentCapabilities = z.infer<typeof AgentCapabilities>;

/**
 * Whether an agent's commands run in BooCode's OS sandbox: `on`, `off` (by setting, or an external
 * agent not started inside it), or `unavailable` on this machine; `detail` says why when not on.
 */
export const AgentSandbox = z.object({
  state: z.enum(['on', 'off', 'unavailable']),
  network: z.boolean(),
  detail: z.string().nullable(),
});
export type AgentSandbox = z.infer<typeof AgentSandbox>;

/** One agent as discovery found it (`GET /api/agents`). */
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
  /** Its backend's capabilities, refined by what the agent itself declared when probed (ACP `promptCapabilities`). */
  capabilities: AgentCapabilities,
  error: z.string().nullable(),
  /** Known quirks of this agent, one sentence each, for the user setting it up. */
  notes: z.array(z.string()).default([]),
  checked_at: Timestamp,
  /** Absent when the server does not say (an agent listed by an older server). */
  sandbox: AgentSandbox.optional(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

export const AgentsResponse = z.object({ items: z.array(AgentInfo) });
export type AgentsResponse = z.infer<typeof AgentsResponse>;

export const AgentNameParams = z.object({ name: AgentName });

/**
 * The models an agent offers, asked of the agent itself (`GET /api/agents/:name/models`). Empty:
 * it has no list, and a model is named in free text.
 */
export const AgentModelsResponse = z.object({ agent: AgentName, models: z.array(AgentModel), checked_at: Timestamp });
export type AgentModelsResponse = z.infer<typeof AgentModelsResponse>;

/** How full an agent's context window is (ACP `usage_update`); `cost` is the agent session's so far. */
export const ContextUsage = z.object({
  used: z.number().nonnegative(),
  size: z.number().nonnegative(),
  cost: z.number().optional(),
  currency: z.string().optional(),
});
export type ContextUsage = z.infer<typeof ContextUsage>;

/** What an agent last told BooCode about its session, kept between turns (latest value of each). */
export const AgentSessionState = z.object({
  title: z.string().nullable().optional(),
  config_options: z.array(AgentConfigOption).optional(),
  commands: z.array(AgentCommand).optional(),
  mode_id: z.string().optional(),
  context_usage: ContextUsage.optional(),
});
export type AgentSessionState = z.infer<typeof AgentSessionState>;

/** One agent's session behind a chat (`GET /api/chats/:id/agent-sessions`). */
export const ChatAgentSession = AgentSessionState.extend({
  chat_id: Id,
  agent: z.string(),
  backend: AgentBackendKind,
  status: z.enum(['idle', 'busy', 'closed', 'crashed']),
  /** The agent's own session id (opencode `ses_...`, ACP session id, Paseo agent id). */
  resume_token: z.string().nullable(),
  last_active_at: Timestamp,
});
export type ChatAgentSession = z.infer<typeof ChatAgentSession>;

export const ChatAgentSessionsResponse = z.object({ items: z.array(ChatAgentSession) });
export type ChatAgentSessionsResponse = z.infer<typeof ChatAgentSessionsResponse>;
