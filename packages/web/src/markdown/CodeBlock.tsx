import { useMemo, useState } from 'react';
import { HighlightedLine } from './HighlightedLine';
import { useHighlighter } from './useHighlighter';
import { IconButton } from '../ui/IconButton';

/** Longer blocks are shown plain: colouring them on every streamed delta would cost frames. */
const MAX_HIGHLIGHT_CHARS = 60_000;

export function CodeBlock({ code, lang }: { code: string; lang: string }) {
  const h = useHighlighter();
  const lines = useMemo(() => {
    if (!h || code.length > MAX_HIGHLIGHT_CHARS) return null;
    const grammar = h.grammarFor(lang);
    return grammar ? h.highlightLines(code, grammar) : null;
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
