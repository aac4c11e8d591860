import { createContext, useContext, useSyncExternalStore } from 'react';
import type { WorkspaceStore, WorkspaceView } from './WorkspaceStore';

export const WorkspaceContext = createContext<WorkspaceStore | null>(null);

/** Projects, sessions and their activity, live from `/api/events`. */
export function useWorkspace(): { store: WorkspaceStore; view: WorkspaceView } {
  const store = useContext(WorkspaceContext);
  if (!store) throw new Error('useWorkspace outside WorkspaceContext');
  const view = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { store, view };
}
