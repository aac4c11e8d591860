import { useMemo } from 'react';
import type { TurnUsage, WorkflowRun } from '@boocode/contracts';
import type { UiMessage } from '../stream/sessionState';
import { EmptyState } from '../ui/EmptyState';
import type { RunView } from '../workflows/runState';
import { TimelineRun } from '../workflows/TimelineRun';
import { TimelineTurn } from './TimelineTurn';
import { turnsOf, type TurnRow } from './turns';

const NO_RUNS: WorkflowRun[] = [];

type Entry = { kind: 'turn'; at: string; row: TurnRow } | { kind: 'run'; at: string; run: WorkflowRun };

/**
 * The chat's turns and the session's workflow runs, oldest first, each run where it was started;
 * the turn in view is highlighted, running ones pulse.
 */
export function SessionTimeline({
  messages,
  usage,
  currentMessageId,
  onSelect,
  runs = NO_RUNS,
  liveRuns,
  onOpenRun,
}: {
  messages: readonly UiMessage[];
  usage: readonly TurnUsage[];
  currentMessageId: string | null;
  onSelect: (messageId: string) => void;
  runs?: readonly WorkflowRun[];
  /** Runs as their frames have them since they were listed, by id. */
  liveRuns?: Readonly<Record<string, RunView>>;
  onOpenRun?: (runId: string) => void;
}) {
  const rows = useMemo(() => turnsOf(messages, usage), [messages, usage]);
  const entries = useMemo(() => {
    const all: Entry[] = [...rows.map((row) => ({ kind: 'turn' as const, at: row.startedAt, row })), ...runs.map((run) => ({ kind: 'run' as const, at: run.created_at, run }))];
    // Stable: turns keep their order among themselves whatever their timestamps say.
    return all.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }, [rows, runs]);
  if (entries.length === 0) return <EmptyState title="No turns yet">Each agent reply appears here with its model, tokens and duration.</EmptyState>;
  return (
    <ol className="timeline" aria-label="Turns">
      {entries.map((e) =>
        e.kind === 'turn' ? (
          <TimelineTurn key={e.row.turn} row={e.row} inView={e.row.messageId === currentMessageId} onSelect={onSelect} />
        ) : (
          <TimelineRun key={e.run.id} run={e.run} live={liveRuns?.[e.run.id]} onOpen={(id) => onOpenRun?.(id)} />
        ),
      )}
    </ol>
  );
}
