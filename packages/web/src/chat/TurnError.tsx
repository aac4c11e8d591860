import type { MessageStatus } from '@boocode/contracts';
import { turnErrorText } from './turnError';

/** Why a turn ended badly, as one sentence in its message; what the agent said is folded away. */
export function TurnError({ error, status }: { error: string | null; status: MessageStatus }) {
  const text = turnErrorText(error, status);
  if (!text) return null;
  return (
    <div className="message__error" role="alert">
      <span>{text.sentence}</span>
      {text.details ? (
        <details className="message__error-details">
          <summary>Details</summary>
          <pre>{text.details}</pre>
        </details>
      ) : null}
    </div>
  );
}
