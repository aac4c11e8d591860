import type { SessionFrame, StartWorkflowRunBody, Task, WorkflowCatalog, WorkflowLogList, WorkflowRun, WorkflowRunDetail } from '@boocode/contracts';
import { workflowErrorText } from './errors';
import { applyRunFrame, emptyRunView, isWorkflowFrame, mergeDetail, mergeLogs, runFinished, type RunView } from './runState';

/** The REST calls the workflow view needs (the real `api` in the app, fakes in tests). */
export interface WorkflowApi {
  catalog(projectId: string): Promise<WorkflowCatalog>;
  listRuns(sessionId: string): Promise<{ items: WorkflowRun[] }>;
  getRun(runId: string): Promise<WorkflowRunDetail>;
  logs(runId: string): Promise<WorkflowLogList>;
  start(sessionId: string, body: StartWorkflowRunBody): Promise<WorkflowRun>;
  cancelRun(runId: string): Promise<WorkflowRun>;
  cancelTask(taskId: string): Promise<Task>;
}

/** Where frames come from: the session's store. */
export interface FrameSource {
  onFrames(fn: (frames: readonly SessionFrame[] | null) => void): () => void;
  hasSynced(): boolean;
}

export interface WorkflowState {
  /** The session's runs, newest first; null until fetched. */
  runs: WorkflowRun[] | null;
  /** Runs opened in the view (and runs that streamed while the view was open), by id. */
  details: Record<string, RunView>;
  catalog: WorkflowCatalog | null;
  loadError: string | null;
}

/**
 * A run's detail is fetched again after frames told of agents it lacks (their chat, agent and
 * model are not in the frames), at most this often while agents keep starting.
 */
const REFETCH_MS = 700;

/**
 * The workflow runs of one session: the list and the opened runs' details over REST, kept live
 * by the session stream's workflow frames.
 */
export class WorkflowStore {
  private state: WorkflowState = { runs: null, details: {}, catalog: null, loadError: null };
  private listeners = new Set<() => void>();
  private unsubscribe: (() => void) | null = null;
  private open = new Set<string>();
  private refetch = new Map<string, ReturnType<typeof setTimeout>>();
  private stopped = false;

  constructor(
    readonly sessionId: string,
    private readonly api: WorkflowApi,
    private readonly frames: FrameSource,
  ) {}

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): WorkflowState => this.state;

  start(): void {
    this.unsubscribe = this.frames.onFrames((frames) => (frames === null ? this.reload() : this.receive(frames)));
    // Before the session's first refetch, that refetch's `null` loads the list: loading it now
    // as well fetched it twice on every page load.
    if (this.frames.hasSynced()) this.reload();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.refetch.values()) clearTimeout(t);
    this.listeners.clear();
  }

  /** The list, and every opened run again (after a snapshot frames may have been missed). */
  reload(): void {
    void this.api.listRuns(this.sessionId).then(
      (r) => this.set({ runs: r.items, loadError: null }),
      (err: unknown) => this.set({ loadError: workflowErrorText(err) }),
    );
    for (const id of this.open) void this.fetchRun(id).then(() => this.fetchLogs(id));
  }

  async loadCatalog(projectId: string): Promise<void> {
    try {
      this.set({ catalog: await this.api.catalog(projectId), loadError: null });
    } catch (err) {
      this.set({ loadError: workflowErrorText(err) });
    }
  }

  /** The view shows this run: fetch its detail and keep it live. */
  openRun(runId: string): void {
    if (this.open.has(runId)) return;
    this.open.add(runId);
    // The lines logged before the view opened are stored; the detail first, so they have a run to join.
    void this.fetchRun(runId).then(() => this.fetchLogs(runId));
  }

  /** Starts a run; the returned run is shown at once (its frames follow). Throws the server's refusal. */
  async startRun(body: StartWorkflowRunBody): Promise<WorkflowRun> {
    const run = await this.api.start(this.sessionId, body);
    this.upsertRun(run);
    this.open.add(run.id);
    this.setDetail(run.id, this.state.details[run.id] ?? emptyRunView(run));
    void this.fetchRun(run.id);
    return run;
  }

  async cancelRun(runId: string): Promise<void> {
    this.upsertRun(await this.api.cancelRun(runId));
  }

  /** Stops one agent: its task is cancelled and its `agent()` call returns null to the script. */
  async cancelAgent(taskId: string): Promise<void> {
    await this.api.cancelTask(taskId);
  }

  private async fetchRun(runId: string): Promise<void> {
    try {
      const detail = await this.api.getRun(runId);
      if (this.stopped) return;
      const view = mergeDetail(this.state.details[runId], detail);
      this.setDetail(runId, view);
      this.upsertRun(view.run);
      // Agents whose frames came before their step was stored: ask again while the run goes on.
      if (!runFinished(view.run) && view.agents.some((a) => a.taskId && !a.chatId)) this.scheduleRefetch(runId);
    } catch (err) {
      if (!this.stopped) this.set({ loadError: workflowErrorText(err) });
    }
  }

  private async fetchLogs(runId: string): Promise<void> {
    try {
      const stored = await this.api.logs(runId);
      const view = this.state.details[runId];
      if (this.stopped || !view) return;
      this.setDetail(runId, mergeLogs(view, stored));
    } catch (err) {
      if (!this.stopped) this.set({ loadError: workflowErrorText(err) });
    }
  }

  private scheduleRefetch(runId: string): void {
    if (this.refetch.has(runId) || this.stopped) return;
    this.refetch.set(
      runId,
      setTimeout(() => {
        this.refetch.delete(runId);
        void this.fetchRun(runId);
      }, REFETCH_MS),
    );
  }

  private receive(frames: readonly SessionFrame[]): void {
    let details = this.state.details;
    let runs = this.state.runs;
    let changed = false;
    for (const f of frames) {
      if (!isWorkflowFrame(f)) continue;
      changed = true;
      const runId = f.type === 'workflow_run' ? f.run.id : f.run_id;
      if (f.type === 'workflow_run') {
        runs = upsert(runs, f.run);
        // A run that just finished: its results, worktrees and final usage are in the detail.
        if (runFinished(f.run) && this.open.has(runId)) this.scheduleRefetch(runId);
      }
      let view = details[runId];
      if (!view) {
        // A run this view has not opened: keep its frames only once its run is known.
        const run = runs?.find((r) => r.id === runId);
        if (!run) continue;
        view = emptyRunView(run);
      }
      const next = applyRunFrame(view, f);
      if (next !== view) details = { ...details, [runId]: next };
      // Frames do not say which chat, agent and model a new task has, nor what a finished one cost: the detail does.
      if (f.type === 'workflow_agent' && this.open.has(runId)) {
        const a = next.agents[f.position];
        if (f.status === 'running' ? !a?.chatId : !f.cached) this.scheduleRefetch(runId);
      }
    }
    if (changed) this.set({ details, runs });
  }

  private upsertRun(run: WorkflowRun): void {
    const view = this.state.details[run.id];
    this.set({ runs: upsert(this.state.runs, run), ...(view ? { details: { ...this.state.details, [run.id]: { ...view, run } } } : {}) });
  }

  private setDetail(runId: string, view: RunView): void {
    this.set({ details: { ...this.state.details, [runId]: view } });
  }

  private set(patch: Partial<WorkflowState>): void {
    if (this.stopped) return;
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn();
  }
}

function upsert(runs: WorkflowRun[] | null, run: WorkflowRun): WorkflowRun[] {
  const list = runs ?? [];
  const i = list.findIndex((r) => r.id === run.id);
  if (i < 0) return [run, ...list];
  const next = list.slice();
  next[i] = run;
  return next;
}
