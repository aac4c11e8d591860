import { useEffect, useState, useSyncExternalStore } from 'react';
import { api } from '../api';
import type { SessionStore } from '../stream/SessionStore';
import { WorkflowStore, type WorkflowApi, type WorkflowState } from './WorkflowStore';

const restApi: WorkflowApi = {
  catalog: (projectId) => api.call('listWorkflows', { params: { id: projectId } }),
  listRuns: (sessionId) => api.call('listWorkflowRuns', { params: { id: sessionId } }),
  getRun: (runId) => api.call('getWorkflowRun', { params: { id: runId } }),
  logs: (runId) => api.call('listWorkflowRunLogs', { params: { id: runId }, query: {} }),
  start: (sessionId, body) => api.call('startWorkflowRun', { params: { id: sessionId }, body }),
  cancelRun: (runId) => api.call('cancelWorkflowRun', { params: { id: runId } }),
  cancelTask: (taskId) => api.call('cancelTask', { params: { id: taskId } }),
};

const EMPTY: WorkflowState = { runs: null, details: {}, catalog: null, loadError: null };
const none = () => () => {};

export interface SessionWorkflows {
  store: WorkflowStore | null;
  state: WorkflowState;
}

/** The session's workflow runs, live from its store's frames, while the session is open. */
export function useWorkflowStore(session: SessionStore | null): SessionWorkflows {
  const [store, setStore] = useState<WorkflowStore | null>(null);
  useEffect(() => {
    if (!session) return;
    const s = new WorkflowStore(session.sessionId, restApi, session);
    s.start();
    setStore(s);
    return () => s.stop();
  }, [session]);
  const state = useSyncExternalStore(store?.subscribe ?? none, store?.getSnapshot ?? (() => EMPTY));
  return { store, state };
}
