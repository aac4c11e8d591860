const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const isBlank = (l: string) => l.trim() === '';

/**
 * Splits markdown into top-level chunks at blank lines (never inside a code fence, never
 * before an indented continuation line). Chunks render separately: while a message streams,
 * only its last chunk changes, so only that one is parsed again.
 */
export function splitChunks(src: string): string[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const chunks: string[] = [];
  let current: string[] = [];
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const f = FENCE.exec(line);
    if (fence === null && f) fence = f[1]!;
    else if (fence !== null && line.trim().startsWith(fence) && /^\s*([`~])\1*\s*$/.test(line)) fence = null;
    const next = lines[i + 1];
    const boundary = fence === null && isBlank(line) && next !== undefined && !isBlank(next) && !/^[ \t]/.test(next);
    if (boundary) {
      if (current.some((l) => !isBlank(l))) chunks.push(current.join('\n'));
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.some((l) => !isBlank(l))) chunks.push(current.join('\n'));
  return chunks;
}
