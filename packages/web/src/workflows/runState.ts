import type { SessionFrame, SessionFramePayload, Usage, WorkflowLogList, WorkflowRun, WorkflowRunAgent, WorkflowRunDetail } from '@boocode/contracts';

export type WorkflowFrame = Extract<SessionFramePayload, { type: 'workflow_run' | 'workflow_phase' | 'workflow_agent' | 'workflow_log' }>;

export const isWorkflowFrame = (f: SessionFrame): f is SessionFrame & WorkflowFrame =>
  f.type === 'workflow_run' || f.type === 'workflow_phase' || f.type === 'workflow_agent' || f.type === 'workflow_log';

/** One `agent()` call as the run view shows it: the API's agent, kept live by frames. */
export interface AgentView {
  position: number;
  label: string | null;
  phase: string | null;
  status: WorkflowRunAgent['status'];
  cached: boolean;
  taskId: string | null;
  /** Known once the run's detail was fetched after the agent started (frames do not carry them). */
  chatId: string | null;
  agent: string | null;
  model: string | null;
  taskStatus: WorkflowRunAgent['task_status'];
  attempts: number;
  usage: Usage | null;
  /** USD of its turns in this run; null: unpriced, cached, or not fetched yet. */
  cost: number | null;
  error: string | null;
  prompt: string | null;
  result: unknown;
  worktree: WorkflowRunAgent['worktree'];
  startedAt: string | null;
  finishedAt: string | null;
}

/** A run with its agents (by position), the phases in the order they began and its log lines. */
export interface RunView {
  run: WorkflowRun;
  agents: AgentView[];
  phases: string[];
  /** The run's log lines: the stored ones, then those seen on the stream since. */
  logs: string[];
  /** The number of the last line in `logs` (lines are numbered from 1, without gaps). */
  logLine: number;
  /** Older lines the server no longer keeps, or this view let go of. */
  logsDropped: number;
  /** The detail has been fetched at least once (agents before that come from frames only). */
  loaded: boolean;
}

/** Log lines kept per run, as many as the server keeps: a chatty script must not grow the page without bound. */
export const LOG_LIMIT = 2000;

/** Appends lines numbered from `first` on, keeping the newest LOG_LIMIT. */
function withLines(view: RunView, lines: readonly string[], last: number): Pick<RunView, 'logs' | 'logLine' | 'logsDropped'> {
  const all = view.logs.concat(lines);
  const over = Math.max(0, all.length - LOG_LIMIT);
  return { logs: over ? all.slice(over) : all, logLine: last, logsDropped: view.logsDropped + over };
}

/**
 * The stored lines merged with what the stream told: the stored ones, then the streamed lines
 * numbered after them (logged while the request was answered).
 */
export function mergeLogs(view: RunView, stored: WorkflowLogList): RunView {
  const last = stored.items.at(-1)?.line ?? 0;
  const tail = view.logLine > last ? view.logs.slice(Math.max(0, view.logs.length - (view.logLine - last))) : [];
  const base: RunView = { ...view, logs: [], logLine: 0, logsDropped: stored.dropped };
  const merged = withLines(base, stored.items.map((l) => l.message), last);
  return { ...view, ...withLines({ ...base, ...merged }, tail, Math.max(last, view.logLine)) };
}

export const RUN_STATUS_TEXT: Record<WorkflowRun['status'], string> = {
  pending: 'waiting to start',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

const FINISHED = new Set<WorkflowRun['status']>(['completed', 'failed', 'cancelled']);
export const runFinished = (r: WorkflowRun): boolean => FINISHED.has(r.status);
export const agentFinished = (a: { status: AgentView['status'] }): boolean => a.status !== 'running';

export function agentFromApi(a: WorkflowRunAgent): AgentView {
  return {
    position: a.position,
    label: a.label,
    phase: a.phase,
    status: a.status,
    cached: a.cached,
    taskId: a.task_id,
    chatId: a.chat_id,
    agent: a.agent,
    model: a.model,
    taskStatus: a.task_status,
    attempts: a.attempts,
    usage: a.usage,
    cost: a.cost,
    error: a.error,
    prompt: a.prompt,
    result: a.result,
    worktree: a.worktree,
    startedAt: a.started_at,
    finishedAt: a.finished_at,
  };
}

export const emptyRunView = (run: WorkflowRun): RunView => ({ run, agents: [], phases: run.phase ? [run.phase] : [], logs: [], logLine: 0, logsDropped: 0, loaded: false });

/**
 * The phases in the order their first agent started (positions are in start order), then any
 * announced phase with no agent yet (the run's current phase, say).
 */
function phasesOf(agents: readonly AgentView[], announced: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of [...agents.map((a) => a.phase), ...announced]) {
    if (p !== null && !seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
  }
  return out;
}

/**
 * The fetched detail merged into what frames already told: an agent or run the stream has
 * already seen finish stays finished (the fetch may have been answered before that frame).
 */
export function mergeDetail(prev: RunView | undefined, detail: WorkflowRunDetail): RunView {
  const { agents: apiAgents, ...run } = detail;
  // By position, not by index: steps started side by side are stored in any order, so the
  // detail may hold a later position before an earlier one.
  const agents: AgentView[] = [];
  for (const a of apiAgents) agents[a.position] = agentFromApi(a);
  for (const old of prev?.agents ?? []) {
    if (!old) continue;
    const fresh = agents[old.position];
    if (!fresh) agents[old.position] = old;
    else if (agentFinished(old) && !agentFinished(fresh)) agents[old.position] = { ...fresh, ...finishOf(old) };
  }
  const keepRun = prev && runFinished(prev.run) && !runFinished(run) ? prev.run : run;
  fill(agents);
  return { run: keepRun, agents: runFinished(keepRun) ? settle(agents, keepRun.finished_at) : agents, phases: phasesOf(agents, prev?.phases ?? (run.phase ? [run.phase] : [])), logs: prev?.logs ?? [], logLine: prev?.logLine ?? 0, logsDropped: prev?.logsDropped ?? 0, loaded: true };
}

/**
 * Agents still going when their run ended were stopped with it (their `agent()` call gave null);
 * no frame says so for each of them.
 */
function settle(agents: AgentView[], at: string | null): AgentView[] {
  if (!agents.some((a) => a.status === 'running')) return agents;
  return agents.map((a) => (a.status === 'running' ? { ...a, status: 'cancelled', error: a.error ?? 'the run ended', finishedAt: at } : a));
}

const finishOf = (a: AgentView): Partial<AgentView> => ({ status: a.status, cached: a.cached, usage: a.usage, error: a.error, finishedAt: a.finishedAt });

/** Positions are dense from 0; a frame may announce a later one before an earlier one. */
function fill(agents: AgentView[]): AgentView[] {
  for (let i = 0; i < agents.length; i++) if (!agents[i]) agents[i] = placeholderAgent(i);
  return agents;
}

const isPlaceholder = (a: AgentView) => a.startedAt === null && a.taskId === null;

function placeholderAgent(position: number): AgentView {
  return {
    position,
    label: null,
    phase: null,
    status: 'running',
    cached: false,
    taskId: null,
    chatId: null,
    agent: null,
    model: null,
    taskStatus: 'pending',
    attempts: 0,
    usage: null,
    cost: null,
    error: null,
    prompt: null,
    result: null,
    worktree: null,
    startedAt: null,
    finishedAt: null,
  };
}

/** Applies one frame of this run. Returns the same object when nothing changed. */
export function applyRunFrame(view: RunView, f: WorkflowFrame & { ts: string }): RunView {
  switch (f.type) {
    case 'workflow_run':
      return {
        ...view,
        run: f.run,
        agents: runFinished(f.run) ? settle(view.agents, f.ts) : view.agents,
        phases: f.run.phase && !view.phases.includes(f.run.phase) ? [...view.phases, f.run.phase] : view.phases,
      };
    case 'workflow_phase':
      return view.phases.includes(f.title) ? view : { ...view, phases: [...view.phases, f.title] };
    case 'workflow_log': {
      const line = f.line ?? view.logLine + 1;
      // Already held (stored before the page asked, and streamed too).
      if (line <= view.logLine) return view;
      // Lines missed (the page opened mid-run): the held ones no longer run on; the stored ones come with the next fetch.
      if (line > view.logLine + 1 && view.logs.length) return { ...view, logs: [f.message], logLine: line, logsDropped: line - 1 };
      return { ...view, ...withLines(view, [f.message], line), ...(view.logs.length ? {} : { logsDropped: line - 1 }) };
    }
    case 'workflow_agent': {
      const agents = view.agents.slice();
      const prev = agents[f.position] ?? placeholderAgent(f.position);
      const next: AgentView = {
        ...prev,
        label: f.label,
        phase: f.phase,
        status: f.status,
        cached: f.cached,
        taskId: f.task_id ?? prev.taskId,
        agent: f.agent ?? prev.agent,
        model: f.model === undefined ? prev.model : f.model,
        // A new task (a schema retry, a re-queued agent) has its own chat and starts queued.
        ...(f.task_id && f.task_id !== prev.taskId && f.status === 'running' ? { taskStatus: 'pending' as const, attempts: f.attempt, chatId: null } : {}),
        usage: f.usage ?? prev.usage,
        error: f.error ?? (f.status === 'running' ? null : prev.error),
        startedAt: prev.startedAt ?? f.ts,
        finishedAt: f.status === 'running' ? null : f.ts,
      };
      agents[f.position] = next;
      const phases = f.phase && !view.phases.includes(f.phase) ? [...view.phases, f.phase] : view.phases;
      return { ...view, agents: fill(agents), phases };
    }
  }
}

/** What a row shows as its state: queued and cached are read from the task and the journal. */
export type AgentDisplayStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'cached';

export function displayStatus(a: AgentView, liveTaskStatus?: string): AgentDisplayStatus {
  // No task yet (waiting for a slot of the run) or a task still in the queue.
  if (a.status === 'running') return !a.taskId || (liveTaskStatus ?? a.taskStatus) === 'pending' ? 'queued' : 'running';
  if (a.status === 'completed') return a.cached ? 'cached' : 'done';
  return a.status;
}

/** Agents grouped by phase, in phase order; agents outside any phase come first. */
export function groupByPhase(view: RunView): { phase: string | null; agents: AgentView[] }[] {
  const groups = new Map<string | null, AgentView[]>();
  for (const a of view.agents) {
    // A position announced out of order holds its place until its own frame comes.
    if (isPlaceholder(a)) continue;
    let g = groups.get(a.phase);
    if (!g) groups.set(a.phase, (g = []));
    g.push(a);
  }
  const out: { phase: string | null; agents: AgentView[] }[] = [];
  if (groups.has(null)) out.push({ phase: null, agents: groups.get(null)! });
  for (const p of view.phases) out.push({ phase: p, agents: groups.get(p) ?? [] });
  return out;
}

/**
 * Done, started and running counts for the progress bar, and the output tokens spent: the run's
 * own figure is updated when it ends, its agents' as each of them ends (cached ones cost nothing).
 */
export function progressOf(view: RunView): { done: number; started: number; running: number; cached: number; spent: number; input: number; cost: number | null } {
  let done = 0;
  let cost: number | null = null;
  let running = 0;
  let cached = 0;
  let spent = 0;
  let input = 0;
  for (const a of view.agents) {
    if (!a.cached && a.usage) {
      spent += a.usage.output;
      input += a.usage.input_total;
    }
    if (a.cost !== null) cost = (cost ?? 0) + a.cost;
    if (a.status === 'running') running++;
    else done++;
    if (a.cached) cached++;
  }
  return {
    done,
    started: Math.max(view.agents.length, view.run.agent_counts.total),
    running,
    cached,
    spent: Math.max(spent, view.run.usage.output),
    input: Math.max(input, view.run.usage.input_total),
    cost,
  };
}
