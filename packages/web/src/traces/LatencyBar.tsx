import { barGeometry, formatDuration, latencyTone } from './latency';

/** A call's bar inside its turn: offset by when it started, as wide as it took, coloured by latency. */
export function LatencyBar({
  startMs,
  latencyMs,
  turnStartMs,
  turnDurationMs,
}: {
  startMs: number;
  latencyMs: number | null;
  turnStartMs: number;
  turnDurationMs: number;
}) {
  const running = latencyMs === null;
  const ms = latencyMs ?? Math.max(0, turnStartMs + turnDurationMs - startMs);
  const { leftPct, widthPct } = barGeometry(startMs, ms, turnStartMs, turnDurationMs);
  return (
    <span className="latency" role="img" aria-label={running ? 'running' : `took ${formatDuration(latencyMs)}`}>
      <span
        className={`latency__bar latency__bar--${running ? 'running' : latencyTone(ms)}`}
        style={{ left: `${leftPct}%`, width: `${widthPct}%` }}
      />
    </span>
  );
}
