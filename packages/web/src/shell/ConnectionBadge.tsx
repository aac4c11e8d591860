import type { SocketStatus } from '@boocode/client';

const LABEL: Record<SocketStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  unauthorized: 'Signed out',
  closed: 'Offline',
};

/** Stream state, announced politely to screen readers when it changes. */
export function ConnectionBadge({ status, onReconnect }: { status: SocketStatus; onReconnect?: () => void }) {
  return (
    <span className={`connection connection--${status}`} role="status" aria-live="polite">
      <span className="connection__dot" aria-hidden="true" />
      {LABEL[status]}
      {status === 'reconnecting' && onReconnect ? (
        <button type="button" className="link-button" onClick={onReconnect}>
          Retry now
        </button>
      ) : null}
    </span>
  );
}
