import { useState } from 'react';
import type { Project, Session } from '@boocode/contracts';
import { api } from '../api';
import { routeSearch } from '../shell/route';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Icon } from '../ui/Icon';

/**
 * A project's archived sessions, folded under its open ones: each still opens (its history is
 * readable) and can be unarchived, which makes it an open session again.
 */
export function ArchivedSessions({
  project,
  sessions,
  currentSessionId,
  onOpen,
  onUnarchived,
}: {
  project: Project;
  sessions: Session[];
  currentSessionId: string | null;
  onOpen: (id: string) => void;
  onUnarchived: (s: Session) => void;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const listId = `project-${project.id}-archived`;
  const unarchive = async (s: Session) => {
    setBusy(s.id);
    setError(null);
    try {
      onUnarchived(await api.call('unarchiveSession', { params: { id: s.id } }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="archived">
      <button type="button" className="archived__toggle" aria-expanded={open} aria-controls={listId} onClick={() => setOpen((v) => !v)}>
        <Icon name={open ? 'chevronDown' : 'chevronRight'} size={12} />
        Archived ({sessions.length})
      </button>
      {open ? (
        <ul className="archived__list" id={listId} aria-label={`Archived sessions of ${project.name}`}>
          {sessions.map((s) => (
            <li key={s.id} className="archived__row">
              <a
                className="archived__name"
                href={`/${routeSearch({ sessionId: s.id, chatId: null })}`}
                aria-current={s.id === currentSessionId ? 'page' : undefined}
                onClick={(e) => {
                  if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                  e.preventDefault();
                  onOpen(s.id);
                }}
              >
                {s.name}
              </a>
              <button type="button" className="button button--small" disabled={busy !== null} onClick={() => void unarchive(s)} aria-label={`Unarchive ${s.name}`}>
                {busy === s.id ? 'Unarchiving…' : 'Unarchive'}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? <ErrorNotice error={error} compact /> : null}
    </div>
  );
}
