type Cleanup = () => void;

const cleanups: Cleanup[] = [];
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

function runAll(): void {
  while (cleanups.length > 0) {
    try {
      cleanups.pop()!();
    } catch {
      // Best effort: one failed cleanup must not keep the others from running.
    }
  }
}

/**
 * Runs `fn` synchronously when this process ends: normally, by `process.exit`, on an uncaught
 * error, or on SIGINT/SIGTERM/SIGHUP (which then end the process as they would have, unless the
 * program handles them itself). Later registrations run first, so a cluster is stopped before its
 * directory is removed. Returns a function that unregisters `fn`.
 */
export function atProcessEnd(fn: Cleanup): () => void {
  if (!installed) {
    installed = true;
    process.once('exit', runAll);
    for (const signal of SIGNALS) {
      process.once(signal, () => {
        runAll();
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    }
  }
  cleanups.push(fn);
  return () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
  };
}
