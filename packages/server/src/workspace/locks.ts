/** Runs functions one at a time per key (in this process); different keys run concurrently. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    // Tails never reject (see below), so `fn` runs once the previous holder is done either way.
    const next = (this.tails.get(key) ?? Promise.resolve()).then(fn);
    const tail = next.catch(() => {});
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

/**
 * Keeps the worktree sweep away from worktrees being created or archived. The sweep decides from a
 * snapshot of the database which sessions are live; a worktree created after that snapshot (a session
 * opened a moment later) would look orphaned. So creation and archiving wait while a sweep runs, and a
 * sweep is skipped (to the next period) while any of them is in progress.
 */
export class SweepGate {
  private active = 0;
  private sweeping: Promise<void> | null = null;

  /** Runs `fn` (worktree creation or removal) outside any sweep. */
  async enter<T>(fn: () => Promise<T>): Promise<T> {
    while (this.sweeping) await this.sweeping;
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
    }
  }

  /** Runs the sweep unless worktrees are being created or archived (or a sweep runs): then null. */
  async sweep<T>(fn: () => Promise<T>): Promise<T | null> {
    if (this.active > 0 || this.sweeping) return null;
    let done!: () => void;
    this.sweeping = new Promise<void>((resolve) => (done = resolve));
    try {
      return await fn();
    } finally {
      this.sweeping = null;
      done();
    }
  }
}
