/** A run of terminal output with the colours and weight its SGR escapes set. */
export interface AnsiSpan {
  text: string;
  fg: number | null;
  bg: number | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
}

const CSI = /\u001b\[([0-9;?]*)([A-Za-z])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[()][A-Za-z0-9]|\r(?!\n)/g;

/**
 * Splits command output into styled spans. Only SGR (colours, bold...) is kept; cursor moves,
 * titles and other escapes are dropped, so the text reads as a log. Colours are palette
 * indices 0-15 (8-15 bright) that the theme paints; 256-colour and RGB codes outside those 16
 * are left unstyled.
 */
export function parseAnsi(input: string): AnsiSpan[] {
  const spans: AnsiSpan[] = [];
  let style: Omit<AnsiSpan, 'text'> = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false };
  let last = 0;
  const push = (text: string) => {
    if (text === '') return;
    const prev = spans.at(-1);
    if (prev && sameStyle(prev, style)) prev.text += text;
    else spans.push({ text, ...style });
  };
  for (const m of input.matchAll(CSI)) {
    push(input.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] === 'm') style = applySgr(style, m[1] ?? '');
  }
  push(input.slice(last));
  return spans;
}

function sameStyle(a: Omit<AnsiSpan, 'text'>, b: Omit<AnsiSpan, 'text'>): boolean {
  return a.fg === b.fg && a.bg === b.bg && a.bold === b.bold && a.dim === b.dim && a.italic === b.italic && a.underline === b.underline;
}

function applySgr(prev: Omit<AnsiSpan, 'text'>, params: string): Omit<AnsiSpan, 'text'> {
  const s = { ...prev };
  const codes = params === '' ? [0] : params.split(';').map((p) => Number(p) || 0);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c === 0) Object.assign(s, { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false });
    else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 22) s.bold = s.dim = false;
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c >= 30 && c <= 37) s.fg = c - 30;
    else if (c === 39) s.fg = null;
    else if (c >= 40 && c <= 47) s.bg = c - 40;
    else if (c === 49) s.bg = null;
    else if (c >= 90 && c <= 97) s.fg = c - 90 + 8;
    else if (c >= 100 && c <= 107) s.bg = c - 100 + 8;
    else if (c === 38 || c === 48) {
      // 38;5;n (256 colours) or 38;2;r;g;b: the first 16 of 256 are the palette; others are left unstyled.
      const mode = codes[i + 1];
      const n = mode === 5 ? codes[i + 2] : undefined;
      const colour = n !== undefined && n < 16 ? n : null;
      if (c === 38) s.fg = colour;
      else s.bg = colour;
      i += mode === 5 ? 2 : mode === 2 ? 4 : 0;
    }
  }
  return s;
}
