import type { PatchLine } from './parseDiff';

/** Above this many line pairs the edit is shown as all removed then all added (still correct, cheaper). */
const MAX_CELLS = 400_000;

/**
 * The lines of `before` and `after` as a unified diff (context, removed, added), from the
 * longest common subsequence of lines. Edits in tool calls are a few dozen lines, so the
 * quadratic table is small; `startLine` numbers the lines when the file position is known.
 */
export function lineDiff(before: string, after: string, startLine = 1): PatchLine[] {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  const out: PatchLine[] = [];
  let oldNo = startLine;
  let newNo = startLine;
  const del = (text: string) => out.push({ kind: 'del', text, oldNo: oldNo++, newNo: null });
  const add = (text: string) => out.push({ kind: 'add', text, oldNo: null, newNo: newNo++ });
  if (a.length * b.length > MAX_CELLS) {
    a.forEach(del);
    b.forEach(add);
    return out;
  }
  // lcs[i][j]: length of the common subsequence of a[i..] and b[j..].
  const w = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: 'context', text: a[i]!, oldNo: oldNo++, newNo: newNo++ });
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) del(a[i++]!);
    else add(b[j++]!);
  }
  while (i < a.length) del(a[i++]!);
  while (j < b.length) add(b[j++]!);
  return out;
}
