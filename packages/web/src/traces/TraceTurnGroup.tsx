import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ModelCall, Subagent } from '@boocode/contracts';
import { mergeToolCalls } from '../stream/fromApi';
import type { TurnTraces } from '../stream/sessionState';
import { Icon } from '../ui/Icon';
import { Spinner } from '../ui/Spinner';
import { formatTime } from '../ui/format';
import { toTraceView } from './fromToolCalls';
import { groupByTurn } from './groupByTurn';
import { cacheHitPct, formatDuration, formatTokens } from './latency';
import { cacheTone, formatCost, type CacheThresholds } from './cacheTone';
import { SegmentBar } from './SegmentBar';
import { TraceCallList } from './TraceCallList';
import type { TurnEntry } from './turnEntries';

/**
 * One turn of the trace tree. Its calls are fetched when it is first opened (and again if a
 * page did not hold them all), so a long session costs one request per turn looked at.
 */
export function TraceTurnGroup({
  entry,
  fetched,
  defaultOpen,
  now,
  onOpen,
  onLoadMore,
  calls: modelCalls,
  cost,
  thresholds,
  subagents,
}: {
  entry: TurnEntry;
  /** The session's background agents: each nests under the call that spawned it. */
  subagents: readonly Subagent[];
  /** The turn's model calls (empty until loaded, and for agents that report none). */
  calls: readonly ModelCall[];
  /** USD; null: no price; undefined: not known yet (running). */
  cost: number | null | undefined;
  thresholds: CacheThresholds;
  fetched: TurnTraces | undefined;
  defaultOpen: boolean;
  now: number;
  onOpen: () => void;
  onLoadMore: () => void;
}) {
  const [open, setOpen] = useState(defaultOpen);
  const id = useId();
  const needsFetch = entry.toolCount > entry.liveTools.length || entry.running;
  // Fetch on opening only: a failed fetch is retried by the Retry button, not by re-renders.
  const openRef = useRef(onOpen);
  openRef.current = onOpen;
  useEffect(() => {
    if (open && needsFetch) openRef.current();
  }, [open, needsFetch]);

  const calls = useMemo(() => mergeToolCalls(entry.liveTools, fetched?.items ?? []), [entry.liveTools, fetched]);
  const messageId = entry.messageId ?? `turn-${entry.turn}`;
  const traces = useMemo(() => calls.map((c) => toTraceView(c, messageId, entry.turn)), [calls, messageId, entry.turn]);
  const geometry = useMemo(
    () => groupByTurn(traces, new Map([[messageId, { startedAt: entry.startedAt, finishedAt: entry.finishedAt }]]), now)[0],
    [traces, messageId, entry.startedAt, entry.finishedAt, now],
  );
  const startMs = geometry?.startMs ?? Date.parse(entry.startedAt);
  const durationMs = geometry?.durationMs ?? (entry.finishedAt ? Date.parse(entry.finishedAt) - startMs : now - startMs);
  const errors = traces.filter((t) => t.outcome === 'error').length;
  const count = Math.max(entry.toolCount, traces.length);
  const hit = entry.usage ? cacheHitPct(entry.usage) : null;
  // The turn's largest prompt is its last step's: its shape is the turn's.
  const shaped = [...modelCalls].reverse().find((c) => c.segments !== null);

  return (
    <li className="trace-turn">
      <button type="button" className="trace-turn__head" aria-expanded={open} aria-controls={id} onClick={() => setOpen((v) => !v)}>
        <Icon name={open ? 'chevronDown' : 'chevronRight'} size={12} />
        <span className="trace-turn__title">Turn {entry.turn}</span>
        <time dateTime={entry.startedAt}>{formatTime(entry.startedAt)}</time>
        <span>{count === 0 ? 'no tool calls' : `${count} tool call${count === 1 ? '' : 's'}`}</span>
        <span>{entry.running ? 'running' : formatDuration(durationMs)}</span>
        {errors > 0 ? <span className="badge badge--failed">{errors} failed</span> : null}
      </button>
      {entry.usage ? (
        <div className="trace-turn__usage">
          <span>{formatTokens(entry.usage.input_total)} in</span>
          <span>{formatTokens(entry.usage.output)} out</span>
          {entry.usage.reasoning > 0 ? <span>{formatTokens(entry.usage.reasoning)} reasoning</span> : null}
          <span>{formatTokens(entry.usage.cache_read)} cache read</span>
          {hit !== null ? <span className={`cache-pill cache-pill--${cacheTone(hit, thresholds)}`}>{hit}% cached</span> : null}
          {entry.usage.cache_write > 0 ? <span>{formatTokens(entry.usage.cache_write)} cache write</span> : null}
          {cost !== undefined ? <span>{formatCost(cost)}</span> : null}
        </div>
      ) : entry.unreported ? (
        <div className="trace-turn__usage">
          <span>tokens not reported by the agent</span>
        </div>
      ) : null}
      {shaped?.segments ? (
        <div className="trace-turn__shape">
          <SegmentBar segments={shaped.segments} usage={shaped.usage} />
        </div>
      ) : null}
      {open ? (
        <div id={id}>
          {traces.length + modelCalls.length > 0 ? (
            <TraceCallList tools={traces} calls={modelCalls} startMs={startMs} durationMs={durationMs} subagents={subagents} now={now} />
          ) : fetched?.loading ? null : (
            <p className="trace-turn__empty">No tool calls in this turn.</p>
          )}
          {fetched?.loading ? <Spinner label={`Loading the calls of turn ${entry.turn}`} /> : null}
          {fetched?.error ? (
            <p className="trace-turn__error" role="alert">
              {fetched.error}{' '}
              <button type="button" className="link-button" onClick={onOpen}>
                Retry
              </button>
            </p>
          ) : null}
          {fetched?.nextCursor && !fetched.loading ? (
            <button type="button" className="button button--small trace-turn__more" onClick={onLoadMore}>
              Load more calls
            </button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
