import { Icon } from '../ui/Icon';

/** Shown for a `#pin=<id>` link: jump to the message, or clear the pin. */
export function PinnedBanner({ found, onJump, onClear }: { found: boolean; onJump: () => void; onClear: () => void }) {
  return (
    <div className="pinned-banner" role="status">
      <Icon name="pin" size={12} />
      <span>{found ? 'Pinned message' : 'Looking for the pinned message…'}</span>
      {found ? (
        <button type="button" className="link-button" onClick={onJump}>
          Jump to pinned
        </button>
      ) : null}
      <button type="button" className="link-button" onClick={onClear}>
        Clear
      </button>
    </div>
  );
}
