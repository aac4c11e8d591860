import type { ReactNode } from 'react';
import type { Session } from '@boocode/contracts';
import { ConnectionBadge } from '../shell/ConnectionBadge';
import type { SessionView } from '../stream/SessionStore';
import { ConfirmButton } from '../ui/ConfirmButton';
import { IconButton } from '../ui/IconButton';
import { PANEL_TITLE, type PanelKind } from './SidePanel';

const ICON = { timeline: 'timeline', traces: 'traces', changes: 'diff', terminal: 'terminal', workflows: 'workflow', agents: 'agents' } as const;

export function SessionHeader({
  session,
  view,
  panel,
  onPanel,
  onReconnect,
  onArchive,
  badge,
}: {
  session: Session;
  view: SessionView;
  panel: PanelKind | null;
  onPanel: (k: PanelKind | null) => void;
  onReconnect: () => void;
  onArchive: () => void;
  /** Shown next to the title (the background agents' count). */
  badge?: ReactNode;
}) {
  return (
    <div className="session-header">
      <div className="session-header__title">
        <h1>{session.name}</h1>
        {badge}
        <span className="session-header__meta">
          {session.agent}
          {session.model ? ` · ${session.model}` : ''}
          {session.isolated ? ' · worktree' : ' · project directory'}
        </span>
      </div>
      <div className="session-header__tools">
        {view.syncing ? <span className="session-header__sync">Syncing…</span> : null}
        {view.invalidFrames > 0 ? (
          <span className="session-header__warn" title="frames the contracts refused were dropped">
            {view.invalidFrames} bad frame{view.invalidFrames === 1 ? '' : 's'}
          </span>
        ) : null}
        <ConnectionBadge status={view.status} onReconnect={onReconnect} />
        {(Object.keys(PANEL_TITLE) as PanelKind[]).map((k) => (
          <IconButton
            key={k}
            icon={ICON[k]}
            label={`${panel === k ? 'Hide' : 'Show'} ${PANEL_TITLE[k].toLowerCase()}`}
            pressed={panel === k}
            onClick={() => onPanel(panel === k ? null : k)}
          />
        ))}
        {session.status === 'open' ? (
          <ConfirmButton icon="archive" label="Archive session" question="Archive this session?" confirmLabel="Archive" onConfirm={onArchive} />
        ) : (
          <span className="badge">archived</span>
        )}
      </div>
    </div>
  );
}
