import { z } from 'zod';
import { PolicySupport, storableText, Usage, type PermissionPolicy } from './common.js';
import { ModelCallData } from './usage.js';
import type { SubagentControl } from './subagents.js';

/** Transport kinds a backend can be. */
export const AgentBackendKind = z.enum(['native', 'opencode_server', 'acp', 'paseo', 'pty']);
export type AgentBackendKind = z.infer<typeof AgentBackendKind>;

export const TextPart = z.object({ type: z.literal('text'), text: z.string().superRefine(storableText) });
/** Image parts carry base64 data so every backend can forward them without a file system. */
export const ImagePart = z.object({
  type: z.literal('image'),
  mime_type: z.string().regex(/^image\//, 'must be an image/* MIME type').superRefine(storableText),
  data: z.string().min(1).superRefine(storableText),
});
export const InputPart = z.discriminatedUnion('type', [TextPart, ImagePart]);
export type InputPart = z.infer<typeof InputPart>;

/**
 * One message of the native agent's conversation as the model saw it (an AI SDK ModelMessage:
 * text, tool calls with ids and arguments, tool results, reasoning, images). Opaque to everything
 * but the native agent; unknown keys are kept so the message replays exactly as it was sent.
 */
export const TranscriptMessage = z.looseObject({
  role: z.enum(['user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]),
});
export type TranscriptMessage = z.infer<typeof TranscriptMessage>;

/** A turn's whole conversation: its user message and everything the model and tools answered. */
export const Transcript = z.array(TranscriptMessage).min(1);
export type Transcript = z.infer<typeof Transcript>;

/**
 * Earlier turns of the chat, for stateless backends (the native agent). An assistant entry with a
 * `transcript` stands for its whole turn (the turn's user message is then not listed separately);
 * without one (other backends, failed turns) only the final text is known.
 */
export const HistoryMessage = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  transcript: Transcript.optional(),
  /** The chat turn the entry belongs to; a compaction names the last turn it summarised. */
  turn: z.number().int().optional(),
  /** The entry is a compaction's summary of every turn up to `turn`, standing in for them. */
  summary: z.boolean().optional(),
});
export type HistoryMessage = z.infer<typeof HistoryMessage>;

/** A tool call of an interrupted turn, as recorded: its output, or null when it was cut off. */
export const ResumedCall = z.object({
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
  output: z.string().nullable(),
  error: z.string().nullable(),
});
export type ResumedCall = z.infer<typeof ResumedCall>;

/** A summary of a chat's turns up to `through_turn`, made by the model itself. */
export const Compaction = z.object({
  through_turn: z.number().int().min(1),
  summary: z.string().min(1),
  /** Estimated prompt tokens of the history before and after. */
  tokens_before: z.number().int().nonnegative(),
  tokens_after: z.number().int().nonnegative(),
  /**
   * Made while turn `through_turn` ran: the summary covers the earlier turns and that turn's first
   * steps; the turn's transcript holds only the steps after it, so later turns replay both.
   */
  within_turn: z.boolean().optional(),
});
export type Compaction = z.infer<typeof Compaction>;

/**
 * A turn interrupted by a restart, to be continued rather than answered afresh (agents that replay
 * transcripts: the native agent).
 */
export const TurnResume = z.object({
  /** The turn's conversation up to its last completed model step (from its user message on); absent when none completed. */
  transcript: Transcript.optional(),
  /** Every tool call of the turn in start order; those the transcript lacks are answered from here. */
  calls: z.array(ResumedCall),
  /** The turn compacted its context before the transcript: the summary replaces the whole history before it. */
  compaction: Compaction.optional(),
});
export type TurnResume = z.infer<typeof TurnResume>;

export const PromptInput = z.object({
  parts: z.array(InputPart).min(1),
  history: z.array(HistoryMessage).default([]),
  resume: TurnResume.optional(),
});
export type PromptInput = z.input<typeof PromptInput>;

export const ToolStatus = z.enum(['running', 'completed', 'failed']);
export type ToolStatus = z.infer<typeof ToolStatus>;

export const PermissionOptionKind = z.enum(['allow_once', 'allow_always', 'reject_once', 'reject_always']);
export type PermissionOptionKind = z.infer<typeof PermissionOptionKind>;

export const PermissionOption = z.object({
  id: z.string(),
  name: z.string(),
  kind: PermissionOptionKind,
});
export type PermissionOption = z.infer<typeof PermissionOption>;

/** What a permission request asks; the answer travels back through `respond`. */
export const PermissionRequestData = z.object({
  id: z.string(),
  tool_call_id: z.string().nullable().default(null),
  title: z.string(),
  /** 'edit' | 'execute' | 'read' | ... as the agent reports it; drives the per-session policy. */
  kind: z.string().nullable().default(null),
  input: z.unknown().optional(),
  options: z.array(PermissionOption).min(1),
});
export type PermissionRequestData = z.infer<typeof PermissionRequestData>;

export const PermissionOutcome = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('selected'), option_id: z.string(), kind: PermissionOptionKind }),
  z.object({ outcome: z.literal('cancelled') }),
]);
export type PermissionOutcome = z.infer<typeof PermissionOutcome>;

export const PlanEntry = z.object({
  content: z.string(),
  status: z.enum(['pending', 'in_progress', 'completed']),
  priority: z.enum(['high', 'medium', 'low']).optional(),
});
export type PlanEntry = z.infer<typeof PlanEntry>;

export const AgentCommand = z.object({
  name: z.string(),
  description: z.string().default(''),
  input_hint: z.string().optional(),
});
export type AgentCommand = z.infer<typeof AgentCommand>;

/** One agent setting as the agent describes it (ACP `SessionConfigOption`, flattened). */
export const AgentConfigOption = z.object({
  id: z.string(),
  name: z.string(),
  /** 'model' | 'mode' | 'thought_level' | ... as the agent reports it. */
  category: z.string().nullable(),
  type: z.enum(['select', 'boolean']),
  current_value: z.union([z.string(), z.boolean()]),
  /** Choices of a select (empty for booleans). */
  values: z.array(z.object({ value: z.string(), name: z.string() })),
});
export type AgentConfigOption = z.infer<typeof AgentConfigOption>;

/** Schemas of the data-only events (everything but the permission callback). */
export const AgentEventData = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('reasoning'), text: z.string() }),
  z.object({
    type: z.literal('tool_call'),
    id: z.string(),
    name: z.string(),
    input: z.record(z.string(), z.unknown()),
    started_at: z.string(),
  }),
  z.object({
    type: z.literal('tool_update'),
    id: z.string(),
    status: ToolStatus,
    output: z.string().optional(),
    error: z.string().optional(),
    /** Set when the agent learns the input only after the call started (ACP, opencode). */
    input: z.record(z.string(), z.unknown()).optional(),
    finished_at: z.string().optional(),
  }),
  z.object({
    type: z.literal('usage'),
    usage: Usage,
    raw: z.unknown(),
    model: z.string().optional(),
    provider: z.string().optional(),
    cost: z.number().optional(),
  }),
  z.object({ type: z.literal('plan'), entries: z.array(PlanEntry) }),
  z.object({ type: z.literal('commands'), commands: z.array(AgentCommand) }),
  z.object({ type: z.literal('mode_changed'), mode_id: z.string() }),
  /** The agent's settings (model, mode, thought level, ...) and their current values (ACP config options). */
  z.object({ type: z.literal('config_options'), options: z.array(AgentConfigOption) }),
  /** How full the agent's context window is, and what the session has cost so far (ACP usage_update). */
  z.object({
    type: z.literal('context_usage'),
    used: z.number().nonnegative(),
    size: z.number().nonnegative(),
    cost: z.number().optional(),
    currency: z.string().optional(),
  }),
  /** Something the agent wants the user to know that is not part of the answer (ACP notice, compaction). */
  z.object({
    type: z.literal('notice'),
    severity: z.string(),
    title: z.string(),
    description: z.string().optional(),
  }),
  /** One model call of the turn, with its prompt's shape where the agent knows it (the native agent). */
  z.object({ type: z.literal('model_call'), ...ModelCallData.shape }),
  /** How far the agent follows the session's permission policy, found when the session starts. */
  z.object({ type: z.literal('policy_support'), ...PolicySupport.shape }),
  /** The agent renamed its session (ACP session_info_update). */
  z.object({ type: z.literal('session_info'), title: z.string().nullable() }),
  /**
   * The turn's conversation so far, after each completed model step (the native agent): stored as it
   * happens, so a turn cut off by a restart continues from its last step instead of starting over.
   */
  z.object({
    type: z.literal('journal'),
    transcript: Transcript,
    steps: z.number().int().nonnegative(),
    /**
     * The turn compacted its context: this summary replaces every earlier message, the earlier
     * turns and the turn's own first steps, and `transcript` holds only what follows it.
     */
    compaction: Compaction.optional(),
  }),
]);
export type AgentEventData = z.infer<typeof AgentEventData>;

export type PermissionRequestEvent = {
  type: 'permission_request';
  request: PermissionRequestData;
  /** Called exactly once by whoever decides (user, policy, or cancellation). */
  respond: (outcome: PermissionOutcome) => void;
};

export type AgentEvent = AgentEventData | PermissionRequestEvent;

export const StopReason = z.enum(['end_turn', 'max_steps', 'max_tokens', 'cancelled', 'refusal', 'error']);
export type StopReason = z.infer<typeof StopReason>;

export const TurnErrorCode = z.enum([
  'rate_limited',
  'provider_error',
  'network',
  'timeout',
  'agent_crashed',
  'agent_error',
  'bad_request',
]);
export type TurnErrorCode = z.infer<typeof TurnErrorCode>;


export const TurnResult = z.object({
  ok: z.boolean(),
  stop_reason: StopReason,
  usage: Usage,
  error: z.object({ code: TurnErrorCode, message: z.string() }).optional(),
  /** The agent's own session id after the turn, when it changed (resume token). */
  resume_token: z.string().nullable().optional(),
  /** The turn's exact conversation, for agents that replay it on the next turn (the native agent). */
  transcript: Transcript.optional(),
  /** Earlier turns the agent summarised to fit its context window; later turns replay the summary instead. */
  compaction: Compaction.optional(),
});
export type TurnResult = z.infer<typeof TurnResult>;

export type BackendHealth = { status: 'up' | 'down'; detail?: string };

/** Which (chat, agent) a backend session serves. */
export interface SessionKey {
  chatId: string;
  agent: string;
}

export interface EnsureSessionOpts {
  sessionId: string;
  projectId: string;
  /** Directory the agent works in (the session worktree); every path is confined to it. */
  root: string;
  model: string | null;
  /** The agent's own session id from an earlier run, when known. */
  resumeToken: string | null;
  /**
   * The title the agent last reported for that session (BooCode stores it), for agents that title
   * their own sessions: one they repeat after a BooCode restart is then no new title.
   */
  knownTitle?: string | null;
  /** Backend-specific settings (provider, mode, env, ...). */
  config?: Record<string, unknown>;
  /** The session's permission policy, for agents that decide about permissions themselves (their mode). */
  permissionPolicy?: PermissionPolicy;
  /** BooCode's MCP server, scoped to this chat's session, for agents that take MCP servers. */
  mcp?: McpServerRef;
}

/** An MCP server reachable over Streamable HTTP, with the headers that authorize the caller. */
export interface McpServerRef {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** The same server as a command speaking MCP over stdio (`boocode mcp`), for agents that take no HTTP ones. */
  stdio?: McpStdioCommand;
}

/** A command that serves MCP over its stdin and stdout, and the environment it needs. */
export interface McpStdioCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface AgentSessionHandle {
  key: SessionKey;
  backend: AgentBackendKind;
  root: string;
  model: string | null;
  /** The agent's own session id (resume token); null until the agent assigns one. */
  resumeToken: string | null;
}

export interface PromptCtx {
  signal: AbortSignal;
  onEvent: (event: AgentEvent) => void;
  /** 1-based turn number within the chat, for logs and traces. */
  turn?: number;
  /**
   * Resolves once the tool call (its `tool_call` event) is stored. Agents that run tools themselves
   * (the native agent) start a tool only then, so a crash cannot lose the record of a call that ran.
   */
  recorded?: (toolCallId: string) => Promise<void>;
  /** Background subagents of this turn (absent where the server offers none). */
  subagents?: SubagentControl;
}

/** One agent protocol turned into AgentEvents. Backends never touch the database. */
export interface AgentBackend {
  readonly kind: AgentBackendKind;
  ensureSession(key: SessionKey, opts: EnsureSessionOpts): Promise<AgentSessionHandle>;
  prompt(handle: AgentSessionHandle, input: PromptInput, ctx: PromptCtx): Promise<TurnResult>;
  cancel(handle: AgentSessionHandle): Promise<void>;
  /** The chat is finished (archived, deleted): end the agent's session for good where that means something (Paseo archives its agent). */
  closeSession(handle: AgentSessionHandle): Promise<void>;
  /**
   * Frees what keeps the session warm (a process, a stream) and keeps the agent's own session
   * resumable with the same token. Pools call this on idle eviction, config changes and shutdown;
   * when a backend lacks it, they fall back to closeSession.
   */
  releaseSession?(handle: AgentSessionHandle): Promise<void>;
  dispose(): Promise<void>;
  /** The whole backend (for ACP: `down` while any chat's process is down). */
  health(): Promise<BackendHealth>;
  /**
   * One chat's session only. Pools use it when present, so one chat's crashed process does not
   * make them restart the warm sessions of every other chat.
   */
  sessionHealth?(handle: AgentSessionHandle): Promise<BackendHealth>;
}
