/** How a review action ended: a sentence, the files it names when refused, a link (and its words) when it made or found one. */
export type Outcome = { kind: 'ok'; text: string; url?: string; link?: string } | { kind: 'warn'; text: string; files: string[] };

export function ReviewOutcome({ outcome }: { outcome: Outcome }) {
  return (
    <div className={`diff-pane__outcome diff-pane__outcome--${outcome.kind}`} role={outcome.kind === 'warn' ? 'alert' : 'status'}>
      {outcome.text}
      {outcome.kind === 'ok' && outcome.url ? (
        <>
          {' '}
          <a href={outcome.url} target="_blank" rel="noreferrer noopener">
            {outcome.link ?? 'Open the pull request'}
          </a>
        </>
      ) : null}
      {outcome.kind === 'warn' && outcome.files.length ? (
        <ul>
          {outcome.files.map((f) => (
            <li key={f}>
              <code>{f}</code>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
