import type { TurnUsage, Usage } from '@boocode/contracts';
import type { ToolCallView, UiMessage } from '../stream/sessionState';

/** One turn of the trace tree: what is known before its calls are fetched. */
export interface TurnEntry {
  turn: number;
  messageId: string | null;
  model: string | null;
  /** The message's status; finished turns known only from usage count as complete. */
  status: UiMessage['status'];
  startedAt: string;
  finishedAt: string | null;
  usage: Usage | null;
  /** The agent reported no usage for the turn: its tokens are unknown, not zero. */
  unreported: boolean;
  /** Calls the turn made (usage row), or the calls seen so far while it runs. */
  toolCount: number;
  running: boolean;
  /** Calls already in the chat (streamed live, or fetched for the message). */
  liveTools: ToolCallView[];
}

/**
 * Every turn of the chat, oldest first: turns recorded in the usage summary (finished ones,
 * loaded or not) joined with the assistant messages in memory (including the running one).
 */
export function turnEntries(messages: readonly UiMessage[], usage: readonly TurnUsage[]): TurnEntry[] {
  const byTurn = new Map<number, TurnEntry>();
  for (const u of usage) {
    byTurn.set(u.turn_number, {
      turn: u.turn_number,
      messageId: u.message_id,
      model: u.model,
      status: 'complete',
      startedAt: u.started_at,
      finishedAt: u.finished_at,
      usage: u.usage_reported === false ? null : u.usage,
      unreported: u.usage_reported === false,
      toolCount: u.tool_calls,
      running: false,
      liveTools: [],
    });
  }
  for (const m of messages) {
    if (m.role !== 'assistant' || m.turn === null) continue;
    const known = byTurn.get(m.turn);
    const running = m.status === 'streaming';
    byTurn.set(m.turn, {
      turn: m.turn,
      messageId: m.id,
      model: known?.model ?? m.model,
      status: m.status,
      startedAt: known?.startedAt ?? m.started_at,
      finishedAt: running ? null : (known?.finishedAt ?? m.finished_at),
      usage: known ? known.usage : m.usage_reported !== false && m.usage.input_total + m.usage.output > 0 ? m.usage : null,
      unreported: known?.unreported ?? m.usage_reported === false,
      toolCount: Math.max(known?.toolCount ?? 0, m.tools.length),
      running,
      liveTools: m.tools,
    });
  }
  return [...byTurn.values()].sort((a, b) => a.turn - b.turn);
}
