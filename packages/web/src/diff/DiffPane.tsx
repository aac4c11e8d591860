import { useMemo, useState } from 'react';
import { mergeMessageFrom, type MergeBody, type MergeResult, type PendingChange } from '@boocode/contracts';
import type { Collision } from '../stream/sessionState';
import { EmptyState } from '../ui/EmptyState';
import { CollisionList } from './CollisionList';
import { DiffFileList } from './DiffFileList';
import { DiffFileView } from './DiffFileView';
import { MergeForm } from './MergeForm';
import { parseUnifiedDiff, type PatchLine } from './parseDiff';
import { CommentDraft, CommentList } from './CommentBox';
import { commentsMessage, type LineComment } from './lineComments';
import { describeRefusal } from './refusals';
import { ReviewOutcome, type Outcome } from './ReviewOutcome';

export interface ReviewActions {
  apply(changeId: string): Promise<{ files: string[] }>;
  reject(changeId: string): Promise<unknown>;
  merge(body: MergeBody): Promise<MergeResult>;
  /** Posts the review comments to the chat in view, as one message to the agent. */
  sendComments(text: string): Promise<unknown>;
}


/** Where the Changes panel sits: beside the chat (resizable), over the whole width, or in a window over the page. */
export type PanelMode = 'side' | 'full' | 'modal';

const MODES: { mode: PanelMode; label: string }[] = [
  { mode: 'side', label: 'Beside chat' },
  { mode: 'full', label: 'Full width' },
  { mode: 'modal', label: 'Pop out' },
];

/** How the diff is drawn; kept across sessions. */
export interface DiffLayout {
  view: 'unified' | 'split';
  wrap: boolean;
}

function describeMerge(r: MergeResult): Outcome {
  switch (r.status) {
    case 'merged':
      return {
        kind: 'ok',
        text: `Merged into ${r.target_branch} (${r.fast_forward ? 'fast-forward' : 'merge commit'} ${r.commit.slice(0, 8)})${
          r.uncommitted_files.length ? `; ${r.uncommitted_files.length} uncommitted files were left out` : ''
        }.`,
      };
    case 'up_to_date':
      return { kind: 'ok', text: `${r.target_branch} already has these changes.` };
    case 'conflict':
      return { kind: 'warn', text: `Not merged: conflicts with ${r.target_branch}. Nothing was changed.`, files: r.conflicts };
  }
}

/**
 * The session's pending change: per-file stats, the diff per file (unified or side by side),
 * collision warnings, and Apply / Reject / Merge. Review waits while a turn runs, and
 * refusals (conflicts, a dirty project, a patch that no longer applies) read as sentences
 * naming the files.
 */
export function DiffPane({
  change,
  collisions,
  defaultBranch,
  actions,
  turnRunning,
  layout,
  onLayout,
  mode,
  onMode,
  prompts,
}: {
  change: PendingChange;
  collisions: Collision[];
  defaultBranch: string;
  /** null: this server cannot apply, reject or merge (the change can still be read). */
  actions: ReviewActions | null;
  /** A turn of the session is running: the change is still moving, so review waits. */
  turnRunning: boolean;
  layout: DiffLayout;
  onLayout: (l: DiffLayout) => void;
  mode: PanelMode;
  onMode: (m: PanelMode) => void;
  /** What the user asked in the session, for the merge commit message. */
  prompts: readonly string[];
}) {
  const parsed = useMemo(() => new Map(parseUnifiedDiff(change.patch).map((f) => [f.path, f])), [change.patch]);
  const [selected, setSelected] = useState<string | null>(change.files[0]?.path ?? null);
  const [busy, setBusy] = useState<'apply' | 'reject' | 'merge' | null>(null);
  const [confirm, setConfirm] = useState<'apply' | 'reject' | null>(null);
  const [merging, setMerging] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [comments, setComments] = useState<LineComment[]>([]);
  const [draft, setDraft] = useState<{ path: string; line: PatchLine } | null>(null);
  const [sendingComments, setSendingComments] = useState(false);
  const open = change.status === 'pending' && actions !== null;
  const locked = busy !== null || turnRunning;
  const lockReason = turnRunning ? 'A turn is running: review when it ends.' : undefined;

  const sendComments = async () => {
    if (!actions) return;
    setSendingComments(true);
    try {
      await actions.sendComments(commentsMessage(comments));
      setOutcome({ kind: 'ok', text: `Sent ${comments.length} comment${comments.length === 1 ? '' : 's'} to the agent as one message.` });
      setComments([]);
    } catch (err) {
      setOutcome({ kind: 'warn', text: describeRefusal('send the comments', err).text, files: [] });
    } finally {
      setSendingComments(false);
    }
  };

  const run = async (kind: 'apply' | 'reject' | 'merge', fn: () => Promise<Outcome>) => {
    setBusy(kind);
    setOutcome(null);
    try {
      setOutcome(await fn());
    } catch (err) {
      const r = describeRefusal(kind, err);
      setOutcome({ kind: 'warn', text: r.text, files: r.files });
    } finally {
      setBusy(null);
    }
  };

  // The selected file may be gone from a newer change: fall back to the first one.
  const file = (selected ? parsed.get(selected) : undefined) ?? (change.files[0] ? parsed.get(change.files[0].path) : undefined);
  return (
    <div className="diff-pane">
      <div className="diff-pane__summary">
        <span>
          {change.stats.files} file{change.stats.files === 1 ? '' : 's'} ·{' '}
          <span className="diff-add">+{change.stats.additions}</span> <span className="diff-del">−{change.stats.deletions}</span>
        </span>
        <span className={`badge badge--change-${change.status}`}>{change.status}</span>
      </div>
      <CollisionList collisions={collisions} />
      {open ? (
        <div className="diff-pane__actions" role="group" aria-label="Review">
          {confirm === 'apply' ? (
            <span className="diff-pane__confirm" role="group" aria-label="Confirm apply">
              Copy these changes into the project&apos;s working tree (not committed; the session keeps its branch)?
              <button
                type="button"
                className="button button--primary"
                disabled={locked}
                title={lockReason}
                onClick={() =>
                  void run('apply', async () => {
                    const r = await actions!.apply(change.id);
                    setConfirm(null);
                    return { kind: 'ok', text: `Applied ${r.files.length} file${r.files.length === 1 ? '' : 's'} to the project.` };
                  })
                }
              >
                {busy === 'apply' ? 'Applying…' : 'Apply'}
              </button>
              <button type="button" className="button" onClick={() => setConfirm(null)}>
                Cancel
              </button>
            </span>
          ) : confirm === 'reject' ? (
            <span className="diff-pane__confirm" role="group" aria-label="Confirm reject">
              Reset the worktree to its base?
              <button
                type="button"
                className="button button--danger"
                disabled={locked}
                title={lockReason}
                onClick={() =>
                  void run('reject', async () => {
                    await actions!.reject(change.id);
                    setConfirm(null);
                    return { kind: 'ok', text: 'Rejected: the worktree is back at its base commit.' };
                  })
                }
              >
                {busy === 'reject' ? 'Rejecting…' : 'Reject'}
              </button>
              <button type="button" className="button" onClick={() => setConfirm(null)}>
                Keep
              </button>
            </span>
          ) : (
            <>
              <button type="button" className="button button--primary" disabled={locked} title={lockReason} onClick={() => setConfirm('apply')}>
                Apply…
              </button>
              <button
                type="button"
                className="button"
                disabled={locked}
                title={lockReason}
                onClick={() => setMerging((v) => !v)}
                aria-expanded={merging}
              >
                Merge…
              </button>
              <button type="button" className="button button--danger" disabled={locked} title={lockReason} onClick={() => setConfirm('reject')}>
                Reject…
              </button>
            </>
          )}
          {turnRunning ? <span className="diff-pane__lock">{lockReason}</span> : null}
        </div>
      ) : null}
      {merging && open ? (
        <MergeForm
          defaultBranch={defaultBranch}
          suggestedMessage={mergeMessageFrom(prompts)}
          busy={locked}
          onCancel={() => setMerging(false)}
          onSubmit={(body) =>
            void run('merge', async () => {
              const r = describeMerge(await actions!.merge(body));
              if (r.kind === 'ok') setMerging(false);
              return r;
            })
          }
        />
      ) : null}
      {outcome ? <ReviewOutcome outcome={outcome} /> : null}
      {change.files.length === 0 ? (
        <EmptyState title="No changes">The agent has not changed any file in this session.</EmptyState>
      ) : (
        <>
          <div className="diff-pane__toolbar" role="group" aria-label="Diff layout">
            <span className="segmented" role="radiogroup" aria-label="Layout">
              {(['unified', 'split'] as const).map((v) => (
                <button
                  key={v}
                  type="button"
                  role="radio"
                  aria-checked={layout.view === v}
                  className={`segmented__option${layout.view === v ? ' segmented__option--on' : ''}`}
                  onClick={() => onLayout({ ...layout, view: v })}
                >
                  {v === 'unified' ? 'Unified' : 'Split'}
                </button>
              ))}
            </span>
            <label className="diff-pane__wrap">
              <input type="checkbox" checked={layout.wrap} onChange={(e) => onLayout({ ...layout, wrap: e.target.checked })} />
              Wrap lines
            </label>
            <span className="segmented diff-pane__modes" role="radiogroup" aria-label="Panel size">
              {MODES.map((m) => (
                <button
                  key={m.mode}
                  type="button"
                  role="radio"
                  aria-checked={mode === m.mode}
                  className={`segmented__option${mode === m.mode ? ' segmented__option--on' : ''}`}
                  onClick={() => onMode(m.mode)}
                >
                  {m.label}
                </button>
              ))}
            </span>
          </div>
          <div className={`diff-pane__files${mode !== 'side' ? ' diff-pane__files--full' : ''}`}>
            <DiffFileList files={change.files} collisions={collisions} selected={file?.path ?? null} onSelect={setSelected} />
            {file ? (
              <DiffFileView
                key={file.path}
                file={file}
                view={layout.view}
                wrap={layout.wrap}
                onComment={actions ? (line) => setDraft({ path: file.path, line }) : undefined}
              />
            ) : null}
          </div>
          {draft ? (
            <CommentDraft
              key={`${draft.path}:${draft.line.oldNo}:${draft.line.newNo}`}
              path={draft.path}
              line={draft.line}
              onCancel={() => setDraft(null)}
              onAdd={(text) => {
                setComments((prev) => [...prev, { id: `${Date.now()}-${prev.length}`, path: draft.path, line: draft.line, text }]);
                setDraft(null);
              }}
            />
          ) : null}
          {comments.length > 0 ? (
            <CommentList
              comments={comments}
              sending={sendingComments}
              onRemove={(id) => setComments((prev) => prev.filter((c) => c.id !== id))}
              onSend={() => void sendComments()}
            />
          ) : null}
        </>
      )}
    </div>
  );
}
