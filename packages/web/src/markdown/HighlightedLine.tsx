import type { Token } from './highlighter';

/** One line of coloured runs; plain runs stay bare text to keep the DOM small. */
export function HighlightedLine({ tokens }: { tokens: readonly Token[] }) {
  return (
    <>
      {tokens.map((t, i) =>
        t.cls === null ? (
          t.text
        ) : (
          <span key={i} className={t.cls}>
            {t.text}
          </span>
        ),
      )}
    </>
  );
}
