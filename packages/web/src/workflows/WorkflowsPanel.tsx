import { useCallback, useEffect, useState } from 'react';
import type { Session, WorkflowRun } from '@boocode/contracts';
import type { SessionStore, SessionView } from '../stream/SessionStore';
import { formatDuration, formatTokens } from '../traces/latency';
import { formatTime } from '../ui/format';
import { Spinner } from '../ui/Spinner';
import { AgentDetail } from './AgentDetail';
import { agentTitle } from './AgentRow';
import { WorkflowError } from './errors';
import { Launcher } from './Launcher';
import { RunView } from './RunView';
import { RUN_STATUS_TEXT } from './runState';
import type { SessionWorkflows } from './useWorkflowStore';
import './workflows.css';

type Place = { kind: 'launch' } | { kind: 'runs' } | { kind: 'run'; id: string } | { kind: 'agent'; id: string; position: number };

/** The session's workflows: launch one, the runs so far, a run live, and one agent of it. */
export default function WorkflowsPanel({
  sessionStore,
  view,
  session,
  workflows,
  openRunId,
  launch,
}: {
  sessionStore: SessionStore;
  view: SessionView;
  session: Session;
  workflows: SessionWorkflows;
  /** A run to show (picked in the timeline); each new id opens it. */
  openRunId: string | null;
  /** A workflow picked elsewhere (the command palette): the launcher opens on it, args focused. */
  launch: { name: string; key: number } | null;
}) {
  const { store, state } = workflows;
  const [place, setPlace] = useState<Place | null>(openRunId ? { kind: 'run', id: openRunId } : null);
  useEffect(() => {
    if (openRunId) setPlace({ kind: 'run', id: openRunId });
  }, [openRunId]);
  useEffect(() => {
    if (launch) setPlace({ kind: 'launch' });
  }, [launch]);
  // First place: the runs when there are any, else the launcher.
  const here: Place = place ?? (state.runs === null ? { kind: 'runs' } : state.runs.length ? { kind: 'runs' } : { kind: 'launch' });
  const runId = here.kind === 'run' || here.kind === 'agent' ? here.id : null;
  useEffect(() => {
    if (store && runId) store.openRun(runId);
  }, [store, runId]);

  // Stable, so the memoized agent rows do not render again with every frame.
  const openAgent = useCallback((position: number) => runId && setPlace({ kind: 'agent', id: runId, position }), [runId]);
  const open = useCallback((run: WorkflowRun) => setPlace({ kind: 'run', id: run.id }), []);
  if (!store) return <Spinner label="Loading workflows" />;
  const detail = runId ? state.details[runId] : undefined;

  return (
    <div className="wf-panel">
      <nav className="wf-nav" aria-label="Workflows">
        {here.kind === 'agent' ? (
          <button type="button" className="link-button" onClick={() => setPlace({ kind: 'run', id: here.id })}>
            ← {detail?.run.name ?? 'Run'}
          </button>
        ) : here.kind === 'run' ? (
          <button type="button" className="link-button" onClick={() => setPlace({ kind: 'runs' })}>
            ← All runs
          </button>
        ) : (
          <div className="wf-nav__tabs" role="tablist">
            <button type="button" role="tab" aria-selected={here.kind === 'launch'} className="wf-tabs__tab" onClick={() => setPlace({ kind: 'launch' })}>
              Launch
            </button>
            <button type="button" role="tab" aria-selected={here.kind === 'runs'} className="wf-tabs__tab" onClick={() => setPlace({ kind: 'runs' })}>
              Runs{state.runs?.length ? ` (${state.runs.length})` : ''}
            </button>
          </div>
        )}
        {here.kind === 'agent' && detail?.agents[here.position] ? <span className="wf-nav__where">{agentTitle(detail.agents[here.position]!)}</span> : null}
      </nav>
      <div className="wf-panel__body">
        {here.kind === 'launch' ? (
          <Launcher store={store} state={state} projectId={session.project_id} archived={session.status !== 'open'} onStarted={open} preselect={launch} />
        ) : here.kind === 'runs' ? (
          <RunList runs={state.runs} error={state.loadError} onOpen={open} onLaunch={() => setPlace({ kind: 'launch' })} />
        ) : !detail ? (
          state.loadError ? <WorkflowError error={new Error(state.loadError)} /> : <Spinner label="Loading the run" />
        ) : here.kind === 'run' ? (
          <RunView store={store} view={detail} tasks={view.state.tasks} onOpenAgent={openAgent} onStarted={open} />
        ) : detail.agents[here.position] ? (
          <AgentDetail store={sessionStore} view={view} session={session} agent={detail.agents[here.position]!} />
        ) : (
          <Spinner label="Loading the agent" />
        )}
      </div>
    </div>
  );
}

function RunList({ runs, error, onOpen, onLaunch }: { runs: WorkflowRun[] | null; error: string | null; onOpen: (r: WorkflowRun) => void; onLaunch: () => void }) {
  if (runs === null) return error ? <WorkflowError error={new Error(error)} /> : <Spinner label="Loading runs" />;
  if (runs.length === 0)
    return (
      <p className="wf-form__help">
        No workflow has run in this session yet.{' '}
        <button type="button" className="link-button" onClick={onLaunch}>
          Launch one
        </button>
      </p>
    );
  return (
    <ul className="wf-runs" aria-label="Runs">
      {runs.map((r) => (
        <li key={r.id}>
          <button type="button" className="wf-runs__item" onClick={() => onOpen(r)}>
            <span className="wf-runs__head">
              <span className="wf-catalog__name">{r.name}</span>
              <span className={`badge wf-run-status wf-run-status--${r.status}`}>{RUN_STATUS_TEXT[r.status]}</span>
            </span>
            <span className="wf-agent__meta">
              {formatTime(r.created_at)} · {r.agent_counts.total} agent{r.agent_counts.total === 1 ? '' : 's'}
              {r.agent_counts.cached ? ` (${r.agent_counts.cached} from cache)` : ''} · {formatTokens(r.usage.output)} output tokens
              {r.started_at && r.finished_at ? ` · ${formatDuration(Date.parse(r.finished_at) - Date.parse(r.started_at))}` : ''}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
