import { useMemo, useState } from 'react';
import type { Token } from './highlighter';
import { HighlightedLine } from './HighlightedLine';
import { useHighlighter, type Highlighter } from './useHighlighter';
import { IconButton } from '../ui/IconButton';

/** Longer blocks are shown plain: colouring them on every streamed delta would cost frames. */
const MAX_HIGHLIGHT_CHARS = 60_000;

/**
 * Coloured blocks by grammar and text, most recent last: a virtualized chat mounts a row again
 * each time it scrolls back into view, and colouring is much of what mounting a code block costs.
 * Only short blocks are kept, so the cache stays small whatever streams through it.
 */
const coloured = new Map<string, Token[][]>();
const COLOURED_MAX = 200;
const COLOURED_MAX_CHARS = 4000;

function colour(h: Highlighter, code: string, grammar: string): Token[][] {
  if (code.length > COLOURED_MAX_CHARS) return h.highlightLines(code, grammar);
  const key = `${grammar}\n${code}`;
  const hit = coloured.get(key);
  if (hit) {
    coloured.delete(key);
    coloured.set(key, hit);
    return hit;
  }
  const lines = h.highlightLines(code, grammar);
  coloured.set(key, lines);
  if (coloured.size > COLOURED_MAX) coloured.delete(coloured.keys().next().value!);
  return lines;
}

export function CodeBlock({ code, lang }: { code: string; lang: string }) {
  const h = useHighlighter();
  const lines = useMemo(() => {
    if (!h || code.length > MAX_HIGHLIGHT_CHARS) return null;
    const grammar = h.grammarFor(lang);
    return grammar ? colour(h, code, grammar) : null;
  }, [h, code, lang]);
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(code).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    });
  };
  return (
    <div className="code-block">
      <div className="code-block__bar">
        <span className="code-block__lang">{lang || 'text'}</span>
        <IconButton icon={copied ? 'check' : 'copy'} label={copied ? 'Copied' : 'Copy code'} onClick={copy} />
      </div>
      <pre tabIndex={0} aria-label={`${lang || 'text'} code`}>
        <code data-language={lang || undefined}>
          {lines
            ? lines.map((tokens, i) => (
                <span key={i} className="code-line">
                  <HighlightedLine tokens={tokens} />
                  {'\n'}
                </span>
              ))
            : code}
        </code>
      </pre>
    </div>
  );
}
