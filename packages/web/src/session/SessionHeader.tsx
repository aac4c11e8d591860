import { memo, useState, type ReactNode } from 'react';
import type { Session } from '@boocode/contracts';
import type { SocketStatus } from '@boocode/client';
import { api } from '../api';
import { RenameForm } from '../sidebar/RenameForm';
import { ErrorNotice } from '../ui/ErrorNotice';
import { ConnectionBadge } from '../shell/ConnectionBadge';
import { ConfirmButton } from '../ui/ConfirmButton';
import { IconButton } from '../ui/IconButton';
import { PANEL_TITLE, type PanelKind } from './SidePanel';

const ICON = { timeline: 'timeline', traces: 'traces', changes: 'diff', terminal: 'terminal', workflows: 'workflow', agents: 'agents' } as const;

/** Memoized: the session's store changes with every streamed delta, the header rarely does. */
export const SessionHeader = memo(function SessionHeader({
  session,
  status,
  syncing,
  invalidFrames,
  panel,
  onPanel,
  onReconnect,
  onArchive,
  badge,
}: {
  session: Session;
  status: SocketStatus;
  /** A refetch after a snapshot is in progress. */
  syncing: boolean;
  /** Frames the contracts refused (dropped). */
  invalidFrames: number;
  panel: PanelKind | null;
  onPanel: (k: PanelKind | null) => void;
  onReconnect: () => void;
  onArchive: () => void;
  /** Shown next to the title (the background agents' count). */
  badge?: ReactNode;
}) {
  const [renaming, setRenaming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const unarchive = async () => {
    setError(null);
    try {
      await api.call('unarchiveSession', { params: { id: session.id } });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="session-header">
      <div className="session-header__title">
        {renaming ? (
          <RenameForm session={session} onDone={() => setRenaming(false)} />
        ) : (
          <>
            <h1>{session.name}</h1>
            <IconButton icon="pencil" label="Rename session" className="session-header__rename" onClick={() => setRenaming(true)} />
          </>
        )}
        {badge}
        <span className="session-header__meta">
          {session.agent}
          {session.model ? ` · ${session.model}` : ''}
          {session.isolated ? ' · worktree' : ' · project directory'}
        </span>
      </div>
      <div className="session-header__tools">
        {syncing ? <span className="session-header__sync">Syncing…</span> : null}
        {invalidFrames > 0 ? (
          <span className="session-header__warn" title="frames the contracts refused were dropped">
            {invalidFrames} bad frame{invalidFrames === 1 ? '' : 's'}
          </span>
        ) : null}
        <ConnectionBadge status={status} onReconnect={onReconnect} />
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
          <>
            <span className="badge">archived</span>
            <button type="button" className="button button--small" onClick={() => void unarchive()}>
              Unarchive
            </button>
          </>
        )}
      </div>
      {error ? <ErrorNotice error={error} compact /> : null}
    </div>
  );
});
