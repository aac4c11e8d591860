import type { AgentEvent, MessageNotice, PermissionPolicy, ToolOffsets } from '@boocode/contracts';
import type { Sql } from '../../db/connection.js';
import { saveJournal } from '../../db/transcripts.js';
import { mergeMessageMetadata } from '../../db/messages.js';
import { setAutomaticTitle, setPolicySupport } from '../../db/sessions.js';
import { announceSession } from '../../stream/attention.js';
import { insertModelCall } from '../../db/model-calls.js';
import { finishToolTrace, insertToolTrace, markToolTraceCancelled, setStepUsage, setToolTraceInput } from '../../db/traces.js';
import type { Broker } from '../../stream/broker.js';
import type { Stamp } from '../../stream/frame-bus.js';
import type { MessageWriter } from '../../stream/message-writer.js';
import type { PermissionCenter } from '../../permissions/center.js';
import type { Logger } from '../../logger.js';
import type { TurnSpan } from '../../telemetry/telemetry.js';
import type { PriceBook } from '../../usage/prices.js';
import { TurnFrames, type TurnEffects, type TurnIdentity, type TurnWrite } from './frames.js';

/** How long a tool waits for its call to be stored before it runs anyway. */
const RECORD_WAIT_MS = 5_000;

function store(sql: Sql, broker: Broker, w: TurnWrite): Promise<void> {
  switch (w.type) {
    case 'trace_started':
      return insertToolTrace(sql, w.trace);
    case 'trace_input':
      return setToolTraceInput(sql, w.traceId, w.input);
    case 'trace_finished':
      return finishToolTrace(sql, w.traceId, w.end);
    case 'trace_cancelled':
      return markToolTraceCancelled(sql, w.traceId);
    case 'step_usage':
      return setStepUsage(sql, w.traceIds, w.usage);
    case 'model_call':
      return insertModelCall(sql, w.call);
    case 'message_metadata':
      return mergeMessageMetadata(sql, w.messageId, w.patch);
    case 'journal':
      return saveJournal(sql, w.taskId, { transcript: w.transcript, steps: w.steps, compaction: w.compaction }, w.said ?? { content: 0, reasoning: 0 });
    case 'session_title':
      return setAutomaticTitle(sql, w.sessionId, w.title, 'agent').then((s) => {
        if (s) announceSession(broker, s);
      });
    case 'policy_support':
      return setPolicySupport(sql, w.sessionId, w.support).then((s) => {
        if (s) announceSession(broker, s);
      });
  }
}

/**
 * The turn's model and tool calls as child spans of its `invoke_agent` span. A started call's
 * trace row keeps its span's traceparent: the subagents it spawns start under it.
 */
function observe(span: TurnSpan, w: TurnWrite): TurnWrite {
  if (w.type === 'model_call') span.modelCall(w.call);
  else if (w.type === 'trace_started') return { ...w, trace: { ...w.trace, traceparent: span.toolStarted(w.trace) } };
  else if (w.type === 'trace_finished') span.toolFinished(w.traceId, w.end);
  return w;
}

/**
 * Carries out what `TurnFrames` makes of a turn's events: frames to the broker at once, message
 * text to the coalescing writer, rows in event order off the hot path, permission requests to
 * the permission center.
 */
export class TurnEvents {
  readonly frames: TurnFrames;
  private chain: Promise<void>;
  private failure: unknown = null;
  private sealed = false;
  private readonly span: TurnSpan | null;

  constructor(
    private readonly sql: Sql,
    private readonly broker: Broker,
    private readonly writer: MessageWriter,
    private readonly permissions: PermissionCenter,
    private readonly id: TurnIdentity & { policy: PermissionPolicy },
    private readonly log: Logger,
    o: { prices: PriceBook; span: TurnSpan | null; toolOffsets?: ToolOffsets; notices?: MessageNotice[] },
    /** Rows written here reference the message, so they wait for its INSERT. */
    after: Promise<unknown> = Promise.resolve(),
  ) {
    this.frames = new TurnFrames(id, {
      textLength: () => this.writer.content.length,
      prices: o.prices,
      ...(o.toolOffsets ? { toolOffsets: o.toolOffsets } : {}),
      ...(o.notices ? { notices: o.notices } : {}),
    });
    this.span = o.span;
    this.chain = after.then(
      () => undefined,
      (err: unknown) => {
        this.failure ??= err;
      },
    );
  }

  /** After the turn is written down, late events from an agent that ignored cancel are dropped. */
  seal(): void {
    this.sealed = true;
  }

  get hasOutput(): boolean {
    return this.writer.hasOutput || this.frames.toolCalls > 0;
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

  /** Calls announced (or awaited) so far: settled once their trace row is written. */
  private readonly calls = new Map<string, { stored: Promise<void>; resolve: () => void }>();

  private call(id: string): { stored: Promise<void>; resolve: () => void } {
    let c = this.calls.get(id);
    if (!c) {
      let resolve!: () => void;
      const stored = new Promise<void>((r) => (resolve = r));
      c = { stored, resolve };
      this.calls.set(id, c);
    }
    return c;
  }

  /**
   * Resolves when the call's trace is stored (or its storing failed: the tool must not hang on it).
   * The agent may ask before its `tool_call` event reached us; after RECORD_WAIT_MS it goes ahead.
   */
  readonly recorded = (toolCallId: string): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, RECORD_WAIT_MS)));
    return Promise.race([this.call(toolCallId).stored, late]).finally(() => clearTimeout(timer));
  };

  readonly onEvent = (event: AgentEvent): void => {
    if (this.sealed) {
      if (event.type === 'permission_request') event.respond({ outcome: 'cancelled' });
      return;
    }
    const effects = this.frames.apply(event);
    this.carryOut(effects);
    if (event.type === 'tool_call') {
      const c = this.call(event.id);
      void this.chain.then(c.resolve);
    }
    if (event.type === 'tool_update' && effects.frames.length === 0) {
      this.log.debug({ task_id: this.id.taskId, tool_call_id: event.id }, 'tool update for an unknown call');
    }
    if (event.type === 'permission_request') {
      const { sessionId, projectId, chatId, messageId, taskId, policy } = this.id;
      this.persist(() => this.permissions.request({ sessionId, projectId, chatId, messageId, taskId, policy }, event.request, event.respond));
    }
  };

  /** Calls still open when the turn ended (cancelled or crashed agent) are closed as such. */
  closeOpenTraces(outcome: 'cancelled' | 'error', reason: string): void {
    this.carryOut(this.frames.closeOpenTraces(outcome, reason));
  }

  private carryOut(effects: TurnEffects): void {
    let seq: Stamp | null = null;
    for (const frame of effects.frames) seq = this.broker.publish(this.id.sessionId, frame);
    if (effects.append?.to === 'text') this.writer.appendText(effects.append.text, seq);
    else if (effects.append?.to === 'reasoning') this.writer.appendReasoning(effects.append.text, seq);
    for (const effect of effects.writes) {
      const w = this.span ? observe(this.span, effect) : effect;
      // A journaled step covers the text streamed so far; a continued turn says the rest again.
      const write = w.type === 'journal' ? { ...w, said: { content: this.writer.content.length, reasoning: this.writer.reasoning.length } } : w;
      this.persist(() => store(this.sql, this.broker, write));
    }
  }
}
