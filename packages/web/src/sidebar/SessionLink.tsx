import { useState, type MouseEvent } from 'react';
import type { Session } from '@boocode/contracts';
import { IconButton } from '../ui/IconButton';
import { routeSearch } from '../shell/route';
import type { SessionActivity } from '../stream/WorkspaceStore';
import { ActivityBadge } from './ActivityBadge';
import { RenameForm } from './RenameForm';

/** A real link (so it opens in a new tab too) that navigates in place on a plain click. */
export function SessionLink({
  session,
  activity,
  current,
  onOpen,
  onRenamed,
}: {
  session: Session;
  activity: SessionActivity | undefined;
  current: boolean;
  onOpen: (id: string) => void;
  /** A renamed session, for the list to show at once (the server tells every browser too). */
  onRenamed: (s: Session) => void;
}) {
  const [renaming, setRenaming] = useState(false);
  const click = (e: MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    onOpen(session.id);
  };
  if (renaming) {
    return (
      <RenameForm
        session={session}
        onDone={(renamed) => {
          setRenaming(false);
          if (renamed) onRenamed(renamed);
        }}
      />
    );
  }
  return (
    <div className="session-row">
      <a
        className="session-link"
        href={`/${routeSearch({ sessionId: session.id, chatId: null })}`}
        aria-current={current ? 'page' : undefined}
        onClick={click}
      >
        <span className="session-link__name">{session.name}</span>
        <span className="session-link__agent">{session.agent}</span>
        <ActivityBadge attention={session.attention} activity={activity} />
      </a>
      <IconButton icon="pencil" label={`Rename ${session.name}`} className="session-row__rename" onClick={() => setRenaming(true)} />
    </div>
  );
}
