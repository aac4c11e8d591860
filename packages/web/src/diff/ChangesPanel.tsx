import { useEffect } from 'react';
import type { PendingChange } from '@boocode/contracts';
import type { Collision, DiffSummary } from '../stream/sessionState';
import { EmptyState } from '../ui/EmptyState';
import { Spinner } from '../ui/Spinner';
import { CollisionList } from './CollisionList';
import { DiffPane, type ReviewActions } from './DiffPane';

const SETTLED: Record<Exclude<DiffSummary['status'], 'pending'>, string> = {
  applied: 'The last change was applied to the project.',
  rejected: 'The last change was rejected; the worktree is back at its base.',
  merged: 'The last change was merged.',
};

/** The Changes panel: the pending change to review, or why there is none. */
export function ChangesPanel({
  change,
  summary,
  collisions,
  defaultBranch,
  actions,
  onLoad,
}: {
  change: PendingChange | null | undefined;
  summary: DiffSummary | null;
  collisions: Collision[];
  defaultBranch: string;
  actions: ReviewActions | null;
  onLoad: () => void;
}) {
  useEffect(() => {
    if (change === undefined) onLoad();
  }, [change, onLoad]);
  if (change === undefined) return <Spinner label="Loading changes" />;
  if (change === null) {
    return (
      <>
        <CollisionList collisions={collisions} />
        <EmptyState title="No pending change">
          {summary && summary.status !== 'pending' ? SETTLED[summary.status] : 'Changes the agent makes in this session’s worktree appear here after each turn.'}
        </EmptyState>
      </>
    );
  }
  return <DiffPane key={change.id} change={change} collisions={collisions} defaultBranch={defaultBranch} actions={actions} />;
}
