import type { ReactNode } from 'react';
import { IconButton } from '../ui/IconButton';

export type PanelKind = 'timeline' | 'traces' | 'changes' | 'terminal' | 'workflows' | 'agents';

export const PANEL_TITLE: Record<PanelKind, string> = {
  timeline: 'Timeline',
  traces: 'Tool traces',
  changes: 'Changes',
  terminal: 'Terminal',
  workflows: 'Workflows',
  agents: 'Background agents',
};

/** The right-hand panel (an overlay on narrow screens); Escape closes it. `resizer` sits on its inner edge. */
export function SidePanel({ kind, onClose, resizer, children }: { kind: PanelKind; onClose: () => void; resizer?: ReactNode; children: ReactNode }) {
  return (
    <aside
      className={`side-panel side-panel--${kind}`}
      aria-label={PANEL_TITLE[kind]}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      {resizer}
      <div className="side-panel__head">
        <h2>{PANEL_TITLE[kind]}</h2>
        <IconButton icon="close" label={`Close ${PANEL_TITLE[kind].toLowerCase()}`} onClick={onClose} />
      </div>
      <div className="side-panel__body">{children}</div>
    </aside>
  );
}
