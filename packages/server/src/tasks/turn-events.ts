import { randomUUID } from 'node:crypto';
import { addUsage, emptyUsage, type AgentEvent, type AgentSessionState, type PermissionPolicy, type Usage } from '@boocode/contracts';
import type { Sql } from '../db/connection.js';
import { mergeMessageMetadata } from '../db/messages.js';
import { finishToolTrace, insertToolTrace, markToolTraceCancelled, setStepUsage, setToolTraceInput } from '../db/traces.js';
import type { Broker } from '../stream/broker.js';
import type { MessageWriter } from '../stream/message-writer.js';
import type { PermissionCenter } from '../permissions/center.js';
import type { Logger } from '../logger.js';

/** Tool output kept per trace row; the full text still reached the agent and the live stream. */
const MAX_TRACE_OUTPUT = 64 * 1024;

interface OpenTrace {
  id: string;
  name: string;
  startedAt: number;
}

export interface TurnIdentity {
  sessionId: string;
  projectId: string;
  chatId: string;
  messageId: string;
  taskId: string;
  turn: number;
  agent: string;
  policy: PermissionPolicy;
}

/** Events that describe the agent's state rather than answer: they do not count as first output. */
const NOT_OUTPUT = new Set<AgentEvent['type']>(['usage', 'commands', 'config_options', 'context_usage', 'session_info', 'mode_changed']);

/** PostgreSQL text and jsonb cannot hold NUL; agents' output may contain it (binary files, tools). */
const clean = (s: string) => (s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s);
const cleanJson = <T>(v: T): T => {
  const text = JSON.stringify(v);
  return text !== undefined && text.includes('\\u0000') ? (JSON.parse(text.replaceAll('\\u0000', '\\uFFFD')) as T) : v;
};

const cap = (s: string | undefined) => (s === undefined ? null : s.length > MAX_TRACE_OUTPUT ? s.slice(0, MAX_TRACE_OUTPUT) + '\n[truncated]' : s);

/**
 * The one place where AgentEvents from any backend become frames (at once) and rows (in order,
 * off the hot path). Every backend gets traces, usage and permissions through it.
 */
function sanitize(e: AgentEvent): AgentEvent {
  switch (e.type) {
    case 'text':
    case 'reasoning':
      return { ...e, text: clean(e.text) };
    case 'tool_call':
      return { ...e, name: clean(e.name), input: cleanJson(e.input) };
    case 'tool_update':
      return {
        ...e,
        ...(e.output !== undefined ? { output: clean(e.output) } : {}),
        ...(e.error !== undefined ? { error: clean(e.error) } : {}),
        ...(e.input !== undefined ? { input: cleanJson(e.input) } : {}),
      };
    default:
      return e;
  }
}

export class TurnEvents {
  readonly startedAt = Date.now();
  firstOutputAt: number | null = null;
  usage: Usage = emptyUsage();
  readonly raw: unknown[] = [];
  steps = 0;
  toolCalls = 0;
  cost: number | null = null;
  model: string | null = null;
  provider: string | null = null;
  /** The agent's latest settings, commands, title and context; stored on its agent session when the turn ends. */
  readonly agentState: AgentSessionState = {};
  /** Notices of this turn, kept in the message's metadata. */
  private readonly notices: { severity: string; title: string; description?: string }[] = [];
  private readonly traces = new Map<string, OpenTrace>();
  /** Traces started since the last usage event: that step's usage is theirs. */
  private stepTraceIds: string[] = [];
  private chain: Promise<void>;
  private failure: unknown = null;

  constructor(
    private readonly sql: Sql,
    private readonly broker: Broker,
    private readonly writer: MessageWriter,
    private readonly permissions: PermissionCenter,
    private readonly id: TurnIdentity,
    private readonly log: Logger,
    /** Rows written here reference the message, so they wait for its INSERT. */
    after: Promise<unknown> = Promise.resolve(),
  ) {
    this.chain = after.then(
      () => undefined,
      (err: unknown) => {
        this.failure ??= err;
      },
    );
  }

  private sealed = false;

  /** After the turn is written down, late events from an agent that ignored cancel are dropped. */
  seal(): void {
    this.sealed = true;
  }

  get hasOutput(): boolean {
    return this.writer.hasOutput || this.toolCalls > 0;
  }

  /** Database work in event order; a failure is kept and reported when the turn settles. */
  private persist(work: () => Promise<unknown>): void {
    this.chain = this.chain.then(work).then(
      () => undefined,
      (err: unknown) => {
        this.failure ??= err;
        this.log.error({ err, task_id: this.id.taskId }, 'persisting a turn event failed');
      },
    );
  }

  async settled(): Promise<unknown> {
    await this.chain;
    return this.failure;
  }

  readonly onEvent = (event: AgentEvent): void => {
    let e = event;
    if (this.sealed) {
      if (e.type === 'permission_request') e.respond({ outcome: 'cancelled' });
      return;
    }
    e = sanitize(e);
    const { sessionId, chatId, messageId } = this.id;
    const ref = { chat_id: chatId, message_id: messageId };
    if (this.firstOutputAt === null && !NOT_OUTPUT.has(e.type)) this.firstOutputAt = Date.now();
    switch (e.type) {
      case 'text':
        this.writer.appendText(e.text, this.broker.publish(sessionId, { type: 'message_delta', ...ref, text: e.text }).seq);
        return;
      case 'reasoning':
        this.writer.appendReasoning(e.text, this.broker.publish(sessionId, { type: 'reasoning_delta', ...ref, text: e.text }).seq);
        return;
      case 'tool_call': {
        const existing = this.traces.get(e.id);
        if (existing) return; // some agents repeat the start; one trace per call
        const trace: OpenTrace = { id: randomUUID(), name: e.name, startedAt: Date.parse(e.started_at) || Date.now() };
        this.traces.set(e.id, trace);
        this.stepTraceIds.push(trace.id);
        this.toolCalls++;
        this.broker.publish(sessionId, {
          type: 'tool_trace_start',
          ...ref,
          trace_id: trace.id,
          tool_call_id: e.id,
          tool_name: e.name,
          tool_input: e.input,
          turn: this.id.turn,
          started_at: new Date(trace.startedAt).toISOString(),
        });
        this.persist(() =>
          insertToolTrace(this.sql, {
            id: trace.id,
            sessionId,
            chatId,
            messageId,
            taskId: this.id.taskId,
            turn: this.id.turn,
            toolCallId: e.id,
            toolName: e.name,
            input: e.input,
            startedAt: new Date(trace.startedAt),
          }),
        );
        return;
      }
      case 'tool_update': {
        const trace = this.traces.get(e.id);
        if (!trace) {
          this.log.debug({ task_id: this.id.taskId, tool_call_id: e.id }, 'tool update for an unknown call');
          return;
        }
        if (e.status === 'running') {
          this.broker.publish(sessionId, {
            type: 'tool_trace_update',
            ...ref,
            trace_id: trace.id,
            status: 'running',
            ...(e.input ? { tool_input: e.input } : {}),
            ...(e.output !== undefined ? { tool_output: e.output } : {}),
          });
          const input = e.input;
          if (input) this.persist(() => setToolTraceInput(this.sql, trace.id, input));
          return;
        }
        const finishedAt = e.finished_at ? Date.parse(e.finished_at) || Date.now() : Date.now();
        const latency = Math.max(0, finishedAt - trace.startedAt);
        const outcome = e.status === 'completed' ? 'success' : 'error';
        const output = cap(e.output);
        const error = e.status === 'failed' ? (e.error ?? 'tool failed') : null;
        this.traces.delete(e.id);
        this.broker.publish(sessionId, {
          type: 'tool_trace_finish',
          ...ref,
          trace_id: trace.id,
          tool_call_id: e.id,
          tool_name: trace.name,
          tool_output: output,
          latency_ms: latency,
          error,
          outcome,
          finished_at: new Date(finishedAt).toISOString(),
        });
        this.persist(() =>
          finishToolTrace(this.sql, trace.id, {
            output,
            finishedAt: new Date(finishedAt),
            latencyMs: latency,
            error,
            outcome,
            ...(e.input ? { input: e.input } : {}),
          }),
        );
        return;
      }
      case 'usage': {
        this.steps++;
        this.usage = addUsage(this.usage, e.usage);
        this.raw.push(e.raw ?? null);
        if (e.model) this.model = e.model;
        if (e.provider) this.provider = e.provider;
        if (e.cost !== undefined) this.cost = (this.cost ?? 0) + e.cost;
        this.broker.publish(sessionId, { type: 'usage', ...ref, turn: this.id.turn, usage: this.usage, model: this.model });
        const ids = this.stepTraceIds;
        this.stepTraceIds = [];
        if (ids.length) {
          this.persist(() => setStepUsage(this.sql, ids, e.usage));
        }
        return;
      }
      case 'plan':
        this.broker.publish(sessionId, { type: 'plan', ...ref, entries: e.entries });
        this.mergeMetadata({ plan: e.entries });
        return;
      case 'commands':
        this.agentState.commands = e.commands;
        this.broker.publish(sessionId, { type: 'commands', chat_id: chatId, commands: e.commands });
        return;
      case 'mode_changed':
        this.agentState.mode_id = e.mode_id;
        this.broker.publish(sessionId, { type: 'mode_changed', chat_id: chatId, mode_id: e.mode_id });
        return;
      case 'config_options':
        this.agentState.config_options = e.options;
        this.broker.publish(sessionId, { type: 'config_options', chat_id: chatId, agent: this.id.agent, options: e.options });
        return;
      case 'context_usage': {
        const { type: _, ...context } = e;
        this.agentState.context_usage = context;
        this.broker.publish(sessionId, { type: 'context_usage', ...ref, ...context });
        this.mergeMetadata({ context_usage: context });
        return;
      }
      case 'notice': {
        const { type: _, ...notice } = e;
        this.notices.push(notice);
        this.broker.publish(sessionId, { type: 'notice', ...ref, ...notice });
        this.mergeMetadata({ notices: [...this.notices] });
        return;
      }
      case 'session_info':
        this.agentState.title = e.title;
        this.broker.publish(sessionId, { type: 'agent_title', chat_id: chatId, agent: this.id.agent, title: e.title });
        return;
      case 'permission_request':
        this.persist(() =>
          this.permissions.request(
            { sessionId, projectId: this.id.projectId, chatId, messageId, taskId: this.id.taskId, policy: this.id.policy },
            e.request,
            e.respond,
          ),
        );
        return;
    }
  };

  /** Keys merged into the assistant message's metadata (what a reload shows besides the text). */
  private mergeMetadata(patch: Record<string, unknown>): void {
    this.persist(() => mergeMessageMetadata(this.sql, this.id.messageId, patch));
  }

  /** Calls still open when the turn ended (cancelled or crashed agent) are closed as such. */
  closeOpenTraces(outcome: 'cancelled' | 'error', reason: string): void {
    for (const [callId, trace] of this.traces) {
      this.onEvent({ type: 'tool_update', id: callId, status: 'failed', error: reason });
      if (outcome === 'cancelled') this.persist(() => markToolTraceCancelled(this.sql, trace.id));
    }
  }
}
