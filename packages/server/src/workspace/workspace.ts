import { stat } from 'node:fs/promises';
import type { Collision, PendingChange, Project, Session } from '@boocode/contracts';
import type { Sql } from '../db/connection.js';
import type { Broker } from '../stream/broker.js';
import type { Logger } from '../logger.js';
import { iso } from '../db/rows.js';
import {
  collisionsForSession,
  diffWorktree,
  ensureSessionWorktree,
  findCollisions,
  touchesFromPatch,
  type FileTouch,
} from '../git/index.js';

export interface WorktreeRow {
  session_id: string;
  project_id: string;
  path: string;
  branch: string | null;
  base_commit: string;
  isolated: boolean;
}

interface PendingRow {
  id: string;
  session_id: string;
  task_id: string | null;
  agent: string;
  status: PendingChange['status'];
  base_commit: string;
  head: string | null;
  files: PendingChange['files'];
  stats: PendingChange['stats'];
  patch: string;
  created_at: Date;
}

export const toPendingChange = (r: PendingRow): PendingChange => ({
  id: r.id,
  session_id: r.session_id,
  task_id: r.task_id,
  agent: r.agent,
  status: r.status,
  base_commit: r.base_commit,
  head: r.head,
  files: r.files,
  stats: r.stats,
  patch: r.patch,
  created_at: iso(r.created_at),
});

/** A slug git accepts in a branch name, unique per session through the id suffix. */
export function sessionSlug(session: Pick<Session, 'id' | 'name'>): string {
  const base = session.name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
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
  constructor(
    private readonly sql: Sql,
    private readonly broker: Broker,
    private readonly home: string,
    private readonly log: Logger,
  ) {}

  async get(sessionId: string): Promise<WorktreeRow | null> {
    const rows = await this.sql<WorktreeRow[]>`SELECT * FROM session_worktrees WHERE session_id = ${sessionId}`;
    return rows[0] ?? null;
  }

  /** The directory the session's agent works in; created (with project setup) on first use. */
  async prepare(
    session: Session,
    project: Project,
    opts: { signal?: AbortSignal; onOutput?: (chunk: { stream: 'stdout' | 'stderr'; text: string }) => void } = {},
  ): Promise<string> {
    const known = await this.get(session.id);
    if (known && (!known.isolated || (await stat(known.path).then((s) => s.isDirectory(), () => false)))) return known.path;
    const wt = await ensureSessionWorktree({
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
    await this.sql`
      INSERT INTO session_worktrees (session_id, project_id, path, branch, base_commit, isolated)
      VALUES (${session.id}, ${project.id}, ${wt.path}, ${wt.branch}, ${wt.base_commit}, ${wt.isolated})
      ON CONFLICT (session_id) DO UPDATE SET path = EXCLUDED.path, branch = EXCLUDED.branch,
        base_commit = EXCLUDED.base_commit, isolated = EXCLUDED.isolated`;
    this.log.info({ session_id: session.id, path: wt.path, created: wt.created }, 'session workspace ready');
    return wt.path;
  }

  /** Replaces the session's pending change with its current diff (none when it is clean). */
  async supersede(session: Session, taskId: string | null): Promise<PendingChange | null> {
    const wt = await this.get(session.id);
    if (!wt) return null;
    const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });
    const touches = touchesFromPatch(diff.patch);
    return this.sql.begin(async (tx) => {
      await tx`DELETE FROM pending_changes WHERE session_id = ${session.id} AND status = 'pending'`;
      if (diff.files.length === 0) return null;
      const [row] = await tx<PendingRow[]>`
        INSERT INTO pending_changes (session_id, project_id, task_id, agent, base_commit, head, files, stats, patch, touches)
        VALUES (${session.id}, ${session.project_id}, ${taskId}, ${session.agent}, ${diff.base_commit}, ${diff.head ?? null},
                ${tx.json(diff.files as never)}, ${tx.json(diff.stats as never)}, ${diff.patch}, ${tx.json(touches as never)})
        RETURNING *`;
      return toPendingChange(row!);
    });
  }

  async pending(sessionId: string): Promise<PendingChange | null> {
    const rows = await this.sql<PendingRow[]>`SELECT * FROM pending_changes WHERE session_id = ${sessionId} AND status = 'pending'`;
    return rows[0] ? toPendingChange(rows[0]) : null;
  }

  /** Collisions between the pending changes of a project's open sessions, from the database. */
  async collisions(projectId: string): Promise<Collision[]> {
    const rows = await this.sql<{ session_id: string; touches: FileTouch[] }[]>`
      SELECT pc.session_id, pc.touches FROM pending_changes pc JOIN sessions s ON s.id = pc.session_id
      WHERE pc.project_id = ${projectId} AND pc.status = 'pending' AND s.status = 'open'`;
    return findCollisions(rows);
  }

  /** After a turn: supersede the pending change, publish it, and warn about collisions. */
  async afterTurn(session: Session, _project: Project, taskId: string | null = null): Promise<void> {
    const change = await this.supersede(session, taskId);
    const stats = change?.stats ?? { files: 0, additions: 0, deletions: 0 };
    if (change) {
      this.broker.publish(session.id, { type: 'diff_updated', change_id: change.id, files: stats.files, additions: stats.additions, deletions: stats.deletions });
    }
    const mine = collisionsForSession(await this.collisions(session.project_id), session.id);
    if (mine.length) {
      this.broker.publish(session.id, {
        type: 'collision_warning',
        collisions: mine.map((c) => ({ file: c.file, severity: c.severity, other_session_id: c.other_session_id, ranges: c.ranges, other_ranges: c.other_ranges })),
      });
    }
  }
}
