/** Latency colour thresholds of the trace viewer. */
export type LatencyTone = 'fast' | 'medium' | 'slow';

export function latencyTone(ms: number): LatencyTone {
  if (ms < 1000) return 'fast';
  if (ms < 5000) return 'medium';
  return 'slow';
}

/**
 * Where a call's bar sits inside its turn, as percentages: it starts at the call's offset
 * from the turn start and is as wide as the call took. A call of zero length still gets a
 * visible sliver; bars never run past the turn's end.
 */
export function barGeometry(
  callStart: number,
  latencyMs: number,
  turnStart: number,
  turnDurationMs: number,
): { leftPct: number; widthPct: number } {
  if (!(turnDurationMs > 0)) return { leftPct: 0, widthPct: 100 };
  const width = clamp((latencyMs / turnDurationMs) * 100, 0.5, 100);
  // A bar that would overflow (clock skew, a call outliving its turn) is pulled back inside.
  const left = clamp(((callStart - turnStart) / turnDurationMs) * 100, 0, 100 - width);
  return { leftPct: round(left), widthPct: round(width) };
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const round = (v: number): number => Math.round(v * 100) / 100;

/** "850 ms", "1.2 s", "2 m 05 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m} m ${String(s).padStart(2, '0')} s`;
}

/** "950", "12.3k", "1.2M". */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** Share of input tokens served from the prompt cache, 0..100, or null without input. */
export function cacheHitPct(u: { input_total: number; cache_read: number }): number | null {
  if (u.input_total <= 0) return null;
  return Math.round((u.cache_read / u.input_total) * 100);
}

/** A running clock: whole seconds, so the label does not flicker through milliseconds. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
}
