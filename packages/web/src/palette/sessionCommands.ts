import type { WorkflowCatalogEntry } from '@boocode/contracts';
import type { PaletteCommand } from '../shell/commands';
import { PANEL_TITLE, type PanelKind } from '../session/SidePanel';

/**
 * What the palette asks of the open session: show a panel, and with `workflow` pick that workflow
 * in the launcher. A new `key` each time, so asking twice for the same thing acts twice.
 */
export interface PanelRequest {
  panel: PanelKind;
  workflow?: string;
  key: number;
}

/** The open session's panels, then its project's workflows, as palette entries. */
export function sessionCommands(workflows: readonly WorkflowCatalogEntry[], request: (r: Omit<PanelRequest, 'key'>) => void): PaletteCommand[] {
  return [
    ...(Object.keys(PANEL_TITLE) as PanelKind[]).map((panel) => ({
      id: `panel:${panel}`,
      label: `Show ${PANEL_TITLE[panel].toLowerCase()}`,
      hint: 'panel',
      run: () => request({ panel }),
    })),
    ...workflows.map((w) => ({
      id: `workflow:${w.name}`,
      label: `Run workflow ${w.name}`,
      hint: w.description,
      run: () => request({ panel: 'workflows', workflow: w.name }),
    })),
  ];
}
