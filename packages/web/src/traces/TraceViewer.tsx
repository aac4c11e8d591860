import { useEffect, useMemo, useState } from 'react';
import type { ModelCall, Subagent, TurnUsage } from '@boocode/contracts';
import { traceKey, type SessionState, type UiMessage } from '../stream/sessionState';
import { EmptyState } from '../ui/EmptyState';
import { CACHE_THRESHOLDS_KEY, cacheThresholds } from './cacheTone';
import { CacheTrend, type TrendTurn } from './CacheTrend';
import { TraceTurnGroup } from './TraceTurnGroup';
import { useModelCalls, useSessionUsage } from './useModelCalls';
import './cache.css';
import { turnEntries } from './turnEntries';

const NO_CALLS: readonly ModelCall[] = [];
const NO_SUBAGENTS: readonly Subagent[] = [];

/**
 * The chat's prompt cache across turns, then its model and tool calls as a tree of turns, with latency bars relative to each turn. Turns
 * come from the usage summary and the live stream; each turn's calls load when it is opened.
 * The newest turn and any running one start open.
 */
export function TraceViewer({
  sessionId,
  chatId,
  messages,
  usage,
  traces,
  onOpenTurn,
  onLoadMore,
  subagents = NO_SUBAGENTS,
}: {
  /** For the whole session's totals beside the chat's; without it, the chat's alone. */
  sessionId?: string;
  chatId: string;
  messages: readonly UiMessage[];
  usage: readonly TurnUsage[];
  traces: SessionState['traces'];
  onOpenTurn: (turn: number) => void;
  onLoadMore: (turn: number) => void;
  /** The session's background agents, nested under the calls that spawned them. */
  subagents?: readonly Subagent[];
}) {
  const entries = useMemo(() => turnEntries(messages, usage), [messages, usage]);
  const running = entries.some((e) => e.running);
  // Fetched again when a turn is added or finishes.
  const version = `${usage.length}:${usage.at(-1)?.finished_at ?? ''}:${running}`;
  const calls = useModelCalls(chatId, version);
  // The session's totals are worth a line only when its other chats add to this one's.
  const sessionTotals = useSessionUsage(sessionId ?? null, version);
  const callsByTurn = useMemo(() => {
    const m = new Map<number, ModelCall[]>();
    for (const c of calls ?? []) m.set(c.turn_number, [...(m.get(c.turn_number) ?? []), c]);
    return m;
  }, [calls]);
  const usageByTurn = useMemo(() => new Map(usage.map((u) => [u.turn_number, u])), [usage]);
  // Live turns are not in the usage summary until the chat reloads: their tokens come from the
  // stream, their price from their model calls.
  const trend = useMemo(
    (): TrendTurn[] =>
      entries.flatMap((e) => {
        if (!e.usage || e.running) return [];
        const row = usageByTurn.get(e.turn);
        const own = callsByTurn.get(e.turn) ?? [];
        const sum = (pick: (c: ModelCall) => number | null) => {
          const known = own.map(pick).filter((v): v is number => v !== null);
          return known.length ? known.reduce((a, b) => a + b, 0) : null;
        };
        return [{ turn: e.turn, usage: e.usage, cost: row ? row.cost : sum((c) => c.cost), saved: row ? row.saved : sum((c) => c.saved) }];
      }),
    [entries, usageByTurn, callsByTurn],
  );
  const costByTurn = useMemo(() => new Map(trend.map((t) => [t.turn, t.cost])), [trend]);
  const thresholds = useMemo(() => cacheThresholds(localStorage.getItem(CACHE_THRESHOLDS_KEY)), []);
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
      <CacheTrend
        turns={trend}
        thresholds={thresholds}
        shaped={(calls ?? []).some((c) => c.segments !== null)}
        session={sessionTotals && sessionTotals.turns > trend.length ? sessionTotals : null}
      />
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
            calls={callsByTurn.get(e.turn) ?? NO_CALLS}
            cost={costByTurn.get(e.turn)}
            thresholds={thresholds}
            subagents={subagents}
          />
        ))}
      </ol>
    </div>
  );
}
