import { memo } from 'react';
import { formatCost } from '../traces/cacheTone';
import { formatDuration, formatElapsed, formatTokens } from '../traces/latency';
import { IconButton } from '../ui/IconButton';
import type { AgentDisplayStatus, AgentView } from './runState';

export const STATUS_TEXT: Record<AgentDisplayStatus, string> = {
  queued: 'queued',
  running: 'running',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  cached: 'cached',
};

/** How long the agent took, or has been going (running agents tick with `now`). */
export function agentDuration(a: AgentView, now: number): string {
  // A cached agent did not run in this run.
  if (!a.startedAt || a.cached) return '';
  const start = Date.parse(a.startedAt);
  if (a.finishedAt) return formatDuration(Date.parse(a.finishedAt) - start);
  return formatElapsed(now - start);
}

export const agentTitle = (a: AgentView) => a.label ?? `agent ${a.position + 1}`;

/**
 * One agent of a run: a fixed-height row (the list is virtualized), its name opening the
 * drill-down. Memoized: while a run streams, only rows whose agent changed render again.
 */
export const AgentRow = memo(function AgentRow({
  agent: a,
  status,
  now,
  cancelling,
  onOpen,
  onCancel,
}: {
  agent: AgentView;
  status: AgentDisplayStatus;
  /** Only passed for running agents, so finished rows do not render on each tick. */
  now: number;
  cancelling: boolean;
  onOpen: (position: number) => void;
  onCancel: (a: AgentView) => void;
}) {
  const who = [a.agent, a.model].filter(Boolean).join(' · ');
  const tokens = a.usage && (a.usage.input_total || a.usage.output) ? `${formatTokens(a.usage.input_total)} in · ${formatTokens(a.usage.output)} out` : '';
  const active = status === 'queued' || status === 'running';
  return (
    <div className={`wf-agent wf-agent--${status}`} role="row" aria-label={`${agentTitle(a)}, ${STATUS_TEXT[status]}`}>
      <span className={`wf-status wf-status--${status}`} role="cell">
        <span className="wf-status__dot" aria-hidden="true" />
        {STATUS_TEXT[status]}
      </span>
      <span className="wf-agent__cell" role="cell">
        <button type="button" className="wf-agent__open" onClick={() => onOpen(a.position)} title="Open its transcript, tool calls and changes">
        <span className="wf-agent__label">{agentTitle(a)}</span>
        <span className="wf-agent__meta">
          {who || (status === 'queued' ? 'waiting for a worker' : '')}
          {a.attempts > 1 ? ` · attempt ${a.attempts}` : ''}
          {a.worktree ? ` · own worktree, ${a.worktree.files} file${a.worktree.files === 1 ? '' : 's'} changed` : ''}
          {a.error && !active ? ` · ${a.error}` : ''}
          </span>
        </button>
      </span>
      <span className="wf-agent__figures" role="cell">
        {a.cached ? (
          <span className="wf-cached" title="Its result was replayed from the journal of an earlier run: no agent ran again">
            from cache
          </span>
        ) : null}
        <span className="wf-agent__time">{agentDuration(a, now)}</span>
        <span className="wf-agent__tokens">{tokens}</span>
        {a.cost !== null ? <span className="wf-agent__cost">{formatCost(a.cost)}</span> : null}
      </span>
      <span className="wf-agent__actions" role="cell">
        {active && a.taskId ? (
          <IconButton icon="stop" label={`Stop ${agentTitle(a)}`} disabled={cancelling} onClick={() => onCancel(a)} />
        ) : null}
      </span>
    </div>
  );
});
