import {
  addUsage,
  emptyUsage,
  type AgentEvent,
  type PermissionOutcome,
  type TurnErrorCode,
  type TurnResult,
  type Usage,
} from '@boocode/contracts';
import { deferred } from '../external/abort.js';
import { mapOpenCodeError, type MappedError } from './errors.js';
import { usageFromTokens } from './usage.js';
import {
  parsePart,
  type MessageInfo,
  type MessageWithParts,
  type Part,
  type PermissionAsked,
  type SessionEvent,
  type StepFinishPart,
  type TextPart,
  type ToolPart,
} from './wire.js';

export type PermissionReply = 'once' | 'always' | 'reject';

export interface TurnHooks {
  emit(event: AgentEvent): void;
  replyPermission(requestId: string, reply: PermissionReply): Promise<void>;
  /** The stream went idle but the turn's state is not settled yet: fetch messages and reconcile. */
  requestReconcile(): void;
  onPermissionError(err: unknown): void;
  /** opencode asked the user a question (its `question` tool); BooCode has no way to answer. */
  rejectQuestion(id: string): void;
  /** A permission request opened or was answered: `waitingForUser` may have changed. */
  onPermissionsChanged(): void;
}

interface TrackedMessage {
  role: 'user' | 'assistant';
  ours: boolean;
  completed: boolean;
  modelID?: string;
  providerID?: string;
}

interface TrackedPart {
  kind: 'text' | 'reasoning' | 'skip';
  /** Characters of this part already emitted (as deltas or as a final suffix). */
  emitted: number;
  /**
   * Whether live deltas may be appended. Deltas carry no offset, so once the stream had a gap
   * while this part was being written, only full-text snapshots (part updates, reconcile) are
   * trusted for it: the rest of the part arrives in larger pieces, but in order and exactly once.
   */
  live: boolean;
}

interface TrackedTool {
  callID: string;
  name: string;
  announced: boolean;
  /** Whether the announced `tool_call` carried the real input (false when announced early). */
  announcedWithInput: boolean;
  status: 'pending' | 'running' | 'completed' | 'error';
}

const PERMISSION_OPTIONS = [
  { id: 'once', name: 'Allow once', kind: 'allow_once' },
  { id: 'always', name: 'Always allow', kind: 'allow_always' },
  { id: 'reject', name: 'Reject', kind: 'reject_once' },
] as const;

/** opencode's permission names, as BooCode's permission kinds (the per-session policy reads them). */
const PERMISSION_KIND: Record<string, string> = {
  edit: 'edit',
  write: 'edit',
  patch: 'edit',
  bash: 'execute',
  read: 'read',
  list: 'read',
  glob: 'search',
  grep: 'search',
  webfetch: 'fetch',
  websearch: 'fetch',
  external_directory: 'external_directory',
};

const iso = (ms: number | undefined): string => new Date(ms ?? Date.now()).toISOString();

/**
 * Turns the `/event` stream of one opencode session, for one prompt, into AgentEvents.
 *
 * - Messages count as this turn's when opencode created them after the prompt was sent, so late
 *   events of an earlier (aborted) turn are never attributed to this one.
 * - Text and reasoning share `message.part.delta`; the part's type comes from the
 *   `message.part.updated` that announces it (always before its deltas). Each part remembers how
 *   many characters were emitted, so the final update (which repeats the whole text) emits only
 *   a missing suffix: nothing doubled, and nothing lost when deltas were missed.
 * - The same bookkeeping makes `reconcile(messages)` idempotent. After a stream gap, parts that
 *   were open stop taking deltas (see TrackedPart.live) and continue from snapshots.
 * - The turn is over when the session is idle AND every assistant message of the turn is
 *   completed: after an abort opencode sends `session.idle` before the interrupted tool settles.
 */
export class OpenCodeTurn {
  private readonly result = deferred<TurnResult>();
  private readonly messages = new Map<string, TrackedMessage>();
  private readonly parts = new Map<string, TrackedPart>();
  private readonly tools = new Map<string, TrackedTool>();
  private readonly countedSteps = new Set<string>();
  /** Part events whose message is not known yet (the stream normally announces it first). */
  private readonly waitingForMessage = new Map<string, SessionEvent[]>();
  private readonly openPermissions = new Map<string, { settled: boolean }>();
  private usage: Usage = emptyUsage();
  private error: MappedError | null = null;
  private failure: { code: TurnErrorCode; message: string } | null = null;
  private cancelRequested = false;
  private sawOwnAssistant = false;
  private idle = false;
  private finished = false;

  constructor(
    readonly sessionId: string,
    /** `Date.now()` just before `prompt_async`; opencode stamps messages with the same clock. */
    private readonly startedAtMs: number,
    private readonly hooks: TurnHooks,
  ) {}

  get done(): Promise<TurnResult> {
    return this.result.promise;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  handle(event: SessionEvent): void {
    if (this.finished || event.sessionID !== this.sessionId) return;
    switch (event.type) {
      case 'message.updated':
        this.onMessage(event.info);
        break;
      case 'message.part.updated':
        this.onPart(event.part, event);
        break;
      case 'message.part.delta':
        this.onDelta(event.messageID, event.partID, event.field, event.delta, event);
        break;
      case 'permission.asked':
        this.onPermission(event.request);
        break;
      case 'session.status':
        if (event.status.type === 'idle') this.onIdle();
        else this.idle = false;
        break;
      case 'session.idle':
        this.onIdle();
        break;
      case 'session.error':
        if (event.error) this.recordError(mapOpenCodeError(event.error));
        break;
      case 'todo.updated':
        this.hooks.emit({
          type: 'plan',
          entries: event.todos.map((t) => ({
            content: t.content,
            // opencode also has `cancelled`: no longer pending, so it counts as done.
            status: t.status === 'in_progress' || t.status === 'pending' ? t.status : 'completed',
            ...(t.priority === 'high' || t.priority === 'medium' || t.priority === 'low' ? { priority: t.priority } : {}),
          })),
        });
        break;
      case 'question.asked':
        // The question tool is disabled by default; if a config enables it, do not hang the turn.
        this.hooks.emit({ type: 'notice', severity: 'warning', title: 'opencode asked a question BooCode cannot answer; it was dismissed' });
        this.hooks.rejectQuestion(event.id);
        break;
    }
  }

  /**
   * Applies the session's stored messages (after an SSE reconnect, or when idle arrived before the
   * turn's messages settled). `busy` is the session's current status. Returns whether the turn is
   * over; when it is not, the caller polls again while the session stays idle.
   */
  reconcile(list: MessageWithParts[], busy: boolean): boolean {
    if (this.finished) return true;
    for (const m of list) {
      this.onMessage(m.info);
      for (const raw of m.parts) {
        const part = parsePart(raw);
        if (part) this.onPart(part, null);
      }
    }
    this.idle = !busy;
    return this.tryFinish();
  }

  /** True while a permission request of this turn waits for an answer (opencode is silent meanwhile). */
  get waitingForUser(): boolean {
    if (this.finished) return false;
    for (const p of this.openPermissions.values()) if (!p.settled) return true;
    return false;
  }

  /** True while the session is idle but the turn has not settled (a reconcile poll is due). */
  get waitingAfterIdle(): boolean {
    return this.idle && !this.finished;
  }

  /** The event stream had a gap: deltas of parts open before it can no longer be placed. */
  markStreamGap(): void {
    for (const p of this.parts.values()) p.live = false;
  }

  /** Our own cancel: the turn ends as `cancelled` once opencode confirms. */
  markCancelled(): void {
    this.cancelRequested = true;
    this.settleOpenPermissions();
  }

  /** Ends a cancelled turn without waiting any longer for opencode to confirm the abort. */
  forceCancelled(): void {
    this.cancelRequested = true;
    this.finish();
  }

  /** Ends the turn now with an error (watchdog, server crash). */
  fail(code: TurnErrorCode, message: string): void {
    if (this.finished) return;
    this.failure = { code, message };
    this.finish();
  }

  private onMessage(info: MessageInfo): void {
    const ours = info.time.created >= this.startedAtMs - 5;
    const prev = this.messages.get(info.id);
    const tracked: TrackedMessage = {
      role: info.role,
      ours,
      completed: info.role === 'user' || info.time.completed !== undefined || info.error !== undefined,
      modelID: info.modelID ?? prev?.modelID,
      providerID: info.providerID ?? prev?.providerID,
    };
    this.messages.set(info.id, tracked);
    if (ours && info.role === 'assistant') {
      this.sawOwnAssistant = true;
      if (info.error) this.recordError(mapOpenCodeError(info.error));
      else if (info.finish === 'length') this.recordError(mapOpenCodeError({ name: 'MessageOutputLengthError' }));
    }
    const waiting = this.waitingForMessage.get(info.id);
    if (waiting) {
      this.waitingForMessage.delete(info.id);
      for (const e of waiting) this.handle(e);
    }
    if (this.idle) this.tryFinish();
  }

  /** `event` is the live event (kept for replay when the message is unknown); null from reconcile. */
  private onPart(part: Part, event: SessionEvent | null): void {
    const msg = this.messages.get(part.part.messageID);
    if (!msg) {
      if (event) this.queueForMessage(part.part.messageID, event);
      return;
    }
    if (!msg.ours || msg.role !== 'assistant') return;
    switch (part.kind) {
      case 'text':
        this.onTextPart(part.part, event !== null);
        break;
      case 'tool':
        this.onToolPart(part.part);
        break;
      case 'step-finish':
        this.onStepFinish(part.part, msg);
        break;
      case 'other':
        break;
    }
  }

  /** `live`: announced by the stream (deltas follow) rather than found by a reconcile. */
  private onTextPart(part: TextPart, live: boolean): void {
    let tracked = this.parts.get(part.id);
    if (!tracked) {
      const kind = part.synthetic || part.ignored ? 'skip' : part.type;
      tracked = { kind, emitted: 0, live };
      this.parts.set(part.id, tracked);
    }
    if (part.text.length > tracked.emitted) this.emitText(tracked, part.text.slice(tracked.emitted));
  }

  private onDelta(messageID: string, partID: string, field: string, delta: string, event: SessionEvent): void {
    if (field !== 'text' || delta === '') return;
    const msg = this.messages.get(messageID);
    if (!msg) {
      this.queueForMessage(messageID, event);
      return;
    }
    if (!msg.ours || msg.role !== 'assistant') return;
    // A delta for a part never announced means its announcement fell into a stream gap: its
    // offset is unknown, so the part's snapshots (final update, reconcile) will carry the text.
    const tracked = this.parts.get(partID);
    if (tracked?.live) this.emitText(tracked, delta);
  }

  private emitText(tracked: TrackedPart, text: string): void {
    tracked.emitted += text.length;
    if (tracked.kind === 'skip' || text === '') return;
    this.hooks.emit({ type: tracked.kind, text });
  }

  private onToolPart(part: ToolPart): void {
    let tool = this.tools.get(part.id);
    if (!tool) {
      tool = { callID: part.callID, name: part.tool, announced: false, announcedWithInput: false, status: 'pending' };
      this.tools.set(part.id, tool);
    }
    const state = part.state;
    if (state.status === 'pending' || state.status === tool.status) return;
    const start = 'time' in state ? state.time?.start : undefined;
    if (!tool.announced) {
      this.announceTool(part.id, tool, state.input, start);
    } else if (!tool.announcedWithInput && Object.keys(state.input).length > 0) {
      tool.announcedWithInput = true;
      this.hooks.emit({ type: 'tool_update', id: part.id, status: 'running', input: state.input });
    }
    tool.status = state.status;
    if (state.status === 'completed') {
      this.hooks.emit({
        type: 'tool_update',
        id: part.id,
        status: 'completed',
        output: state.output,
        input: state.input,
        finished_at: iso(state.time?.end),
      });
    } else if (state.status === 'error') {
      this.hooks.emit({
        type: 'tool_update',
        id: part.id,
        status: 'failed',
        error: state.error,
        input: state.input,
        finished_at: iso(state.time?.end),
      });
    }
  }

  private announceTool(id: string, tool: TrackedTool, input: Record<string, unknown>, startMs: number | undefined): void {
    tool.announced = true;
    tool.announcedWithInput = Object.keys(input).length > 0;
    this.hooks.emit({ type: 'tool_call', id, name: tool.name, input, started_at: iso(startMs) });
  }

  private onStepFinish(part: StepFinishPart, msg: TrackedMessage): void {
    if (this.countedSteps.has(part.id)) return;
    this.countedSteps.add(part.id);
    const usage = usageFromTokens(part.tokens);
    this.usage = addUsage(this.usage, usage);
    this.hooks.emit({
      type: 'usage',
      usage,
      raw: { tokens: part.tokens, cost: part.cost, reason: part.reason },
      model: msg.modelID,
      provider: msg.providerID,
      cost: part.cost,
    });
  }

  private onPermission(req: PermissionAsked): void {
    if (this.openPermissions.has(req.id)) return;
    const state = { settled: false };
    this.openPermissions.set(req.id, state);
    this.hooks.onPermissionsChanged();
    // The tool part that asked; opencode's callID is the provider's id, the part id is ours.
    let toolId: string | null = null;
    if (req.tool) {
      for (const [partId, tool] of this.tools) {
        if (tool.callID !== req.tool.callID) continue;
        toolId = partId;
        if (!tool.announced) this.announceTool(partId, tool, {}, undefined);
      }
      toolId ??= req.tool.callID;
    }
    const title = req.patterns.length > 0 ? `${req.permission}: ${req.patterns.join(', ')}` : req.permission;
    this.hooks.emit({
      type: 'permission_request',
      request: {
        id: req.id,
        tool_call_id: toolId,
        title,
        kind: PERMISSION_KIND[req.permission] ?? req.permission,
        input: { permission: req.permission, patterns: req.patterns, always: req.always, metadata: req.metadata },
        options: PERMISSION_OPTIONS.map((o) => ({ ...o })),
      },
      respond: (outcome: PermissionOutcome) => {
        if (state.settled) return;
        state.settled = true;
        this.hooks.onPermissionsChanged();
        const reply: PermissionReply =
          outcome.outcome === 'cancelled'
            ? 'reject'
            : outcome.kind === 'allow_always'
              ? 'always'
              : outcome.kind === 'allow_once'
                ? 'once'
                : 'reject';
        this.hooks.replyPermission(req.id, reply).catch((err: unknown) => this.hooks.onPermissionError(err));
      },
    });
  }

  private settleOpenPermissions(): void {
    // opencode rejects a session's pending permissions itself when it is aborted.
    for (const p of this.openPermissions.values()) p.settled = true;
  }

  private recordError(err: MappedError): void {
    // The first error explains the turn; an abort that follows a provider error stays an error.
    this.error ??= err;
  }

  private onIdle(): void {
    this.idle = true;
    if (!this.tryFinish()) this.hooks.requestReconcile();
  }

  private tryFinish(): boolean {
    if (this.finished) return true;
    if (!this.idle) return false;
    // A user message alone is not enough: opencode may not have turned busy yet.
    if (!this.sawOwnAssistant && !this.error) return false;
    for (const m of this.messages.values()) {
      if (m.ours && !m.completed) return false;
    }
    this.finish();
    return true;
  }

  private queueForMessage(messageID: string, event: SessionEvent): void {
    const list = this.waitingForMessage.get(messageID) ?? [];
    list.push(event);
    this.waitingForMessage.set(messageID, list);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.settleOpenPermissions();
    const usage = this.usage;
    let result: TurnResult;
    if (this.failure) {
      result = { ok: false, stop_reason: 'error', usage, error: this.failure };
    } else if (this.cancelRequested || this.error?.stop === 'cancelled') {
      result = { ok: false, stop_reason: 'cancelled', usage };
    } else if (this.error) {
      result = {
        ok: false,
        stop_reason: this.error.stop,
        usage,
        error: { code: this.error.code ?? 'agent_error', message: this.error.message },
      };
    } else {
      result = { ok: true, stop_reason: 'end_turn', usage };
    }
    this.result.resolve(result);
  }
}
