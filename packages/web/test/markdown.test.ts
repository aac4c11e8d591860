import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { Markdown } from '../src/markdown/Markdown';
import { splitChunks } from '../src/markdown/chunks';
import { grammarFor, highlightLines } from '../src/markdown/highlighter';

const html = (source: string) => renderToStaticMarkup(createElement(Markdown, { source }));

describe('Markdown', () => {
  it('renders GFM: tables with alignment, task lists, strikethrough, nested lists', () => {
    const out = html('| a | b |\n|:--|--:|\n| 1 | `2` |\n\n- [x] done\n- [ ] todo\n  - nested\n\n~~gone~~');
    expect(out).toContain('<th style="text-align:left">a</th>');
    expect(out).toContain('<td style="text-align:right"><code>2</code></td>');
    expect(out).toMatch(/<input type="checkbox" disabled="" checked=""\/> done/);
    expect(out).toMatch(/<li[^>]*><input type="checkbox" disabled=""\/> todo\n<ul>\n<li>nested<\/li>/);
    expect(out).toContain('<del>gone</del>');
  });

  it('draws code fences as code blocks with their language, and markdown inside them as text', () => {
    const out = html('```python\n# not a heading\nprint(1)\n```');
    expect(out).toContain('class="code-block__lang">python<');
    expect(out).toContain('# not a heading\nprint(1)</code>');
    expect(out).not.toContain('<h2');
  });

  it('shows HTML as text, drops javascript: links and never loads images', () => {
    const out = html('use <details> here <img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) ![pic](https://t.example/p.png)');
    expect(out).toContain('use &lt;details&gt; here &lt;img src=x onerror=alert(1)&gt;');
    expect(out).not.toContain('javascript:');
    expect(out).not.toContain('<img');
    expect(out).toContain('<a href="https://t.example/p.png" target="_blank" rel="noopener noreferrer nofollow">pic</a>');
  });

  it('renders a heading that follows a step (after a blank line) as a heading', () => {
    expect(html('Let me look first.\n\n## Plan\nNow I will')).toContain('<h3>Plan</h3>');
  });
});

describe('splitChunks', () => {
  it('splits at blank lines, never inside a fence or before an indented continuation', () => {
    expect(splitChunks('# T\n\npara one\nline\n\n- a\n- b\n\n```\ncode\n\nstill code\n```\n\nend')).toEqual([
      '# T',
      'para one\nline',
      '- a\n- b',
      '```\ncode\n\nstill code\n```',
      'end',
    ]);
    expect(splitChunks('- item\n\n  more of it\n\nafter')).toEqual(['- item\n\n  more of it', 'after']);
    expect(splitChunks('text\n\n```py\na\n\nb')).toEqual(['text', '```py\na\n\nb']);
  });
});

describe('highlighter', () => {
  it('finds grammars by fence name or file extension, bundled (no fetch)', () => {
    expect(['ts', 'typescript', 'src/a.tsx', 'x.py', 'rust', 'a.go', 'sh', 'Makefile'].map(grammarFor)).toEqual([
      'ts',
      'typescript',
      'tsx',
      'py',
      'rust',
      'go',
      'sh',
      'makefile',
    ]);
    expect(grammarFor('no-such-language')).toBeNull();
    expect(grammarFor('')).toBeNull();
  });

  it('colours whole code and cuts it into lines, a comment spanning lines staying a comment', () => {
    const lines = highlightLines('const a = 1; /* open\nstill */ b', 'ts');
    expect(lines).toHaveLength(2);
    expect(lines[0]![0]).toEqual({ text: 'const', cls: 'hljs-keyword' });
    expect(lines[1]![0]).toEqual({ text: 'still */', cls: 'hljs-comment' });
  });
});
