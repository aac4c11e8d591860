import { formatDuration, formatTokens } from '../traces/latency';
import { formatTime } from '../ui/format';
import type { TurnRow } from './turns';

/** One turn in the timeline; a button that scrolls the chat to it. */
export function TimelineTurn({ row, inView, onSelect }: { row: TurnRow; inView: boolean; onSelect: (messageId: string) => void }) {
  const running = row.status === 'streaming';
  return (
    <li className={`timeline__turn${inView ? ' timeline__turn--current' : ''}${running ? ' timeline__turn--running' : ''}`}>
      <span className="timeline__dot" aria-hidden="true" />
      <button
        type="button"
        className="timeline__card"
        onClick={() => row.messageId && onSelect(row.messageId)}
        disabled={!row.messageId}
        aria-current={inView ? 'true' : undefined}
        aria-label={`Turn ${row.turn}, ${running ? 'running' : row.status}. Scroll the chat to it`}
      >
        <span className="timeline__title">
          Turn {row.turn}
          <time dateTime={row.startedAt}>{formatTime(row.startedAt)}</time>
          {running ? <span className="badge badge--running">running</span> : null}
          {row.status === 'failed' || row.status === 'cancelled' ? <span className="badge badge--failed">{row.status}</span> : null}
        </span>
        <span className="timeline__model">{row.model ?? 'default model'}</span>
        <span className="timeline__stats">
          <span title="input + output tokens">{formatTokens(row.tokens)} tok</span>
          <span title="share of input served from the prompt cache">
            {row.cacheHitPct === null ? '— cache' : `${row.cacheHitPct}% cache`}
          </span>
          <span>
            {row.toolCount} tool{row.toolCount === 1 ? '' : 's'}
          </span>
          <span>{running ? '…' : formatDuration(row.durationMs)}</span>
        </span>
      </button>
    </li>
  );
}
