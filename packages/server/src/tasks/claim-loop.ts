import type { Logger } from '../logger.js';

/** What a process takes from a shared queue under a lease: turns (tasks) or workflow runs. */
export interface LeasedQueue<T> {
  /** What it holds, for log lines ("a task", "a workflow run"). */
  what: string;
  /** Whether another item may start here now. */
  hasRoom(): boolean;
  claim(): Promise<T | null>;
  /** Hands an item claimed while stopping back, untouched, for the next process. */
  giveBack(item: T): Promise<void>;
  host(item: T): void;
}

/**
 * Claims items while there is room: one claim loop at a time, a wake-up during a loop runs
 * another after it (a NOTIFY that came mid-claim is not missed), and nothing new once stopped.
 */
export class ClaimLoop<T> {
  private claiming = false;
  private again = false;
  private stopped = false;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly queue: LeasedQueue<T>,
    private readonly log: Logger,
  ) {}

  kick(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claiming = true;
    this.done = this.loop().finally(() => {
      this.claiming = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Stops claiming; resolves once a claim under way has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  private async loop(): Promise<void> {
    while (!this.stopped && this.queue.hasRoom()) {
      let item: T | null;
      try {
        item = await this.queue.claim();
      } catch (err) {
        this.log.error({ err }, `claiming ${this.queue.what} failed`);
        return;
      }
      if (!item) return;
      if (this.stopped) {
        await this.queue.giveBack(item).catch((err: unknown) => this.log.warn({ err }, `giving back ${this.queue.what} failed`));
        return;
      }
      this.queue.host(item);
    }
  }
}

/**
 * Renews a lease every third of its length while the work runs. `lost` when another process took
 * it over (this one stopped renewing in time), `cancel` when a cancel was asked for.
 */
export function keepLease(
  leaseMs: number,
  renew: () => Promise<{ held: boolean; cancel: boolean }>,
  on: { lost: () => void; cancel: () => void; failed: (err: unknown) => void },
): () => void {
  const timer = setInterval(() => {
    renew().then(({ held, cancel }) => {
      if (!held) on.lost();
      else if (cancel) on.cancel();
    }, on.failed);
  }, Math.max(50, Math.floor(leaseMs / 3)));
  return () => clearInterval(timer);
}
