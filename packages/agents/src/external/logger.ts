/**
 * The logging surface the backends need. A pino `Logger` satisfies it, so the server can pass its
 * own (child) logger; tests and library users get silence by default.
 */
export interface AgentLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = (): void => {};

export const silentLogger: AgentLogger = { debug: noop, info: noop, warn: noop, error: noop };

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}
