import { emptyUsage, type Project, type Session, type SessionFramePayload, type WorkflowAgentOutcome } from '@boocode/contracts';
import type { AgentCall, AgentExecutor } from '@boocode/workflows';
import type { Sql } from '../db/connection.js';
import {
  callTaskOutcome,
  findCallTask,
  insertCallTask,
  setStepWorktree,
  startWorkflowStep,
  stepWorktree,
  type CallTask,
  type StepWorktree,
} from '../db/workflows.js';
import type { Logger } from '../logger.js';
import type { TaskControl } from '../tasks/control.js';
import type { Workspace } from '../workspace/workspace.js';
import { archiveSessionWorktree, diffWorktree } from '../git/index.js';
import { cutAgentWorktree } from '../workspace/agent-worktree.js';
import type { TaskWaiter } from './task-waiter.js';

/**
 * Claude Code's model tiers name Claude models; on another agent they mean nothing, so they give
 * way to the session's model and the file runs on any agent unchanged.
 */
const CLAUDE_MODEL_TIERS = new Set(['haiku', 'sonnet', 'opus', 'inherit']);

/** Times an agent call is queued again because the worker running its task died. */
const MAX_LOST_WORKERS = 3;

export interface ExecutorDeps {
  sql: Sql;
  log: Logger;
  home: string;
  workspace: Workspace;
  tasks: TaskControl;
  waiter: TaskWaiter;
  publish: (payload: SessionFramePayload) => void;
}

export interface RunScope {
  runId: string;
  runName: string;
  session: Session;
  project: Project;
  /**
   * True once this worker lets go of the run (shutting down, or its lease was lost): the run's
   * agents then keep running, for the worker that takes the run over to pick up.
   */
  lettingGo: () => boolean;
}

/**
 * Runs each agent() call as a task on the queue, in a chat of its own in the run's session, so it
 * gets the session's agent (or `options.agent`), traces, usage and permissions like any turn.
 * A worker taking a run over finds the task a call already has (running or finished) and waits
 * for it instead of queueing it again: no finished agent runs twice.
 */
export class TaskExecutor implements AgentExecutor {
  /** The current task (and attempt) of each position, for the run's frames. */
  readonly taskOf = new Map<number, { id: string; attempt: number }>();

  constructor(
    private readonly deps: ExecutorDeps,
    private readonly scope: RunScope,
  ) {}

  async run(call: AgentCall): Promise<WorkflowAgentOutcome> {
    const { sql } = this.deps;
    const { runId } = this.scope;
    const log = this.deps.log.child({ run_id: runId, position: call.position, attempt: call.attempt });
    let task = await findCallTask(sql, runId, call.position, call.attempt, call.key);
    // A task that ended without an answer (cancelled with the previous worker's run, or lost) is
    // asked again; one still going or finished is the call's.
    if (task && !['pending', 'running', 'completed'].includes(task.status)) task = null;
    if (task) log.info({ task_id: task.id, status: task.status }, 'workflow agent found its task from before the takeover');
    await startWorkflowStep(sql, {
      runId,
      position: call.position,
      key: call.key,
      label: call.options.label ?? null,
      phase: call.phase,
      prompt: call.prompt,
      taskId: task?.id ?? null,
      attempt: call.attempt,
    });
    let worktree = call.options.isolation === 'worktree' ? await stepWorktree(sql, runId, call.position) : null;
    for (let lost = 0; ; lost++) {
      if (!task) {
        if (call.options.isolation === 'worktree' && !worktree) worktree = await this.cutWorktree(call.position);
        task = await this.enqueue(call, worktree);
        log.debug({ task_id: task.id }, 'workflow agent queued');
      }
      this.announce(call, task);
      await this.deps.waiter.wait(task.id, call.signal);
      if (call.signal.aborted) {
        // The run ended (cancelled, failed, or the script returned without waiting for this agent).
        if (!this.scope.lettingGo()) await this.deps.tasks.cancel(task.id).catch((err: unknown) => log.warn({ err }, 'cancelling a workflow agent failed'));
        return { status: 'cancelled', text: null, usage: emptyUsage(), error: 'the run ended', ref: task.id };
      }
      const ended = await callTaskOutcome(sql, task.id);
      // Its worker died before the agent finished: the agent never answered, so it is asked again.
      if (ended?.status === 'failed' && ended.error?.startsWith('interrupted') && lost < MAX_LOST_WORKERS) {
        log.warn({ task_id: task.id }, 'workflow agent lost its worker; queueing it again');
        task = null;
        continue;
      }
      if (worktree) await this.settleWorktree(call.position, worktree);
      if (!ended) return { status: 'failed', text: null, usage: emptyUsage(), error: 'the agent task no longer exists', ref: task.id };
      if (ended.status === 'completed') return { status: 'completed', text: ended.text ?? '', usage: ended.usage, error: null, ref: task.id };
      return {
        status: ended.status === 'cancelled' ? 'cancelled' : 'failed',
        text: null,
        usage: ended.usage,
        error: ended.error ?? ended.status,
        ref: task.id,
      };
    }
  }

  private async enqueue(call: AgentCall, worktree: StepWorktree | null): Promise<CallTask> {
    const { session, project, runId, runName } = this.scope;
    const label = call.options.label ?? null;
    const agent = call.options.agent ?? session.agent;
    const model = call.options.model && !CLAUDE_MODEL_TIERS.has(call.options.model) ? call.options.model : session.model;
    const queued = await insertCallTask(this.deps.sql, {
      projectId: project.id,
      sessionId: session.id,
      runId,
      position: call.position,
      attempt: call.attempt,
      agent,
      model,
      prompt: call.prompt,
      chat: call.continueFrom ? { continueTask: call.continueFrom } : { name: `${runName} · ${label ?? `agent ${call.position}`}`.slice(0, 200) },
      cwd: worktree?.path ?? null,
    });
    return { id: queued.taskId, status: 'pending', chat_id: queued.chatId, error: null, agent, model };
  }

  private announce(call: AgentCall, task: CallTask): void {
    this.taskOf.set(call.position, { id: task.id, attempt: call.attempt });
    this.deps.publish({
      type: 'workflow_agent',
      run_id: this.scope.runId,
      position: call.position,
      label: call.options.label ?? null,
      phase: call.phase,
      status: 'running',
      cached: false,
      task_id: task.id,
      attempt: call.attempt,
      agent: task.agent,
      model: task.model,
    });
  }

  /** `isolation: 'worktree'`: the agent's own worktree, recorded on its step. */
  private async cutWorktree(position: number): Promise<StepWorktree> {
    const { runId, session, project } = this.scope;
    return cutAgentWorktree({
      workspace: this.deps.workspace,
      home: this.deps.home,
      session,
      project,
      suffix: `wf-${runId.slice(0, 8)}-${position}`,
      record: (worktree) => setStepWorktree(this.deps.sql, runId, position, worktree),
    });
  }

  /** An isolated agent's worktree goes when it changed nothing; otherwise it stays, with its diff recorded. */
  private async settleWorktree(position: number, worktree: StepWorktree): Promise<void> {
    const { sql, workspace, log } = this.deps;
    try {
      const diff = await diffWorktree({ path: worktree.path, baseCommit: worktree.base_commit });
      if (diff.files.length > 0) {
        await setStepWorktree(sql, this.scope.runId, position, {
          ...worktree,
          kept: { files: diff.stats.files, additions: diff.stats.additions, deletions: diff.stats.deletions, patch: diff.patch },
        });
        return;
      }
      await workspace.gate.enter(() =>
        archiveSessionWorktree({ projectPath: this.scope.project.path, worktreePath: worktree.path, branch: worktree.branch, keepBranch: false }),
      );
      await setStepWorktree(sql, this.scope.runId, position, null);
    } catch (err) {
      log.warn({ err, run_id: this.scope.runId, position, path: worktree.path }, 'settling an isolated agent worktree failed');
    }
  }
}
