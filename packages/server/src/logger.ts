import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = opts.level ?? process.env.BOOCODE_LOG_LEVEL ?? 'info';
  return opts.destination ? pino({ level }, opts.destination as pino.DestinationStream) : pino({ level });
}
