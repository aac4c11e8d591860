import type { Subagent, SubagentControl, SubagentResult } from '@boocode/contracts';
import { failure, type ToolContext, type ToolOutcome } from './types.js';

/** One line per subagent, for the model: what it needs to poll or collect it. */
export function describeSubagent(s: Subagent): string {
  const name = s.label ? ` "${s.label}"` : '';
  const took = s.finished_at && s.started_at ? `, took ${Math.round((Date.parse(s.finished_at) - Date.parse(s.started_at)) / 1000)}s` : '';
  return `subagent ${s.id}${name}: ${s.status} (agent ${s.agent}, ${s.isolation === 'worktree' ? 'own worktree' : 'shared worktree'}${took})${s.error ? `; error: ${s.error}` : ''}`;
}

export function describeResult(r: SubagentResult): string {
  if (r.text === null) return `${describeSubagent(r)}\nNo final answer yet${r.status === 'pending' || r.status === 'running' ? ': call subagent_result again later, with wait_seconds to wait for it' : ''}.`;
  return `${describeSubagent(r)}\nFinal answer:\n${r.text || '(empty)'}`;
}

/** The turn's subagents, or the failure a tool answers with where there are none. */
export function subagentsOf(ctx: ToolContext): SubagentControl | ToolOutcome {
  return ctx.subagents ?? failure('Background subagents are not available in this turn.');
}

export function isOutcome(v: SubagentControl | ToolOutcome): v is ToolOutcome {
  return 'ok' in v;
}
