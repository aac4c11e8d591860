/** Median, mean and an aligned text table for the warm-turn figures. */
export function summarize(values: number[]): { p50: number; mean: number; n: number } {
  const s = [...values].sort((a, b) => a - b);
  const p50 = s.length === 0 ? NaN : s[Math.ceil(s.length / 2) - 1]!;
  return { p50, mean: s.reduce((a, b) => a + b, 0) / (s.length || 1), n: s.length };
}

export function table(rows: Record<string, string | number>[]): string {
  const cols = Object.keys(rows[0] ?? {});
  const fmt = (v: string | number): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : v);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => fmt(r[c] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(width[i]!)).join('  ');
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => fmt(r[c] ?? ''))))].join('\n');
}

/** Wall-clock ms with sub-ms resolution. */
export const nowMs = (): number => performance.timeOrigin + performance.now();
