import type { Token } from './highlight';

/** One line of coloured tokens; plain tokens stay bare text to keep the DOM small. */
export function HighlightedLine({ tokens }: { tokens: Token[] }) {
  return (
    <>
      {tokens.map((t, i) =>
        t.kind === 'plain' ? (
          t.text
        ) : (
          <span key={i} className={`syn-${t.kind}`}>
            {t.text}
          </span>
        ),
      )}
    </>
  );
}
