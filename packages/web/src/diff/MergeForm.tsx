import { useState, type FormEvent } from 'react';
import type { MergeBody } from '@boocode/contracts';

/** Target branch, and whether to commit the worktree's uncommitted changes first. */
export function MergeForm({
  defaultBranch,
  suggestedMessage,
  busy,
  onSubmit,
  onCancel,
}: {
  defaultBranch: string;
  /** Written from the session's requests; empty when there are none to go by. */
  suggestedMessage: string;
  busy: boolean;
  onSubmit: (body: MergeBody) => void;
  onCancel: () => void;
}) {
  const [branch, setBranch] = useState(defaultBranch);
  const [commitPending, setCommitPending] = useState(true);
  const [message, setMessage] = useState(suggestedMessage);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({
      target_branch: branch.trim(),
      commit_pending: commitPending,
      ...(commitPending ? { message: message.trim() || 'Changes from a BooCode session' } : {}),
    });
  };
  return (
    <form className="merge-form" onSubmit={submit} aria-label="Merge the session branch">
      <label>
        Target branch
        <input value={branch} onChange={(e) => setBranch(e.target.value)} spellCheck={false} required />
      </label>
      <label className="merge-form__check">
        <input type="checkbox" checked={commitPending} onChange={(e) => setCommitPending(e.target.checked)} />
        Commit uncommitted changes first
      </label>
      {commitPending ? (
        <label>
          Commit message
          <textarea value={message} onChange={(e) => setMessage(e.target.value)} placeholder="Changes from a BooCode session" rows={Math.min(6, message.split('\n').length + 1)} />
        </label>
      ) : null}
      <div className="merge-form__actions">
        <button type="submit" className="button button--primary" disabled={busy || !branch.trim()}>
          Merge
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
