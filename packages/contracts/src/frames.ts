import { z } from 'zod';
import { Id, Timestamp, Usage } from './common.js';
import { AgentCommand, AgentConfigOption, PermissionOption, PlanEntry, ToolStatus } from './agent.js';
import { Chat, Message, MessageRole, MessageStatus, Project, Session, TaskStatus } from './rest.js';
import { PendingChangeStatus } from './git.js';
import { ContextUsage } from './agents.js';
import { WorkflowRun, WorkflowRunAgent } from './workflows.js';
import { Subagent } from './subagents.js';

/**
 * Frames on the per-session WebSocket. The server adds `seq` (monotonic per session)
 * and `session_id`. New frame types are additive; new fields are optional; nothing is removed
 * (test/frames-snapshot.json guards it).
 */
const chatRef = { chat_id: Id };
const msgRef = { chat_id: Id, message_id: Id };

export const InFlightTurn = z.object({
  task_id: Id,
  chat_id: Id,
  message_id: Id,
  turn: z.number().int(),
  agent: z.string(),
  model: z.string().nullable(),
  started_at: Timestamp,
  awaiting_permission: z.boolean().default(false),
});
export type InFlightTurn = z.infer<typeof InFlightTurn>;

export const SessionFramePayload = z.discriminatedUnion('type', [
  /** A whole message stored at once (user messages). */
  z.object({ type: z.literal('message_created'), message: Message }),
  z.object({
    type: z.literal('message_started'),
    ...msgRef,
    role: MessageRole,
    task_id: Id.nullable(),
    turn: z.number().int().nullable(),
    model: z.string().nullable(),
    agent: z.string().nullable().optional(),
    started_at: Timestamp,
    /** Set when an interrupted turn continues in this (already started) message after a restart. */
    resumed_at: Timestamp.optional(),
    /** With `resumed_at`: the message's text and reasoning are cut back to this many characters (the rest is said again). */
    content_chars: z.number().int().nonnegative().optional(),
    reasoning_chars: z.number().int().nonnegative().optional(),
  }),
  z.object({ type: z.literal('message_delta'), ...msgRef, text: z.string() }),
  /** A message removed: the empty answer of an attempt that will be retried. */
  z.object({ type: z.literal('message_deleted'), ...msgRef }),
  z.object({ type: z.literal('reasoning_delta'), ...msgRef, text: z.string() }),
  z.object({
    type: z.literal('message_complete'),
    ...msgRef,
    status: MessageStatus,
    finished_at: Timestamp,
    usage: Usage.optional(),
    /** False when the agent reported no usage: `usage` is unknown, not zero. */
    usage_reported: z.boolean().optional(),
    error: z.string().nullable().optional(),
  }),
  z.object({
    type: z.literal('task_state'),
    task_id: Id,
    chat_id: Id.nullable(),
    status: TaskStatus,
    error: z.string().nullable().optional(),
  }),
  z.object({
    type: z.literal('tool_trace_start'),
    ...msgRef,
    trace_id: Id,
    tool_call_id: z.string(),
    tool_name: z.string(),
    tool_input: z.record(z.string(), z.unknown()),
    turn: z.number().int(),
    started_at: Timestamp,
  }),
  z.object({
    type: z.literal('tool_trace_update'),
    ...msgRef,
    trace_id: Id,
    status: ToolStatus,
    tool_input: z.record(z.string(), z.unknown()).optional(),
    tool_output: z.string().nullable().optional(),
  }),
  z.object({
    type: z.literal('tool_trace_finish'),
    ...msgRef,
    trace_id: Id,
    tool_call_id: z.string(),
    tool_name: z.string(),
    tool_output: z.string().nullable(),
    latency_ms: z.number().nullable(),
    error: z.string().nullable(),
    outcome: z.enum(['success', 'error', 'cancelled']),
    finished_at: Timestamp,
  }),
  z.object({
    type: z.literal('usage'),
    ...msgRef,
    turn: z.number().int(),
    usage: Usage,
    model: z.string().nullable(),
  }),
  z.object({
    type: z.literal('permission_request'),
    ...msgRef,
    permission_id: Id,
    tool_call_id: z.string().nullable(),
    title: z.string(),
    kind: z.string().nullable(),
    options: z.array(PermissionOption),
  }),
  z.object({
    type: z.literal('permission_resolved'),
    ...chatRef,
    permission_id: Id,
    outcome: z.string(),
    decided_by: z.enum(['user', 'policy', 'cancelled']),
  }),
  z.object({ type: z.literal('plan'), ...msgRef, entries: z.array(PlanEntry) }),
  z.object({ type: z.literal('commands'), ...chatRef, commands: z.array(AgentCommand) }),
  z.object({ type: z.literal('mode_changed'), ...chatRef, mode_id: z.string() }),
  /** The agent's settings (model, mode, ...) with their choices and current values; the whole list each time. */
  z.object({ type: z.literal('config_options'), ...chatRef, agent: z.string(), options: z.array(AgentConfigOption) }),
  /** How full the agent's context window is; `cost` is what the agent session has cost so far (not this turn). */
  z.object({ type: z.literal('context_usage'), ...msgRef, ...ContextUsage.shape }),
  /** Something the agent wants the user to know that is not part of the answer (compaction, warnings). */
  z.object({
    type: z.literal('notice'),
    ...msgRef,
    severity: z.string(),
    title: z.string(),
    description: z.string().optional(),
  }),
  /** The agent named (or un-named: null) its own session; BooCode's chat name is unchanged. */
  z.object({ type: z.literal('agent_title'), ...chatRef, agent: z.string(), title: z.string().nullable() }),
  z.object({ type: z.literal('agent_snapshot'), in_flight: z.array(InFlightTurn) }),
  /**
   * `snapshot` and `agent_snapshot` open a connection and are outside the sequence: they carry
   * the seq the stream is at. After `snapshot` the client refetches state from the REST API.
   */
  z.object({ type: z.literal('snapshot'), reason: z.enum(['connect', 'too_far_behind']) }),
  z.object({ type: z.literal('chat_created'), chat: Chat }),
  z.object({ type: z.literal('chat_renamed'), ...chatRef, name: z.string() }),
  z.object({ type: z.literal('session_updated'), session: Session }),
  z.object({
    type: z.literal('setup_output'),
    stream: z.enum(['stdout', 'stderr']),
    text: z.string(),
  }),
  z.object({
    type: z.literal('diff_updated'),
    change_id: Id,
    files: z.number().int(),
    additions: z.number().int(),
    deletions: z.number().int(),
    /**
     * Where the change stands. `pending` (or absent, from older servers): the session's new pending
     * change. `applied` / `rejected` / `merged`: that change left review and the session has no
     * pending change until its next turn; the counts are the settled change's.
     */
    status: PendingChangeStatus.optional(),
  }),
  z.object({
    type: z.literal('collision_warning'),
    collisions: z.array(
      z.object({
        file: z.string(),
        severity: z.enum(['same_line', 'adjacent_line', 'different_area']),
        other_session_id: Id,
        ranges: z.array(z.tuple([z.number().int(), z.number().int()])),
        other_ranges: z.array(z.tuple([z.number().int(), z.number().int()])),
      }),
    ),
  }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  /** A workflow run of the session was created or changed: queued, running, cancel asked, finished. */
  z.object({ type: z.literal('workflow_run'), run: WorkflowRun }),
  /** The run's script called `phase(title)`. */
  z.object({ type: z.literal('workflow_phase'), run_id: Id, title: z.string() }),
  /**
   * One `agent()` call of a run: `running` once its task is queued (again for each schema retry,
   * with the attempt number), then how it ended; `cached` when its result came from the journal.
   */
  z.object({
    type: z.literal('workflow_agent'),
    run_id: Id,
    position: z.number().int().nonnegative(),
    label: z.string().nullable(),
    phase: z.string().nullable(),
    status: WorkflowRunAgent.shape.status,
    cached: z.boolean(),
    task_id: Id.nullable(),
    attempt: z.number().int().nonnegative(),
    usage: Usage.optional(),
    error: z.string().nullable().optional(),
    /** The agent and model its task runs with, on `running` frames (absent from older servers). */
    agent: z.string().optional(),
    model: z.string().nullable().optional(),
  }),
  /** The run's script called `log()` (or the runtime reports something about it). */
  z.object({
    type: z.literal('workflow_log'),
    run_id: Id,
    message: z.string(),
    /** The line's number in the run, as GET /api/workflow-runs/:id/logs has it (absent from older servers). */
    line: z.number().int().positive().optional(),
  }),
  /** A background subagent of the session was spawned, started or ended. */
  z.object({ type: z.literal('subagent'), subagent: Subagent }),
]);
export type SessionFramePayload = z.infer<typeof SessionFramePayload>;

export const SessionFrame = z.intersection(
  z.object({ seq: z.number().int().nonnegative(), session_id: Id, ts: Timestamp }),
  SessionFramePayload,
);
export type SessionFrame = z.infer<typeof SessionFrame>;

/** Frames on the user-level WebSocket `/api/events` (cross-session notifications). */
export const UserFramePayload = z.discriminatedUnion('type', [
  z.object({ type: z.literal('project_added'), project: Project }),
  z.object({ type: z.literal('project_removed'), project_id: Id }),
  z.object({ type: z.literal('session_created'), session: Session }),
  z.object({ type: z.literal('session_updated'), session: Session }),
  z.object({
    type: z.literal('session_activity'),
    session_id: Id,
    project_id: Id,
    activity: z.enum(['idle', 'running', 'awaiting_permission', 'failed']),
  }),
  z.object({
    type: z.literal('task_state'),
    task_id: Id,
    session_id: Id.nullable(),
    chat_id: Id.nullable(),
    status: TaskStatus,
    error: z.string().nullable().optional(),
  }),
  z.object({ type: z.literal('snapshot'), reason: z.enum(['connect', 'too_far_behind']) }),
]);
export type UserFramePayload = z.infer<typeof UserFramePayload>;

export const UserFrame = z.intersection(
  z.object({ seq: z.number().int().nonnegative(), ts: Timestamp }),
  UserFramePayload,
);
export type UserFrame = z.infer<typeof UserFrame>;

/**
 * Version of the WebSocket protocol, sent in `hello`. Frames are append-only: types and fields
 * are only ever added (a client ignores types it does not know), so any client works with a newer
 * server; the number goes up with each addition, so a client can tell what to expect.
 * 2: workflow runs (`workflow_run`, `workflow_phase`, `workflow_agent`, `workflow_log`).
 * 3: background subagents (`subagent`).
 * 4: `workflow_agent` names the agent and model of a queued agent.
 */
export const PROTOCOL_VERSION = 4;

/**
 * Names a server may list in `hello.capabilities`; a client ignores names it does not know.
 * `replay`: reconnecting with `after_seq` resends the frames missed (else a `too_far_behind`
 * snapshot). `agent_snapshot`: the session stream opens with the turns in flight.
 * `session_activity`: the user stream sends the busy sessions right after its snapshot.
 */
export const StreamCapability = {
  Replay: 'replay',
  AgentSnapshot: 'agent_snapshot',
  SessionActivity: 'session_activity',
} as const;

/** The first frame on every WebSocket, before any replayed or snapshot frame. It has no seq. */
export const HelloFrame = z.object({
  type: z.literal('hello'),
  protocol: z.number().int().positive(),
  /** The server's version. */
  server: z.string(),
  capabilities: z.array(z.string()),
});
export type HelloFrame = z.infer<typeof HelloFrame>;

/** Every `type` a frame on each stream can have in this protocol version. */
export const SESSION_FRAME_TYPES: ReadonlySet<string> = new Set(SessionFramePayload.options.map((o) => o.shape.type.value));
export const USER_FRAME_TYPES: ReadonlySet<string> = new Set(UserFramePayload.options.map((o) => o.shape.type.value));

/** WebSocket close codes the server uses; clients reconnect with `after_seq` on these. */
export const WsCloseCode = {
  /** The client did not read fast enough; reconnect and resume from the last seq. */
  SlowConsumer: 4008,
  /** Token missing or wrong. Do not retry without a new token. */
  Unauthorized: 4401,
  ServerShutdown: 1001,
} as const;

export const StreamQuery = z.object({
  after_seq: z.coerce.number().int().nonnegative().optional(),
  token: z.string().optional(),
});
