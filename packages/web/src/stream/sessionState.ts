import type {
  AgentCommand,
  Chat,
  InFlightTurn,
  Message,
  PermissionOption,
  PlanEntry,
  Session,
  SessionFrame,
  TaskStatus,
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
}

export interface PermissionView {
  permissionId: string;
  chatId: string;
  messageId: string;
  toolCallId: string | null;
  title: string;
  kind: string | null;
  options: PermissionOption[];
  /** Set once answered (in this tab, another tab, by policy, or by cancellation). */
  resolved: { outcome: string; decidedBy: 'user' | 'policy' | 'cancelled' } | null;
}

/** A message plus what the stream adds to it. */
export interface UiMessage extends Message {
  tools: ToolCallView[];
  plan: PlanEntry[] | null;
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
}

export type Collision = Extract<SessionFrame, { type: 'collision_warning' }>['collisions'][number];

export interface SessionState {
  session: Session | null;
  chats: Chat[];
  logs: Record<string, ChatLog>;
  inFlight: InFlightTurn[];
  tasks: Record<string, TaskView>;
  permissions: PermissionView[];
  commands: Record<string, AgentCommand[]>;
  modes: Record<string, string>;
  diff: DiffSummary | null;
  collisions: Collision[];
  /** Tail of the worktree setup output, bounded. */
  setupOutput: string;
  lastError: { code: string; message: string } | null;
}

export const SETUP_OUTPUT_LIMIT = 32_000;

export const emptySessionState = (): SessionState => ({
  session: null,
  chats: [],
  logs: {},
  inFlight: [],
  tasks: {},
  permissions: [],
  commands: {},
  modes: {},
  diff: null,
  collisions: [],
  setupOutput: '',
  lastError: null,
});

export const emptyLog = (): ChatLog => ({ messages: [], olderCursor: null, loaded: false });

export const toUiMessage = (m: Message, previous?: UiMessage): UiMessage => ({
  ...m,
  // REST messages carry no tool calls or plan; keep what the stream already told us.
  tools: previous?.tools ?? [],
  plan: previous?.plan ?? null,
  error: previous?.error ?? null,
});

export const isTerminalTask = (s: TaskStatus): boolean =>
  s === 'completed' || s === 'failed' || s === 'cancelled' || s === 'timed_out';
