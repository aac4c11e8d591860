/** Local time for a timestamp: "14:03" today, "Mar 4 14:03" otherwise. */
export function formatTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === now.toDateString()) return time;
  return `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
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
