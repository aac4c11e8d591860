import { describe, expect, it } from 'vitest';
import { parseMarkdown, splitChunks } from '../src/markdown/parseMarkdown';
import { parseInline } from '../src/markdown/parseInline';
import { safeUrl } from '../src/markdown/safeUrl';

describe('parseInline', () => {
  it('parses code spans, emphasis, strikethrough and links', () => {
    expect(parseInline('a `x*y` **b** *c* ~~d~~ [e](https://e.x)')).toEqual([
      { t: 'text', v: 'a ' },
      { t: 'code', v: 'x*y' },
      { t: 'text', v: ' ' },
      { t: 'strong', c: [{ t: 'text', v: 'b' }] },
      { t: 'text', v: ' ' },
      { t: 'em', c: [{ t: 'text', v: 'c' }] },
      { t: 'text', v: ' ' },
      { t: 'del', c: [{ t: 'text', v: 'd' }] },
      { t: 'text', v: ' ' },
      { t: 'link', href: 'https://e.x', c: [{ t: 'text', v: 'e' }] },
    ]);
  });

  it('leaves snake_case identifiers and lone stars alone', () => {
    expect(parseInline('call my_func_name and 2 * 3 * 4')).toEqual([{ t: 'text', v: 'call my_func_name and 2 * 3 * 4' }]);
  });

  it('renders a javascript: link as its text only', () => {
    expect(parseInline('[click](javascript:alert(1))')).toEqual([{ t: 'text', v: 'click' }]);
  });

  it('links bare URLs without swallowing trailing punctuation', () => {
    expect(parseInline('see https://a.example/x.')).toEqual([
      { t: 'text', v: 'see ' },
      { t: 'link', href: 'https://a.example/x', c: [{ t: 'text', v: 'https://a.example/x' }] },
      { t: 'text', v: '.' },
    ]);
  });

  it('keeps an unclosed backtick literal', () => {
    expect(parseInline('a `b')).toEqual([{ t: 'text', v: 'a `b' }]);
  });

  it('treats backslash escapes and single newlines as in chat markdown', () => {
    expect(parseInline('\\*no\\*\nnext')).toEqual([{ t: 'text', v: '*no*' }, { t: 'br' }, { t: 'text', v: 'next' }]);
  });
});

describe('safeUrl', () => {
  it.each(['javascript:alert(1)', ' JaVa\tScRiPt:alert(1)', 'data:text/html,x', 'vbscript:x', ''])('refuses %j', (u) => {
    expect(safeUrl(u)).toBeNull();
  });
  it.each(['https://x.y', 'http://x', 'mailto:a@b.c', '/relative', '#anchor', 'docs/a.md'])('accepts %j', (u) => {
    expect(safeUrl(u)).toBe(u);
  });
});

describe('parseMarkdown', () => {
  it('parses headings, paragraphs, rules and quotes', () => {
    expect(parseMarkdown('# Title\n\nline one\nline two\n\n---\n> quoted')).toEqual([
      { t: 'h', level: 1, c: [{ t: 'text', v: 'Title' }] },
      { t: 'p', c: [{ t: 'text', v: 'line one' }, { t: 'br' }, { t: 'text', v: 'line two' }] },
      { t: 'hr' },
      { t: 'quote', c: [{ t: 'p', c: [{ t: 'text', v: 'quoted' }] }] },
    ]);
  });

  it('parses fenced code with its language, and an unclosed fence while streaming', () => {
    expect(parseMarkdown('```ts\nconst a = 1;\n```\nafter')).toEqual([
      { t: 'code', lang: 'ts', v: 'const a = 1;', closed: true },
      { t: 'p', c: [{ t: 'text', v: 'after' }] },
    ]);
    expect(parseMarkdown('```py\nprint(1)\n')).toEqual([{ t: 'code', lang: 'py', v: 'print(1)\n', closed: false }]);
  });

  it('does not treat markdown inside code fences as markdown', () => {
    const [b] = parseMarkdown('~~~\n# not a heading\n**x**\n~~~');
    expect(b).toEqual({ t: 'code', lang: '', v: '# not a heading\n**x**', closed: true });
  });

  it('parses nested and ordered lists', () => {
    expect(parseMarkdown('- a\n  - b\n- c\n\n3. x\n4. y')).toEqual([
      {
        t: 'list',
        ordered: false,
        start: 1,
        items: [
          [
            { t: 'p', c: [{ t: 'text', v: 'a' }] },
            { t: 'list', ordered: false, start: 1, items: [[{ t: 'p', c: [{ t: 'text', v: 'b' }] }]] },
          ],
          [{ t: 'p', c: [{ t: 'text', v: 'c' }] }],
        ],
      },
      {
        t: 'list',
        ordered: true,
        start: 3,
        items: [[{ t: 'p', c: [{ t: 'text', v: 'x' }] }], [{ t: 'p', c: [{ t: 'text', v: 'y' }] }]],
      },
    ]);
  });

  it('parses GFM tables with alignment and pads short rows', () => {
    expect(parseMarkdown('| a | b |\n|:--|--:|\n| 1 | `2` |\n| 3 |')).toEqual([
      {
        t: 'table',
        align: ['left', 'right'],
        head: [[{ t: 'text', v: 'a' }], [{ t: 'text', v: 'b' }]],
        rows: [
          [[{ t: 'text', v: '1' }], [{ t: 'code', v: '2' }]],
          [[{ t: 'text', v: '3' }], []],
        ],
      },
    ]);
  });

  it('keeps a pipe in a sentence as text when no delimiter row follows', () => {
    expect(parseMarkdown('a | b')).toEqual([{ t: 'p', c: [{ t: 'text', v: 'a | b' }] }]);
  });
});

describe('splitChunks', () => {
  it('splits at blank lines and parses to the same blocks as the whole text', () => {
    const src = '# T\n\npara one\nline\n\n- a\n- b\n\n```\ncode\n\nstill code\n```\n\nend';
    const chunks = splitChunks(src);
    expect(chunks).toEqual(['# T', 'para one\nline', '- a\n- b', '```\ncode\n\nstill code\n```', 'end']);
    expect(chunks.flatMap(parseMarkdown)).toEqual(parseMarkdown(src));
  });

  it('keeps indented continuations of a list item in its chunk', () => {
    expect(splitChunks('- item\n\n  more of it\n\nafter')).toEqual(['- item\n\n  more of it', 'after']);
  });

  it('keeps an unclosed fence (still streaming) in one chunk', () => {
    expect(splitChunks('text\n\n```py\na\n\nb')).toEqual(['text', '```py\na\n\nb']);
  });
});
