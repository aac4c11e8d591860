import { useMemo } from 'react';
import type { UiMessage } from '../stream/sessionState';
import { EmptyState } from '../ui/EmptyState';
import { TimelineTurn } from './TimelineTurn';
import { turnsOf } from './turns';

/** The chat's turns, oldest first; the one in view is highlighted, running ones pulse. */
export function SessionTimeline({
  messages,
  currentMessageId,
  onSelect,
}: {
  messages: readonly UiMessage[];
  currentMessageId: string | null;
  onSelect: (messageId: string) => void;
}) {
  const rows = useMemo(() => turnsOf(messages), [messages]);
  if (rows.length === 0) return <EmptyState title="No turns yet">Each agent reply appears here with its model, tokens and duration.</EmptyState>;
  return (
    <ol className="timeline" aria-label="Turns">
      {rows.map((r) => (
        <TimelineTurn key={r.messageId} row={r} inView={r.messageId === currentMessageId} onSelect={onSelect} />
      ))}
    </ol>
  );
}
