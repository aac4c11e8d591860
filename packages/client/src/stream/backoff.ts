/**
 * Reconnect delays: exponential with full jitter so that many tabs do not reconnect in
 * lockstep after a server restart. `random` is injectable for tests.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 15_000 };

/** Delay before reconnect attempt number `attempt` (0-based). */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, attempt));
  const r = (opts.random ?? Math.random)();
  // Never below half the ceiling: a zero delay would hammer a server that is still down.
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
