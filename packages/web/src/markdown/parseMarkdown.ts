import type { Align, Block } from './ast';
import { parseInline } from './parseInline';

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const HR = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])([ \t]+|$)/;
const TABLE_DELIM = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

const isBlank = (line: string): boolean => line.trim() === '';

/**
 * Splits markdown into top-level chunks at blank lines (never inside a code fence, never
 * before an indented continuation line). Chunks parse independently, so a message that is
 * streaming re-parses only its last chunk.
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

/** Parses block-level markdown (CommonMark subset + GFM tables and strikethrough). */
export function parseMarkdown(src: string): Block[] {
  return parseLines(src.replace(/\r\n?/g, '\n').split('\n'));
}

function parseLines(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (isBlank(line)) {
      i++;
      continue;
    }

    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      let j = i + 1;
      let closed = false;
      for (; j < lines.length; j++) {
        const l = lines[j]!;
        if (l.trim().startsWith(marker[0]!.repeat(marker.length)) && /^\s*([`~])\1*\s*$/.test(l)) {
          closed = true;
          break;
        }
        body.push(l);
      }
      blocks.push({ t: 'code', lang: fence[2]!.toLowerCase(), v: body.join('\n'), closed });
      i = closed ? j + 1 : j;
      continue;
    }

    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1]!.length as 1 | 2 | 3 | 4 | 5 | 6;
      blocks.push({ t: 'h', level, c: parseInline(heading[2] ?? '') });
      i++;
      continue;
    }

    if (HR.test(line)) {
      blocks.push({ t: 'hr' });
      i++;
      continue;
    }

    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) inner.push(lines[i++]!.replace(QUOTE, ''));
      blocks.push({ t: 'quote', c: parseLines(inner) });
      continue;
    }

    if (LIST_ITEM.test(line)) {
      i = parseList(lines, i, blocks);
      continue;
    }

    const next = lines[i + 1];
    if (line.includes('|') && next !== undefined && TABLE_DELIM.test(next) && next.includes('-')) {
      const head = splitRow(line);
      const align = splitRow(next).map(alignOf);
      if (align.length === head.length) {
        const rows: string[][] = [];
        let j = i + 2;
        for (; j < lines.length && !isBlank(lines[j]!) && lines[j]!.includes('|'); j++) rows.push(splitRow(lines[j]!));
        blocks.push({
          t: 'table',
          align,
          head: head.map(parseInline),
          rows: rows.map((r) => head.map((_, k) => parseInline(r[k] ?? ''))),
        });
        i = j;
        continue;
      }
    }

    const para: string[] = [];
    while (i < lines.length && !isBlank(lines[i]!) && (para.length === 0 || !startsBlock(lines[i]!))) {
      para.push(lines[i]!.trim());
      i++;
    }
    blocks.push({ t: 'p', c: parseInline(para.join('\n')) });
  }
  return blocks;
}

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || HR.test(line) || QUOTE.test(line) || LIST_ITEM.test(line);
}

/** Parses one list starting at `start` into `out`; returns the index after it. */
function parseList(lines: string[], start: number, out: Block[]): number {
  const first = LIST_ITEM.exec(lines[start]!)!;
  const ordered = /\d/.test(first[2]!);
  const items: Block[][] = [];
  let i = start;
  while (i < lines.length) {
    const m = LIST_ITEM.exec(lines[i]!);
    if (!m || /\d/.test(m[2]!) !== ordered) break;
    const indent = m[0].length;
    const body = [lines[i]!.slice(indent)];
    i++;
    while (i < lines.length) {
      const l = lines[i]!;
      if (isBlank(l)) {
        // A blank line continues the item only if indented content follows.
        const after = lines[i + 1];
        if (after !== undefined && !isBlank(after) && leading(after) >= Math.min(indent, 2)) {
          body.push('');
          i++;
          continue;
        }
        break;
      }
      if (LIST_ITEM.test(l) && leading(l) < Math.min(indent, 2)) break;
      if (leading(l) === 0 && startsBlock(l)) break;
      body.push(l.slice(Math.min(leading(l), indent)));
      i++;
    }
    items.push(parseLines(body));
  }
  out.push({ t: 'list', ordered, start: ordered ? parseInt(first[2]!, 10) : 1, items });
  return i;
}

const leading = (line: string): number => /^ */.exec(line)![0].length;

function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

function alignOf(cell: string): Align {
  const left = cell.startsWith(':');
  const right = cell.endsWith(':');
  if (left && right) return 'center';
  if (right) return 'right';
  if (left) return 'left';
  return null;
}
