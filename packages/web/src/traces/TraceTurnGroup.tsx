import { useId, useState } from 'react';
import type { Usage } from '@boocode/contracts';
import { Icon } from '../ui/Icon';
import { formatTime } from '../ui/format';
import type { TraceTurn } from './groupByTurn';
import { cacheHitPct, formatDuration, formatTokens } from './latency';
import { TraceRow } from './TraceRow';

/** One turn of the trace tree: a header with its totals, and its calls on a shared time axis. */
export function TraceTurnGroup({ turn, usage }: { turn: TraceTurn; usage: Usage | undefined }) {
  const [open, setOpen] = useState(true);
  const id = useId();
  const hit = usage ? cacheHitPct(usage) : null;
  return (
    <li className="trace-turn">
      <button type="button" className="trace-turn__head" aria-expanded={open} aria-controls={id} onClick={() => setOpen((v) => !v)}>
        <Icon name={open ? 'chevronDown' : 'chevronRight'} size={12} />
        <span className="trace-turn__title">Turn {turn.turn}</span>
        <time dateTime={new Date(turn.startMs).toISOString()}>{formatTime(new Date(turn.startMs).toISOString())}</time>
        <span>
          {turn.traces.length} call{turn.traces.length === 1 ? '' : 's'}
        </span>
        <span>{turn.running > 0 ? 'running' : formatDuration(turn.durationMs)}</span>
        {turn.errors > 0 ? <span className="badge badge--failed">{turn.errors} failed</span> : null}
      </button>
      {usage && usage.input_total + usage.output > 0 ? (
        <div className="trace-turn__usage">
          <span>{formatTokens(usage.input_total)} in</span>
          <span>{formatTokens(usage.output)} out</span>
          {usage.reasoning > 0 ? <span>{formatTokens(usage.reasoning)} reasoning</span> : null}
          <span>
            {formatTokens(usage.cache_read)} cache read{hit !== null ? ` (${hit}%)` : ''}
          </span>
          {usage.cache_write > 0 ? <span>{formatTokens(usage.cache_write)} cache write</span> : null}
        </div>
      ) : null}
      {open ? (
        <ul className="trace-turn__calls" id={id}>
          {turn.traces.map((t) => (
            <TraceRow key={t.id} trace={t} turnStartMs={turn.startMs} turnDurationMs={turn.durationMs} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}
