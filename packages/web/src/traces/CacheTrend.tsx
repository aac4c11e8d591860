import type { Usage, UsageTotals } from '@boocode/contracts';
import { cacheTone, formatCost, type CacheThresholds } from './cacheTone';
import { formatTokens } from './latency';
import { SegmentLegend } from './SegmentBar';

/** One turn's figures for the trend: its tokens, and its price when known. */
export interface TrendTurn {
  turn: number;
  usage: Usage;
  cost: number | null;
  saved: number | null;
}

const W = 240;
const H = 48;

/**
 * The chat's prompt cache over its turns: one bar per turn (its hit rate, coloured by the
 * thresholds) and a line for the cumulative hit rate, with the totals of tokens, cost and saving.
 */
export function CacheTrend({
  turns,
  thresholds,
  shaped,
  session,
}: {
  turns: readonly TrendTurn[];
  thresholds: CacheThresholds;
  shaped: boolean;
  /** The whole session's totals, when it has other chats too. */
  session: UsageTotals | null;
}) {
  const withInput = turns.filter((t) => t.usage.input_total > 0);
  if (withInput.length === 0) return null;
  let read = 0;
  let input = 0;
  const points = withInput.map((t) => {
    read += t.usage.cache_read;
    input += t.usage.input_total;
    return { turn: t.turn, pct: (t.usage.cache_read / t.usage.input_total) * 100, cumulative: (read / input) * 100 };
  });
  const overall = Math.round(points.at(-1)!.cumulative);
  const priced = turns.filter((t) => t.cost !== null);
  const cost = priced.length ? priced.reduce((s, t) => s + t.cost!, 0) : null;
  const saved = priced.length ? priced.reduce((s, t) => s + (t.saved ?? 0), 0) : null;
  const unpriced = turns.length - priced.length;
  // A few turns get narrow bars on the left, not a wall of colour.
  const step = Math.min(W / points.length, W / 12);
  const y = (pct: number) => H - (pct / 100) * (H - 4) - 2;
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${(i + 0.5) * step},${y(p.cumulative)}`).join(' ');
  return (
    <section className="cache-trend" aria-label="Prompt cache across turns">
      <div className="cache-trend__figures">
        <span className={`cache-pill cache-pill--${cacheTone(overall, thresholds)}`}>{overall}% cached</span>
        <span>{formatTokens(input)} prompt tokens</span>
        <span>{formatCost(cost)}</span>
        {saved !== null && saved > 0 ? <span>{formatCost(saved)} saved by the cache</span> : null}
        {unpriced > 0 && cost !== null ? <span>{unpriced} turn{unpriced === 1 ? '' : 's'} without a price</span> : null}
      </div>
      {session ? (
        <p className="cache-trend__session">
          Whole session: {formatCost(session.cost)}
          {session.saved ? `, ${formatCost(session.saved)} saved` : ''} over {session.turns} turn{session.turns === 1 ? '' : 's'}
          {session.unpriced_turns > 0 && session.cost !== null ? ` (${session.unpriced_turns} without a price)` : ''}
          {session.unreported_turns > 0
            ? `; ${session.unreported_turns} turn${session.unreported_turns === 1 ? '' : 's'} not counted: the agent reported no usage`
            : ''}
        </p>
      ) : null}
      <svg className="cache-trend__chart" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`Cache hit rate per turn, ${overall}% overall`}>
        {points.map((p, i) => (
          <rect
            key={p.turn}
            className={`cache-trend__bar cache-trend__bar--${cacheTone(p.pct, thresholds)}`}
            x={i * step + step * 0.15}
            width={step * 0.7}
            y={y(p.pct)}
            height={H - 2 - y(p.pct)}
          >
            <title>{`Turn ${p.turn}: ${Math.round(p.pct)}% cached`}</title>
          </rect>
        ))}
        <path className="cache-trend__line" d={line} />
      </svg>
      <p className="cache-trend__caption">Bars: each turn’s share of cached prompt tokens. Line: the share so far.</p>
      {shaped ? <SegmentLegend /> : null}
    </section>
  );
}
