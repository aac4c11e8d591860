import { useMemo, useState } from 'react';
import type { Session } from '@boocode/contracts';
import { useWorkspace } from '../stream/useWorkspace';
import { EmptyState } from '../ui/EmptyState';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Spinner } from '../ui/Spinner';
import { AddProjectForm } from './AddProjectForm';
import { ProjectGroup } from './ProjectGroup';

export function Sidebar({
  currentSessionId,
  onOpenSession,
}: {
  currentSessionId: string | null;
  onOpenSession: (id: string) => void;
}) {
  const { store, view } = useWorkspace();
  const [adding, setAdding] = useState(false);
  const byProject = useMemo(() => {
    const m = new Map<string, Session[]>();
    for (const s of view.sessions) m.set(s.project_id, [...(m.get(s.project_id) ?? []), s]);
    return m;
  }, [view.sessions]);

  return (
    <nav className="sidebar" aria-label="Projects and sessions">
      <div className="sidebar__head">
        <h2>Projects</h2>
        {!adding ? (
          <button type="button" className="button button--small" onClick={() => setAdding(true)}>
            Add project
          </button>
        ) : null}
      </div>
      {adding ? (
        <AddProjectForm
          onAdded={(p) => {
            store.upsertProject(p);
            setAdding(false);
          }}
          onCancel={() => setAdding(false)}
        />
      ) : null}
      {view.loadError ? <ErrorNotice error={new Error(view.loadError)} onRetry={() => void store.refetch()} compact /> : null}
      {!view.loaded ? (
        <Spinner label="Loading projects" />
      ) : view.projects.length === 0 ? (
        <EmptyState title="No projects yet">Add a git repository by its path to start a session in it.</EmptyState>
      ) : (
        <ul className="sidebar__projects">
          {view.projects.map((p) => (
            <ProjectGroup
              key={p.id}
              project={p}
              sessions={byProject.get(p.id) ?? []}
              activity={view.activity}
              currentSessionId={currentSessionId}
              onOpenSession={onOpenSession}
              onRemoved={(id) => store.removeProject(id)}
              onSessionUpdated={(s) => store.upsertSession(s)}
              onSessionCreated={(s) => {
                store.upsertSession(s);
                onOpenSession(s.id);
              }}
            />
          ))}
        </ul>
      )}
    </nav>
  );
}
