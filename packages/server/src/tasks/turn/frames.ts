import { randomUUID } from 'node:crypto';
import {
  addUsage,
  emptyUsage,
  type AgentEvent,
  type AgentSessionState,
  type Message,
  type MessageNotice,
  type PolicySupport,
  type SessionFramePayload,
  type ToolOffsets,
  type Compaction,
  type Transcript,
  type Usage,
} from '@boocode/contracts';
import type { NewModelCall } from '../../db/model-calls.js';
import type { NewToolTrace, ToolTraceEnding } from '../../db/traces.js';
import type { JournalSaid } from '../../db/transcripts.js';
import { PriceBook } from '../../usage/prices.js';

/** Tool output kept per trace row; the full text still reached the agent and the live stream. */
const MAX_TRACE_OUTPUT = 64 * 1024;

/** Who the turn is: every frame and row of it carries these. */
export interface TurnIdentity {
  sessionId: string;
  projectId: string;
  chatId: string;
  messageId: string;
  taskId: string;
  turn: number;
  agent: string;
}

/** A row change an event asks for, as data; the persistence side carries it out in order. */
export type TurnWrite =
  | { type: 'trace_started'; trace: NewToolTrace }
  | { type: 'trace_input'; traceId: string; input: NewToolTrace['input'] }
  | { type: 'trace_finished'; traceId: string; end: ToolTraceEnding }
  | { type: 'trace_cancelled'; traceId: string }
  | { type: 'step_usage'; traceIds: string[]; usage: Usage }
  | { type: 'model_call'; call: NewModelCall }
  | { type: 'message_metadata'; messageId: string; patch: Message['metadata'] }
  /** The agent named its session: the session's name unless the user gave one. */
  | { type: 'session_title'; sessionId: string; title: string }
  | { type: 'policy_support'; sessionId: string; support: PolicySupport }
  /** `said`: how much of the message's text and reasoning the journaled steps had produced (filled in by TurnEvents). */
  | { type: 'journal'; taskId: string; transcript: Transcript; steps: number; compaction: Compaction | null; said: JournalSaid | null };

/** What one event amounts to: frames to publish (in order), text for the message, rows to write. */
export interface TurnEffects {
  frames: SessionFramePayload[];
  /** Streamed text of the assistant message; it came in the last of `frames`. */
  append: { to: 'text' | 'reasoning'; text: string } | null;
  writes: TurnWrite[];
}

interface OpenTrace {
  id: string;
  name: string;
  startedAt: number;
}

/** Events that describe the agent's state rather than answer: they do not count as first output. */
const NOT_OUTPUT = new Set<AgentEvent['type']>(['usage', 'model_call', 'commands', 'config_options', 'context_usage', 'session_info', 'mode_changed', 'journal', 'policy_support']);

/** PostgreSQL text and jsonb cannot hold NUL; agents' output may contain it (binary files, tools). */
const clean = (s: string) => (s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s);
const cleanJson = <T>(v: T): T => {
  const text = JSON.stringify(v);
  return text !== undefined && text.includes('\\u0000') ? (JSON.parse(text.replaceAll('\\u0000', '\\uFFFD')) as T) : v;
};

const cap = (s: string | undefined) => (s === undefined ? null : s.length > MAX_TRACE_OUTPUT ? s.slice(0, MAX_TRACE_OUTPUT) + '\n[truncated]' : s);

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

export interface TurnFramesOptions {
  /** Clock in ms (tests pin it). */
  now?: () => number;
  /** Ids of trace rows (tests pin them). */
  newId?: () => string;
  /**
   * Length of the message's text so far, when something else holds it (the message writer: a
   * turn continued after a restart starts from the text kept); else the text of this turn's events.
   */
  textLength?: () => number;
  /** Prices usage the agent reports without a cost. */
  prices?: PriceBook;
  /** The places of the message's earlier tool cards (a turn continued after a restart keeps them). */
  toolOffsets?: ToolOffsets;
  /** The message's earlier notices (a turn continued after a restart keeps them too). */
  notices?: readonly MessageNotice[];
}

/**
 * The one place where AgentEvents from any backend become frames and row writes, and where a
 * turn's tally (usage, steps, tool calls, the agent's state) is kept. Pure: no database, no
 * broker; `TurnEvents` publishes and stores what it returns. Every backend gets traces, usage
 * and metadata through it.
 */
export class TurnFrames {
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly prices: PriceBook;
  readonly startedAt: number;
  firstOutputAt: number | null = null;
  usage: Usage = emptyUsage();
  /** The agent reported usage at least once: until then `usage` is unknown, not zero. */
  usageReported = false;
  /** The agents' own usage payloads, one per step. */
  readonly raw: unknown[] = [];
  steps = 0;
  toolCalls = 0;
  /** The agent journaled its conversation (the native agent): the journal row is dropped at the end. */
  journaled = false;
  cost: number | null = null;
  /** What the prompt cache saved (USD), for priced models. */
  saved: number | null = null;
  model: string | null = null;
  provider: string | null = null;
  /** The agent's latest settings, commands, title and context; stored on its agent session when the turn ends. */
  readonly agentState: AgentSessionState = {};
  /** Notices of this turn, kept in the message's metadata with where they came. */
  private readonly notices: MessageNotice[];
  private readonly traces = new Map<string, OpenTrace>();
  /** Traces started since the last usage event: that step's usage is theirs. */
  private stepTraceIds: string[] = [];
  /** Length of this turn's text events, for `textLength` when no other source is given. */
  private ownText = 0;
  private readonly textLength: () => number;
  /** A step ended (a tool call or the step's usage) since the last text: the next text starts a new block. */
  private stepBreak = false;
  /** Trace id -> text offset, kept in the message's metadata so a reload places the cards too. */
  private readonly toolOffsets: ToolOffsets;

  constructor(
    private readonly id: TurnIdentity,
    opts: TurnFramesOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.newId = opts.newId ?? randomUUID;
    this.textLength = opts.textLength ?? (() => this.ownText);
    this.prices = opts.prices ?? new PriceBook();
    this.toolOffsets = { ...opts.toolOffsets };
    this.notices = [...(opts.notices ?? [])];
    this.startedAt = this.now();
  }

  /** The frames, message text and row writes of one event (sanitized first). */
  apply(event: AgentEvent): TurnEffects {
    const e = sanitize(event);
    const { sessionId, chatId, messageId } = this.id;
    const ref = { chat_id: chatId, message_id: messageId };
    const out: TurnEffects = { frames: [], append: null, writes: [] };
    if (this.firstOutputAt === null && !NOT_OUTPUT.has(e.type)) this.firstOutputAt = this.now();
    switch (e.type) {
      case 'text': {
        // Steps' texts would otherwise run together ("…first.Now I will"), and a heading that
        // opens a step would not start a line: a blank line separates them.
        const text = this.stepBreak && this.textLength() > 0 && !e.text.startsWith('\n\n') ? `\n\n${e.text}` : e.text;
        this.stepBreak = false;
        this.ownText += text.length;
        out.frames.push({ type: 'message_delta', ...ref, text });
        out.append = { to: 'text', text };
        break;
      }
      case 'reasoning':
        out.frames.push({ type: 'reasoning_delta', ...ref, text: e.text });
        out.append = { to: 'reasoning', text: e.text };
        break;
      case 'tool_call': {
        if (this.traces.has(e.id)) break; // some agents repeat the start; one trace per call
        const trace: OpenTrace = { id: this.newId(), name: e.name, startedAt: Date.parse(e.started_at) || this.now() };
        this.traces.set(e.id, trace);
        this.stepTraceIds.push(trace.id);
        this.toolCalls++;
        this.stepBreak = true;
        this.toolOffsets[trace.id] = this.textLength();
        out.frames.push({
          type: 'tool_trace_start',
          ...ref,
          trace_id: trace.id,
          tool_call_id: e.id,
          tool_name: e.name,
          tool_input: e.input,
          turn: this.id.turn,
          started_at: new Date(trace.startedAt).toISOString(),
        });
        out.writes.push({
          type: 'trace_started',
          trace: {
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
          },
        });
        out.writes.push({ type: 'message_metadata', messageId, patch: { tool_offsets: { ...this.toolOffsets } } });
        break;
      }
      case 'tool_update': {
        const trace = this.traces.get(e.id);
        if (!trace) break; // an update for a call we never saw start
        if (e.status === 'running') {
          out.frames.push({
            type: 'tool_trace_update',
            ...ref,
            trace_id: trace.id,
            status: 'running',
            ...(e.input ? { tool_input: e.input } : {}),
            ...(e.output !== undefined ? { tool_output: e.output } : {}),
          });
          if (e.input) out.writes.push({ type: 'trace_input', traceId: trace.id, input: e.input });
          break;
        }
        const finishedAt = e.finished_at ? Date.parse(e.finished_at) || this.now() : this.now();
        const latency = Math.max(0, finishedAt - trace.startedAt);
        const outcome = e.status === 'completed' ? 'success' : 'error';
        const output = cap(e.output);
        const error = e.status === 'failed' ? (e.error ?? 'tool failed') : null;
        this.traces.delete(e.id);
        out.frames.push({
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
        out.writes.push({
          type: 'trace_finished',
          traceId: trace.id,
          end: { output, finishedAt: new Date(finishedAt), latencyMs: latency, error, outcome, ...(e.input ? { input: e.input } : {}) },
        });
        break;
      }
      case 'usage': {
        this.steps++;
        this.stepBreak = true;
        this.usageReported = true;
        this.usage = addUsage(this.usage, e.usage);
        this.raw.push(e.raw ?? null);
        if (e.model) this.model = e.model;
        if (e.provider) this.provider = e.provider;
        const priced = this.prices.price(e.model ?? this.model, e.usage);
        const cost = e.cost ?? priced?.cost;
        if (cost !== undefined) this.cost = (this.cost ?? 0) + cost;
        if (priced) this.saved = (this.saved ?? 0) + priced.saved;
        out.frames.push({ type: 'usage', ...ref, turn: this.id.turn, usage: this.usage, model: this.model });
        const ids = this.stepTraceIds;
        this.stepTraceIds = [];
        if (ids.length) out.writes.push({ type: 'step_usage', traceIds: ids, usage: e.usage });
        break;
      }
      case 'model_call': {
        const { type: _, ...call } = e;
        const priced = this.prices.price(call.model, call.usage);
        out.writes.push({
          type: 'model_call',
          call: { ...call, sessionId, chatId, messageId, taskId: this.id.taskId, turn: this.id.turn, cost: priced?.cost ?? null, saved: priced?.saved ?? null },
        });
        break;
      }
      case 'plan':
        out.frames.push({ type: 'plan', ...ref, entries: e.entries });
        out.writes.push({ type: 'message_metadata', messageId, patch: { plan: e.entries } });
        break;
      case 'commands':
        this.agentState.commands = e.commands;
        out.frames.push({ type: 'commands', chat_id: chatId, commands: e.commands });
        break;
      case 'mode_changed':
        this.agentState.mode_id = e.mode_id;
        out.frames.push({ type: 'mode_changed', chat_id: chatId, mode_id: e.mode_id });
        break;
      case 'config_options':
        this.agentState.config_options = e.options;
        out.frames.push({ type: 'config_options', chat_id: chatId, agent: this.id.agent, options: e.options });
        break;
      case 'context_usage': {
        const { type: _, ...context } = e;
        this.agentState.context_usage = context;
        out.frames.push({ type: 'context_usage', ...ref, ...context });
        out.writes.push({ type: 'message_metadata', messageId, patch: { context_usage: context } });
        break;
      }
      case 'notice': {
        const { type: _, ...notice } = e;
        // Where it came: clients draw it between the steps (its frame needs no place: a client
        // reading the stream is at that place, as for a tool call's card).
        this.notices.push({ ...notice, at: this.textLength(), tools: Object.keys(this.toolOffsets).length });
        out.frames.push({ type: 'notice', ...ref, ...notice });
        out.writes.push({ type: 'message_metadata', messageId, patch: { notices: [...this.notices] } });
        break;
      }
      case 'session_info':
        this.agentState.title = e.title;
        out.frames.push({ type: 'agent_title', chat_id: chatId, agent: this.id.agent, title: e.title });
        if (e.title?.trim()) out.writes.push({ type: 'session_title', sessionId: this.id.sessionId, title: e.title.replace(/\s+/g, ' ').trim().slice(0, 200) });
        break;
      case 'policy_support': {
        const { type: _, ...support } = e;
        out.writes.push({ type: 'policy_support', sessionId: this.id.sessionId, support });
        break;
      }
      case 'journal':
        this.journaled = true;
        // Not for clients: what a turn continued after a restart starts from.
        out.writes.push({ type: 'journal', taskId: this.id.taskId, transcript: e.transcript, steps: e.steps, compaction: e.compaction ?? null, said: null });
        break;
      case 'permission_request':
        // Stored and answered by the permission center; it only counts as output here.
        break;
    }
    return out;
  }

  /** Calls still open when the turn ended (cancelled or crashed agent) are finished as failed, marked as such. */
  closeOpenTraces(outcome: 'cancelled' | 'error', reason: string): TurnEffects {
    const out: TurnEffects = { frames: [], append: null, writes: [] };
    for (const [callId, trace] of this.traces) {
      const closed = this.apply({ type: 'tool_update', id: callId, status: 'failed', error: reason });
      out.frames.push(...closed.frames);
      out.writes.push(...closed.writes);
      if (outcome === 'cancelled') out.writes.push({ type: 'trace_cancelled', traceId: trace.id });
    }
    return out;
  }
}
