import { pino, type Logger } from 'pino';

export type { Logger };

/** `level`: the configured BOOCODE_LOG_LEVEL (default `info`). */
export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = opts.level ?? 'info';
  return opts.destination ? pino({ level }, opts.destination as pino.DestinationStream) : pino({ level });
}
