import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * `level`: the configured BOOCODE_LOG_LEVEL (default `info`). `pretty`: one readable line per
 * entry with its level (for a person at a terminal); otherwise JSON lines for log collectors.
 * Written synchronously, so the lines keep their place around what the CLI prints itself.
 */
export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream; pretty?: boolean } = {}): Logger {
  const level = opts.level ?? 'info';
  if (opts.pretty) {
    return pino(
      { level },
      pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', ...(opts.destination ? { destination: opts.destination } : {}) }),
    );
  }
  return opts.destination ? pino({ level }, opts.destination as pino.DestinationStream) : pino({ level });
}
