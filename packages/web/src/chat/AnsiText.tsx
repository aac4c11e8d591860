import { useMemo } from 'react';
import { parseAnsi } from './ansi';

/** Command output with its terminal colours, as styled spans (never as markup from the output). */
export function AnsiText({ text }: { text: string }) {
  const spans = useMemo(() => parseAnsi(text), [text]);
  return (
    <>
      {spans.map((s, i) => {
        const cls = [
          s.fg !== null ? `ansi-fg-${s.fg}` : '',
          s.bg !== null ? `ansi-bg-${s.bg}` : '',
          s.bold ? 'ansi-bold' : '',
          s.dim ? 'ansi-dim' : '',
          s.italic ? 'ansi-italic' : '',
          s.underline ? 'ansi-underline' : '',
        ]
          .filter(Boolean)
          .join(' ');
        return cls ? (
          <span key={i} className={cls}>
            {s.text}
          </span>
        ) : (
          s.text
        );
      })}
    </>
  );
}
