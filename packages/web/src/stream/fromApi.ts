import type {
  Collision as ProjectCollision,
  Permission,
  PermissionDecision,
  PermissionOptionKind,
  ToolTrace,
} from '@boocode/contracts';
import type { Collision, PermissionView, ToolCallView } from './sessionState';

/** REST shapes turned into the view shapes the stream reducer keeps. */

export function toolCallFromTrace(t: ToolTrace): ToolCallView {
  return {
    traceId: t.id,
    toolCallId: t.tool_call_id,
    name: t.tool_name,
    input: t.tool_input,
    output: t.tool_output,
    status:
      t.outcome === 'success' ? 'completed' : t.outcome === 'error' ? 'failed' : t.outcome === 'cancelled' ? 'cancelled' : 'running',
    error: t.error,
    startedAt: t.started_at,
    finishedAt: t.finished_at,
    latencyMs: t.latency_ms,
    turn: t.turn_number,
    ...(t.subagent_ids?.length ? { subagentIds: t.subagent_ids } : {}),
  };
}

/**
 * One turn's tool calls from two sources: frames seen live and rows fetched over REST. The
 * same call (trace id) keeps whichever copy has finished; order is by start time.
 */
export function mergeToolCalls(live: readonly ToolCallView[], fetched: readonly ToolCallView[]): ToolCallView[] {
  if (fetched.length === 0) return live as ToolCallView[];
  const byId = new Map<string, ToolCallView>();
  for (const t of fetched) byId.set(t.traceId, t);
  for (const t of live) {
    const other = byId.get(t.traceId);
    if (!other || (other.status === 'running' && t.status !== 'running')) byId.set(t.traceId, t);
  }
  return [...byId.values()].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
}

export function permissionFromApi(p: Permission): PermissionView {
  return {
    permissionId: p.id,
    chatId: p.chat_id,
    messageId: p.message_id,
    toolCallId: p.tool_call_id,
    title: p.title,
    kind: p.kind,
    options: p.options,
    resolved:
      p.status === 'pending' ? null : { outcome: p.decision ?? 'cancelled', decidedBy: p.decided_by ?? 'cancelled' },
  };
}

/** The decision the server takes for the option a person picked. */
export function decisionFor(kind: PermissionOptionKind): PermissionDecision {
  if (kind === 'allow_once') return 'allow_once';
  if (kind === 'allow_always') return 'allow_always';
  return 'reject';
}

/** A project's collisions as seen from one session (the `collision_warning` frame's shape). */
export function collisionsOf(all: readonly ProjectCollision[], sessionId: string): Collision[] {
  const out: Collision[] = [];
  for (const c of all) {
    if (c.session_id === sessionId) {
      out.push({ file: c.file, severity: c.severity, other_session_id: c.other_session_id, ranges: c.ranges, other_ranges: c.other_ranges });
    } else if (c.other_session_id === sessionId) {
      out.push({ file: c.file, severity: c.severity, other_session_id: c.session_id, ranges: c.other_ranges, other_ranges: c.ranges });
    }
  }
  return out;
}
