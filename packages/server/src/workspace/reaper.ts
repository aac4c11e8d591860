import type { Sql } from '../db/connection.js';
import { openSessionIds, openSessionsAmong } from '../db/sessions.js';
import { busySessionIds } from '../db/tasks.js';
import { deleteWorktrees } from '../db/workspaces.js';
import type { Logger } from '../logger.js';
import { reapWorktrees, type ReapResult } from '../git/index.js';
import { liveAgentWorktrees } from '../db/workflows.js';
import { liveSubagentWorktrees } from '../db/subagents.js';
import type { Workspace } from './workspace.js';
import type { TerminalManager } from '../terminals/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The periodic worktree sweep (issue 5, reaping): worktrees of archived or deleted sessions, and ones
 * a crash left behind, are removed, with those sessions' terminals; a session with a running task is
 * never touched.
 *
 * Every open session counts as live, including one without a `session_worktrees` row: that is a
 * session whose set-up failed (or whose first turn was interrupted) and whose next turn finishes the
 * worktree from its sidecar. Reaping it would leave its branch behind without the sidecar, and that
 * turn would then be refused (`branch_exists`).
 */
export class WorktreeReaper {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<unknown> | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly workspace: Workspace,
    private readonly log: Logger,
    /** Terminals of sessions no longer open are killed first, so no shell keeps a removed worktree. */
    private readonly terminals?: TerminalManager,
  ) {}

  /** Sweeps now and then every `intervalMs`. */
  start(intervalMs: number): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.current;
  }

  /** One sweep; null when skipped because a worktree is being created or archived right now. */
  async sweep(): Promise<ReapResult | null> {
    return this.workspace.gate.sweep(async () => {
      await this.terminals?.sweep((ids) => openSessionsAmong(this.sql, ids)).catch((err: unknown) => this.log.warn({ err }, 'terminal sweep failed'));
      const result = await reapWorktrees({
        home: this.workspace.home,
        // Isolated workflow agents' and subagents' worktrees sit next to their session's and live as long as it.
        live: new Set([...(await openSessionIds(this.sql)), ...(await liveAgentWorktrees(this.sql)), ...(await liveSubagentWorktrees(this.sql))]),
        busy: new Set(await busySessionIds(this.sql)),
        log: this.log,
      });
      const removed = result.removed.map((r) => r.session_id).filter((id) => UUID.test(id));
      if (removed.length) await deleteWorktrees(this.sql, removed);
      if (result.removed.length || result.failed.length) {
        this.log.info({ removed: result.removed.length, failed: result.failed.length, kept: result.kept.length }, 'worktree sweep');
      }
      return result;
    });
  }

  private tick(): void {
    if (this.current) return;
    this.current = this.sweep()
      .catch((err: unknown) => this.log.warn({ err }, 'worktree sweep failed'))
      .finally(() => (this.current = null));
  }
}
