import { emptyUsage, type Message, type SessionFrame } from '@boocode/contracts';
import {
  emptyLog,
  isTerminalTask,
  SETUP_OUTPUT_LIMIT,
  type ChatAgentView,
  type ChatLog,
  type SessionState,
  type ToolCallView,
  toolOffsets,
  toUiMessage,
  type UiMessage,
} from './sessionState';
import { mergeMessage } from './history';

/**
 * Applies a batch of ordered frames to the session state. Deltas arrive by the thousand per
 * second, so a batch copies each touched chat's message array once (copy-on-write) instead of
 * once per frame; the input state is never mutated.
 */
export function applyFrames(state: SessionState, frames: readonly SessionFrame[]): SessionState {
  if (frames.length === 0) return state;
  const draft = new Draft(state);
  for (const f of frames) applyOne(draft, f);
  return draft.finish();
}

class Draft {
  readonly next: SessionState;
  private copiedLogs = new Set<string>();

  constructor(base: SessionState) {
    this.next = { ...base, logs: { ...base.logs } };
  }

  /** The chat's log, copied on first write in this batch. */
  log(chatId: string): ChatLog {
    const existing = this.next.logs[chatId];
    if (this.copiedLogs.has(chatId) && existing) return existing;
    const copy: ChatLog = existing ? { ...existing, messages: existing.messages.slice() } : emptyLog();
    this.next.logs[chatId] = copy;
    this.copiedLogs.add(chatId);
    return copy;
  }

  /** Replaces one message (found from the end: streaming targets the newest ones). */
  update(chatId: string, messageId: string, fn: (m: UiMessage) => UiMessage, create?: () => UiMessage): void {
    const log = this.log(chatId);
    const i = findLastIndex(log.messages, messageId);
    if (i >= 0) {
      log.messages[i] = fn(log.messages[i]!);
    } else if (create) {
      log.messages.push(fn(create()));
    }
  }

  remove(chatId: string, messageId: string): void {
    const log = this.log(chatId);
    const i = findLastIndex(log.messages, messageId);
    if (i >= 0) log.messages.splice(i, 1);
  }

  finish(): SessionState {
    return this.next;
  }
}

function findLastIndex(messages: UiMessage[], id: string): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.id === id) return i;
  return -1;
}

/**
 * A frame for a message we have not seen (its `message_started` predates a snapshot we
 * resynchronized from): keep its content in a placeholder until the REST refetch fills it in.
 */
function placeholder(f: { session_id: string; chat_id: string; message_id: string; ts: string }): UiMessage {
  const m: Message = {
    id: f.message_id,
    chat_id: f.chat_id,
    session_id: f.session_id,
    task_id: null,
    role: 'assistant',
    content: '',
    reasoning: '',
    status: 'streaming',
    model: null,
    turn: null,
    usage: emptyUsage(),
    started_at: f.ts,
    finished_at: null,
    metadata: {},
    cursor: '',
  };
  return { ...m, tools: [], plan: null, notices: [], error: null };
}

function resumedMessage(m: UiMessage, f: Extract<SessionFrame, { type: 'message_started' }>): UiMessage {
  const at = f.resumed_at!;
  const before = Array.isArray(m.metadata.resumed) ? m.metadata.resumed : [];
  const resumed = before.includes(at) ? before : [...before, at];
  return {
    ...m,
    content: f.content_chars === undefined ? m.content : m.content.slice(0, f.content_chars),
    reasoning: f.reasoning_chars === undefined ? m.reasoning : m.reasoning.slice(0, f.reasoning_chars),
    status: 'streaming',
    finished_at: null,
    error: null,
    metadata: { ...m.metadata, resumed },
  };
}

/** Appends a delta, unless the text already holds it (a stored copy read after it was written). */
function appendDelta(m: UiMessage, f: Extract<SessionFrame, { type: 'message_delta' | 'reasoning_delta' }>): UiMessage {
  if (typeof m.content_seq === 'number' && f.seq <= m.content_seq) return m;
  return f.type === 'message_delta'
    ? { ...m, content: m.content + f.text, content_seq: f.seq }
    : { ...m, reasoning: m.reasoning + f.text, content_seq: f.seq };
}

function setChatAgent(s: SessionState, chatId: string, patch: Partial<ChatAgentView>): void {
  const prev = s.chatAgents[chatId] ?? { agent: null, title: null, options: [], context: null, commands: [], mode: null };
  s.chatAgents = { ...s.chatAgents, [chatId]: { ...prev, ...patch } };
}

function upsertTool(m: UiMessage, traceId: string, fn: (t: ToolCallView | undefined) => ToolCallView): UiMessage {
  const i = m.tools.findIndex((t) => t.traceId === traceId);
  const tools = m.tools.slice();
  if (i >= 0) tools[i] = fn(tools[i]);
  else tools.push(fn(undefined));
  return { ...m, tools };
}

/**
 * Notes where in the text a call started, as the server does in the message's metadata (a
 * stored copy read later has it already): the card is drawn at that point of the text.
 */
function withToolOffset(m: UiMessage, traceId: string): UiMessage {
  const offsets = toolOffsets(m);
  if (offsets[traceId] !== undefined) return m;
  return { ...m, metadata: { ...m.metadata, tool_offsets: { ...offsets, [traceId]: m.content.length } } };
}

function applyOne(d: Draft, f: SessionFrame): void {
  const s = d.next;
  switch (f.type) {
    case 'message_created':
      d.update(f.message.chat_id, f.message.id, (m) => mergeMessage(m, f.message), () => toUiMessage(f.message));
      return;
    case 'message_started': {
      const fresh = (): UiMessage => ({
        ...placeholder(f),
        role: f.role,
        task_id: f.task_id,
        turn: f.turn,
        model: f.model,
        started_at: f.started_at,
        status: f.role === 'assistant' ? 'streaming' : 'complete',
      });
      // Already known (e.g. the REST refetch raced the frame): keep its content. A turn continued
      // after a restart goes on in its message, which streams again, marked as resumed.
      d.update(f.chat_id, f.message_id, (m) => (f.resumed_at ? resumedMessage(m, f) : m), fresh);
      if (f.role === 'assistant' && f.task_id && !s.inFlight.some((t) => t.message_id === f.message_id)) {
        s.inFlight = [
          ...s.inFlight.filter((t) => t.task_id !== f.task_id),
          {
            task_id: f.task_id,
            chat_id: f.chat_id,
            message_id: f.message_id,
            turn: f.turn ?? 0,
            agent: f.agent ?? s.session?.agent ?? '',
            model: f.model,
            started_at: f.started_at,
            awaiting_permission: false,
          },
        ];
      }
      return;
    }
    case 'message_delta':
    case 'reasoning_delta':
      d.update(f.chat_id, f.message_id, (m) => appendDelta(m, f), () => placeholder(f));
      return;
    case 'message_deleted':
      // The runner deletes the empty message of an attempt it will retry.
      d.remove(f.chat_id, f.message_id);
      s.inFlight = s.inFlight.filter((t) => t.message_id !== f.message_id);
      return;
    case 'message_complete':
      d.update(f.chat_id, f.message_id, (m) => ({
        ...m,
        status: f.status,
        finished_at: f.finished_at,
        usage: f.usage ?? m.usage,
        ...(f.usage_reported === false ? { usage_reported: false } : {}),
        error: f.error ?? m.error,
        // A turn that ended stops every tool it left running.
        tools: m.tools.map((t) => (t.status === 'running' ? { ...t, status: 'cancelled' as const } : t)),
      }));
      s.inFlight = s.inFlight.filter((t) => t.message_id !== f.message_id);
      return;
    case 'task_state':
      s.tasks = { ...s.tasks, [f.task_id]: { status: f.status, chatId: f.chat_id, error: f.error ?? null } };
      if (isTerminalTask(f.status)) s.inFlight = s.inFlight.filter((t) => t.task_id !== f.task_id);
      return;
    case 'tool_trace_start':
      d.update(
        f.chat_id,
        f.message_id,
        (m) =>
          upsertTool(withToolOffset(m, f.trace_id), f.trace_id, (t) => ({
            traceId: f.trace_id,
            toolCallId: f.tool_call_id,
            name: f.tool_name,
            input: f.tool_input,
            output: t?.output ?? null,
            status: t?.status ?? 'running',
            error: t?.error ?? null,
            startedAt: f.started_at,
            finishedAt: t?.finishedAt ?? null,
            latencyMs: t?.latencyMs ?? null,
            turn: f.turn,
          })),
        () => placeholder(f),
      );
      return;
    case 'tool_trace_update':
      d.update(f.chat_id, f.message_id, (m) =>
        m.tools.some((t) => t.traceId === f.trace_id)
          ? upsertTool(m, f.trace_id, (t) => ({
              ...t!,
              status: f.status,
              input: f.tool_input ?? t!.input,
              output: f.tool_output === undefined ? t!.output : f.tool_output,
            }))
          : m,
      );
      return;
    case 'tool_trace_finish':
      d.update(
        f.chat_id,
        f.message_id,
        (m) =>
          upsertTool(withToolOffset(m, f.trace_id), f.trace_id, (t) => ({
            traceId: f.trace_id,
            toolCallId: f.tool_call_id,
            name: f.tool_name,
            input: t?.input ?? {},
            output: f.tool_output,
            status: f.outcome === 'success' ? 'completed' : f.outcome === 'error' ? 'failed' : 'cancelled',
            error: f.error,
            startedAt: t?.startedAt ?? f.finished_at,
            finishedAt: f.finished_at,
            latencyMs: f.latency_ms,
            turn: t?.turn ?? 0,
          })),
        () => placeholder(f),
      );
      return;
    case 'usage':
      d.update(f.chat_id, f.message_id, (m) => ({ ...m, usage: f.usage, model: f.model ?? m.model, turn: m.turn ?? f.turn }));
      return;
    case 'permission_request':
      if (!s.permissions.some((p) => p.permissionId === f.permission_id)) {
        s.permissions = [
          ...s.permissions,
          {
            permissionId: f.permission_id,
            chatId: f.chat_id,
            messageId: f.message_id,
            toolCallId: f.tool_call_id,
            title: f.title,
            kind: f.kind,
            options: f.options,
            resolved: null,
          },
        ];
      }
      s.inFlight = s.inFlight.map((t) => (t.message_id === f.message_id ? { ...t, awaiting_permission: true } : t));
      return;
    case 'permission_resolved': {
      const answered = s.permissions.find((p) => p.permissionId === f.permission_id);
      s.permissions = s.permissions.map((p) =>
        p.permissionId === f.permission_id ? { ...p, resolved: { outcome: f.outcome, decidedBy: f.decided_by } } : p,
      );
      const stillWaiting = (messageId: string) =>
        s.permissions.some((p) => p.messageId === messageId && p.resolved === null);
      if (answered) {
        s.inFlight = s.inFlight.map((t) =>
          t.message_id === answered.messageId ? { ...t, awaiting_permission: stillWaiting(t.message_id) } : t,
        );
      }
      return;
    }
    case 'plan':
      d.update(f.chat_id, f.message_id, (m) => ({ ...m, plan: f.entries }));
      return;
    case 'commands':
      setChatAgent(s, f.chat_id, { commands: f.commands });
      return;
    case 'mode_changed':
      setChatAgent(s, f.chat_id, { mode: f.mode_id });
      return;
    case 'config_options':
      setChatAgent(s, f.chat_id, { agent: f.agent, options: f.options });
      return;
    case 'context_usage':
      setChatAgent(s, f.chat_id, {
        context: { used: f.used, size: f.size, ...(f.cost !== undefined ? { cost: f.cost } : {}), ...(f.currency !== undefined ? { currency: f.currency } : {}) },
      });
      return;
    case 'agent_title':
      setChatAgent(s, f.chat_id, { agent: f.agent, title: f.title });
      return;
    case 'notice':
      d.update(f.chat_id, f.message_id, (m) => ({
        ...m,
        // Drawn where it came, as the server notes in the message's metadata (see withToolOffset).
        notices: [...m.notices, { severity: f.severity, title: f.title, description: f.description ?? null, place: { at: m.content.length, tools: m.tools.length } }],
      }));
      return;
    case 'agent_snapshot':
      s.inFlight = f.in_flight;
      return;
    case 'snapshot':
      // The caller refetches REST state; nothing to merge from the frame itself.
      return;
    case 'chat_created':
      if (!s.chats.some((c) => c.id === f.chat.id)) s.chats = [...s.chats, f.chat];
      return;
    case 'chat_renamed':
      s.chats = s.chats.map((c) => (c.id === f.chat_id ? { ...c, name: f.name } : c));
      return;
    case 'session_updated':
      s.session = f.session;
      return;
    case 'setup_output':
      s.setupOutput = (s.setupOutput + f.text).slice(-SETUP_OUTPUT_LIMIT);
      return;
    case 'diff_updated':
      s.diff = { changeId: f.change_id, files: f.files, additions: f.additions, deletions: f.deletions, status: f.status ?? 'pending' };
      return;
    case 'collision_warning':
      s.collisions = f.collisions;
      return;
    case 'error':
      s.lastError = { code: f.code, message: f.message };
      return;
    case 'workflow_run':
    case 'workflow_phase':
    case 'workflow_agent':
    case 'workflow_log':
      // Kept by the workflow view (it listens to the store's frames); its agents are chats here.
      return;
    case 'subagent':
      s.subagents = { ...s.subagents, [f.subagent.id]: f.subagent };
      return;
    default: {
      const unhandled: never = f;
      return unhandled;
    }
  }
}
