import type { UiMessage } from '../stream/sessionState';
import type { TraceView, TurnBounds } from './groupByTurn';

/** Trace rows from the tool calls the chat already holds (streamed or loaded with the messages). */
export function tracesFromMessages(messages: readonly UiMessage[]): { traces: TraceView[]; bounds: Map<string, TurnBounds> } {
  const traces: TraceView[] = [];
  const bounds = new Map<string, TurnBounds>();
  for (const m of messages) {
    if (m.role !== 'assistant') continue;
    bounds.set(m.id, { startedAt: m.started_at, finishedAt: m.finished_at });
    for (const t of m.tools) {
      traces.push({
        id: t.traceId,
        turn: m.turn ?? t.turn,
        messageId: m.id,
        toolName: t.name,
        input: t.input,
        output: t.output,
        error: t.error,
        outcome: t.status === 'running' ? null : t.status === 'completed' ? 'success' : t.status === 'failed' ? 'error' : 'cancelled',
        startedAt: t.startedAt,
        finishedAt: t.finishedAt,
        latencyMs: t.latencyMs,
      });
    }
  }
  return { traces, bounds };
}
