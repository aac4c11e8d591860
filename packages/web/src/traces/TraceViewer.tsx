import { useEffect, useMemo, useState } from 'react';
import type { TurnUsage } from '@boocode/contracts';
import { traceKey, type SessionState, type UiMessage } from '../stream/sessionState';
import { EmptyState } from '../ui/EmptyState';
import { TraceTurnGroup } from './TraceTurnGroup';
import { turnEntries } from './turnEntries';

/**
 * The chat's tool calls as a tree of turns, with latency bars relative to each turn. Turns
 * come from the usage summary and the live stream; each turn's calls load when it is opened.
 * The newest turn and any running one start open.
 */
export function TraceViewer({
  chatId,
  messages,
  usage,
  traces,
  onOpenTurn,
  onLoadMore,
}: {
  chatId: string;
  messages: readonly UiMessage[];
  usage: readonly TurnUsage[];
  traces: SessionState['traces'];
  onOpenTurn: (turn: number) => void;
  onLoadMore: (turn: number) => void;
}) {
  const entries = useMemo(() => turnEntries(messages, usage), [messages, usage]);
  const running = entries.some((e) => e.running);
  const [now, setNow] = useState(() => Date.now());
  // Running calls grow with the clock.
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [running]);

  if (entries.length === 0) return <EmptyState title="No turns yet">Tool calls appear here with their timing as the agent works.</EmptyState>;
  const last = entries[entries.length - 1]!.turn;
  return (
    <div className="trace-viewer">
      <p className="trace-viewer__legend">
        <span className="legend legend--fast">&lt; 1 s</span>
        <span className="legend legend--medium">&lt; 5 s</span>
        <span className="legend legend--slow">≥ 5 s</span>
      </p>
      <ol className="trace-viewer__turns" aria-label="Tool calls by turn">
        {entries.map((e) => (
          <TraceTurnGroup
            key={e.turn}
            entry={e}
            fetched={traces[traceKey(chatId, e.turn)]}
            defaultOpen={e.turn === last || e.running}
            now={now}
            onOpen={() => onOpenTurn(e.turn)}
            onLoadMore={() => onLoadMore(e.turn)}
          />
        ))}
      </ol>
    </div>
  );
}
