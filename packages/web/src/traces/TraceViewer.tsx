import { useEffect, useMemo, useState } from 'react';
import type { UiMessage } from '../stream/sessionState';
import { EmptyState } from '../ui/EmptyState';
import { groupByTurn } from './groupByTurn';
import { tracesFromMessages } from './fromToolCalls';
import { TraceTurnGroup } from './TraceTurnGroup';

/** Every tool call of the chat, grouped by turn, with latency bars relative to the turn. */
export function TraceViewer({ messages }: { messages: readonly UiMessage[] }) {
  const { traces, bounds } = useMemo(() => tracesFromMessages(messages), [messages]);
  const running = traces.some((t) => t.outcome === null);
  const [now, setNow] = useState(() => Date.now());
  // Running calls grow with the clock.
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [running]);
  const turns = useMemo(() => groupByTurn(traces, bounds, now), [traces, bounds, now]);
  const usage = useMemo(() => new Map(messages.map((m) => [m.id, m.usage])), [messages]);

  if (turns.length === 0) return <EmptyState title="No tool calls yet">Tool calls appear here with their timing as the agent works.</EmptyState>;
  return (
    <div className="trace-viewer">
      <p className="trace-viewer__legend">
        <span className="legend legend--fast">&lt; 1 s</span>
        <span className="legend legend--medium">&lt; 5 s</span>
        <span className="legend legend--slow">≥ 5 s</span>
      </p>
      <ol className="trace-viewer__turns" aria-label="Tool calls by turn">
        {turns.map((t) => (
          <TraceTurnGroup key={`${t.messageId}:${t.turn}`} turn={t} usage={usage.get(t.messageId)} />
        ))}
      </ol>
    </div>
  );
}
