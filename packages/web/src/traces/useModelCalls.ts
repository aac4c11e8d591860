import { useEffect, useState } from 'react';
import type { ModelCall, UsageTotals } from '@boocode/contracts';
import { api } from '../api';

/**
 * A chat's model calls, fetched again whenever `version` changes (a turn finished). Null until the
 * first answer; an older server without the route leaves the traces as they were.
 */
export function useModelCalls(chatId: string, version: string): ModelCall[] | null {
  const [calls, setCalls] = useState<ModelCall[] | null>(null);
  useEffect(() => {
    let live = true;
    api
      .call('listModelCalls', { params: { id: chatId } })
      .then((r) => live && setCalls(r.items))
      .catch(() => live && setCalls((c) => c ?? []));
    return () => {
      live = false;
    };
  }, [chatId, version]);
  return calls;
}

/** The whole session's totals (every chat), fetched again whenever `version` changes. */
export function useSessionUsage(sessionId: string | null, version: string): UsageTotals | null {
  const [totals, setTotals] = useState<UsageTotals | null>(null);
  useEffect(() => {
    if (!sessionId) return;
    let live = true;
    api
      .call('getSessionUsage', { params: { id: sessionId } })
      .then((r) => live && setTotals(r))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [sessionId, version]);
  return totals;
}
