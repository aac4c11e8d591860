import { useState } from 'react';
import type { IconName } from './Icon';
import { IconButton } from './IconButton';

/**
 * An icon button for a destructive action that asks once more inline (no modal): the first
 * press shows "question  [Confirm] [Cancel]", focus moving to Confirm.
 */
export function ConfirmButton({
  icon,
  label,
  question,
  confirmLabel,
  onConfirm,
}: {
  icon: IconName;
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) return <IconButton icon={icon} label={label} onClick={() => setAsking(true)} />;
  return (
    <span className="confirm" role="group" aria-label={label}>
      <span className="confirm__question">{question}</span>
      <button
        type="button"
        className="button button--small button--danger"
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="button button--small" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
