import type { Logger } from '@boocode/server';

/**
 * Stops cleanly on SIGINT/SIGTERM (once), then exits 0, or 1 when stopping failed. A bug in one
 * turn must not take every session down with the process, so stray rejections are only logged.
 */
export function onStopSignal(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  process.on('SIGINT', () => handle('SIGINT'));
  process.on('SIGTERM', () => handle('SIGTERM'));
  // Started by the `boocode` bin standing in for it (bin/boocode.js): when that process is gone,
  // even killed outright, nothing is left to stop this one.
  if (process.channel) {
    process.channel.unref();
    process.on('disconnect', () => handle('the parent boocode process exited'));
  }
}
