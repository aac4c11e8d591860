import { describe, expect, it } from 'vitest';
import { barGeometry, cacheHitPct, formatDuration, formatElapsed, formatTokens, latencyTone } from '../src/traces/latency';

describe('latency colour', () => {
  it.each([
    [0, 'fast'],
    [999, 'fast'],
    [1000, 'medium'],
    [4999, 'medium'],
    [5000, 'slow'],
    [60_000, 'slow'],
  ] as const)('%i ms is %s', (ms, tone) => expect(latencyTone(ms)).toBe(tone));
});

describe('barGeometry', () => {
  it('places a call relative to its turn', () => {
    expect(barGeometry(1500, 500, 1000, 2000)).toEqual({ leftPct: 25, widthPct: 25 });
  });
  it('gives instant calls a visible sliver and keeps bars inside the turn', () => {
    expect(barGeometry(1000, 0, 1000, 2000).widthPct).toBe(0.5);
    expect(barGeometry(2900, 500, 1000, 2000)).toEqual({ leftPct: 75, widthPct: 25 });
    expect(barGeometry(0, 5000, 1000, 2000)).toEqual({ leftPct: 0, widthPct: 100 });
  });
  it('fills the row when the turn has no duration', () => {
    expect(barGeometry(1, 1, 1, 0)).toEqual({ leftPct: 0, widthPct: 100 });
  });
});

describe('formatting', () => {
  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(125_000)).toBe('2 m 05 s');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });
  it('formats a running clock in whole seconds', () => {
    expect(formatElapsed(999)).toBe('0 s');
    expect(formatElapsed(61_500)).toBe('1 m 01 s');
    expect(formatElapsed(-5)).toBe('0 s');
  });
  it('formats tokens and cache hit rate', () => {
    expect(formatTokens(950)).toBe('950');
    expect(formatTokens(12_345)).toBe('12k');
    expect(formatTokens(1_234)).toBe('1.2k');
    expect(formatTokens(2_500_000)).toBe('2.5M');
    expect(cacheHitPct({ input_total: 200, cache_read: 150 })).toBe(75);
    expect(cacheHitPct({ input_total: 0, cache_read: 0 })).toBeNull();
  });
});
