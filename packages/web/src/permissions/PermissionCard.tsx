import { useState } from 'react';
import type { PermissionOption, PermissionOptionKind } from '@boocode/contracts';
import type { PermissionView } from '../stream/sessionState';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Icon } from '../ui/Icon';

/** Server decisions (`permission_resolved.outcome`) in words. */
const OUTCOME: Record<string, string> = {
  allow_once: 'Allowed once',
  allow_always: 'Allowed always',
  reject: 'Rejected',
  cancelled: 'Cancelled',
};

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
  onAnswer: (permissionId: string, option: PermissionOption) => Promise<void>;
}) {
  const [sending, setSending] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { resolved } = permission;

  const answer = async (option: PermissionOption) => {
    setSending(option.id);
    setError(null);
    try {
      await onAnswer(permission.permissionId, option);
    } catch (err) {
      setError(err);
      setSending(null);
    }
  };

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
          {OUTCOME[resolved.outcome] ?? resolved.outcome} — {DECIDED_BY[resolved.decidedBy]}
        </p>
      ) : (
        <div className="permission__options">
          {permission.options.map((o) => (
            <button
              key={o.id}
              type="button"
              className={`button ${tone(o.kind)}`}
              disabled={sending !== null}
              onClick={() => void answer(o)}
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
