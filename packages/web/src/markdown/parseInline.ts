import type { Inline } from './ast';
import { safeUrl } from './safeUrl';

const ESCAPABLE = /[\\`*_{}[\]()#+\-.!|~<>"']/;
const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
const BARE_URL = /^https?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)\]]/;

/** Parses inline markdown: code spans, emphasis, strikethrough, links, autolinks, breaks. */
export function parseInline(src: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ t: 'text', v: text });
    text = '';
  };
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    const rest = src.slice(i);

    if (ch === '\\' && i + 1 < src.length) {
      const next = src[i + 1]!;
      if (next === '\n') {
        flush();
        out.push({ t: 'br' });
        i += 2;
        continue;
      }
      if (ESCAPABLE.test(next)) {
        text += next;
        i += 2;
        continue;
      }
    }

    if (ch === '\n') {
      flush();
      // Chat text is written line by line: a single newline is a line break, as on GitHub.
      out.push({ t: 'br' });
      i += 1;
      continue;
    }

    if (ch === '`') {
      const run = /^`+/.exec(rest)![0];
      const close = src.indexOf(run, i + run.length);
      if (close >= 0) {
        flush();
        let code = src.slice(i + run.length, close).replace(/\n/g, ' ');
        if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ')) code = code.slice(1, -1);
        out.push({ t: 'code', v: code });
        i = close + run.length;
        continue;
      }
      text += run;
      i += run.length;
      continue;
    }

    if (ch === '[') {
      const link = readLink(src, i);
      if (link) {
        flush();
        const href = safeUrl(link.href);
        const c = parseInline(link.label);
        if (href) out.push({ t: 'link', href, c });
        else out.push(...c);
        i = link.end;
        continue;
      }
    }

    if (ch === '<') {
      const auto = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/.exec(rest);
      if (auto) {
        flush();
        out.push({ t: 'link', href: auto[1]!, c: [{ t: 'text', v: auto[1]! }] });
        i += auto[0].length;
        continue;
      }
    }

    if ((ch === 'h' || ch === 'H') && !isWordChar(src[i - 1])) {
      const bare = BARE_URL.exec(rest);
      if (bare) {
        flush();
        out.push({ t: 'link', href: bare[0], c: [{ t: 'text', v: bare[0] }] });
        i += bare[0].length;
        continue;
      }
    }

    if (ch === '~' && rest.startsWith('~~')) {
      const close = src.indexOf('~~', i + 2);
      if (close > i + 2) {
        flush();
        out.push({ t: 'del', c: parseInline(src.slice(i + 2, close)) });
        i = close + 2;
        continue;
      }
    }

    if (ch === '*' || ch === '_') {
      const em = readEmphasis(src, i, ch);
      if (em) {
        flush();
        out.push(em.node);
        i = em.end;
        continue;
      }
    }

    text += ch;
    i += 1;
  }
  flush();
  return out;
}

/** `[label](href)` starting at `i`, with balanced brackets in the label. */
function readLink(src: string, i: number): { label: string; href: string; end: number } | null {
  let depth = 0;
  let j = i;
  for (; j < src.length; j++) {
    const c = src[j];
    if (c === '\\') {
      j++;
      continue;
    }
    if (c === '[') depth++;
    else if (c === ']' && --depth === 0) break;
  }
  if (j >= src.length || src[j + 1] !== '(') return null;
  const m = /^\(\s*<?([^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)>?(?:\s+"[^"]*")?\s*\)/.exec(src.slice(j + 1));
  if (!m) return null;
  return { label: src.slice(i + 1, j), href: m[1]!, end: j + 1 + m[0].length };
}

/**
 * `**strong**`, `*em*`, `__strong__`, `_em_`. Underscores only count at word boundaries so that
 * identifiers like snake_case_name stay intact; the opener must not be followed by a space.
 */
function readEmphasis(src: string, i: number, ch: '*' | '_'): { node: Inline; end: number } | null {
  const double = src[i + 1] === ch;
  const delim = double ? ch + ch : ch;
  const start = i + delim.length;
  if (ch === '_' && isWordChar(src[i - 1])) return null;
  if (start >= src.length || /\s/.test(src[start]!)) return null;
  let from = start;
  for (;;) {
    const close = src.indexOf(delim, from);
    if (close < 0) return null;
    const before = src[close - 1];
    const after = src[close + delim.length];
    const valid =
      close > start &&
      before !== undefined &&
      !/\s/.test(before) &&
      // `**a**b` is fine for *, but `_a_b` is not emphasis for _.
      !(ch === '_' && isWordChar(after)) &&
      // A single `*` must not close on half of a `**`.
      !(!double && after === ch);
    if (valid) {
      const inner = parseInline(src.slice(start, close));
      return { node: double ? { t: 'strong', c: inner } : { t: 'em', c: inner }, end: close + delim.length };
    }
    from = close + 1;
  }
}
