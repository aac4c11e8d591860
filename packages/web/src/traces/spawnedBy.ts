import type { Subagent } from '@boocode/contracts';
import type { TraceView } from './groupByTurn';

/**
 * The background agents a tool call spawned, oldest first: those the traces API names for it,
 * and those of the session whose spawning call is this one (a child spawned moments ago, before
 * the call's trace was fetched again).
 */
export function spawnedBy(trace: Pick<TraceView, 'toolCallId' | 'subagentIds'>, subagents: readonly Subagent[]): Subagent[] {
  const named = new Set(trace.subagentIds);
  return subagents
    .filter((a) => named.has(a.id) || (a.spawn_tool_call_id !== null && a.spawn_tool_call_id === trace.toolCallId))
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
}
