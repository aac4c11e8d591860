import { ApiClientError } from '@boocode/client';

/**
 * An error as a sentence: the server's message up front; its code and details (field issues,
 * conflicting files, command output) folded away for whoever needs them.
 */
export function ErrorNotice({ error, onRetry, compact }: { error: unknown; onRetry?: () => void; compact?: boolean }) {
  const api = error instanceof ApiClientError ? error : null;
  const message = error instanceof Error ? error.message : String(error);
  const details = api?.details === undefined ? null : JSON.stringify(api.details, null, 2);
  return (
    <div className={`error-notice${compact ? ' error-notice--compact' : ''}`} role="alert">
      <div className="error-notice__head">
        <span className="error-notice__message">{message}</span>
        {onRetry ? (
          <button type="button" className="link-button" onClick={onRetry}>
            Retry
          </button>
        ) : null}
      </div>
      {api ? (
        <details className="error-notice__more">
          <summary>Details</summary>
          <code className="error-notice__code">{api.code}</code>
          {details ? <pre className="error-notice__details">{details}</pre> : null}
        </details>
      ) : null}
    </div>
  );
}
