// Built once: `toLocaleTimeString` builds a formatter per call, which showed up as the top
// cost of mounting rows while scrolling a long chat (bench/ui).
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** Local time for a timestamp: "14:03" today, "Mar 4 14:03" otherwise. */
export function formatTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const time = TIME.format(d);
  if (d.toDateString() === now.toDateString()) return time;
  return `${DAY.format(d)} ${time}`;
}

/** Compact JSON for tool inputs; strings longer than the cap are cut with a marker. */
export function previewJson(value: unknown, cap = 20_000): string {
  let s: string;
  try {
    s = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > cap ? `${s.slice(0, cap)}\n… (${s.length - cap} more characters)` : s;
}

export function truncate(s: string, cap: number): string {
  return s.length > cap ? `${s.slice(0, cap)}\n… (${s.length - cap} more characters)` : s;
}
