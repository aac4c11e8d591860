import { MessageNotice, PlanEntry as PlanEntrySchema, ToolOffsets } from '@boocode/contracts';
import type {
  AgentCommand,
  AgentConfigOption,
  Chat,
  ContextUsage,
  InFlightTurn,
  Message,
  PendingChange,
  PermissionOption,
  PlanEntry,
  Session,
  SessionFrame,
  Subagent,
  TaskStatus,
  TurnUsage,
} from '@boocode/contracts';

/** What the chat shows of one tool call; fed by `tool_trace_*` frames. */
export interface ToolCallView {
  traceId: string;
  toolCallId: string;
  name: string;
  input: Record<string, unknown>;
  output: string | null;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  latencyMs: number | null;
  turn: number;
  /** The background agents this call spawned, as the traces API names them. */
  subagentIds?: string[];
}

export interface PermissionView {
  permissionId: string;
  chatId: string;
  /** The turn's message; null when the request came before one existed. */
  messageId: string | null;
  toolCallId: string | null;
  title: string;
  kind: string | null;
  options: PermissionOption[];
  /** Set once answered (in this tab, another tab, by policy, or by cancellation). */
  resolved: { outcome: string; decidedBy: 'user' | 'policy' | 'cancelled' } | null;
}

export interface NoticeView {
  severity: string;
  title: string;
  description: string | null;
  /** Where in the turn it came (see `MessageNotice`): drawn between those steps; null (older turns): first. */
  place: { at: number; tools: number } | null;
}

/** What the agent behind a chat last reported about its own session. */
export interface ChatAgentView {
  agent: string | null;
  title: string | null;
  options: AgentConfigOption[];
  context: ContextUsage | null;
  /** Slash commands the agent offers. */
  commands: AgentCommand[];
  mode: string | null;
}

/**
 * A message plus what the stream adds to it. `content_seq` is kept up to date: the seq of the
 * last delta its text holds (the stored copy's, then each delta applied on top).
 */
export interface UiMessage extends Message {
  tools: ToolCallView[];
  plan: PlanEntry[] | null;
  notices: NoticeView[];
  /** Why the turn failed, from `message_complete.error`. */
  error: string | null;
}

export interface ChatLog {
  /** Oldest first. */
  messages: UiMessage[];
  /** `before` cursor for older history; null when the start of the chat is loaded. */
  olderCursor: string | null;
  /** false until the first REST page arrived. */
  loaded: boolean;
}

export interface TaskView {
  status: TaskStatus;
  chatId: string | null;
  error: string | null;
}

export interface DiffSummary {
  changeId: string;
  files: number;
  additions: number;
  deletions: number;
  status: PendingChange['status'];
}

/** Tool calls of one turn fetched from `GET /api/chats/:id/traces?turn=N`. */
export interface TurnTraces {
  items: ToolCallView[];
  /** More calls of this turn to fetch; null when all are here. */
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
}

export type Collision = Extract<SessionFrame, { type: 'collision_warning' }>['collisions'][number];

export interface SessionState {
  session: Session | null;
  chats: Chat[];
  logs: Record<string, ChatLog>;
  inFlight: InFlightTurn[];
  tasks: Record<string, TaskView>;
  permissions: PermissionView[];
  chatAgents: Record<string, ChatAgentView>;
  diff: DiffSummary | null;
  /** The session's pending change (`GET /api/sessions/:id/changes`); undefined until fetched. */
  change: PendingChange | null | undefined;
  collisions: Collision[];
  /** Per-turn usage of each loaded chat (`GET /api/chats/:id/usage`). */
  usage: Record<string, TurnUsage[]>;
  /** Fetched tool calls, keyed by `traceKey(chatId, turn)`. */
  traces: Record<string, TurnTraces>;
  /** Tail of the worktree setup output, bounded. */
  setupOutput: string;
  lastError: { code: string; message: string } | null;
  /** The session's background subagents (fetched by their pane, then kept by `subagent` frames). */
  subagents: Record<string, Subagent>;
}

export const SETUP_OUTPUT_LIMIT = 32_000;

export const emptySessionState = (): SessionState => ({
  subagents: {},
  session: null,
  chats: [],
  logs: {},
  inFlight: [],
  tasks: {},
  permissions: [],
  chatAgents: {},
  diff: null,
  change: undefined,
  collisions: [],
  usage: {},
  traces: {},
  setupOutput: '',
  lastError: null,
});

export const emptyLog = (): ChatLog => ({ messages: [], olderCursor: null, loaded: false });

const PlanList = PlanEntrySchema.array();

/** What the runner keeps in an assistant message's metadata: its plan, notices and error. */
export function fromMetadata(meta: Record<string, unknown>): { plan: PlanEntry[] | null; notices: NoticeView[]; error: string | null } {
  const plan = PlanList.safeParse(meta.plan);
  const notices = Array.isArray(meta.notices)
    ? meta.notices.flatMap((n: unknown): NoticeView[] => {
        const parsed = MessageNotice.safeParse(typeof n === 'object' && n !== null ? { severity: 'info', ...n } : n);
        if (!parsed.success) return [];
        const { severity, title, description, at, tools } = parsed.data;
        return [{ severity, title, description: description ?? null, place: at !== undefined && tools !== undefined ? { at, tools } : null }];
      })
    : [];
  return { plan: plan.success ? plan.data : null, notices, error: typeof meta.error === 'string' ? meta.error : null };
}

/** Where in the message text each tool call happened (see `ToolOffsets`); empty when not recorded. */
export function toolOffsets(m: Pick<Message, 'metadata'>): ToolOffsets {
  // Most messages have none: skip building a validation error for each of them.
  if (m.metadata.tool_offsets === undefined) return NO_OFFSETS;
  const parsed = ToolOffsets.safeParse(m.metadata.tool_offsets);
  return parsed.success ? parsed.data : NO_OFFSETS;
}
const NO_OFFSETS: ToolOffsets = Object.freeze({});

export const toUiMessage = (m: Message, previous?: UiMessage): UiMessage => {
  const meta = fromMetadata(m.metadata);
  // A stored copy can lag the stream by a write: offsets seen live are kept.
  const offsets = previous ? { ...toolOffsets(previous), ...toolOffsets(m) } : null;
  return {
    ...m,
    ...(offsets && Object.keys(offsets).length ? { metadata: { ...m.metadata, tool_offsets: offsets } } : {}),
    // REST messages carry no tool calls; keep what the stream already told us.
    tools: previous?.tools ?? [],
    plan: previous?.plan ?? meta.plan,
    // The stored list lags the stream by at most a write: the longer list holds the other.
    notices: previous && previous.notices.length > meta.notices.length ? previous.notices : meta.notices,
    error: previous?.error ?? meta.error,
  };
};

export const isTerminalTask = (s: TaskStatus): boolean =>
  s === 'completed' || s === 'failed' || s === 'cancelled' || s === 'timed_out';

export const traceKey = (chatId: string, turn: number): string => `${chatId}:${turn}`;
