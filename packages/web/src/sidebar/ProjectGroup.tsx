import { useState } from 'react';
import type { Project, Session } from '@boocode/contracts';
import { api } from '../api';
import type { SessionActivity } from '../stream/WorkspaceStore';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Icon } from '../ui/Icon';
import { IconButton } from '../ui/IconButton';
import { NewSessionDialog } from './NewSessionDialog';
import { ArchivedSessions } from './ArchivedSessions';
import { SessionLink } from './SessionLink';

/** One project with its open sessions, a button to start a new one, and its archived ones folded away. */
export function ProjectGroup({
  project,
  sessions,
  activity,
  currentSessionId,
  onOpenSession,
  onSessionCreated,
  onSessionUpdated,
  onRemoved,
}: {
  project: Project;
  sessions: Session[];
  activity: Record<string, SessionActivity>;
  currentSessionId: string | null;
  onOpenSession: (id: string) => void;
  onSessionCreated: (s: Session) => void;
  /** A session renamed or unarchived here, shown at once. */
  onSessionUpdated: (s: Session) => void;
  onRemoved: (projectId: string) => void;
}) {
  const [open, setOpen] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState(false);
  const listId = `project-${project.id}-sessions`;

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      onSessionCreated(await api.call('createSession', { body: { project_id: project.id } }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setError(null);
    try {
      await api.call('deleteProject', { params: { id: project.id } });
      onRemoved(project.id);
    } catch (err) {
      setError(err);
    }
  };

  const visible = sessions.filter((s) => s.status === 'open');
  const archived = sessions.filter((s) => s.status === 'archived');
  return (
    <li className="project">
      <div className="project__head">
        <button
          type="button"
          className="project__toggle"
          aria-expanded={open}
          aria-controls={listId}
          onClick={() => setOpen((v) => !v)}
          title={project.path}
        >
          <Icon name={open ? 'chevronDown' : 'chevronRight'} size={12} />
          <span className="project__name">{project.name}</span>
        </button>
        <IconButton icon="plus" label={`New session in ${project.name}`} onClick={create} disabled={busy} />
        <IconButton icon="settings" label={`Start a session in ${project.name}, choosing agent and options`} onClick={() => setDialog(true)} />
        <ConfirmButton
          icon="trash"
          label={`Remove project ${project.name}`}
          question="Remove from BooCode?"
          confirmLabel="Remove"
          onConfirm={() => void remove()}
        />
      </div>
      {open ? (
        <ul className="project__sessions" id={listId}>
          {visible.length === 0 ? <li className="project__empty">No sessions yet</li> : null}
          {visible.map((s) => (
            <li key={s.id}>
              <SessionLink session={s} activity={activity[s.id]} current={s.id === currentSessionId} onOpen={onOpenSession} onRenamed={onSessionUpdated} />
            </li>
          ))}
        </ul>
      ) : null}
      {open && archived.length > 0 ? (
        <ArchivedSessions project={project} sessions={archived} currentSessionId={currentSessionId} onOpen={onOpenSession} onUnarchived={onSessionUpdated} />
      ) : null}
      {error ? <ErrorNotice error={error} compact /> : null}
      {dialog ? (
        <NewSessionDialog
          project={project}
          onClose={() => setDialog(false)}
          onCreated={(s) => {
            setDialog(false);
            onSessionCreated(s);
          }}
        />
      ) : null}
    </li>
  );
}
