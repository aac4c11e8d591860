import { useEffect, useState } from 'react';
import type { WorkflowCatalogEntry } from '@boocode/contracts';
import { api } from '../api';

const NONE: WorkflowCatalogEntry[] = [];

/**
 * The workflows of the open session's project while the palette is open; none while they load or
 * when they cannot be read (the workflows panel says why).
 */
export function useWorkflowCatalog(projectId: string | null, open: boolean): WorkflowCatalogEntry[] {
  const [items, setItems] = useState(NONE);
  useEffect(() => {
    if (!projectId || !open) return;
    const ctl = new AbortController();
    api.call('listWorkflows', { params: { id: projectId } }, { signal: ctl.signal }).then(
      (c) => setItems(c.items),
      () => setItems(NONE),
    );
    return () => ctl.abort();
  }, [projectId, open]);
  return projectId ? items : NONE;
}
