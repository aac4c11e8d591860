import type { UiMessage } from '../stream/sessionState';
import { cacheHitPct } from '../traces/latency';

/** One row of the session timeline: an assistant turn. */
export interface TurnRow {
  messageId: string;
  /** 1-based turn number (the server's, else the position among assistant messages). */
  turn: number;
  startedAt: string;
  model: string | null;
  /** Input plus output tokens. */
  tokens: number;
  cacheHitPct: number | null;
  toolCount: number;
  /** null while the turn runs (or when a timestamp is unreadable). */
  durationMs: number | null;
  status: UiMessage['status'];
}

export function turnsOf(messages: readonly UiMessage[]): TurnRow[] {
  const rows: TurnRow[] = [];
  for (const m of messages) {
    if (m.role !== 'assistant') continue;
    const start = Date.parse(m.started_at);
    const end = m.finished_at ? Date.parse(m.finished_at) : NaN;
    rows.push({
      messageId: m.id,
      turn: m.turn ?? rows.length + 1,
      startedAt: m.started_at,
      model: m.model,
      tokens: m.usage.input_total + m.usage.output,
      cacheHitPct: cacheHitPct(m.usage),
      toolCount: m.tools.length,
      durationMs: Number.isNaN(start) || Number.isNaN(end) || end < start ? null : end - start,
      status: m.status,
    });
  }
  return rows;
}

/**
 * The turn the reader is looking at: the last assistant message at or above the first visible
 * row, else the first one below it.
 */
export function turnInView(messages: readonly UiMessage[], firstVisibleIndex: number): string | null {
  let above: string | null = null;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role !== 'assistant') continue;
    if (i <= firstVisibleIndex) above = m.id;
    else return above ?? m.id;
  }
  return above;
}
