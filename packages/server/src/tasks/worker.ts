import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Sql } from '../db/connection.js';
import { CANCEL_CHANNEL, claimTurn, recoverExpired, renewLease, TASKS_CHANNEL, unclaimTask, type ClaimedTurn, type Recovered } from '../db/tasks.js';
import { permissionSettled, updateAttention } from '../stream/attention.js';
import { ClaimLoop, keepLease } from './claim-loop.js';
import type { AbortReason, RunnerDeps } from './turn/context.js';
import { runTurn } from './turn/runner.js';

export interface WorkerOptions {
  /** Turns this process runs at once (different sessions; one per session always). */
  concurrency: number;
  /** Lease length; renewed every third of it while the turn runs. */
  leaseMs: number;
  /** Safety-net poll and recovery sweep interval (NOTIFY is the fast path). */
  pollMs: number;
  /** A turn still running after this long is aborted and ends `timed_out`. */
  turnTimeoutMs: number;
  /** On stop, how long running turns may go on finishing before they are handed back. */
  shutdownGraceMs: number;
}

/**
 * Claims tasks and runs them as turns. Woken by NOTIFY on insert; a slow poll covers missed
 * notifications (postgres.js re-subscribes LISTEN after a reconnect, and we poll on re-subscribe).
 */
export class Worker {
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>)[] = [];
  private readonly claims: ClaimLoop<ClaimedTurn>;

  constructor(
    private readonly sql: Sql,
    private readonly deps: Omit<RunnerDeps, 'workerId'>,
    private readonly opts: WorkerOptions,
  ) {
    this.claims = new ClaimLoop<ClaimedTurn>(
      {
        what: 'a task',
        hasRoom: () => this.running.size < this.opts.concurrency,
        claim: () => claimTurn(this.sql, this.id, this.opts.leaseMs),
        giveBack: (claimed) => unclaimTask(this.sql, claimed.task.id, this.id),
        host: (claimed) => this.run(claimed),
      },
      deps.log,
    );
  }

  get active(): number {
    return this.running.size;
  }

  async start(): Promise<void> {
    const onTask = await this.sql.listen(TASKS_CHANNEL, () => this.kick(), () => this.kick());
    const onCancel = await this.sql.listen(CANCEL_CHANNEL, (id) => this.cancelLocal(id, 'cancel'));
    this.unlisten.push(() => onTask.unlisten(), () => onCancel.unlisten());
    this.timer = setInterval(() => void this.sweep(), this.opts.pollMs);
    this.timer.unref();
    await this.sweep();
  }

  /** Recovers tasks of dead workers, then looks for work. */
  private async sweep(): Promise<void> {
    if (this.stopped) return;
    try {
      for (const r of await recoverExpired(this.sql)) {
        this.deps.log.warn({ task_id: r.id, session_id: r.session_id, status: r.status }, 'recovered a task from a lost worker');
        if (r.session_id) await this.announceRecovered(r, r.session_id);
        this.deps.broker.publishUser({ type: 'task_state', task_id: r.id, session_id: r.session_id, chat_id: r.chat_id, status: r.status });
      }
    } catch (err) {
      this.deps.log.error({ err }, 'recovery sweep failed');
    }
    this.kick();
  }

  /**
   * Tells open pages how a lost worker's turn ended: its message stops streaming there (ended
   * or removed) without a reload, and a failed one asks for the user's attention.
   */
  private async announceRecovered(r: Recovered, sessionId: string): Promise<void> {
    const { broker, sql } = this.deps;
    const error = r.status === 'failed' ? 'interrupted' : null;
    if (r.chat_id && r.dropped_message_id) broker.publish(sessionId, { type: 'message_deleted', chat_id: r.chat_id, message_id: r.dropped_message_id });
    // A pending one continues in its message, which keeps streaming.
    if (r.chat_id && r.message_id && r.status !== 'pending') {
      broker.publish(sessionId, { type: 'message_complete', chat_id: r.chat_id, message_id: r.message_id, status: r.status, finished_at: new Date().toISOString(), error });
    }
    broker.publish(sessionId, { type: 'task_state', task_id: r.id, chat_id: r.chat_id, status: r.status, error });
    if (r.status === 'failed') await updateAttention(sql, broker, sessionId, 'failed');
    else await permissionSettled(sql, broker, sessionId);
  }

  kick(): void {
    this.claims.kick();
  }

  private run(claimed: ClaimedTurn): void {
    const { task } = claimed;
    const controller = new AbortController();
    const stopRenewing = keepLease(this.opts.leaseMs, () => renewLease(this.sql, task.id, this.id, this.opts.leaseMs), {
      lost: () => this.cancelLocal(task.id, 'lease_lost'),
      cancel: () => this.cancelLocal(task.id, 'cancel'),
      failed: (err) => this.deps.log.warn({ err, task_id: task.id }, 'lease renewal failed'),
    });
    const deadline = setTimeout(() => this.cancelLocal(task.id, 'timeout'), this.opts.turnTimeoutMs);
    deadline.unref();
    const done = runTurn({ ...this.deps, workerId: this.id }, claimed, controller.signal)
      .catch((err: unknown) => this.deps.log.error({ err, task_id: task.id }, 'turn runner failed'))
      .finally(() => {
        stopRenewing();
        clearTimeout(deadline);
        this.running.delete(task.id);
        this.kick();
      });
    this.running.set(task.id, { controller, done });
  }

  cancelLocal(taskId: string, reason: AbortReason): boolean {
    const r = this.running.get(taskId);
    if (!r || r.controller.signal.aborted) return false;
    r.controller.abort(reason);
    return true;
  }

  /**
   * Stops claiming, lets running turns finish for the grace period, then aborts the rest as
   * `shutdown`: each is written down and handed back at once (not after its lease), to continue
   * in another worker or the next start.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.claims.stop();
    if (this.running.size > 0 && this.opts.shutdownGraceMs > 0) {
      this.deps.log.info({ running: this.running.size, grace_ms: this.opts.shutdownGraceMs }, 'waiting for running turns before stopping');
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.opts.shutdownGraceMs)));
      await Promise.race([Promise.allSettled([...this.running.values()].map((r) => r.done)), grace]);
      clearTimeout(timer);
    }
    for (const id of this.running.keys()) this.cancelLocal(id, 'shutdown');
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
    for (const u of this.unlisten) await u().catch(() => {});
  }
}
