import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { alreadyOpenPullRequest, pullRequestFrom, type PushBody, type PushResult, type SessionBranchStatus, type UpdateFromBaseResult } from '@boocode/contracts';
import { describeBranchRefusal } from './refusals';
import { ReviewOutcome, type Outcome } from './ReviewOutcome';

export interface BranchActions {
  status(): Promise<SessionBranchStatus>;
  updateFromBase(): Promise<UpdateFromBaseResult>;
  push(body: PushBody): Promise<PushResult>;
}


const commits = (n: number) => `${n} commit${n === 1 ? '' : 's'}`;

/**
 * Where the session branch stands against the branch it started from ("Behind main by 2 commits")
 * with Update from base, and Push / pull request when the project has a remote (and gh). Actions
 * the server cannot offer are not shown; all of them wait while a turn runs.
 */
export function BranchBar({
  actions,
  turnRunning,
  refreshKey,
  prompts,
  onChanged,
}: {
  actions: BranchActions;
  turnRunning: boolean;
  /** Changes whenever the branch may have moved (a new change, a turn ending). */
  refreshKey: string;
  prompts: readonly string[];
  /** The worktree or its branch moved: the pending change is re-taken. */
  onChanged: () => void;
}) {
  const [status, setStatus] = useState<SessionBranchStatus | null>(null);
  const [busy, setBusy] = useState<'update' | 'push' | null>(null);
  const [pushing, setPushing] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const reload = useCallback(() => {
    actions.status().then(setStatus, () => setStatus(null));
  }, [actions]);
  useEffect(() => {
    if (!turnRunning) reload();
  }, [reload, refreshKey, turnRunning]);

  if (!status || !status.branch || !status.base_branch) return null;
  const base = status.base_branch;
  const locked = busy !== null || turnRunning;
  const lockReason = turnRunning ? 'A turn is running: wait for it to end.' : undefined;

  const run = async (kind: 'update' | 'push', fn: () => Promise<Outcome>) => {
    setBusy(kind);
    setOutcome(null);
    try {
      setOutcome(await fn());
    } catch (err) {
      const r = describeBranchRefusal(kind, base, err);
      setOutcome({ kind: 'warn', text: r.text, files: r.files });
    } finally {
      setBusy(null);
      onChanged();
      reload();
    }
  };

  return (
    <section className="branch-bar" aria-label="Session branch">
      <div className="branch-bar__row">
        <span className="branch-bar__state">
          {status.behind > 0 ? (
            <strong className="branch-bar__behind">
              Behind {base} by {commits(status.behind)}
            </strong>
          ) : (
            <span>Up to date with {base}</span>
          )}
          {status.ahead > 0 ? <span className="branch-bar__ahead"> · {commits(status.ahead)} ahead</span> : null}
          {status.open_pull_request ? (
            <>
              {' · '}
              <a href={status.open_pull_request.url} target="_blank" rel="noreferrer noopener" title={status.open_pull_request.title}>
                Pull request #{status.open_pull_request.number} is open
              </a>
            </>
          ) : null}
        </span>
        {status.behind > 0 ? (
          <button
            type="button"
            className="button button--small"
            disabled={locked || !status.update.available}
            title={lockReason ?? status.update.reason ?? `Merge the new commits of ${base} into the session branch`}
            onClick={() =>
              void run('update', async () => {
                const r = await actions.updateFromBase();
                return {
                  kind: 'ok',
                  text: r.status === 'updated' ? `Updated: ${commits(r.merged_commits)} of ${r.base_branch} merged into the session branch.` : `Already up to date with ${r.base_branch}.`,
                };
              })
            }
          >
            {busy === 'update' ? 'Updating…' : `Update from ${base}`}
          </button>
        ) : null}
        {status.push.available ? (
          <button type="button" className="button button--small" disabled={locked} title={lockReason} aria-expanded={pushing} onClick={() => setPushing((v) => !v)}>
            {status.pull_request.available ? 'Push / pull request…' : 'Push…'}
          </button>
        ) : null}
      </div>
      {pushing && status.push.available ? (
        <PushForm
          remote={status.remote ?? 'the remote'}
          base={base}
          offerPullRequest={status.pull_request.available}
          noPullRequestReason={status.pull_request.reason}
          suggested={pullRequestFrom(prompts)}
          busy={locked}
          onCancel={() => setPushing(false)}
          onSubmit={(body) =>
            void run('push', async () => {
              const r = await actions.push(body);
              setPushing(false);
              const left = r.uncommitted_files.length ? ` ${r.uncommitted_files.length} uncommitted files were left out.` : '';
              if (r.existing_pull_request) {
                return { kind: 'ok', text: `Pushed ${r.branch} to ${r.remote}.${left}`, url: r.existing_pull_request.url, link: alreadyOpenPullRequest(r.existing_pull_request) };
              }
              return r.pull_request_url
                ? { kind: 'ok', text: `Pushed ${r.branch} to ${r.remote} and opened a pull request.${left}`, url: r.pull_request_url }
                : { kind: 'ok', text: `Pushed ${r.branch} to ${r.remote}.${left}` };
            })
          }
        />
      ) : null}
      {outcome ? <ReviewOutcome outcome={outcome} /> : null}
    </section>
  );
}

function PushForm({
  remote,
  base,
  offerPullRequest,
  noPullRequestReason,
  suggested,
  busy,
  onSubmit,
  onCancel,
}: {
  remote: string;
  base: string;
  offerPullRequest: boolean;
  /** Why no pull request can be opened, said in the form so its absence is not a mystery. */
  noPullRequestReason: string | null;
  suggested: { title: string; body: string };
  busy: boolean;
  onSubmit: (body: PushBody) => void;
  onCancel: () => void;
}) {
  const [title, setTitle] = useState(suggested.title);
  const [body, setBody] = useState(suggested.body);
  const [pullRequest, setPullRequest] = useState(offerPullRequest);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // The submit button is disabled while the title is blank.
    const subject = title.trim();
    onSubmit({
      // Uncommitted work is committed with the same words, so what is pushed is what is proposed.
      commit_pending: true,
      message: body.trim() ? `${subject}\n\n${body.trim()}` : subject,
      ...(pullRequest ? { pull_request: { title: subject, body: body.trim() } } : {}),
    });
  };
  return (
    <form className="merge-form" onSubmit={submit} aria-label="Push the session branch">
      <label>
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} required />
      </label>
      <label>
        Description
        <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={Math.min(6, body.split('\n').length + 1)} />
      </label>
      {offerPullRequest ? (
        <label className="merge-form__check">
          <input type="checkbox" checked={pullRequest} onChange={(e) => setPullRequest(e.target.checked)} />
          Open a pull request into {base}
        </label>
      ) : noPullRequestReason ? (
        <p className="merge-form__note">No pull request can be opened from here: {noPullRequestReason}.</p>
      ) : null}
      <p className="merge-form__note">Uncommitted changes are committed with this title first, then the branch is pushed to {remote}.</p>
      <div className="merge-form__actions">
        <button type="submit" className="button button--primary" disabled={busy || !title.trim()}>
          {pullRequest ? 'Push and open pull request' : 'Push'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
