import { useMemo } from 'react';
import type { TurnUsage } from '@boocode/contracts';
import type { UiMessage } from '../stream/sessionState';
import { EmptyState } from '../ui/EmptyState';
import { TimelineTurn } from './TimelineTurn';
import { turnsOf } from './turns';

/** The chat's turns, oldest first; the one in view is highlighted, running ones pulse. */
export function SessionTimeline({
  messages,
  usage,
  currentMessageId,
  onSelect,
}: {
  messages: readonly UiMessage[];
  usage: readonly TurnUsage[];
  currentMessageId: string | null;
  onSelect: (messageId: string) => void;
}) {
  const rows = useMemo(() => turnsOf(messages, usage), [messages, usage]);
  if (rows.length === 0) return <EmptyState title="No turns yet">Each agent reply appears here with its model, tokens and duration.</EmptyState>;
  return (
    <ol className="timeline" aria-label="Turns">
      {rows.map((r) => (
        <TimelineTurn key={r.turn} row={r} inView={r.messageId === currentMessageId} onSelect={onSelect} />
      ))}
    </ol>
  );
}
