import type { Message, Permission, SessionFrame, ToolTrace, Usage } from '@boocode/contracts';
import type { Paint } from '../output/color.js';
import { formatDuration } from '../duration.js';
import { shortId } from '../ids.js';
import type { SessionHistory } from './session-history.js';

/** The keys whose value says best what a tool call works on, in order of preference. */
const SUBJECT_KEYS = ['path', 'file_path', 'filePath', 'command', 'cmd', 'pattern', 'query', 'url', 'description'];

/** One short line for a tool's input: its path or command when it has one, else compact JSON. */
function toolSubject(input: Record<string, unknown>): string {
  const key = SUBJECT_KEYS.find((k) => typeof input[k] === 'string' && input[k] !== '');
  const text = key ? String(input[key]) : Object.keys(input).length ? JSON.stringify(input) : '';
  const first = text.split('\n')[0]!;
  const clipped = first.length > 80 ? first.slice(0, 79) : first;
  return clipped === text ? text : `${clipped}…`;
}

/** ` · 120 in / 8 out tokens`, nothing when no tokens were counted, and says so when the agent reported none. */
export const tokens = (u: Usage | undefined, reported = true) =>
  !reported ? ' · tokens not reported by the agent' : u && (u.input_total || u.output) ? ` · ${u.input_total} in / ${u.output} out tokens` : '';

const elapsed = (from: string, to: string) => formatDuration(Math.max(0, new Date(to).getTime() - new Date(from).getTime()));

/** What has been printed of one message, so that a refetch or a replayed frame prints nothing twice. */
interface Printed {
  /** Seq of the last delta already shown (from `content_seq` after a refetch). */
  seq: number;
  done: boolean;
  turn: number | null;
  startedAt: string;
}

/**
 * Turns a session's history and its live frames into readable lines: the user's prompts (`> `),
 * the agent's text as it streams, its reasoning (`thinking| ` on every line), one line per tool
 * call with its outcome and duration, permission requests with how to answer them, and errors.
 */
export class LogPrinter {
  private atLineStart = true;
  private mode: 'text' | 'reasoning' | null = null;
  private readonly messages = new Map<string, Printed>();
  private readonly toolsStarted = new Map<string, { name: string; input: Record<string, unknown> }>();
  private readonly toolsDone = new Set<string>();
  private readonly permissionsShown = new Set<string>();
  /** Tasks whose turn opened a message: their end is told by `message_complete`. */
  private readonly tasksWithMessage = new Set<string>();

  constructor(
    private readonly write: (text: string) => void,
    private readonly paint: Paint,
  ) {}

  /** The stored history; frames seen afterwards only add what it did not hold. */
  history(h: SessionHistory): void {
    for (const m of h.messages) {
      const known = this.messages.get(m.id);
      if (known?.done) continue;
      if (m.role === 'user') {
        if (!known) this.userMessage(m);
        continue;
      }
      if (m.task_id) this.tasksWithMessage.add(m.task_id);
      if (!known) this.header(m.turn, undefined, m.model);
      const printed: Printed = known ?? { seq: -1, done: false, turn: m.turn, startedAt: m.started_at };
      this.messages.set(m.id, printed);
      // A message seen streaming before the refetch already shows part of its text: not again.
      if (!known) {
        if (m.reasoning) this.stream('reasoning', m.reasoning);
        for (const t of h.traces.filter((t) => t.message_id === m.id && t.outcome !== 'running' && t.outcome !== null)) this.storedTrace(t);
        for (const p of h.permissions.filter((p) => p.message_id === m.id)) this.storedPermission(p);
        if (m.content) this.stream('text', m.content);
      }
      printed.seq = Math.max(printed.seq, m.content_seq ?? -1);
      if (m.status !== 'streaming') this.footer(printed, m.status, m.finished_at ?? m.started_at, m.usage, m.usage_reported !== false, null);
    }
  }

  frame(f: SessionFrame): void {
    switch (f.type) {
      case 'message_created':
        if (f.message.role === 'user' && !this.messages.has(f.message.id)) this.userMessage(f.message);
        return;
      case 'message_started':
        if (f.role !== 'assistant' || this.messages.has(f.message_id)) return;
        if (f.task_id) this.tasksWithMessage.add(f.task_id);
        this.messages.set(f.message_id, { seq: -1, done: false, turn: f.turn, startedAt: f.started_at });
        this.header(f.turn, f.agent ?? undefined, f.model);
        return;
      case 'message_delta':
      case 'reasoning_delta': {
        const m = this.messages.get(f.message_id);
        if (m && (m.done || f.seq <= m.seq)) return;
        this.stream(f.type === 'message_delta' ? 'text' : 'reasoning', f.text);
        return;
      }
      case 'message_deleted':
        this.messages.delete(f.message_id);
        this.line(this.paint.dim('(an empty answer was dropped; the turn is tried again)'));
        return;
      case 'message_complete': {
        const m = this.messages.get(f.message_id);
        if (!m || m.done) return;
        this.footer(m, f.status, f.finished_at, f.usage, f.usage_reported !== false, f.error ?? null);
        return;
      }
      case 'task_state':
        if ((f.status === 'failed' || f.status === 'timed_out') && !this.tasksWithMessage.has(f.task_id)) {
          this.line(this.paint.red(`task ${shortId(f.task_id)} ${f.status}${f.error ? `: ${f.error}` : ''}`));
        }
        return;
      case 'tool_trace_start':
        this.toolsStarted.set(f.trace_id, { name: f.tool_name, input: f.tool_input });
        return;
      case 'tool_trace_update':
        if (f.tool_input) {
          const t = this.toolsStarted.get(f.trace_id);
          if (t) t.input = f.tool_input;
        }
        return;
      case 'tool_trace_finish': {
        if (this.toolsDone.has(f.trace_id)) return;
        const input = this.toolsStarted.get(f.trace_id)?.input ?? {};
        this.tool(f.trace_id, f.tool_name, input, f.outcome, f.latency_ms, f.error);
        return;
      }
      case 'permission_request':
        if (this.permissionsShown.has(f.permission_id)) return;
        this.permission(f.permission_id, f.title, f.kind);
        return;
      case 'permission_resolved':
        this.line(this.paint.dim(`permission ${shortId(f.permission_id)}: ${f.outcome} (${f.decided_by})`));
        return;
      case 'plan':
        this.line(`${this.paint.dim('plan:')} ${f.entries.map((e) => `${e.status === 'completed' ? '[x]' : e.status === 'in_progress' ? '[>]' : '[ ]'} ${e.content}`).join('  ')}`);
        return;
      case 'notice':
        this.line(this.paint.yellow(`notice (${f.severity}): ${f.title}${f.description ? ` — ${f.description}` : ''}`));
        return;
      case 'error':
        this.line(this.paint.red(`error: ${f.code}: ${f.message}`));
        return;
      case 'setup_output':
        for (const l of f.text.replace(/\n$/, '').split('\n')) this.line(this.paint.dim(`setup| ${l}`));
        return;
      case 'diff_updated':
        if (f.status === undefined || f.status === 'pending') {
          this.line(this.paint.dim(`changes: ${f.files} file(s) +${f.additions} -${f.deletions} (boocode diff ${shortId(f.session_id)})`));
        } else this.line(this.paint.dim(`changes ${f.status}`));
        return;
      case 'collision_warning':
        for (const c of f.collisions) {
          this.line(this.paint.yellow(`collision: ${c.file} is also changed by session ${shortId(c.other_session_id)} (${c.severity.replace('_', ' ')})`));
        }
        return;
      case 'session_updated':
        if (f.session.status === 'archived') this.line(this.paint.dim('session archived'));
        return;
      default:
        // Agent state (settings, commands, mode, context use, titles) and stream bookkeeping: not log lines.
        return;
    }
  }

  /** Ends a line left open by streamed text. */
  finish(): void {
    this.endLine();
  }

  private userMessage(m: Message): void {
    this.messages.set(m.id, { seq: Number.MAX_SAFE_INTEGER, done: true, turn: m.turn, startedAt: m.started_at });
    const lines = (m.content || '(images only)').split('\n');
    this.line(this.paint.bold(lines.map((l, i) => (i === 0 ? `> ${l}` : `  ${l}`)).join('\n')));
  }

  private header(turn: number | null, agent: string | undefined, model: string | null): void {
    const who = [agent, model].filter(Boolean).join(' · ');
    this.line(this.paint.cyan(`[turn ${turn ?? '?'}]${who ? ` ${who}` : ''}`));
  }

  private footer(m: Printed, status: Message['status'], finishedAt: string, usage: Usage | undefined, usageReported: boolean, error: string | null): void {
    m.done = true;
    const took = elapsed(m.startedAt, finishedAt);
    const colour = status === 'complete' ? this.paint.green : status === 'cancelled' ? this.paint.yellow : this.paint.red;
    const what = status === 'complete' ? 'completed' : status;
    this.line(colour(`[turn ${m.turn ?? '?'}] ${what} in ${took}${tokens(usage, usageReported)}${error ? `: ${error}` : ''}`));
  }

  private storedTrace(t: ToolTrace): void {
    const outcome = t.outcome === 'running' || t.outcome === null ? 'cancelled' : t.outcome;
    this.tool(t.id, t.tool_name, t.tool_input, outcome, t.latency_ms, t.error);
  }

  private tool(id: string, name: string, input: Record<string, unknown>, outcome: 'success' | 'error' | 'cancelled', ms: number | null, error: string | null): void {
    this.toolsDone.add(id);
    const took = ms === null ? '' : ` ${formatDuration(ms)}`;
    const status =
      outcome === 'success'
        ? this.paint.green(`ok${took}`)
        : outcome === 'error'
          ? this.paint.red(`error${took}${error ? `: ${error.split('\n')[0]}` : ''}`)
          : this.paint.yellow(`cancelled${took}`);
    const subject = toolSubject(input);
    this.line(`${this.paint.dim('tool:')} ${this.paint.bold(name)}${subject ? ` ${subject}` : ''}  [${status}]`);
  }

  private storedPermission(p: Permission): void {
    if (p.status === 'pending') return this.permission(p.id, p.title, p.kind);
    this.permissionsShown.add(p.id);
    this.line(this.paint.dim(`permission ${shortId(p.id)}: ${p.title} -> ${p.decision ?? p.status} (${p.decided_by ?? 'cancelled'})`));
  }

  private permission(id: string, title: string, kind: string | null): void {
    this.permissionsShown.add(id);
    const s = shortId(id);
    this.line(this.paint.magenta(`permission ${s}: ${title}${kind ? ` (${kind})` : ''} — answer: boocode permit ${s} allow|always|reject`));
  }

  private stream(kind: 'text' | 'reasoning', text: string): void {
    if (this.mode !== kind) {
      this.endLine();
      this.mode = kind;
    }
    let out = '';
    for (const part of text.split(/(\n)/)) {
      if (part === '\n') {
        out += '\n';
        this.atLineStart = true;
        continue;
      }
      if (!part) continue;
      if (kind === 'reasoning') out += (this.atLineStart ? this.paint.dim('thinking| ') : '') + this.paint.dim(this.paint.italic(part));
      else out += part;
      this.atLineStart = false;
    }
    this.write(out);
  }

  private line(text: string): void {
    this.endLine();
    this.mode = null;
    this.write(text + '\n');
  }

  private endLine(): void {
    if (this.atLineStart) return;
    this.write('\n');
    this.atLineStart = true;
  }
}
