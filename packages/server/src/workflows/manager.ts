import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Project, Session, SessionFramePayload, WorkflowEvent } from '@boocode/contracts';
import { assertSandboxAvailable, DEFAULT_LIMITS, runWorkflowSource, type WorkflowLimits, type WorkflowRunResult } from '@boocode/workflows';
import type { Sql } from '../db/connection.js';
import { getProject } from '../db/projects.js';
import { getSession } from '../db/sessions.js';
import {
  claimWorkflowRun,
  finishWorkflowRun,
  releaseWorkflowRun,
  renewWorkflowRunLease,
  setWorkflowRunPhase,
  toWorkflowRun,
  unfinishedCallTasks,
  WORKFLOW_CANCEL_CHANNEL,
  WORKFLOW_RUNS_CHANNEL,
  type WorkflowRunRow,
} from '../db/workflows.js';
import type { Logger } from '../logger.js';
import type { Broker } from '../stream/broker.js';
import { updateAttention } from '../stream/attention.js';
import { ClaimLoop, keepLease } from '../tasks/claim-loop.js';
import type { TaskControl } from '../tasks/control.js';
import type { Workspace } from '../workspace/workspace.js';
import { loadCatalog } from './catalog.js';
import { TaskExecutor } from './executor.js';
import { PgJournal } from './journal.js';
import { RunLogWriter } from './log-writer.js';
import { TaskWaiter } from './task-waiter.js';
import { setWorkflowRunTraceparent, workflowRunTraceparent } from '../db/trace-context.js';
import type { Telemetry, WorkflowSpan } from '../telemetry/telemetry.js';

export interface WorkflowManagerOptions {
  /** Runs whose sandbox this process hosts at once; the others wait for a worker. */
  maxRuns: number;
  /** Lease on a run; renewed every third of it. A run whose lease expired is taken over. */
  leaseMs: number;
  /** Safety-net poll for runs to take and tasks that ended (NOTIFY is the fast path). */
  pollMs: number;
  /** Per-run limits of the sandbox (agents at once, CPU time, memory...). */
  limits: Partial<WorkflowLimits>;
}

export interface WorkflowManagerDeps {
  sql: Sql;
  broker: Broker;
  log: Logger;
  workspace: Workspace;
  tasks: TaskControl;
  home: string;
  /** OpenTelemetry export; null when off. */
  telemetry: Telemetry | null;
}

interface Active {
  controller: AbortController;
  /** This worker stopped running it (shutdown, lease lost): another one continues it. */
  lettingGo: boolean;
  done: Promise<void>;
}

/**
 * Hosts workflow runs in this process: claims queued runs (and runs of dead workers, once their
 * lease expired) up to `maxRuns`, runs each script in its sandbox with a Postgres journal and
 * agents as tasks, publishes its progress on the session stream and writes how it ended.
 */
export class WorkflowManager {
  readonly id = `${hostname()}:${process.pid}:wf-${randomUUID().slice(0, 8)}`;
  private readonly running = new Map<string, Active>();
  private readonly waiter: TaskWaiter;
  private started = false;
  private readonly claims: ClaimLoop<WorkflowRunRow>;
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>)[] = [];

  constructor(
    private readonly deps: WorkflowManagerDeps,
    private readonly opts: WorkflowManagerOptions,
  ) {
    this.waiter = new TaskWaiter(deps.sql, deps.log, opts.pollMs);
    this.claims = new ClaimLoop<WorkflowRunRow>(
      {
        what: 'a workflow run',
        hasRoom: () => this.running.size < this.opts.maxRuns,
        claim: () => claimWorkflowRun(this.deps.sql, this.id, this.opts.leaseMs, this.opts.limits.maxAgents ?? DEFAULT_LIMITS.maxAgents),
        giveBack: (run) => releaseWorkflowRun(this.deps.sql, run.id, this.id),
        host: (run) => this.host(run),
      },
      deps.log,
    );
  }

  get active(): number {
    return this.running.size;
  }

  /**
   * Starts taking runs. Where the sandbox cannot run (Node without --no-node-snapshot, no
   * isolated-vm build), this process takes none and says why: another worker may.
   */
  async start(): Promise<void> {
    try {
      assertSandboxAvailable();
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'this process runs no workflows');
      return;
    }
    this.started = true;
    await this.waiter.start();
    const onRun = await this.deps.sql.listen(WORKFLOW_RUNS_CHANNEL, () => this.kick(), () => this.kick());
    const onCancel = await this.deps.sql.listen(WORKFLOW_CANCEL_CHANNEL, (id) => this.running.get(id)?.controller.abort());
    this.unlisten.push(() => onRun.unlisten(), () => onCancel.unlisten());
    this.timer = setInterval(() => this.kick(), this.opts.pollMs);
    this.timer.unref();
    this.kick();
  }

  kick(): void {
    if (this.started) this.claims.kick();
  }

  private host(run: WorkflowRunRow): void {
    const active: Active = { controller: new AbortController(), lettingGo: false, done: Promise.resolve() };
    const stopRenewing = keepLease(this.opts.leaseMs, () => renewWorkflowRunLease(this.deps.sql, run.id, this.id, this.opts.leaseMs), {
      lost: () => this.letGo(active),
      cancel: () => active.controller.abort(),
      failed: (err) => this.deps.log.warn({ err, run_id: run.id }, 'workflow run lease renewal failed'),
    });
    active.done = this.execute(run, active)
      .catch((err: unknown) => this.deps.log.error({ err, run_id: run.id }, 'workflow run failed to run'))
      .finally(() => {
        stopRenewing();
        this.running.delete(run.id);
        this.kick();
      });
    this.running.set(run.id, active);
  }

  private letGo(active: Active): void {
    active.lettingGo = true;
    active.controller.abort();
  }

  /** Hosts the run inside its `invoke_workflow` span, when telemetry is on. */
  private async execute(run: WorkflowRunRow, active: Active): Promise<void> {
    const span = await this.startSpan(run);
    const log = this.deps.log.child({ run_id: run.id, session_id: run.session_id, workflow: run.name, ...(span ? { trace_id: span.traceId } : {}) });
    // Handed over unless it finishes here.
    let outcome: { status: string; error: string | null } = { status: 'handed over', error: null };
    try {
      await this.executeRun(run, active, log, (o) => (outcome = o));
    } finally {
      span?.end(outcome);
    }
  }

  /**
   * The run's span, its context stored with the run before any agent is queued, so their turns
   * start under it in whichever process; a taken-over run's span continues the earlier attempt's trace.
   */
  private async startSpan(run: WorkflowRunRow): Promise<WorkflowSpan | null> {
    const { telemetry, sql } = this.deps;
    if (!telemetry) return null;
    const parent = run.attempts > 1 ? await workflowRunTraceparent(sql, run.id) : null;
    const span = telemetry.startWorkflow({ runId: run.id, name: run.name, sessionId: run.session_id, parent });
    await setWorkflowRunTraceparent(sql, run.id, span.traceparent);
    return span;
  }

  private async executeRun(
    run: WorkflowRunRow,
    active: Active,
    log: Logger,
    ended: (o: { status: string; error: string | null }) => void,
  ): Promise<void> {
    const { sql, broker } = this.deps;
    const publish = (payload: SessionFramePayload) => broker.publish(run.session_id, payload);
    publish({ type: 'workflow_run', run: toWorkflowRun(run) });
    log.info({ attempt: run.attempts }, run.attempts > 1 ? 'workflow run taken over' : 'workflow run started');

    const [session, project] = await Promise.all([getSession(sql, run.session_id), getProject(sql, run.project_id)]);
    const open = session?.status === 'open' && project ? { session, project } : null;
    let end: Pick<WorkflowRunResult, 'status' | 'result' | 'error'>;
    // Whether agents may have changed the session's worktree (a taken-over run: before, too).
    let ranAgents = run.attempts > 1;
    const lines = new RunLogWriter(sql, run.id, log);
    try {
      if (!open) end = { status: 'cancelled', error: 'the session was archived' };
      else if (run.cancel_requested) {
        // Cancelled while its worker was gone: what that worker's agents left running stops too.
        for (const id of await unfinishedCallTasks(sql, run.id)) await this.deps.tasks.cancel(id);
        end = { status: 'cancelled', error: 'the run was cancelled' };
      } else end = await this.runScript(run, open.session, open.project, active, publish, log, lines, () => (ranAgents = true));
    } catch (err) {
      // Before the script ran: the session's worktree could not be set up, a file changed since
      // the run was queued no longer parses...
      end = { status: 'failed', error: (err as Error).message };
    }
    // Whoever sees the run finished can read every line it logged.
    await lines.flushed();
    if (active.lettingGo) {
      log.info('workflow run left to another worker');
      return;
    }
    // The run's agents shared the session worktree: its pending change is taken once, before the
    // run reads as finished, so whoever sees it finished also sees its diff.
    if (open && ranAgents) {
      await this.deps.workspace.afterTurn(open.session, null).catch((err: unknown) => log.warn({ err }, 'computing the diff after the run failed'));
    }
    const finished = await finishWorkflowRun(sql, run.id, this.id, { status: end.status, result: end.result, error: end.error });
    if (!finished) return;
    ended({ status: finished.status, error: finished.error });
    publish({ type: 'workflow_run', run: toWorkflowRun(finished) });
    // The run, not each of its agents, tells the user it is over; a cancel was their own doing.
    const attention = finished.status === 'completed' ? 'finished' : finished.status === 'failed' ? 'failed' : null;
    if (attention) {
      await updateAttention(sql, broker, run.session_id, attention, { unless: ['permission'] }).catch((err: unknown) =>
        log.warn({ err }, 'flagging the session for its user failed'),
      );
    }
    log.info({ status: finished.status, agents: finished.agents_total, cached: finished.agents_cached, error: finished.error }, 'workflow run finished');
  }

  /** Runs the script in its sandbox, against the run's journal, its agents as tasks of the session. */
  private async runScript(
    run: WorkflowRunRow,
    session: Session,
    project: Project,
    active: Active,
    publish: (payload: SessionFramePayload) => void,
    log: Logger,
    lines: RunLogWriter,
    onAgentStart: () => void,
  ): Promise<WorkflowRunResult> {
    const { sql } = this.deps;
    // The agents share the session's worktree: created once here, not by each of their tasks at once.
    await this.deps.workspace
      .prepare(session, project, { onOutput: (chunk) => publish({ type: 'setup_output', stream: chunk.stream, text: chunk.text }) })
      .catch((err: unknown) => Promise.reject(new Error(`workspace setup failed: ${(err as Error).message}`)));
    const catalog = await loadCatalog(project.path, this.deps.home);
    const journal = new PgJournal(sql, run.id, run.resume_from, run.attempts > 1);
    const executor = new TaskExecutor(
      { sql, log, home: this.deps.home, workspace: this.deps.workspace, tasks: this.deps.tasks, waiter: this.waiter, publish },
      { runId: run.id, runName: run.name, session, project, lettingGo: () => active.lettingGo },
    );
    const onEvent = (e: WorkflowEvent) => {
      if (e.type === 'agent_started') onAgentStart();
      else if (e.type === 'phase_started') {
        publish({ type: 'workflow_phase', run_id: run.id, title: e.title });
        void setWorkflowRunPhase(sql, run.id, e.title).catch((err: unknown) => log.warn({ err }, 'recording the phase failed'));
      } else if (e.type === 'log') {
        const line = lines.add(e.message);
        publish({ type: 'workflow_log', run_id: run.id, message: line.message, line: line.line });
      } else if (e.type === 'agent_finished') {
        const task = executor.taskOf.get(e.position);
        publish({
          type: 'workflow_agent',
          run_id: run.id,
          position: e.position,
          label: e.label,
          phase: e.phase,
          status: e.status,
          cached: e.cached,
          task_id: task?.id ?? journal.resumedTask(e.position),
          attempt: task?.attempt ?? 0,
          usage: e.usage,
          error: e.error,
        });
      }
    };
    return runWorkflowSource(run.script, {
      ...(run.args_text === null ? {} : { args: JSON.parse(run.args_text) as unknown }),
      journal,
      executor,
      resolveWorkflow: (name) => catalog.workflows.get(name)?.script,
      onEvent,
      budget: run.budget,
      limits: this.opts.limits,
      signal: active.controller.signal,
    });
  }

  /** Stops taking runs; hosted ones are handed back for the next worker (their agents keep running). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.claims.stop();
    const ids = [...this.running.keys()];
    for (const a of this.running.values()) this.letGo(a);
    await Promise.allSettled([...this.running.values()].map((a) => a.done));
    for (const id of ids) await releaseWorkflowRun(this.deps.sql, id, this.id).catch(() => {});
    await this.waiter.stop();
    for (const u of this.unlisten) await u().catch(() => {});
  }
}
