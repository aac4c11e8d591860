import { useEffect, useMemo, useState } from 'react';
import type { Subagent } from '@boocode/contracts';
import { api } from '../api';
import type { SessionStore } from '../stream/SessionStore';
import type { SessionState } from '../stream/sessionState';

/**
 * The session's background subagents, newest first: fetched once, then kept current by the
 * `subagent` frames (spawned, ended) and `task_state` frames (started) the store applies.
 */
export function useSubagents(store: SessionStore | null, state: SessionState | null): { items: Subagent[]; error: unknown } {
  const sessionId = state?.session?.id;
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!sessionId || !store) return;
    let live = true;
    api.call('listSubagents', { params: { id: sessionId } }).then(
      ({ items }) => {
        if (!live) return;
        // Frames that arrived meanwhile are newer than the list.
        store.update((s) => ({ ...s, subagents: { ...Object.fromEntries(items.map((a) => [a.id, a])), ...s.subagents } }));
      },
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [store, sessionId]);
  const items = useMemo(
    () =>
      Object.values(state?.subagents ?? {})
        .map((a) => {
          const task = state?.tasks[a.id];
          return task && a.status !== task.status && !['completed', 'failed', 'cancelled', 'timed_out'].includes(a.status) ? { ...a, status: task.status } : a;
        })
        .sort((a, b) => b.created_at.localeCompare(a.created_at)),
    [state?.subagents, state?.tasks],
  );
  return { items, error };
}

export const isActive = (a: Subagent) => a.status === 'pending' || a.status === 'running';
