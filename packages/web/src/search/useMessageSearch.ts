import { useEffect, useState } from 'react';
import type { SearchHit } from '@boocode/contracts';
import { api } from '../api';

/** Shorter queries match too much to be worth a request per key press. */
export const SEARCH_MIN_CHARS = 3;
const DEBOUNCE_MS = 200;

/**
 * Messages and session names matching what is typed, asked of the server once typing pauses.
 * A query the server refuses (nothing left to search for) simply has no hits.
 */
export function useMessageSearch(query: string, limit = 8): SearchHit[] {
  const [hits, setHits] = useState<SearchHit[]>([]);
  const q = query.trim();
  useEffect(() => {
    if (q.length < SEARCH_MIN_CHARS) {
      setHits([]);
      return;
    }
    let stale = false;
    const timer = setTimeout(() => {
      api
        .call('search', { query: { q, limit } })
        .then((r) => !stale && setHits(r.items))
        .catch(() => !stale && setHits([]));
    }, DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [q, limit]);
  return hits;
}
