/**
 * A small, line-oriented syntax colourer: keywords, strings, comments, numbers. It is not a
 * parser; it exists so code blocks and diffs are readable without shipping a highlighter
 * library. Line by line (with the open block comment or string carried over) so that a diff,
 * which shows scattered lines, can colour each line on its own.
 */
export type TokenKind = 'plain' | 'keyword' | 'string' | 'comment' | 'number' | 'type' | 'punct';
export interface Token {
  kind: TokenKind;
  text: string;
}

interface Lang {
  keywords: Set<string>;
  line: string[];
  block: [string, string] | null;
  /** Quote characters that start strings; backtick strings may span lines. */
  quotes: string;
  /** Triple-quoted strings (Python). */
  triple: boolean;
}

/** Where a line ends inside a construct that continues on the next line. */
export type CarryState = { kind: 'none' } | { kind: 'block' } | { kind: 'string'; quote: string };
export const START: CarryState = { kind: 'none' };

const words = (s: string) => new Set(s.split(/\s+/).filter(Boolean));

const C_LIKE = words(
  'break case catch continue default do else finally for if return switch throw try while new delete this super class extends static const let var function void typeof instanceof in of true false null undefined async await yield import export from as enum interface type implements private protected public readonly abstract declare namespace module',
);
const LANGS: Record<string, Lang> = {
  ts: { keywords: C_LIKE, line: ['//'], block: ['/*', '*/'], quotes: '"\'`', triple: false },
  go: {
    keywords: words(
      'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var true false nil',
    ),
    line: ['//'],
    block: ['/*', '*/'],
    quotes: '"\'`',
    triple: false,
  },
  rust: {
    keywords: words(
      'as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while',
    ),
    line: ['//'],
    block: ['/*', '*/'],
    quotes: '"',
    triple: false,
  },
  c: {
    keywords: words(
      'auto break case char const continue default do double else enum extern float for goto if int long register return short signed sizeof static struct switch typedef union unsigned void volatile while class public private protected namespace template typename virtual bool true false nullptr include define',
    ),
    line: ['//'],
    block: ['/*', '*/'],
    quotes: '"\'',
    triple: false,
  },
  java: { keywords: C_LIKE, line: ['//'], block: ['/*', '*/'], quotes: '"\'', triple: false },
  py: {
    keywords: words(
      'and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield True False None self',
    ),
    line: ['#'],
    block: null,
    quotes: '"\'',
    triple: true,
  },
  sh: {
    keywords: words('if then else elif fi for while do done case esac function in return export local set unset echo exit'),
    line: ['#'],
    block: null,
    quotes: '"\'',
    triple: false,
  },
  sql: {
    keywords: words(
      'select from where insert into values update set delete create table index drop alter add primary key foreign references not null and or join left right inner outer on group by order limit offset returning as with begin commit rollback unique default',
    ),
    line: ['--'],
    block: ['/*', '*/'],
    quotes: '\'"',
    triple: false,
  },
  json: { keywords: words('true false null'), line: [], block: null, quotes: '"', triple: false },
  css: { keywords: words('important media import'), line: [], block: ['/*', '*/'], quotes: '"\'', triple: false },
  yaml: { keywords: words('true false null yes no'), line: ['#'], block: null, quotes: '"\'', triple: false },
};

const ALIASES: Record<string, string> = {
  typescript: 'ts', tsx: 'ts', js: 'ts', jsx: 'ts', javascript: 'ts', mjs: 'ts', cjs: 'ts', mts: 'ts', cts: 'ts',
  golang: 'go', rs: 'rust', h: 'c', cpp: 'c', cc: 'c', hpp: 'c', 'c++': 'c', cs: 'java', kt: 'java', kotlin: 'java',
  scala: 'java', swift: 'java', python: 'py', bash: 'sh', shell: 'sh', zsh: 'sh', console: 'sh', pgsql: 'sql',
  postgres: 'sql', jsonc: 'json', json5: 'json', scss: 'css', less: 'css', yml: 'yaml', toml: 'yaml', dockerfile: 'sh',
};

/** Language key for a fence info string or a file extension; null when not coloured. */
export function languageOf(nameOrExt: string): string | null {
  const k = nameOrExt.toLowerCase().replace(/^\./, '');
  if (k in LANGS) return k;
  return ALIASES[k] ?? null;
}

/** Language from a file path ("src/a.test.ts" -> ts, "Dockerfile" -> sh). */
export function languageOfPath(path: string): string | null {
  const base = path.split('/').pop() ?? path;
  const dot = base.lastIndexOf('.');
  return languageOf(dot > 0 ? base.slice(dot + 1) : base);
}

const NUMBER = /^(?:0[xX][\da-fA-F_]+|0[bB][01_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)n?/;
const IDENT = /^[A-Za-z_$][\w$]*/;

/** Colours one line; returns its tokens and what carries into the next line. */
export function highlightLine(line: string, lang: string | null, carry: CarryState = START): { tokens: Token[]; carry: CarryState } {
  const spec = lang ? LANGS[lang] : undefined;
  if (!spec) return { tokens: line ? [{ kind: 'plain', text: line }] : [], carry: START };
  const tokens: Token[] = [];
  const push = (kind: TokenKind, text: string) => {
    if (!text) return;
    const last = tokens[tokens.length - 1];
    if (last && last.kind === kind) last.text += text;
    else tokens.push({ kind, text });
  };
  let i = 0;
  let state = carry;

  while (i < line.length) {
    if (state.kind === 'block' && spec.block) {
      const end = line.indexOf(spec.block[1], i);
      if (end < 0) {
        push('comment', line.slice(i));
        return { tokens, carry: state };
      }
      push('comment', line.slice(i, end + spec.block[1].length));
      i = end + spec.block[1].length;
      state = START;
      continue;
    }
    if (state.kind === 'string') {
      const end = findClose(line, i, state.quote);
      if (end < 0) {
        push('string', line.slice(i));
        return { tokens, carry: state };
      }
      push('string', line.slice(i, end));
      i = end;
      state = START;
      continue;
    }

    const rest = line.slice(i);
    const lineComment = spec.line.find((p) => rest.startsWith(p));
    if (lineComment !== undefined) {
      push('comment', rest);
      break;
    }
    if (spec.block && rest.startsWith(spec.block[0])) {
      state = { kind: 'block' };
      push('comment', spec.block[0]);
      i += spec.block[0].length;
      continue;
    }
    const ch = line[i]!;
    if (spec.quotes.includes(ch)) {
      const quote = spec.triple && rest.startsWith(ch.repeat(3)) ? ch.repeat(3) : ch;
      push('string', quote);
      const end = findClose(line, i + quote.length, quote);
      if (end < 0) {
        push('string', line.slice(i + quote.length));
        // Only template literals and triple quotes legally continue on the next line.
        const continues = quote === '`' || quote.length === 3;
        return { tokens, carry: continues ? { kind: 'string', quote } : START };
      }
      push('string', line.slice(i + quote.length, end));
      i = end;
      continue;
    }
    const num = /[\d]/.test(ch) && !/[\w$]/.test(line[i - 1] ?? '') ? NUMBER.exec(rest) : null;
    if (num) {
      push('number', num[0]);
      i += num[0].length;
      continue;
    }
    const id = IDENT.exec(rest);
    if (id) {
      const w = id[0];
      const kw = spec.keywords.has(lang === 'sql' ? w.toLowerCase() : w);
      push(kw ? 'keyword' : /^[A-Z][a-z0-9]/.test(w) ? 'type' : 'plain', w);
      i += w.length;
      continue;
    }
    push(/[{}()[\];,.:=<>+\-*/%!&|^~?@]/.test(ch) ? 'punct' : 'plain', ch);
    i++;
  }
  return { tokens, carry: state };
}

/** Index just past the closing quote (skipping backslash escapes), or -1. */
function findClose(line: string, from: number, quote: string): number {
  for (let j = from; j < line.length; j++) {
    if (line[j] === '\\') {
      j++;
      continue;
    }
    if (line.startsWith(quote, j)) return j + quote.length;
  }
  return -1;
}

/** Colours a whole block, line by line. */
export function highlightCode(code: string, lang: string | null): Token[][] {
  let carry: CarryState = START;
  return code.split('\n').map((line) => {
    const r = highlightLine(line, lang, carry);
    carry = r.carry;
    return r.tokens;
  });
}
