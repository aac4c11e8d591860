/** How a cache hit rate reads: red below `low`, green above `high`, amber between (percent). */
export interface CacheThresholds {
  low: number;
  high: number;
}

export const DEFAULT_CACHE_THRESHOLDS: CacheThresholds = { low: 50, high: 90 };

/** Where a user's own thresholds are kept in this browser: `{"low": 40, "high": 80}`. */
export const CACHE_THRESHOLDS_KEY = 'boocode.cache-thresholds';

export function cacheThresholds(stored: string | null): CacheThresholds {
  if (!stored) return DEFAULT_CACHE_THRESHOLDS;
  try {
    const v = JSON.parse(stored) as Partial<CacheThresholds>;
    const low = typeof v.low === 'number' ? v.low : DEFAULT_CACHE_THRESHOLDS.low;
    const high = typeof v.high === 'number' ? v.high : DEFAULT_CACHE_THRESHOLDS.high;
    return low >= 0 && high <= 100 && low < high ? { low, high } : DEFAULT_CACHE_THRESHOLDS;
  } catch {
    return DEFAULT_CACHE_THRESHOLDS;
  }
}

export type CacheTone = 'low' | 'mid' | 'high';

export function cacheTone(pct: number, t: CacheThresholds): CacheTone {
  if (pct < t.low) return 'low';
  if (pct > t.high) return 'high';
  return 'mid';
}

/** "$0.0042", "$1.23"; null: the model has no price. */
export function formatCost(usd: number | null): string {
  if (usd === null) return 'no price';
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(2)}`;
}
