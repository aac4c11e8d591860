import { memo } from 'react';
import type { UiMessage } from '../stream/sessionState';

/** Messages waiting behind the running turn, each cancellable. */
export const QueueStrip = memo(function QueueStrip({ queued, onCancel }: { queued: UiMessage[]; onCancel: (taskId: string) => void }) {
  if (queued.length === 0) return null;
  return (
    <div className="queue-strip" aria-label="Queued messages">
      <span className="queue-strip__label">{queued.length} queued</span>
      <ul>
        {queued.map((m) => (
          <li key={m.id}>
            <span className="queue-strip__text">{m.content.split('\n')[0]}</span>
            <button type="button" className="link-button" onClick={() => m.task_id && onCancel(m.task_id)}>
              Cancel
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
});
