import { useState } from 'react';
import type { PermissionOptionKind } from '@boocode/contracts';
import type { PermissionView } from '../stream/sessionState';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Icon } from '../ui/Icon';

const DECIDED_BY: Record<NonNullable<PermissionView['resolved']>['decidedBy'], string> = {
  user: 'answered',
  policy: 'decided by the session policy',
  cancelled: 'cancelled with the turn',
};

const tone = (k: PermissionOptionKind) => (k.startsWith('allow') ? 'button--primary' : 'button--danger');

/**
 * A permission the agent is waiting for. Answers go to the server; every open tab (this one
 * included) learns the outcome from the `permission_resolved` frame.
 */
export function PermissionCard({
  permission,
  onAnswer,
}: {
  permission: PermissionView;
  onAnswer: (permissionId: string, optionId: string) => Promise<void>;
}) {
  const [sending, setSending] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { resolved } = permission;

  const answer = async (optionId: string) => {
    setSending(optionId);
    setError(null);
    try {
      await onAnswer(permission.permissionId, optionId);
    } catch (err) {
      setError(err);
      setSending(null);
    }
  };

  const chosen = resolved ? permission.options.find((o) => o.id === resolved.outcome) : undefined;
  return (
    <section
      className={`permission${resolved ? ' permission--resolved' : ''}`}
      aria-label={`Permission request: ${permission.title}`}
      role={resolved ? undefined : 'alert'}
    >
      <div className="permission__head">
        <Icon name="alert" size={14} />
        <span className="permission__title">{permission.title}</span>
        {permission.kind ? <span className="badge">{permission.kind}</span> : null}
      </div>
      {resolved ? (
        <p className="permission__outcome">
          {chosen?.name ?? resolved.outcome} — {DECIDED_BY[resolved.decidedBy]}
        </p>
      ) : (
        <div className="permission__options">
          {permission.options.map((o) => (
            <button
              key={o.id}
              type="button"
              className={`button ${tone(o.kind)}`}
              disabled={sending !== null}
              onClick={() => void answer(o.id)}
            >
              {sending === o.id ? 'Sending…' : o.name}
            </button>
          ))}
        </div>
      )}
      {error ? <ErrorNotice error={error} compact /> : null}
    </section>
  );
}
