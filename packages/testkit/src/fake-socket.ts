import type { Timers, WebSocketLike } from '@boocode/client';

/** A WebSocket stand-in the test drives by hand: open it, send frames, close it. */
export class FakeSocket implements WebSocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  closed: { code?: number } | null = null;

  constructor(readonly url: string) {}

  open(): void {
    this.onopen?.({});
  }
  send(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  close(code?: number): void {
    if (this.closed) return;
    this.closed = { code };
    this.onclose?.({ code: code ?? 1006, reason: '' });
  }
  /** The server side drops the connection. */
  drop(code = 1006): void {
    this.closed = { code };
    this.onclose?.({ code, reason: '' });
  }
}

/** Timers fired explicitly by the test, never by the clock. */
export class ManualTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  set(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  }
  clear(h: unknown): void {
    this.pending.delete(h as number);
  }
  /** Runs every pending timer (and ones they schedule with delay <= maxMs), oldest first. */
  runAll(maxMs = Infinity): void {
    for (let guard = 0; guard < 100; guard++) {
      const due = [...this.pending.entries()].filter(([, t]) => t.ms <= maxMs);
      if (due.length === 0) return;
      for (const [id, t] of due) {
        this.pending.delete(id);
        t.fn();
      }
    }
  }
}

/** A promise the test resolves when it chooses. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export const tick = () => new Promise((r) => setTimeout(r, 0));
