import type * as acp from '@agentclientprotocol/sdk/unstable';
import { addUsage, type AgentConfigOption, type AgentEvent, type PlanEntry, type Usage } from '@boocode/contracts';
import { z } from 'zod';
import { selectValues } from './settings.js';

type ToolStatus = 'pending' | 'in_progress' | 'completed' | 'failed';

interface ToolState {
  status: ToolStatus;
  /** Whether the announced input was the real one (agents often send rawInput later). */
  hasInput: boolean;
}

const nowIso = (): string => new Date().toISOString();

/** The announced input, or null while it is not known: several agents announce `{}` and send the real one later. */
function asInput(raw: unknown): Record<string, unknown> | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 0) return null;
  if (typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
  return { value: raw };
}

function blockText(block: acp.ContentBlock): string | null {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'resource_link':
      return `[${block.title ?? block.name}](${block.uri})`;
    case 'resource':
      return 'text' in block.resource ? block.resource.text : null;
    default:
      return null;
  }
}

/** A tool's content as readable text: text blocks, diffs by path, terminals by id. */
function toolContentText(content: acp.ToolCallContent[] | null | undefined): string | null {
  if (!content || content.length === 0) return null;
  const out: string[] = [];
  for (const c of content) {
    if (c.type === 'content') {
      const t = blockText(c.content);
      if (t !== null) out.push(t);
    } else if (c.type === 'diff') {
      out.push(`diff ${c.path}`);
    } else if (c.type === 'terminal') {
      out.push(`terminal ${c.terminalId}`);
    }
  }
  return out.length > 0 ? out.join('\n') : null;
}

function outputText(u: { content?: acp.ToolCallContent[] | null; rawOutput?: unknown }): string | undefined {
  const fromContent = toolContentText(u.content);
  if (fromContent !== null) return fromContent;
  if (u.rawOutput === undefined || u.rawOutput === null) return undefined;
  return typeof u.rawOutput === 'string' ? u.rawOutput : JSON.stringify(u.rawOutput);
}

const Count = z.number().int().nonnegative();

/** qwen-code's per-model-call usage in `agent_message_chunk._meta.usage`. */
const MetaUsage = z.object({
  usage: z.looseObject({ inputTokens: Count, outputTokens: Count, cachedReadTokens: Count.optional() }),
});

/** gemini-cli's usage in the prompt response's `_meta.quota.token_count`. */
const QuotaMeta = z.object({
  quota: z.looseObject({ token_count: z.looseObject({ input_tokens: Count, output_tokens: Count }) }),
});

/** Usage from gemini-cli's prompt response `_meta`, or null when it carries none. */
export function quotaUsage(meta: unknown): Usage | null {
  const q = QuotaMeta.safeParse(meta);
  if (!q.success) return null;
  const { input_tokens: input, output_tokens: output } = q.data.quota.token_count;
  return { input_total: input, no_cache: input, cache_read: 0, cache_write: 0, output, reasoning: 0 };
}

/**
 * The tool's name for traces: the agent's own name for it when it gives one, else its ACP kind;
 * the title ("run a command", "Read foo.ts") only when neither says more.
 */
function toolName(call: acp.ToolCallUpdate): string {
  if (call.name) return call.name;
  if (call.kind && call.kind !== 'other') return call.kind;
  return call.title ?? call.kind ?? 'tool';
}

export function configOptions(options: acp.SessionConfigOption[]): AgentConfigOption[] {
  return options.map((o) => ({
    id: o.id,
    name: o.name,
    category: o.category ?? null,
    type: o.type === 'boolean' ? 'boolean' : 'select',
    current_value: o.currentValue,
    values: selectValues(o).map((x) => ({ value: x.value, name: x.name })),
  }));
}

/**
 * What a call announced without `rawInput` still says of itself: gemini-cli sends only a title
 * and the paths it touches. Replaced by the real input if one comes later.
 */
function announcedInput(call: acp.ToolCallUpdate): Record<string, unknown> {
  const paths = (call.locations ?? []).map((l) => l.path);
  return { ...(call.title ? { title: call.title } : {}), ...(paths.length > 0 ? { paths } : {}) };
}

/**
 * Turns one ACP session's `session/update` notifications into AgentEvents, keeping the tool-call
 * bookkeeping a turn needs: every tool gets exactly one `tool_call` (synthesized if an update or a
 * permission request names a call never announced), then `tool_update`s as its status changes.
 *
 * Runs synchronously on purpose: the SDK starts notification handlers in arrival order but does
 * not wait for them, so an `await` in here would let updates overtake each other.
 */
export class AcpTranslator {
  private readonly tools = new Map<string, ToolState>();
  private metaUsage: { usage: Usage; raw: unknown[] } | null = null;

  /** Usage the agent reported in message chunks' `_meta` this turn (qwen-code), summed over model calls. */
  get chunkUsage(): { usage: Usage; raw: unknown[] } | null {
    return this.metaUsage;
  }

  constructor(private readonly emit: (event: AgentEvent) => void) {}

  /** Whether one of this turn's tools has started and not ended yet. */
  get toolRunning(): boolean {
    for (const t of this.tools.values()) if (t.status === 'pending' || t.status === 'in_progress') return true;
    return false;
  }

  /** Makes sure the call is announced (used before a permission request refers to it). */
  announce(call: acp.ToolCallUpdate): void {
    if (this.tools.has(call.toolCallId)) return;
    const input = asInput(call.rawInput);
    this.tools.set(call.toolCallId, { status: 'pending', hasInput: input !== null });
    this.emit({
      type: 'tool_call',
      id: call.toolCallId,
      name: toolName(call),
      input: input ?? announcedInput(call),
      started_at: nowIso(),
    });
  }

  update(u: acp.SessionUpdate): void {
    switch (u.sessionUpdate) {
      case 'agent_message_chunk': {
        const text = blockText(u.content);
        if (text) this.emit({ type: 'text', text });
        this.addMetaUsage(u._meta);
        return;
      }
      case 'agent_thought_chunk': {
        const text = blockText(u.content);
        if (text) this.emit({ type: 'reasoning', text });
        return;
      }
      case 'user_message_chunk':
        // The agent echoing the user's prompt (or replaying history on session/load).
        return;
      case 'tool_call': {
        this.announce(u);
        this.progress(u.toolCallId, u.status ?? 'pending', u);
        return;
      }
      case 'tool_call_update': {
        this.announce(u);
        this.progress(u.toolCallId, u.status ?? null, u);
        return;
      }
      case 'plan': {
        const entries: PlanEntry[] = u.entries.map((e) => ({ content: e.content, status: e.status, priority: e.priority }));
        this.emit({ type: 'plan', entries });
        return;
      }
      case 'available_commands_update':
        this.emit({
          type: 'commands',
          commands: u.availableCommands.map((c) => ({
            name: c.name,
            description: c.description,
            ...(c.input?.hint ? { input_hint: c.input.hint } : {}),
          })),
        });
        return;
      case 'current_mode_update':
        this.emit({ type: 'mode_changed', mode_id: u.currentModeId });
        return;
      case 'config_option_update':
        this.emit({ type: 'config_options', options: configOptions(u.configOptions) });
        return;
      case 'session_info_update':
        if (u.title !== undefined) this.emit({ type: 'session_info', title: u.title ?? null });
        return;
      case 'usage_update':
        this.emit({
          type: 'context_usage',
          used: u.used,
          size: u.size,
          ...(u.cost ? { cost: u.cost.amount, currency: u.cost.currency } : {}),
        });
        return;
      case 'notice':
        this.emit({
          type: 'notice',
          severity: u.severity,
          title: u.title,
          ...(u.description ? { description: u.description } : {}),
        });
        return;
      case 'compaction_update':
        this.emit({
          type: 'notice',
          severity: u.status === 'failed' ? 'warning' : 'info',
          title: `context compaction ${u.status}`,
          ...(u.error ? { description: u.error } : {}),
        });
        return;
      default:
        // Variants newer than this SDK (and compaction summary text) carry nothing a turn records.
        return;
    }
  }

  private addMetaUsage(meta: unknown): void {
    const m = MetaUsage.safeParse(meta);
    if (!m.success) return;
    const { inputTokens, outputTokens, cachedReadTokens = 0 } = m.data.usage;
    // qwen-code's inputTokens include the cached ones.
    const usage: Usage = {
      input_total: inputTokens,
      no_cache: Math.max(0, inputTokens - cachedReadTokens),
      cache_read: cachedReadTokens,
      cache_write: 0,
      output: outputTokens,
      reasoning: 0,
    };
    this.metaUsage = this.metaUsage
      ? { usage: addUsage(this.metaUsage.usage, usage), raw: [...this.metaUsage.raw, m.data.usage] }
      : { usage, raw: [m.data.usage] };
  }

  private progress(id: string, status: ToolStatus | null, u: acp.ToolCallUpdate): void {
    const tool = this.tools.get(id);
    if (!tool) return;
    const input = asInput(u.rawInput);
    const newInput = input !== null && !tool.hasInput;
    if (newInput) tool.hasInput = true;
    if (status === null || status === tool.status) {
      if (newInput) this.emit({ type: 'tool_update', id, status: 'running', input: input ?? undefined });
      return;
    }
    tool.status = status;
    if (status === 'pending' || status === 'in_progress') {
      this.emit({ type: 'tool_update', id, status: 'running', ...(newInput && input ? { input } : {}) });
    } else if (status === 'completed') {
      const output = outputText(u);
      this.emit({
        type: 'tool_update',
        id,
        status: 'completed',
        ...(output !== undefined ? { output } : {}),
        ...(newInput && input ? { input } : {}),
        finished_at: nowIso(),
      });
    } else {
      this.emit({
        type: 'tool_update',
        id,
        status: 'failed',
        error: outputText(u) ?? 'tool failed',
        ...(newInput && input ? { input } : {}),
        finished_at: nowIso(),
      });
    }
  }
}
