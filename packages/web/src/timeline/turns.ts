import type { TurnUsage } from '@boocode/contracts';
import type { UiMessage } from '../stream/sessionState';
import { cacheHitPct } from '../traces/latency';
import { turnEntries } from '../traces/turnEntries';

/** One row of the session timeline: an assistant turn. */
export interface TurnRow {
  /** The turn's message (to scroll to); null if the server did not link one. */
  messageId: string | null;
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

/** Timeline rows from the usage summary (every finished turn) and the messages in memory. */
export function turnsOf(messages: readonly UiMessage[], usage: readonly TurnUsage[] = []): TurnRow[] {
  return turnEntries(messages, usage).map((e) => {
    const start = Date.parse(e.startedAt);
    const end = e.finishedAt ? Date.parse(e.finishedAt) : NaN;
    return {
      messageId: e.messageId,
      turn: e.turn,
      startedAt: e.startedAt,
      model: e.model,
      tokens: e.usage ? e.usage.input_total + e.usage.output : 0,
      cacheHitPct: e.usage ? cacheHitPct(e.usage) : null,
      toolCount: e.toolCount,
      durationMs: Number.isNaN(start) || Number.isNaN(end) || end < start ? null : end - start,
      status: e.status,
    };
  });
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
