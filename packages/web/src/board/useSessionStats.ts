import { useEffect, useMemo, useState } from 'react';
import type { SessionStats } from '@boocode/contracts';
import { api } from '../api';
import type { WorkspaceView } from '../stream/WorkspaceStore';

const NONE: ReadonlyMap<string, SessionStats> = new Map();

/**
 * Every session's change size and cost, fetched again whenever a session changes or its activity
 * does (a turn that ends stores its diff and usage), so the board follows along without a reload.
 */
export function useSessionStats(view: Pick<WorkspaceView, 'sessions' | 'activity'>): { stats: ReadonlyMap<string, SessionStats>; failed: boolean } {
  const [stats, setStats] = useState(NONE);
  const [failed, setFailed] = useState(false);
  const changed = useMemo(
    () => `${view.sessions.map((s) => `${s.id}@${s.updated_at}:${s.attention ?? ''}`).join(',')}|${JSON.stringify(view.activity)}`,
    [view.sessions, view.activity],
  );
  useEffect(() => {
    const ctl = new AbortController();
    api.call('listSessionStats', undefined, { signal: ctl.signal }).then(
      (r) => {
        setStats(new Map(r.items.map((s) => [s.session_id, s])));
        setFailed(false);
      },
      () => {
        if (!ctl.signal.aborted) setFailed(true);
      },
    );
    return () => ctl.abort();
  }, [changed]);
  return { stats, failed };
}
