import { useMemo, useState } from 'react';
import type { MergeBody, MergeResult, PendingChange } from '@boocode/contracts';
import type { Collision } from '../stream/sessionState';
import { EmptyState } from '../ui/EmptyState';
import { ErrorNotice } from '../ui/ErrorNotice';
import { CollisionList } from './CollisionList';
import { DiffFileList } from './DiffFileList';
import { DiffFileView } from './DiffFileView';
import { MergeForm } from './MergeForm';
import { parseUnifiedDiff } from './parseDiff';

export interface ReviewActions {
  apply(changeId: string): Promise<{ files: string[] }>;
  reject(changeId: string): Promise<unknown>;
  merge(body: MergeBody): Promise<MergeResult>;
}

type Outcome = { kind: 'ok'; text: string } | { kind: 'warn'; text: string; files: string[] };

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
 * The session's pending change: per-file stats, a unified diff per file, collision warnings,
 * and Apply / Reject / Merge. Refusals (dirty project, patch does not apply, ...) are shown as
 * the server sent them, details included.
 */
export function DiffPane({
  change,
  collisions,
  defaultBranch,
  actions,
}: {
  change: PendingChange;
  collisions: Collision[];
  defaultBranch: string;
  /** null: this server cannot apply, reject or merge (the change can still be read). */
  actions: ReviewActions | null;
}) {
  const parsed = useMemo(() => new Map(parseUnifiedDiff(change.patch).map((f) => [f.path, f])), [change.patch]);
  const [selected, setSelected] = useState<string | null>(change.files[0]?.path ?? null);
  const [busy, setBusy] = useState<'apply' | 'reject' | 'merge' | null>(null);
  const [confirmReject, setConfirmReject] = useState(false);
  const [merging, setMerging] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const open = change.status === 'pending' && actions !== null;

  const run = async (kind: 'apply' | 'reject' | 'merge', fn: () => Promise<Outcome>) => {
    setBusy(kind);
    setError(null);
    setOutcome(null);
    try {
      setOutcome(await fn());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const file = selected ? parsed.get(selected) : undefined;
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
        <div className="diff-pane__actions">
          <button
            type="button"
            className="button button--primary"
            disabled={busy !== null}
            onClick={() =>
              void run('apply', async () => {
                const r = await actions!.apply(change.id);
                return { kind: 'ok', text: `Applied ${r.files.length} file${r.files.length === 1 ? '' : 's'} to the project.` };
              })
            }
          >
            {busy === 'apply' ? 'Applying…' : 'Apply'}
          </button>
          <button type="button" className="button" disabled={busy !== null} onClick={() => setMerging((v) => !v)} aria-expanded={merging}>
            Merge…
          </button>
          {confirmReject ? (
            <span className="diff-pane__confirm" role="group" aria-label="Confirm reject">
              Reset the worktree to its base?
              <button
                type="button"
                className="button button--danger"
                disabled={busy !== null}
                onClick={() =>
                  void run('reject', async () => {
                    await actions!.reject(change.id);
                    setConfirmReject(false);
                    return { kind: 'ok', text: 'Rejected: the worktree is back at its base commit.' };
                  })
                }
              >
                {busy === 'reject' ? 'Rejecting…' : 'Reject'}
              </button>
              <button type="button" className="button" onClick={() => setConfirmReject(false)}>
                Keep
              </button>
            </span>
          ) : (
            <button type="button" className="button button--danger" disabled={busy !== null} onClick={() => setConfirmReject(true)}>
              Reject…
            </button>
          )}
        </div>
      ) : null}
      {merging && open ? (
        <MergeForm
          defaultBranch={defaultBranch}
          busy={busy !== null}
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
      {error ? <ErrorNotice error={error} /> : null}
      {outcome ? (
        <div className={`diff-pane__outcome diff-pane__outcome--${outcome.kind}`} role="status">
          {outcome.text}
          {outcome.kind === 'warn' && outcome.files.length ? (
            <ul>
              {outcome.files.map((f) => (
                <li key={f}>
                  <code>{f}</code>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {change.files.length === 0 ? (
        <EmptyState title="No changes">The agent has not changed any file in this session.</EmptyState>
      ) : (
        <>
          <DiffFileList files={change.files} collisions={collisions} selected={selected} onSelect={setSelected} />
          {file ? <DiffFileView key={file.path} file={file} /> : null}
        </>
      )}
    </div>
  );
}
