import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import {
  ENDED_TASK_STATUSES,
  type SessionDiff,
  type SpawnSubagentInput,
  type Subagent,
  type SubagentControl,
  type SubagentResult,
} from '@boocode/contracts';
import type { z } from 'zod';
import type { Sql } from '../db/connection.js';
import { getProject } from '../db/projects.js';
import type { TaskRow } from '../db/rows.js';
import { getSession } from '../db/sessions.js';
import {
  getSubagentRow,
  getTaskRow,
  insertSubagent,
  listSubagentRows,
  markSubagentDelivered,
  subagentResult,
  toSubagent,
  type NewSubagent,
  spawnRefusal,
  type SpawnRefusal,
} from '../db/subagents.js';
import { DomainError, notFound } from '../errors.js';
import { diffWorktree, worktreePathFor } from '../git/index.js';
import type { Logger } from '../logger.js';
import type { Broker } from '../stream/broker.js';
import { cutAgentWorktree } from '../workspace/agent-worktree.js';
import type { Workspace } from '../workspace/workspace.js';
import type { TaskWaiter } from '../workflows/task-waiter.js';
import { deliverResults } from './deliver.js';
import type { SubagentLimits } from './limits.js';

export interface SubagentDeps {
  sql: Sql;
  broker: Broker;
  log: Logger;
  workspace: Workspace;
  home: string;
  /** Wakes `result` waits when a child ends, whichever process ran it. */
  waiter: TaskWaiter;
  limits: SubagentLimits;
}

type SpawnInput = z.output<typeof SpawnSubagentInput>;

/**
 * Background subagents: spawning a child of a turn (within the limits), reading its status and
 * result, and telling the parent's session when a child ends after the parent's turn did. Used by
 * the native agent's tools, the HTTP API and the MCP server alike.
 */
export class Subagents {
  constructor(private readonly deps: SubagentDeps) {}

  /** Queues a child of `parent` (a task of a session); refusals are DomainErrors worded for the caller. */
  async spawn(parent: TaskRow, input: SpawnInput, toolCallId: string | null): Promise<Subagent> {
    const { sql, limits, log } = this.deps;
    if (!parent.session_id) throw new DomainError('invalid_request', 'only a turn of a session can spawn subagents');
    const depth = parent.subagent_depth + 1;
    if (depth > limits.depth) {
      throw new DomainError(
        'subagent_limit',
        `subagents nest at most ${limits.depth} deep (BOOCODE_SUBAGENT_DEPTH), and this agent is already a subagent at depth ${parent.subagent_depth}: do the work yourself`,
      );
    }
    const session = await getSession(sql, parent.session_id);
    if (!session) throw new DomainError('not_found', `no session with id ${parent.session_id}`);
    if (session.status === 'archived') throw new DomainError('session_archived', `session ${session.id} is archived`);
    const project = await getProject(sql, session.project_id);
    if (!project) throw new DomainError('not_found', `no project with id ${session.project_id}`);
    const agent = input.agent ?? session.agent;
    // A model names one agent's model: another agent starts on its own default.
    const model = input.model ?? (agent === session.agent ? session.model : null);
    const id = randomUUID();
    const base: Omit<NewSubagent, 'worktree'> = {
      id,
      parentTaskId: parent.id,
      projectId: project.id,
      sessionId: session.id,
      depth,
      agent,
      model,
      prompt: input.prompt,
      label: input.label ?? null,
      toolCallId,
      limits,
    };
    let inserted: Awaited<ReturnType<typeof insertSubagent>>;
    if (input.isolation === 'worktree' && session.isolated) {
      // The limits are counted again when the task is inserted; this spares cutting a worktree
      // for a spawn that would be refused anyway.
      const early = await spawnRefusal(sql, parent.id, limits);
      if (early) throw this.refusal(early);
      let result: Awaited<ReturnType<typeof insertSubagent>> | null = null;
      await cutAgentWorktree({
        workspace: this.deps.workspace,
        home: this.deps.home,
        session,
        project,
        suffix: `sub-${id.slice(0, 8)}`,
        // The task row is what records the worktree for the sweep, so it is written inside the gate.
        record: async (worktree) => {
          result = await insertSubagent(sql, { ...base, worktree: { id: worktree.id, path: worktree.path, baseCommit: worktree.base_commit } });
        },
      });
      inserted = result!;
    } else {
      inserted = await insertSubagent(sql, { ...base, worktree: null });
    }
    if ('refused' in inserted) throw this.refusal(inserted.refused);
    const child = toSubagent(inserted.row);
    // Its chat is one of the session's, where its transcript shows.
    this.deps.broker.publish(session.id, { type: 'chat_created', chat: inserted.chat });
    this.announce(child);
    log.info(
      { task_id: child.id, parent_task_id: parent.id, session_id: session.id, chat_id: child.chat_id, agent, depth, isolation: child.isolation },
      'subagent spawned',
    );
    return child;
  }

  private refusal(r: SpawnRefusal): DomainError {
    const { limits } = this.deps;
    switch (r.limit) {
      case 'running':
        return new DomainError(
          'subagent_limit',
          `this turn already has ${r.count} subagents queued or running, the most it may have at once (BOOCODE_SUBAGENTS_RUNNING=${limits.running}): wait for one with subagent_result first`,
        );
      case 'per_turn':
        return new DomainError(
          'subagent_limit',
          `this turn already spawned ${r.count} subagents, the most one turn may (BOOCODE_SUBAGENTS_PER_TURN=${limits.perTurn})`,
        );
      case 'parent_gone':
        return new DomainError('not_found', 'the turn spawning the subagent no longer exists');
    }
  }

  /** The child, if it is one of this session's. */
  async get(sessionId: string, id: string): Promise<TaskRow> {
    const row = await getSubagentRow(this.deps.sql, sessionId, id);
    if (!row) throw new DomainError('not_found', `no subagent with id ${id} in this session`);
    return row;
  }

  async status(sessionId: string, id: string): Promise<Subagent> {
    return toSubagent(await this.get(sessionId, id));
  }

  /**
   * The child's final answer, waiting up to `waitSeconds` for it to end; its status (text null)
   * when it is still going. A final answer read here is the parent's: no notice follows for it.
   */
  async result(sessionId: string, id: string, waitSeconds: number, signal?: AbortSignal): Promise<SubagentResult> {
    let row = await this.get(sessionId, id);
    if (!ENDED_TASK_STATUSES.has(row.status) && waitSeconds > 0) {
      await this.waitFor(id, waitSeconds, signal);
      row = await this.get(sessionId, id);
    }
    if (ENDED_TASK_STATUSES.has(row.status)) await markSubagentDelivered(this.deps.sql, id);
    return subagentResult(this.deps.sql, row);
  }

  /** Resolves when the task has ended, or after `waitSeconds`, or when `signal` aborts. */
  async waitFor(taskId: string, waitSeconds: number, signal?: AbortSignal): Promise<void> {
    if (waitSeconds <= 0) return;
    const wait = AbortSignal.timeout(waitSeconds * 1000);
    await this.deps.waiter.wait(taskId, signal ? AbortSignal.any([wait, signal]) : wait);
  }

  /**
   * What a child changed in its own worktree, against the commit the worktree was cut from. A
   * child sharing its session's worktree has no diff of its own: its changes are the session's.
   */
  async diff(id: string): Promise<SessionDiff> {
    const row = await getTaskRow(this.deps.sql, id);
    if (!row?.parent_task_id || !row.session_id) throw notFound('subagent', id);
    if (!row.subagent_worktree) {
      throw new DomainError('no_worktree', `subagent ${id} works in its session's worktree: its changes are in the session's diff`);
    }
    if (!row.subagent_base_commit) {
      throw new DomainError('no_worktree', `subagent ${id} was spawned before BooCode recorded the commit its worktree was cut from: it has no diff`);
    }
    const path = worktreePathFor(this.deps.home, row.project_id, row.subagent_worktree);
    if (!(await stat(path).then((st) => st.isDirectory(), () => false))) {
      throw new DomainError('no_worktree', `the worktree of subagent ${id} no longer exists (its session was archived or the worktree swept)`);
    }
    return diffWorktree({ path, baseCommit: row.subagent_base_commit });
  }

  async list(sessionId: string): Promise<Subagent[]> {
    return (await listSubagentRows(this.deps.sql, sessionId)).map(toSubagent);
  }

  /** What a running turn may do with subagents: it is the parent, and it sees its session's children. */
  controlFor(parent: TaskRow): SubagentControl {
    const sessionId = parent.session_id ?? '';
    const plain = <T>(p: Promise<T>): Promise<T> =>
      p.catch((err: unknown) => {
        // The model reads the message; a DomainError's is written for it.
        throw err instanceof DomainError ? new Error(err.message) : err;
      });
    return {
      spawn: (input, toolCallId) => plain(this.spawn(parent, input, toolCallId)),
      status: (id) => plain(this.status(sessionId, id)),
      result: (id, waitSeconds, signal) => plain(this.result(sessionId, id, waitSeconds, signal)),
      list: () => plain(this.list(sessionId)),
    };
  }

  /**
   * A task ended: its own result may be due to its parent, and results of its children that ended
   * while it ran are due to its session now.
   */
  async taskEnded(task: TaskRow): Promise<void> {
    try {
      if (task.parent_task_id) {
        const child = await getSubagentRow(this.deps.sql, task.session_id ?? '', task.id);
        if (child) this.announce(toSubagent(child));
        await deliverResults(this.deps, task.parent_task_id);
      }
      await deliverResults(this.deps, task.id);
    } catch (err) {
      this.deps.log.error({ err, task_id: task.id }, 'handing subagent results to their parent failed');
    }
  }

  announce(child: Subagent): void {
    this.deps.broker.publish(child.session_id, { type: 'subagent', subagent: child });
  }
}
