import { useMemo } from 'react';
import type { ModelCall, Subagent } from '@boocode/contracts';
import type { TraceView } from './groupByTurn';
import { ModelCallRow } from './ModelCallRow';
import { spawnedBy } from './spawnedBy';
import { SubagentTurn } from './SubagentTurn';
import { TraceRow } from './TraceRow';

/**
 * A turn's tool and model calls in the order they started, each background agent a tool call
 * spawned nested under that call (a parent turn's list and a nested child's are the same).
 */
export function TraceCallList({
  tools,
  calls,
  startMs,
  durationMs,
  subagents,
  now,
  label,
}: {
  tools: readonly TraceView[];
  calls: readonly ModelCall[];
  startMs: number;
  durationMs: number;
  subagents: readonly Subagent[];
  now: number;
  label?: string;
}) {
  const rows = useMemo(
    () =>
      [
        ...tools.map((t) => ({ at: Date.parse(t.startedAt), key: t.id, tool: t, call: null })),
        ...calls.map((c) => ({ at: Date.parse(c.started_at), key: c.id, tool: null, call: c })),
      ].sort((a, b) => a.at - b.at),
    [tools, calls],
  );
  return (
    <ul className="trace-turn__calls" aria-label={label}>
      {rows.map((r) =>
        r.tool ? (
          <TraceRow key={r.key} trace={r.tool} turnStartMs={startMs} turnDurationMs={durationMs}>
            {spawnedBy(r.tool, subagents).map((a) => (
              <SubagentTurn key={a.id} agent={a} subagents={subagents} now={now} />
            ))}
          </TraceRow>
        ) : (
          <ModelCallRow key={r.key} call={r.call!} turnStartMs={startMs} turnDurationMs={durationMs} />
        ),
      )}
    </ul>
  );
}
