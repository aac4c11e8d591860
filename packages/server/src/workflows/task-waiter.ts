import type { Sql } from '../db/connection.js';
import { endedTasks, WORKFLOW_TASKS_CHANNEL } from '../db/workflows.js';
import type { Logger } from '../logger.js';

/**
 * Waits for the tasks of agent() calls to end, whichever process runs them: a trigger NOTIFYs
 * when one ends, and a slow poll covers a notification missed during a reconnect.
 */
export class TaskWaiter {
  private readonly waiting = new Map<string, Set<() => void>>();
  /** One abort listener per run's signal, however many of its agents wait (up to 16 and more). */
  private readonly onAbort = new WeakMap<AbortSignal, Set<() => void>>();
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly log: Logger,
    private readonly pollMs: number,
  ) {}

  async start(): Promise<void> {
    const sub = await this.sql.listen(WORKFLOW_TASKS_CHANNEL, (id) => this.ended(id), () => void this.poll());
    this.unlisten = () => sub.unlisten();
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.unlisten?.().catch(() => {});
  }

  /** Resolves once the task has ended (at once if it already has), or when `signal` aborts. */
  async wait(taskId: string, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    let aborts = this.onAbort.get(signal);
    if (!aborts) {
      const listeners = new Set<() => void>();
      signal.addEventListener('abort', () => [...listeners].forEach((l) => l()), { once: true });
      this.onAbort.set(signal, listeners);
      aborts = listeners;
    }
    const abortSet = aborts;
    const done = new Promise<void>((resolve) => {
      const onEnd = () => {
        abortSet.delete(onEnd);
        this.waiting.get(taskId)?.delete(onEnd);
        if (this.waiting.get(taskId)?.size === 0) this.waiting.delete(taskId);
        resolve();
      };
      abortSet.add(onEnd);
      const set = this.waiting.get(taskId) ?? new Set();
      set.add(onEnd);
      this.waiting.set(taskId, set);
    });
    // Registered first, then checked: a task that ended in between is not missed.
    if ((await endedTasks(this.sql, [taskId])).length > 0) this.ended(taskId);
    return done;
  }

  private ended(taskId: string): void {
    for (const resolve of [...(this.waiting.get(taskId) ?? [])]) resolve();
  }

  private async poll(): Promise<void> {
    if (this.waiting.size === 0) return;
    try {
      for (const id of await endedTasks(this.sql, [...this.waiting.keys()])) this.ended(id);
    } catch (err) {
      this.log.warn({ err }, 'polling workflow agent tasks failed');
    }
  }
}
