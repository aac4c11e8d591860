import { stat } from 'node:fs/promises';
import type { Collision, PendingChange, PendingChangeStatus, Project, Session } from '@boocode/contracts';
import type { Sql } from '../db/connection.js';
import { getProject } from '../db/projects.js';
import { runningTaskOf } from '../db/tasks.js';
import {
  deleteWorktrees,
  getChange,
  getPendingChange,
  getWorktree,
  moveWorktreeBase,
  pendingTouches,
  replacePendingChange,
  settleChange,
  upsertWorktree,
  type WorktreeRow,
} from '../db/workspaces.js';
import type { Broker } from '../stream/broker.js';
import type { Logger } from '../logger.js';
import {
  archiveSessionWorktree,
  collisionsForSession,
  diffWorktree,
  ensureSessionWorktree,
  findCollisions,
  touchesFromPatch,
} from '../git/index.js';
import { SweepGate } from './locks.js';

/** How long archiving waits for a cancelled turn to stop before leaving the worktree to the sweep. */
const ARCHIVE_WAIT_MS = 10_000;

/**
 * A slug git accepts in a branch name, unique per session through the id suffix. Letters of any
 * script are kept (`Fix für Ümlaut` → `fix-für-ümlaut-…`, not `fix-fu-r-u-mlaut-…`).
 */
export function sessionSlug(session: Pick<Session, 'id' | 'name'>): string {
  const base = session.name
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${base || 'session'}-${session.id.slice(0, 8)}`;
}

/**
 * Sessions' workspaces, backed by the database: the worktree is created on the first turn and
 * reused after; after each turn the session's diff supersedes its pending change and collisions
 * with other open sessions of the project are published.
 */
export class Workspace {
  /** Worktree creation and archiving versus the sweep (see SweepGate). */
  readonly gate = new SweepGate();

  constructor(
    private readonly sql: Sql,
    private readonly broker: Broker,
    readonly home: string,
    private readonly log: Logger,
  ) {}

  get(sessionId: string): Promise<WorktreeRow | null> {
    return getWorktree(this.sql, sessionId);
  }

  /** The directory the session's agent works in; created (with project setup) on first use. */
  async prepare(
    session: Session,
    project: Project,
    opts: {
      signal?: AbortSignal;
      onOutput?: (chunk: { stream: 'stdout' | 'stderr'; text: string }) => void;
      /** The session's row when the caller already read it (undefined: read it here). */
      known?: WorktreeRow | null;
    } = {},
  ): Promise<string> {
    const known = opts.known === undefined ? await this.get(session.id) : opts.known;
    if (known && (!known.isolated || (await stat(known.path).then((s) => s.isDirectory(), () => false)))) return known.path;
    // Creation waits out a running sweep (which could otherwise take the new worktree for an orphan).
    const wt = await this.gate.enter(async () => {
      const created = await ensureSessionWorktree({
        home: this.home,
        projectId: project.id,
        projectPath: project.path,
        sessionId: session.id,
        sessionSlug: sessionSlug(session),
        ...(session.base_branch ? { baseBranch: session.base_branch } : {}),
        isolated: session.isolated,
        ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      await upsertWorktree(this.sql, {
        session_id: session.id,
        project_id: project.id,
        path: created.path,
        branch: created.branch,
        base_commit: created.base_commit,
        isolated: created.isolated,
      });
      return created;
    });
    this.log.info({ session_id: session.id, path: wt.path, created: wt.created }, 'session workspace ready');
    return wt.path;
  }

  /** Replaces the session's pending change with its current diff (none when it is clean). */
  async supersede(session: Session, taskId: string | null): Promise<PendingChange | null> {
    const wt = await this.get(session.id);
    if (!wt) return null;
    const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });
    return replacePendingChange(this.sql, {
      sessionId: session.id,
      projectId: session.project_id,
      taskId,
      agent: session.agent,
      baseCommit: diff.base_commit,
      head: diff.head ?? null,
      files: diff.files,
      stats: diff.stats,
      patch: diff.patch,
      touches: touchesFromPatch(diff.patch),
    });
  }

  pending(sessionId: string): Promise<PendingChange | null> {
    return getPendingChange(this.sql, sessionId);
  }

  /** Collisions between the pending changes of a project's open sessions, from the database. */
  async collisions(projectId: string): Promise<Collision[]> {
    return findCollisions(await pendingTouches(this.sql, projectId));
  }

  /** After a turn: supersede the pending change, publish it, and warn every session involved in a collision. */
  async afterTurn(session: Session, taskId: string | null = null): Promise<void> {
    // Sessions this one collided with before the turn also hear when the collision is gone.
    const before = collisionsForSession(await this.collisions(session.project_id), session.id);
    const change = await this.supersede(session, taskId);
    if (change) this.publishChange(change);
    const all = await this.collisions(session.project_id);
    const mine = collisionsForSession(all, session.id);
    const others = new Set([...before, ...mine].map((c) => c.other_session_id));
    if (mine.length || before.length) this.publishCollisions(session.id, all);
    for (const id of others) this.publishCollisions(id, all);
  }

  /** `diff_updated` for a change: a new pending one, or one that left review (`status`). */
  publishChange(change: Pick<PendingChange, 'id' | 'session_id' | 'stats' | 'status'>): void {
    this.broker.publish(change.session_id, {
      type: 'diff_updated',
      change_id: change.id,
      files: change.stats.files,
      additions: change.stats.additions,
      deletions: change.stats.deletions,
      status: change.status,
    });
  }

  /** A session's current collision warnings (an empty list clears them). */
  publishCollisions(sessionId: string, all: Collision[]): void {
    this.broker.publish(sessionId, {
      type: 'collision_warning',
      collisions: collisionsForSession(all, sessionId).map((c) => ({
        file: c.file,
        severity: c.severity,
        other_session_id: c.other_session_id,
        ranges: c.ranges,
        other_ranges: c.other_ranges,
      })),
    });
  }

  /**
   * After a session's pending change left review (applied, rejected, merged) or the session was
   * archived: the sessions it collided with get their updated warnings.
   */
  async collisionsCleared(session: Pick<Session, 'id' | 'project_id'>, previously: Collision[]): Promise<void> {
    const all = await this.collisions(session.project_id);
    const ids = new Set([session.id, ...collisionsForSession(previously, session.id).map((c) => c.other_session_id)]);
    for (const id of ids) this.publishCollisions(id, all);
  }

  /** The session's change with this id, or its pending one when no id is given. */
  change(sessionId: string, changeId: string | undefined): Promise<PendingChange | null> {
    return changeId ? getChange(this.sql, sessionId, changeId) : this.pending(sessionId);
  }

  /** Moves a pending change out of review; null when it was no longer pending. */
  settle(changeId: string, status: Exclude<PendingChangeStatus, 'pending'>): Promise<PendingChange | null> {
    return settleChange(this.sql, changeId, status);
  }

  /**
   * Archiving: waits for the session's (cancelled) turn to stop, runs teardown, removes the worktree
   * and, unless kept, its branch. Never fails the archive: what cannot be removed now is left to the
   * sweep, and the reason is published as an `error` frame.
   */
  async archive(session: Session, opts: { keepBranch: boolean }): Promise<void> {
    const wt = await this.get(session.id);
    if (!wt) return;
    if (!wt.isolated) {
      await deleteWorktrees(this.sql, [session.id]);
      return;
    }
    if (!(await this.waitIdle(session.id, ARCHIVE_WAIT_MS))) {
      this.log.warn({ session_id: session.id }, 'archived session still has a running turn; its worktree is left to the sweep');
      return;
    }
    const project = await getProject(this.sql, wt.project_id);
    if (!project) return; // deleted with its sessions; the sweep removes the worktree
    const log = this.log.child({ session_id: session.id, path: wt.path });
    await this.gate.enter(async () => {
      try {
        const outcome = await archiveSessionWorktree({
          projectPath: project.path,
          worktreePath: wt.path,
          branch: wt.branch,
          keepBranch: opts.keepBranch,
          onOutput: (chunk) => this.broker.publish(session.id, { type: 'setup_output', stream: chunk.stream, text: chunk.text }),
        });
        await deleteWorktrees(this.sql, [session.id]);
        log.info({ branch: outcome.branch, branch_deleted: outcome.branch_deleted, teardown: outcome.teardown.length }, 'session worktree archived');
        if (outcome.teardown_error) {
          this.broker.publish(session.id, { type: 'error', code: 'teardown_failed', message: outcome.teardown_error });
        }
        if (outcome.branch_error) {
          this.broker.publish(session.id, { type: 'error', code: 'branch_not_deleted', message: `branch ${outcome.branch} was kept: ${outcome.branch_error}` });
        }
      } catch (err) {
        log.warn({ err }, 'could not remove the session worktree; the sweep will retry');
        this.broker.publish(session.id, { type: 'error', code: 'worktree_not_removed', message: `the worktree could not be removed: ${(err as Error).message}` });
      }
    });
  }

  /**
   * Moves the session's base commit: after its change reached the project (applied or merged),
   * later diffs show only what came after, and the next pending change applies on top.
   */
  moveBase(sessionId: string, commit: string): Promise<void> {
    return moveWorktreeBase(this.sql, sessionId, commit);
  }

  /** The task running for the session now, if any (the agent may be writing to its worktree). */
  runningTask(sessionId: string): Promise<string | null> {
    return runningTaskOf(this.sql, sessionId);
  }

  private async waitIdle(sessionId: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (await this.runningTask(sessionId)) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
  }
}
