import { useCallback, useEffect, useState } from 'react';
import type { PendingChange } from '@boocode/contracts';
import type { Collision, DiffSummary } from '../stream/sessionState';
import { EmptyState } from '../ui/EmptyState';
import { Spinner } from '../ui/Spinner';
import { CollisionList } from './CollisionList';
import { BranchBar, type BranchActions } from './BranchBar';
import { DiffPane, type DiffLayout, type PanelMode, type ReviewActions } from './DiffPane';

const SETTLED: Record<Exclude<DiffSummary['status'], 'pending'>, string> = {
  applied: 'The last change was applied to the project.',
  rejected: 'The last change was rejected; the worktree is back at its base.',
  merged: 'The last change was merged.',
};

const LAYOUT_KEY = 'boocode.diffLayout';

function savedLayout(): DiffLayout {
  try {
    const v = JSON.parse(localStorage.getItem(LAYOUT_KEY) ?? '{}') as Partial<DiffLayout>;
    return { view: v.view === 'split' ? 'split' : 'unified', wrap: v.wrap === true };
  } catch {
    return { view: 'unified', wrap: false };
  }
}

/** The Changes panel: the pending change to review, or why there is none. */
export function ChangesPanel({
  change,
  summary,
  collisions,
  defaultBranch,
  actions,
  onLoad,
  branch,
  turnRunning,
  mode,
  onMode,
  prompts,
}: {
  change: PendingChange | null | undefined;
  summary: DiffSummary | null;
  collisions: Collision[];
  defaultBranch: string;
  actions: ReviewActions | null;
  onLoad: () => void;
  /** null: this server cannot tell where the branch stands. */
  branch: BranchActions | null;
  turnRunning: boolean;
  mode: PanelMode;
  onMode: (m: PanelMode) => void;
  prompts: readonly string[];
}) {
  const [layout, setLayoutState] = useState(savedLayout);
  const setLayout = useCallback((l: DiffLayout) => {
    localStorage.setItem(LAYOUT_KEY, JSON.stringify(l));
    setLayoutState(l);
  }, []);
  useEffect(() => {
    if (change === undefined) onLoad();
  }, [change, onLoad]);
  if (change === undefined) return <Spinner label="Loading changes" />;
  const bar = branch ? (
    <BranchBar actions={branch} turnRunning={turnRunning} refreshKey={change?.id ?? 'none'} prompts={prompts} onChanged={onLoad} />
  ) : null;
  if (change === null) {
    return (
      <>
        {bar}
        <CollisionList collisions={collisions} />
        <EmptyState title="No pending change">
          {summary && summary.status !== 'pending' ? SETTLED[summary.status] : 'Changes the agent makes in this session’s worktree appear here after each turn.'}
        </EmptyState>
      </>
    );
  }
  return (
    // Not keyed by the change: a merge or commit makes a new change, and the outcome of the
    // action (a conflict, say) must stay on screen through that.
    <>
      {bar}
      <DiffPane
        change={change}
        collisions={collisions}
        defaultBranch={defaultBranch}
        actions={actions}
        turnRunning={turnRunning}
        layout={layout}
        onLayout={setLayout}
        mode={mode}
        onMode={onMode}
        prompts={prompts}
      />
    </>
  );
}
