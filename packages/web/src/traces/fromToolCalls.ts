import type { ToolCallView } from '../stream/sessionState';
import type { TraceView } from './groupByTurn';

/** A tool call as a trace row. */
export function toTraceView(t: ToolCallView, messageId: string, turn: number): TraceView {
  return {
    id: t.traceId,
    turn,
    messageId,
    toolCallId: t.toolCallId,
    subagentIds: t.subagentIds ?? [],
    toolName: t.name,
    input: t.input,
    output: t.output,
    error: t.error,
    outcome: t.status === 'running' ? null : t.status === 'completed' ? 'success' : t.status === 'failed' ? 'error' : 'cancelled',
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
    latencyMs: t.latencyMs,
  };
}
