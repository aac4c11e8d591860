import { useCallback, useState } from 'react';
import type { PanelKind } from './SidePanel';

const KEY = 'boocode.panel';
const KINDS: readonly PanelKind[] = ['timeline', 'traces', 'changes', 'terminal', 'workflows', 'agents'];

/** Which side panel is open; remembered across reloads. */
export function usePanel(): [PanelKind | null, (k: PanelKind | null) => void] {
  const [panel, setPanelState] = useState<PanelKind | null>(() => {
    const saved = localStorage.getItem(KEY);
    return KINDS.find((k) => k === saved) ?? null;
  });
  const setPanel = useCallback((k: PanelKind | null) => {
    if (k) localStorage.setItem(KEY, k);
    else localStorage.removeItem(KEY);
    setPanelState(k);
  }, []);
  return [panel, setPanel];
}
