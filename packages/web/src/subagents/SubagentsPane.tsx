import { useState } from 'react';
import type { Subagent } from '@boocode/contracts';
import { EmptyState } from '../ui/EmptyState';
import { ErrorNotice } from '../ui/ErrorNotice';
import { SubagentDiff } from './SubagentDiff';

const STATUS_TEXT: Record<Subagent['status'], string> = {
  pending: 'Queued',
  running: 'Running',
  completed: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  timed_out: 'Timed out',
};
const BADGE: Record<Subagent['status'], string> = {
  pending: 'queued',
  running: 'running',
  completed: 'idle',
  failed: 'failed',
  cancelled: 'queued',
  timed_out: 'failed',
};

function duration(a: Subagent, now: number): string | null {
  if (!a.started_at) return null;
  const end = a.finished_at ? Date.parse(a.finished_at) : now;
  const s = Math.max(0, Math.round((end - Date.parse(a.started_at)) / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

const tokens = (a: Subagent) => a.usage.input_total + a.usage.output;

/**
 * Running and finished background agents of the session, each with a way into its own chat and,
 * for one in its own worktree, to what it changed there.
 */
export function SubagentsPane({ items, error, onOpenChat }: { items: Subagent[]; error: unknown; onOpenChat: (chatId: string) => void }) {
  const [diffOf, setDiffOf] = useState<string | null>(null);
  if (error) return <ErrorNotice error={error} compact />;
  if (items.length === 0) {
    return <EmptyState title="No background agents yet">Agents that this session's turns start in the background show up here.</EmptyState>;
  }
  const now = Date.now();
  return (
    <ul className="subagents" aria-label="Background agents">
      {items.map((a) => {
        const took = duration(a, now);
        return (
          <li key={a.id} className="subagents__item" data-status={a.status}>
            <div className="subagents__head">
              <span className="subagents__name">{a.label ?? 'Background agent'}</span>
              <span className={`badge badge--${BADGE[a.status]}`}>{STATUS_TEXT[a.status]}</span>
            </div>
            <div className="subagents__meta">
              {a.agent}
              {took ? ` · ${took}` : ''}
              {tokens(a) > 0 ? ` · ${tokens(a).toLocaleString()} tokens` : ''}
              {a.isolation === 'worktree' ? ' · own worktree' : ' · shared worktree'}
            </div>
            {a.error && a.status !== 'completed' ? <div className="subagents__error">{a.error}</div> : null}
            <div className="subagents__links">
              <button type="button" className="subagents__open" onClick={() => onOpenChat(a.chat_id)}>
                Open transcript
              </button>
              {a.isolation === 'worktree' ? (
                <button type="button" className="subagents__open" aria-expanded={diffOf === a.id} onClick={() => setDiffOf((v) => (v === a.id ? null : a.id))}>
                  {diffOf === a.id ? 'Hide changes' : 'Show changes'}
                </button>
              ) : (
                <span className="subagents__note">Works in the session&apos;s worktree: its changes are in the session&apos;s diff.</span>
              )}
            </div>
            {diffOf === a.id ? <SubagentDiff id={a.id} status={a.status} /> : null}
          </li>
        );
      })}
    </ul>
  );
}
