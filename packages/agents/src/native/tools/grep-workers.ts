import { Worker } from 'node:worker_threads';
import { GREP_WORKER_SOURCE } from './grep-worker-source.js';

/**
 * Runs grep jobs on worker threads with a hard time bound. Idle workers are kept (unref'd, so they
 * never hold the process open) because starting a thread costs tens of milliseconds, more than most
 * searches. A job that overruns its budget or is cancelled gets its worker terminated: that is the
 * only way to stop a regex stuck in catastrophic backtracking.
 */

export interface GrepJob {
  files: string[];
  source: string;
  flags: string;
  maxMatches: number;
  maxFileBytes: number;
  maxLineChars: number;
}

export interface GrepJobResult {
  matches: { file: string; line: number; text: string }[];
  truncated: boolean;
  skipped: number;
}

export type GrepRun = { ok: true; result: GrepJobResult } | { ok: false; reason: 'timeout' | 'cancelled' | 'crashed'; error?: string };

/** Enough for parallel tool calls in one step; more idle threads would only hold memory. */
const MAX_IDLE = 2;
const idle: Worker[] = [];

function acquire(): Worker {
  const w = idle.pop() ?? new Worker(GREP_WORKER_SOURCE, { eval: true });
  w.ref();
  return w;
}

function release(w: Worker): void {
  w.removeAllListeners('message');
  w.removeAllListeners('error');
  w.removeAllListeners('exit');
  if (idle.length >= MAX_IDLE) {
    void w.terminate();
    return;
  }
  w.unref();
  // A worker that dies while idle is simply dropped from the pool.
  w.once('exit', () => {
    const i = idle.indexOf(w);
    if (i >= 0) idle.splice(i, 1);
  });
  idle.push(w);
}

export function runGrepJob(job: GrepJob, timeoutMs: number, signal: AbortSignal | undefined): Promise<GrepRun> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve({ ok: false, reason: 'cancelled' });
      return;
    }
    const worker = acquire();
    let settled = false;
    const finish = (r: GrepRun, reuse: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (reuse) release(worker);
      else {
        worker.removeAllListeners();
        void worker.terminate();
      }
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout' }, false), timeoutMs);
    const onAbort = (): void => finish({ ok: false, reason: 'cancelled' }, false);
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (m: GrepJobResult) => finish({ ok: true, result: m }, true));
    worker.once('error', (err) => finish({ ok: false, reason: 'crashed', error: err.message }, false));
    worker.once('exit', () => finish({ ok: false, reason: 'crashed', error: 'worker exited' }, false));
    worker.postMessage(job);
  });
}
