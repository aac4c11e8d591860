import { useEffect, useMemo, useState } from 'react';
import type { SessionDiff } from '@boocode/contracts';
import { api } from '../api';
import { DiffFileList } from '../diff/DiffFileList';
import { DiffFileView } from '../diff/DiffFileView';
import { parseUnifiedDiff } from '../diff/parseDiff';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Spinner } from '../ui/Spinner';

const NO_COLLISIONS: never[] = [];

/**
 * What a background agent changed in its own worktree, read-only, with the session diff's file
 * list and file view. Fetched when opened and again when the agent's status changes.
 */
export function SubagentDiff({ id, status }: { id: string; status: string }) {
  const [diff, setDiff] = useState<SessionDiff | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    api.call('getSubagentDiff', { params: { id } }).then(
      (d) => live && setDiff(d),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [id, status, attempt]);
  const parsed = useMemo(() => new Map(parseUnifiedDiff(diff?.patch ?? '').map((f) => [f.path, f])), [diff?.patch]);

  if (error) return <ErrorNotice error={error} compact onRetry={() => setAttempt((n) => n + 1)} />;
  if (!diff) return <Spinner label="Loading the background agent's changes" />;
  if (diff.files.length === 0) return <p className="subagents__note">No file changed in its worktree.</p>;
  const file = parsed.get(selected ?? '') ?? parsed.get(diff.files[0]!.path);
  return (
    <div className="subagent-diff">
      <div className="subagent-diff__summary">
        {diff.stats.files} file{diff.stats.files === 1 ? '' : 's'} changed · <span className="diff-add">+{diff.stats.additions}</span>{' '}
        <span className="diff-del">−{diff.stats.deletions}</span>
      </div>
      <DiffFileList files={diff.files} collisions={NO_COLLISIONS} selected={file?.path ?? null} onSelect={setSelected} />
      {file ? <DiffFileView key={file.path} file={file} /> : null}
    </div>
  );
}
